// A port of Go 1.19 text/template/exec.go. ExecState mirrors Go's *state; the
// function names and the order of s.at(node) calls follow Go so that error
// messages name the same node. Go's panics become absl::Status returns; the
// current node is kept in node_ exactly as Go keeps s.node.
#include "template/exec.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "template/go_fmt.h"
#include "golang/strconv.h"
#include "template/node.h"
#include "template/exec_state.h"
#include "template/status_macros.h"

namespace confwatch {
namespace tmpl {

absl::Status ExecState::Run(std::string_view name, const Value& dot) {
  name_ = name;
  vars_.push_back({"$", dot});
  const ListNode* root = t_.Lookup(name);
  if (root == nullptr) {
    return Errorf(gostrconv::Quote(name) + " is an incomplete or empty template");
  }
  depth_ = ctx_.depth;
  return Walk(dot, root);
}

absl::Status ExecState::Errorf(const std::string& msg) const {
  if (node_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("template: %s: %s", name_, msg));
  }
  // Go's Tree.ErrorContext: line and byte column of the node (the column is
  // 0-based on the first line and after a newline alike).
  std::string_view text = std::string_view(t_.text()).substr(0, node_->pos());
  size_t nl = text.rfind('\n');
  size_t col = nl == std::string_view::npos ? node_->pos() : node_->pos() - (nl + 1);
  size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  return absl::InvalidArgumentError(absl::StrFormat(
      "template: %s:%d:%d: executing %s at <%s>: %s", t_.name(), line, col,
      gostrconv::Quote(name_), node_->String(), msg));
}

absl::Status ExecState::SetVar(std::string_view name, const Value& value) {
  for (size_t i = vars_.size(); i-- > 0;) {
    if (vars_[i].name == name) {
      vars_[i].value = value;
      return absl::OkStatus();
    }
  }
  return Errorf(absl::StrCat("undefined variable: ", std::string(name)));
}

Result ExecState::VarValue(std::string_view name) {
  for (size_t i = vars_.size(); i-- > 0;) {
    if (vars_[i].name == name) return vars_[i].value;
  }
  return Errorf(absl::StrCat("undefined variable: ", std::string(name)));
}

// A pipeline that is just "." with nothing declared: {{.}}.
bool ExecState::IsPrintDot(const PipeNode* pipe) {
  return pipe->decl.empty() && pipe->cmds.size() == 1 && pipe->cmds[0]->args.size() == 1 &&
         pipe->cmds[0]->args[0]->type() == NodeType::kDot;
}

absl::Status ExecState::Walk(const Value& dot, const Node* node) {
  At(node);
  switch (node->type()) {
    case NodeType::kAction: {
      // Do not pop variables so they persist until next end. Also, if the
      // action declares variables, don't print the result.
      const auto* action = static_cast<const ActionNode*>(node);
      if (IsPrintDot(action->pipe.get())) {
        // {{.}}: what EvalPipeline would compute, without the Status and
        // copies of the general path (the commonest action in a range).
        At(action->pipe.get());
        At(action->pipe->cmds[0]->args[0].get());
        if (dot.kind() == Kind::kInterface) return PrintValue(node, Value());
        if (dot.boxed()) return PrintValue(node, dot.Boxed(false));
        return PrintValue(node, dot);
      }
      CW_ASSIGN_OR_RETURN(Value val, EvalPipeline(dot, action->pipe.get()));
      if (action->pipe->decl.empty()) return PrintValue(node, val);
      return absl::OkStatus();
    }
    case NodeType::kBreak:
      flow_ = Flow::kBreak;
      return absl::OkStatus();
    case NodeType::kContinue:
      flow_ = Flow::kContinue;
      return absl::OkStatus();
    case NodeType::kComment:
      return absl::OkStatus();
    case NodeType::kIf:
    case NodeType::kWith:
      return WalkIfOrWith(dot, static_cast<const BranchNode*>(node));
    case NodeType::kList:
      for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
        if (n->type() == NodeType::kText) {  // the kText case below, without a call
          At(n.get());
          out_->append(static_cast<const TextNode*>(n.get())->text);
          continue;
        }
        if (n->type() == NodeType::kAction && dot.type() == Type::String() && !dot.boxed() &&
            IsPrintDot(static_cast<const ActionNode*>(n.get())->pipe.get())) {
          // {{.}} of a plain string (a getvs element, say) in a range body:
          // what the kAction case would print, leaving node_ where it would.
          At(n.get());
          out_->append(dot.AsString());
          continue;
        }
        CW_RETURN_IF_ERROR(Walk(dot, n.get()));
        if (flow_ != Flow::kNormal) break;
      }
      return absl::OkStatus();
    case NodeType::kRange:
      return WalkRange(dot, static_cast<const BranchNode*>(node));
    case NodeType::kTemplate:
      return WalkTemplate(dot, static_cast<const TemplateNode*>(node));
    case NodeType::kText:
      out_->append(static_cast<const TextNode*>(node)->text);
      return absl::OkStatus();
    default:
      return Errorf("unknown node: " + node->String());
  }
}

absl::Status ExecState::WalkIfOrWith(const Value& dot, const BranchNode* node) {
  size_t mark = vars_.size();
  CW_ASSIGN_OR_RETURN(Value val, EvalPipeline(dot, node->pipe.get()));
  absl::Status st;
  if (IsTrue(IndirectInterface(val))) {
    st = Walk(node->type() == NodeType::kWith ? val : dot, node->list.get());
  } else if (node->else_list) {
    st = Walk(dot, node->else_list.get());
  }
  vars_.resize(mark);
  return st;
}

absl::Status ExecState::OneIteration(const BranchNode* r, size_t mark, const Value& index,
                                 const Value& elem) {
  // Set top var (lexically the second if there are two) to the element.
  size_t ndecl = r->pipe->decl.size();
  if (ndecl > 0) vars_[vars_.size() - 1].value = elem;
  // Set next var (lexically the first if there are two) to the index.
  if (ndecl > 1) vars_[vars_.size() - 2].value = index;
  absl::Status st = Walk(elem, r->list.get());
  vars_.resize(mark);
  if (flow_ == Flow::kContinue) flow_ = Flow::kNormal;
  return st;
}

namespace {

// memcpy for the short pieces of a range body ("server ", an address,
// ";\n"): up to 16 bytes as two overlapping copies of a fixed size, inline,
// instead of a call.
template <typename Word>
inline void CopyOverlapping(char* dst, const char* src, size_t n) {
  Word head, tail;
  std::memcpy(&head, src, sizeof(Word));
  std::memcpy(&tail, src + n - sizeof(Word), sizeof(Word));
  std::memcpy(dst, &head, sizeof(Word));
  std::memcpy(dst + n - sizeof(Word), &tail, sizeof(Word));
}

inline void CopyBytes(char* dst, std::string_view src) {
  const size_t n = src.size();
  if (n > 16) {
    std::memcpy(dst, src.data(), n);
  } else if (n >= 8) {
    CopyOverlapping<uint64_t>(dst, src.data(), n);
  } else if (n >= 4) {
    CopyOverlapping<uint32_t>(dst, src.data(), n);
  } else if (n >= 2) {
    CopyOverlapping<uint16_t>(dst, src.data(), n);
  } else if (n == 1) {
    *dst = src[0];
  }
}

// Makes room in *out for `more` bytes and what a template usually prints
// after a range. An exact fit would make the next append -- often one
// newline after {{end}} -- move the whole output into a buffer twice its
// size: at a million upstreams, 55 MB for a 27.5 MB file, with the old
// 27.5 MB still live during the copy.
void ReserveFor(size_t more, std::string* out) {
  const size_t need = out->size() + more;
  if (need <= out->capacity()) return;
  out->reserve(need + need / 64 + 4096);
}

}  // namespace

namespace {

// A piece of a plain range body (see RangeOverPlainStrings).
enum class Piece { kText, kDot, kKey, kValue };

// {{.Key}} or {{.Value}} with nothing declared: kKey / kValue; else kText
// (meaning: not such an action).
Piece PairFieldOf(const PipeNode* pipe) {
  if (!pipe->decl.empty() || pipe->cmds.size() != 1 || pipe->cmds[0]->args.size() != 1 ||
      pipe->cmds[0]->args[0]->type() != NodeType::kField) {
    return Piece::kText;
  }
  const auto& ident = static_cast<const FieldNode*>(pipe->cmds[0]->args[0].get())->ident;
  if (ident.size() != 1) return Piece::kText;
  if (ident[0] == "Key") return Piece::kKey;
  if (ident[0] == "Value") return Piece::kValue;
  return Piece::kText;
}

}  // namespace

bool ExecState::RangeOverPlainStrings(const BranchNode* r, const Value& list) {
  // The body's pieces in order: a text, {{.}}, or (over pairs) {{.Key}} or
  // {{.Value}}. Anything else (a variable, a call, a nested action) takes
  // the general path.
  if (!r->pipe->decl.empty() || list.Len() == 0) return false;
  const PairViews* pairs = list.AsPairViews();
  const auto& nodes = r->list->nodes;
  struct Part {
    Piece piece;
    const std::string* text;  // for kText
  };
  absl::InlinedVector<Part, 8> parts;
  size_t texts = 0;
  size_t count[4] = {};  // parts of each Piece
  for (const auto& n : nodes) {
    if (n->type() == NodeType::kText) {
      parts.push_back({Piece::kText, &static_cast<const TextNode*>(n.get())->text});
      texts += parts.back().text->size();
      continue;
    }
    if (n->type() != NodeType::kAction) return false;
    const PipeNode* pipe = static_cast<const ActionNode*>(n.get())->pipe.get();
    if (pairs == nullptr && IsPrintDot(pipe)) {
      parts.push_back({Piece::kDot, nullptr});
    } else if (const Piece field = pairs != nullptr ? PairFieldOf(pipe) : Piece::kText;
               field != Piece::kText) {
      parts.push_back({field, nullptr});
    } else {
      return false;
    }
    ++count[static_cast<int>(parts.back().piece)];
  }
  const size_t dots = count[static_cast<int>(Piece::kDot)];
  const size_t keys = count[static_cast<int>(Piece::kKey)];
  const size_t values = count[static_cast<int>(Piece::kValue)];
  // Nothing below can fail, break or declare: append it all, straight into
  // the output grown once. part_of(e, piece) is the bytes {{.}}, {{.Key}} or
  // {{.Value}} prints for element e; size_of(e) their total for the body.
  auto append = [&](const auto& elems, auto part_of, auto size_of) {
    size_t bytes = 0;
    for (const auto& e : elems) bytes += size_of(e);
    size_t at = out_->size();
    const size_t body = texts * elems.size() + bytes;
    ReserveFor(body, out_);
    out_->resize(at + body);
    char* const out = out_->data();
    for (const auto& e : elems) {
      for (const Part& p : parts) {
        const std::string_view text =
            p.piece == Piece::kText ? std::string_view(*p.text) : part_of(e, p.piece);
        CopyBytes(out + at, text);
        at += text.size();
      }
    }
  };
  const Type* const string_type = Type::String();
  if (pairs != nullptr) {
    // A list of key/value pairs as views (gets): no Value per element.
    append(
        pairs->pairs(),
        [](const PairViews::Pair& e, Piece piece) { return piece == Piece::kKey ? e.key : e.value; },
        [&](const PairViews::Pair& e) { return keys * e.key.size() + values * e.value.size(); });
  } else if (const StringViews* views = list.AsStringViews()) {
    // A []string of views (getvs): no Value per element is ever made.
    append(
        views->views(), [](std::string_view s, Piece) { return s; },
        [&](std::string_view s) { return dots * s.size(); });
  } else {
    // Every element a plain string (not a named string type, which may
    // print otherwise).
    const ValueList& elems = list.AsList();
    for (const Value& e : elems) {
      if (e.type() != string_type || e.boxed()) return false;
    }
    append(
        elems, [](const Value& e, Piece) { return e.AsString(); },
        [&](const Value& e) { return dots * e.AsString().size(); });
  }
  // Where the general path would leave node_: the body's last node.
  At(nodes.empty() ? r->list.get() : nodes.back().get());
  return true;
}

absl::Status ExecState::WalkRange(const Value& dot, const BranchNode* r) {
  At(r);
  size_t outer_mark = vars_.size();
  CW_ASSIGN_OR_RETURN(Value piped, EvalPipeline(dot, r->pipe.get()));
  Value val = Indirect(piped).first;
  // mark top of stack before any variables in the body are pushed.
  size_t mark = vars_.size();
  bool ran = false;
  absl::Status st;
  switch (val.kind()) {
    case Kind::kSlice: {
      // Elements of a []interface{} are boxed copies; any other element is
      // passed as it is stored, with no reference-count traffic per element.
      const bool boxed = val.type()->elem()->kind() == Kind::kInterface;
      if (!boxed && RangeOverPlainStrings(r, val)) {
        ran = true;
        break;
      }
      const ValueList& elems = val.AsList();
      const bool want_index = r->pipe->decl.size() > 1;
      const Value no_index;
      for (size_t i = 0; i < elems.size() && st.ok() && flow_ != Flow::kBreak; ++i) {
        ran = true;
        if (want_index) {
          const Value index = Value::Int(static_cast<int64_t>(i));
          st = boxed ? OneIteration(r, mark, index, elems[i].Boxed())
                     : OneIteration(r, mark, index, elems[i]);
        } else if (boxed) {
          st = OneIteration(r, mark, no_index, elems[i].Boxed());
        } else {
          st = OneIteration(r, mark, no_index, elems[i]);
        }
      }
      break;
    }
    case Kind::kMap: {
      bool boxed = val.type()->elem()->kind() == Kind::kInterface;
      bool want_key = r->pipe->decl.size() > 1;
      for (const auto& [key, elem] : val.AsMap()) {
        if (!st.ok() || flow_ == Flow::kBreak) break;
        ran = true;
        Value k = want_key ? Value::StringOf(val.type()->key(), key) : Value();
        st = OneIteration(r, mark, k, boxed ? elem.Boxed() : elem);
      }
      break;
    }
    case Kind::kInvalid:
      break;  // An invalid value is likely a nil map, etc. and acts like an empty map.
    default:
      vars_.resize(outer_mark);
      return Errorf("range can't iterate over " + gofmt::Sprint({val}, &ctx_));
  }
  if (flow_ == Flow::kBreak) flow_ = Flow::kNormal;
  if (st.ok() && !ran && r->else_list) st = Walk(dot, r->else_list.get());
  vars_.resize(outer_mark);
  return st;
}

absl::Status ExecState::WalkTemplate(const Value& dot, const TemplateNode* t) {
  At(t);
  if (t_.Lookup(t->name) == nullptr) {
    return Errorf(absl::StrCat("template ", gostrconv::Quote(t->name), " not defined"));
  }
  if (depth_ >= kMaxExecDepth) {
    absl::Status st = Errorf(absl::StrFormat("exceeded maximum template depth (%d)", kMaxExecDepth));
    return absl::ResourceExhaustedError(st.message());
  }
  // Variables declared by the pipeline persist.
  Value new_dot;
  if (t->pipe) {
    CW_ASSIGN_OR_RETURN(new_dot, EvalPipeline(dot, t->pipe.get()));
  }
  // Go runs a copy of the state with a fresh variable stack; save ours.
  std::vector<Variable> saved_vars;
  saved_vars.swap(vars_);
  std::string_view saved_name = name_;
  const Node* saved_node = node_;
  vars_.push_back({"$", new_dot});
  name_ = t->name;
  ++depth_;
  ctx_.depth = depth_;
  absl::Status st = Walk(new_dot, t_.Lookup(t->name));
  --depth_;
  ctx_.depth = depth_;
  name_ = saved_name;
  node_ = saved_node;
  vars_.swap(saved_vars);
  return st;
}

absl::Status ExecState::PrintValue(const Node* n, const Value& v) {
  At(n);
  if (v.valid() && v.kind() != Kind::kPointer) {
    gofmt::AppendPrint(out_, v, &ctx_);  // already printable: no copy
  } else {
    gofmt::AppendPrint(out_, PrintableValue(v), &ctx_);
  }
  return absl::OkStatus();
}

// Eval functions evaluate pipelines, commands, and their elements and
// extract values from the data structure by examining fields, calling
// methods, and so on. The printing of those values happens only through
// walk functions.

Result ExecState::EvalPipeline(const Value& dot, const PipeNode* pipe) {
  if (pipe == nullptr) return Value();
  At(pipe);
  Value value;
  bool have = false;
  for (const auto& cmd : pipe->cmds) {
    // The previous value is this one's final arg.
    CW_ASSIGN_OR_RETURN(value, EvalCommand(dot, cmd.get(), have ? &value : nullptr));
    have = true;
    // If the object has type interface{}, dig down one level to the thing
    // inside.
    if (value.kind() == Kind::kInterface) {
      value = Value();
    } else if (value.boxed()) {
      value = value.Boxed(false);
    }
  }
  for (const auto& variable : pipe->decl) {
    if (pipe->is_assign) {
      CW_RETURN_IF_ERROR(SetVar(variable->ident[0], value));
    } else {
      vars_.push_back({variable->ident[0], value});
    }
  }
  return value;
}

absl::Status ExecState::NotAFunction(const std::vector<NodePtr>* args, const Value* final) {
  if ((args != nullptr && args->size() > 1) || final != nullptr) {
    return Errorf("can't give argument to non-function " + (*args)[0]->String());
  }
  return absl::OkStatus();
}

Result ExecState::EvalCommand(const Value& dot, const CommandNode* cmd, const Value* final) {
  const Node* first_word = cmd->args[0].get();
  switch (first_word->type()) {
    case NodeType::kField:
      return EvalFieldNode(dot, static_cast<const FieldNode*>(first_word), &cmd->args, final);
    case NodeType::kChain:
      return EvalChainNode(dot, static_cast<const ChainNode*>(first_word), &cmd->args, final);
    case NodeType::kIdentifier:
      // Must be a function.
      return EvalFunction(dot, static_cast<const IdentifierNode*>(first_word), cmd, &cmd->args,
                          final);
    case NodeType::kPipe:
      // Parenthesized pipeline. The arguments are all inside the pipeline;
      // final must be absent.
      CW_RETURN_IF_ERROR(NotAFunction(&cmd->args, final));
      return EvalPipeline(dot, static_cast<const PipeNode*>(first_word));
    case NodeType::kVariable:
      return EvalVariableNode(dot, static_cast<const VariableNode*>(first_word), &cmd->args,
                              final);
    default:
      break;
  }
  At(first_word);
  CW_RETURN_IF_ERROR(NotAFunction(&cmd->args, final));
  switch (first_word->type()) {
    case NodeType::kBool:
      return Value::Bool(static_cast<const BoolNode*>(first_word)->value);
    case NodeType::kDot:
      return dot;
    case NodeType::kNil:
      return Errorf("nil is not a command");
    case NodeType::kNumber:
      return IdealConstant(static_cast<const NumberNode*>(first_word));
    case NodeType::kString:
      return static_cast<const StringNode*>(first_word)->value;
    default:
      return Errorf("can't evaluate command " + gostrconv::Quote(first_word->String()));
  }
}

Result ExecState::IdealConstant(const NumberNode* constant) {
  // These are ideal constants but we don't know the type and we have no
  // context. (If it was a method argument, we'd know what we need.) The
  // syntax guides us to some extent.
  At(constant);
  const std::string& text = constant->text;
  bool is_hex_int = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
                    text.find_first_of("pP") == std::string::npos;
  bool is_rune_int = !text.empty() && text[0] == '\'';
  if (constant->is_complex) return Value::Complex(constant->real, constant->imag);
  if (constant->is_float && !is_hex_int && !is_rune_int &&
      text.find_first_of(".eEpP") != std::string::npos) {
    return Value::Float64(constant->float64);
  }
  if (constant->is_int) return Value::Int(constant->int64);
  if (constant->is_uint) return Errorf(text + " overflows int");
  return Value();
}

Value IndirectInterface(const Value& v) {
  if (v.kind() == Kind::kInterface) return Value();
  if (v.boxed()) return v.Boxed(false);
  return v;
}

std::pair<Value, bool> Indirect(const Value& v0) {
  Value v = v0;
  for (;;) {
    if (v.kind() == Kind::kInterface) return {v, true};
    if (v.boxed()) {
      v = v.Boxed(false);
      continue;
    }
    if (v.kind() == Kind::kPointer) {
      if (v.IsNil()) return {v, true};
      v = v.Retyped(v.type()->elem());
      continue;
    }
    return {v, false};
  }
}

bool IsTrue(const Value& val) {
  switch (val.kind()) {
    case Kind::kInvalid:
      // Something like var x interface{}, never set. It's a form of nil.
      return false;
    case Kind::kMap:
    case Kind::kSlice:
    case Kind::kString:
      return val.Len() > 0;
    case Kind::kBool:
      return val.AsBool();
    case Kind::kComplex128:
      return val.Real() != 0 || val.Imag() != 0;
    case Kind::kPointer:
    case Kind::kInterface:
      return !val.IsNil();
    case Kind::kFloat32:
    case Kind::kFloat64:
      return val.AsFloat() != 0;
    case Kind::kStruct:
      return true;  // Struct values are always true.
    default:
      return val.type()->IsInteger() ? val.AsUint() != 0 : true;
  }
}

Value PrintableValue(const Value& v0) {
  Value v = v0;
  if (v.kind() == Kind::kPointer) v = Indirect(v).first;  // fmt.Fprint handles nil.
  if (!v.valid()) return Value::String("<no value>");
  return v;
}

absl::Status ExecuteTree(const Template& t, std::string_view name, const Value& dot,
                         ExecContext& ctx, std::string* out) {
  ExecState state(t, ctx, out);
  return state.Run(name, dot);
}

}  // namespace tmpl
}  // namespace confwatch
