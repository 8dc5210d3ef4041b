// A port of Go 1.19 text/template/exec.go. State mirrors Go's *state; the
// function names and the order of s.at(node) calls follow Go so that error
// messages name the same node. Go's panics become absl::Status returns; the
// current node is kept in node_ exactly as Go keeps s.node.
#include "template/exec.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "template/go_fmt.h"
#include "template/go_strconv.h"
#include "template/node.h"
#include "template/status_macros.h"

namespace confwatch {
namespace tmpl {
namespace {

using Result = absl::StatusOr<Value>;

struct Variable {
  std::string_view name;
  Value value;
};

class State {
 public:
  State(const Template& t, ExecContext& ctx, std::string* out) : t_(t), ctx_(ctx), out_(out) {}

  absl::Status Run(std::string_view name, const Value& dot) {
    name_ = name;
    vars_.push_back({"$", dot});
    const ListNode* root = t_.Lookup(name);
    if (root == nullptr) return Errorf(gostrconv::Quote(name) + " is an incomplete or empty template");
    depth_ = ctx_.depth;
    return Walk(dot, root);
  }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  void At(const Node* node) { node_ = node; }
  absl::Status Errorf(const std::string& msg) const;
  absl::Status SetVar(std::string_view name, const Value& value);
  Result VarValue(std::string_view name);

  absl::Status Walk(const Value& dot, const Node* node);
  absl::Status WalkIfOrWith(const Value& dot, const BranchNode* node);
  absl::Status WalkRange(const Value& dot, const BranchNode* r);
  absl::Status OneIteration(const BranchNode* r, size_t mark, const Value& index,
                            const Value& elem);
  absl::Status WalkTemplate(const Value& dot, const TemplateNode* t);
  absl::Status PrintValue(const Node* n, const Value& v);

  Result EvalPipeline(const Value& dot, const PipeNode* pipe);
  absl::Status NotAFunction(const std::vector<NodePtr>* args, const Value* final);
  Result EvalCommand(const Value& dot, const CommandNode* cmd, const Value* final);
  Result IdealConstant(const NumberNode* constant);
  Result EvalFieldNode(const Value& dot, const FieldNode* field,
                       const std::vector<NodePtr>* args, const Value* final);
  Result EvalChainNode(const Value& dot, const ChainNode* chain,
                       const std::vector<NodePtr>* args, const Value* final);
  Result EvalVariableNode(const Value& dot, const VariableNode* variable,
                          const std::vector<NodePtr>* args, const Value* final);
  Result EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                        const std::string* ident, size_t n, const std::vector<NodePtr>* args,
                        const Value* final);
  Result EvalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd,
                      const std::vector<NodePtr>* args, const Value* final);
  Result EvalField(const Value& dot, const std::string& field_name, const Node* node,
                   const std::vector<NodePtr>* args, const Value* final, const Value& receiver);
  Result EvalCall(const Value& dot, const Function& fn, const Value* receiver, bool is_builtin,
                  const Node* node, const std::string& name, const std::vector<NodePtr>* args,
                  const Value* final);
  Result ValidateType(const Value& value, const Type* typ);
  Result EvalArg(const Value& dot, const Type* typ, const Node* n);
  Result EvalEmptyInterface(const Value& dot, const Node* n);
  Result EvalConstant(const Type* typ, const Node* n);

  const Template& t_;
  ExecContext& ctx_;
  std::string* out_;
  std::string_view name_;  // the template being executed (Go's s.tmpl.Name())
  const Node* node_ = nullptr;
  std::vector<Variable> vars_;
  int depth_ = 0;
  Flow flow_ = Flow::kNormal;
};

absl::Status State::Errorf(const std::string& msg) const {
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

absl::Status State::SetVar(std::string_view name, const Value& value) {
  for (size_t i = vars_.size(); i-- > 0;) {
    if (vars_[i].name == name) {
      vars_[i].value = value;
      return absl::OkStatus();
    }
  }
  return Errorf(absl::StrCat("undefined variable: ", std::string(name)));
}

Result State::VarValue(std::string_view name) {
  for (size_t i = vars_.size(); i-- > 0;) {
    if (vars_[i].name == name) return vars_[i].value;
  }
  return Errorf(absl::StrCat("undefined variable: ", std::string(name)));
}

absl::Status State::Walk(const Value& dot, const Node* node) {
  At(node);
  switch (node->type()) {
    case NodeType::kAction: {
      // Do not pop variables so they persist until next end. Also, if the
      // action declares variables, don't print the result.
      const auto* action = static_cast<const ActionNode*>(node);
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

absl::Status State::WalkIfOrWith(const Value& dot, const BranchNode* node) {
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

absl::Status State::OneIteration(const BranchNode* r, size_t mark, const Value& index,
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

absl::Status State::WalkRange(const Value& dot, const BranchNode* r) {
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
      size_t n = val.Len();
      for (size_t i = 0; i < n && st.ok() && flow_ != Flow::kBreak; ++i) {
        ran = true;
        st = OneIteration(r, mark, Value::Int(static_cast<int64_t>(i)), val.Index(i));
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

absl::Status State::WalkTemplate(const Value& dot, const TemplateNode* t) {
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

absl::Status State::PrintValue(const Node* n, const Value& v) {
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

Result State::EvalPipeline(const Value& dot, const PipeNode* pipe) {
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

absl::Status State::NotAFunction(const std::vector<NodePtr>* args, const Value* final) {
  if ((args != nullptr && args->size() > 1) || final != nullptr) {
    return Errorf("can't give argument to non-function " + (*args)[0]->String());
  }
  return absl::OkStatus();
}

Result State::EvalCommand(const Value& dot, const CommandNode* cmd, const Value* final) {
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
      return Value::String(static_cast<const StringNode*>(first_word)->text);
    default:
      return Errorf("can't evaluate command " + gostrconv::Quote(first_word->String()));
  }
}

Result State::IdealConstant(const NumberNode* constant) {
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

Result State::EvalFieldNode(const Value& dot, const FieldNode* field,
                            const std::vector<NodePtr>* args, const Value* final) {
  At(field);
  return EvalFieldChain(dot, dot, field, field->ident.data(), field->ident.size(), args, final);
}

Result State::EvalChainNode(const Value& dot, const ChainNode* chain,
                            const std::vector<NodePtr>* args, const Value* final) {
  At(chain);
  if (chain->field.empty()) return Errorf("internal error: no fields in evalChainNode");
  if (chain->node->type() == NodeType::kNil) {
    return Errorf("indirection through explicit nil in " + chain->String());
  }
  // (pipe).Field1.Field2 has pipe as .Node, fields as .Field. Eval the
  // pipeline, then the fields.
  CW_ASSIGN_OR_RETURN(Value pipe, EvalArg(dot, nullptr, chain->node.get()));
  return EvalFieldChain(dot, pipe, chain, chain->field.data(), chain->field.size(), args, final);
}

Result State::EvalVariableNode(const Value& dot, const VariableNode* variable,
                               const std::vector<NodePtr>* args, const Value* final) {
  // $x.Field has $x as the first ident, Field as the second. Eval the var,
  // then the fields.
  At(variable);
  CW_ASSIGN_OR_RETURN(Value value, VarValue(variable->ident[0]));
  if (variable->ident.size() == 1) {
    CW_RETURN_IF_ERROR(NotAFunction(args, final));
    return value;
  }
  return EvalFieldChain(dot, value, variable, variable->ident.data() + 1,
                        variable->ident.size() - 1, args, final);
}

// evalFieldChain evaluates .X.Y.Z possibly followed by arguments. dot is the
// environment in which to evaluate arguments, while receiver is the value
// being walked along the chain.
Result State::EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                             const std::string* ident, size_t n,
                             const std::vector<NodePtr>* args, const Value* final) {
  for (size_t i = 0; i + 1 < n; ++i) {
    CW_ASSIGN_OR_RETURN(receiver, EvalField(dot, ident[i], node, nullptr, nullptr, receiver));
  }
  // Now if it's a method, it gets the arguments.
  return EvalField(dot, ident[n - 1], node, args, final, receiver);
}

Result State::EvalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd,
                           const std::vector<NodePtr>* args, const Value* final) {
  At(node);
  const std::string& name = node->ident;
  const Function* fn = t_.funcs().Find(name);
  bool is_builtin = false;
  if (fn == nullptr) {
    fn = Builtins().Find(name);
    is_builtin = fn != nullptr;
  }
  if (fn == nullptr) return Errorf(gostrconv::Quote(name) + " is not a defined function");
  return EvalCall(dot, *fn, nullptr, is_builtin, cmd, name, args, final);
}

// evalField evaluates an expression like (.Field) or (.Field arg1 arg2).
// The 'final' argument represents the return value from the preceding value
// of the pipeline, if any.
Result State::EvalField(const Value& dot, const std::string& field_name, const Node* node,
                        const std::vector<NodePtr>* args, const Value* final,
                        const Value& receiver0) {
  if (!receiver0.valid()) {
    if (t_.options().missing_key == ParseOptions::MissingKey::kError) {
      // Treat invalid value as missing map key.
      return Errorf("nil data; no entry for key " + gostrconv::Quote(field_name));
    }
    return Value();
  }
  const Type* typ = receiver0.static_type();
  auto [receiver, is_nil] = Indirect(receiver0);
  if (receiver.kind() == Kind::kInterface && is_nil) {
    // Calling a method on a nil interface can't work. The MissingKey option
    // doesn't apply since the receiver is nil.
    return Errorf(absl::StrCat("nil pointer evaluating ", typ->name(), ".", field_name));
  }
  // Unless it's an interface, need to get to a value of type *T to guarantee
  // we see all methods of both T and *T.
  if (const Function* method = receiver.type()->Method(field_name)) {
    return EvalCall(dot, *method, &receiver, false, node, field_name, args, final);
  }
  bool has_args = (args != nullptr && args->size() > 1) || final != nullptr;
  // It's not a method; must be a field of a struct or an element of a map.
  switch (receiver.kind()) {
    case Kind::kStruct: {
      int index = receiver.type()->FieldIndex(field_name);
      if (index >= 0) {
        // If it's a function, we must call it.
        if (has_args) return Errorf(field_name + " has arguments but cannot be invoked as function");
        return receiver.Field(static_cast<size_t>(index));
      }
      break;
    }
    case Kind::kMap: {
      // If it's a map, attempt to use the field name as a key.
      if (has_args) return Errorf(field_name + " is not a method but has arguments");
      Value result = receiver.MapIndex(field_name);
      if (!result.valid()) {
        switch (t_.options().missing_key) {
          case ParseOptions::MissingKey::kDefault:
            break;  // Just use the invalid value.
          case ParseOptions::MissingKey::kZero:
            result = Value::Zero(receiver.type()->elem());
            break;
          case ParseOptions::MissingKey::kError:
            return Errorf("map has no entry for key " + gostrconv::Quote(field_name));
        }
      }
      return result;
    }
    case Kind::kPointer:
      if (receiver.type()->FieldIndex(field_name) >= 0 && is_nil) {
        return Errorf(absl::StrCat("nil pointer evaluating ", typ->name(), ".", field_name));
      }
      break;
    default:
      break;
  }
  return Errorf(absl::StrCat("can't evaluate field ", field_name, " in type ", typ->name()));
}

// evalCall executes a function or method call. If it's a method, receiver
// is bound to it (Go's method value) and is not among the declared
// parameters the caller sees in counts.
Result State::EvalCall(const Value& dot, const Function& fn, const Value* receiver,
                       bool is_builtin, const Node* node, const std::string& name,
                       const std::vector<NodePtr>* args0, const Value* final) {
  // Zeroth arg is function name/node; not passed to function.
  const NodePtr* args = nullptr;
  size_t nargs = 0;
  if (args0 != nullptr && !args0->empty()) {
    args = args0->data() + 1;
    nargs = args0->size() - 1;
  }
  const Signature& sig = fn.signature();
  size_t skip = receiver != nullptr ? 1 : 0;  // methods declare the receiver first
  size_t num_params = sig.params.size() >= skip ? sig.params.size() - skip : 0;
  const Type* const* params = sig.params.data() + skip;
  size_t num_in = nargs + (final != nullptr ? 1 : 0);
  size_t num_fixed = nargs;
  if (fn.variadic()) {
    num_fixed = num_params;
    if (num_in < num_fixed) {
      return Errorf(absl::StrFormat("wrong number of args for %s: want at least %d got %d", name,
                                    num_params, nargs));
    }
  } else if (num_in != num_params) {
    return Errorf(absl::StrFormat("wrong number of args for %s: want %d got %d", name,
                                  num_params, num_in));
  }

  // Special case for builtin and/or, which short-circuit.
  if (is_builtin && (name == "and" || name == "or")) {
    const Type* arg_type = params[0];
    Value v;
    for (size_t i = 0; i < nargs; ++i) {
      CW_ASSIGN_OR_RETURN(v, EvalArg(dot, arg_type, args[i].get()));
      if (IsTrue(IndirectInterface(v)) == (name == "or")) {
        // This value was already unwrapped by the .Interface().(reflect.Value).
        return v;
      }
    }
    if (final != nullptr) {
      // The last argument to and/or is coming from the pipeline. We didn't
      // short circuit on an earlier argument, so we are going to return
      // this one; check its type.
      CW_ASSIGN_OR_RETURN(v, ValidateType(*final, arg_type));
    }
    return v;
  }

  // Build the arg list.
  std::vector<Value> argv;
  argv.reserve(num_in + skip);
  if (receiver != nullptr) argv.push_back(*receiver);
  // Args must be evaluated. Fixed args first.
  size_t i = 0;
  for (; i < num_fixed && i < nargs; ++i) {
    CW_ASSIGN_OR_RETURN(Value v, EvalArg(dot, params[i], args[i].get()));
    argv.push_back(std::move(v));
  }
  // Now the ... args.
  if (fn.variadic()) {
    for (; i < nargs; ++i) {
      CW_ASSIGN_OR_RETURN(Value v, EvalArg(dot, sig.variadic, args[i].get()));
      argv.push_back(std::move(v));
    }
  }
  // Add final value if necessary.
  if (final != nullptr) {
    const Type* t = fn.variadic() ? sig.variadic : params[num_params - 1];
    if (fn.variadic() && num_in - 1 < num_fixed) {
      // The added final argument corresponds to a fixed parameter of the
      // function. Validate against the type of the actual parameter.
      t = params[num_in - 1];
    }
    CW_ASSIGN_OR_RETURN(Value v, ValidateType(*final, t));
    argv.push_back(std::move(v));
  }
  absl::StatusOr<Value> result = fn.Call(ctx_, argv);
  if (!result.ok()) {
    At(node);
    absl::Status st = Errorf(absl::StrCat("error calling ", name, ": ", result.status().message()));
    if (absl::IsResourceExhausted(result.status())) {
      return absl::ResourceExhaustedError(st.message());
    }
    return st;
  }
  if (sig.result != nullptr && sig.result->kind() == Kind::kInterface) return result->Boxed();
  return result;
}

// validateType guarantees that the value is valid and assignable to the
// type.
Result State::ValidateType(const Value& value0, const Type* typ) {
  if (!value0.valid()) {
    // An untyped nil interface{}. Accept as a proper nil value.
    if (typ == nullptr) return Value();
    // Like above, but use the zero value of the non-nil type.
    if (typ->CanBeNil()) return typ->kind() == Kind::kReflectValue ? Value() : Value::Zero(typ);
    return Errorf("invalid value; expected " + typ->name());
  }
  if (typ == nullptr || typ->kind() == Kind::kReflectValue) return value0;
  Value value = value0;
  if (!value.static_type()->AssignableTo(typ)) {
    if (value.boxed() && value.kind() != Kind::kInterface) {
      value = value.Boxed(false);
      if (value.type()->AssignableTo(typ)) return value;
      // fallthrough
    }
    // Does one dereference or indirection work? We could do more, as we do
    // with method receivers, but that gets messy and method receivers are
    // much more constrained, so it makes more sense there than here. Besides,
    // one is almost always all you need.
    if (value.kind() == Kind::kPointer && value.type()->elem()->AssignableTo(typ)) {
      if (value.IsNil()) return Errorf("dereference of nil pointer of type " + typ->name());
      return value.Retyped(value.type()->elem());
    }
    return Errorf(absl::StrCat("wrong type for value; expected ", typ->name(), "; got ",
                               value.static_type()->name()));
  }
  return value;
}

Result State::EvalArg(const Value& dot, const Type* typ, const Node* n) {
  At(n);
  switch (n->type()) {
    case NodeType::kDot:
      return ValidateType(dot, typ);
    case NodeType::kNil:
      if (typ != nullptr && typ->CanBeNil()) {
        return typ->kind() == Kind::kReflectValue ? Value() : Value::Zero(typ);
      }
      return Errorf("cannot assign nil to " + (typ != nullptr ? typ->name() : "<nil>"));
    case NodeType::kField: {
      std::vector<NodePtr> const* no_args = nullptr;
      CW_ASSIGN_OR_RETURN(Value v, EvalFieldNode(dot, static_cast<const FieldNode*>(n), no_args,
                                                 nullptr));
      return ValidateType(v, typ);
    }
    case NodeType::kVariable: {
      CW_ASSIGN_OR_RETURN(
          Value v, EvalVariableNode(dot, static_cast<const VariableNode*>(n), nullptr, nullptr));
      return ValidateType(v, typ);
    }
    case NodeType::kPipe: {
      CW_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, static_cast<const PipeNode*>(n)));
      return ValidateType(v, typ);
    }
    case NodeType::kIdentifier: {
      CW_ASSIGN_OR_RETURN(Value v, EvalFunction(dot, static_cast<const IdentifierNode*>(n), n,
                                                nullptr, nullptr));
      return ValidateType(v, typ);
    }
    case NodeType::kChain: {
      CW_ASSIGN_OR_RETURN(
          Value v, EvalChainNode(dot, static_cast<const ChainNode*>(n), nullptr, nullptr));
      return ValidateType(v, typ);
    }
    default:
      break;
  }
  if (typ == nullptr) return Errorf("can't handle " + n->String() + " for arg of type <nil>");
  switch (typ->kind()) {
    case Kind::kInterface:
      if (typ != Type::Error()) return EvalEmptyInterface(dot, n);
      break;
    case Kind::kReflectValue:
      return EvalEmptyInterface(dot, n);
    default:
      return EvalConstant(typ, n);
  }
  return Errorf(absl::StrCat("can't handle ", n->String(), " for arg of type ", typ->name()));
}

// A constant argument converted to a parameter of a basic type.
Result State::EvalConstant(const Type* typ, const Node* n) {
  At(n);
  const auto* num = n->type() == NodeType::kNumber ? static_cast<const NumberNode*>(n) : nullptr;
  switch (typ->kind()) {
    case Kind::kBool:
      if (n->type() == NodeType::kBool) {
        return Value::Bool(static_cast<const BoolNode*>(n)->value).Retyped(typ);
      }
      return Errorf("expected bool; found " + n->String());
    case Kind::kComplex128:
      if (num != nullptr && num->is_complex) return Value::Complex(num->real, num->imag);
      return Errorf("expected complex; found " + n->String());
    case Kind::kFloat32:
    case Kind::kFloat64:
      if (num != nullptr && num->is_float) return Value::Float(typ, num->float64);
      return Errorf("expected float; found " + n->String());
    case Kind::kString:
      if (n->type() == NodeType::kString) {
        return Value::StringOf(typ, static_cast<const StringNode*>(n)->text);
      }
      return Errorf("expected string; found " + n->String());
    default:
      break;
  }
  if (typ->IsInteger() && !typ->IsUnsigned()) {
    if (num != nullptr && num->is_int) return Value::Integer(typ, static_cast<uint64_t>(num->int64));
    return Errorf("expected integer; found " + n->String());
  }
  if (typ->IsUnsigned()) {
    if (num != nullptr && num->is_uint) return Value::Integer(typ, num->uint64);
    return Errorf("expected unsigned integer; found " + n->String());
  }
  return Errorf(absl::StrCat("can't handle ", n->String(), " for arg of type ", typ->name()));
}

Result State::EvalEmptyInterface(const Value& dot, const Node* n) {
  At(n);
  switch (n->type()) {
    case NodeType::kBool:
      return Value::Bool(static_cast<const BoolNode*>(n)->value);
    case NodeType::kDot:
      return dot;
    case NodeType::kField:
      return EvalFieldNode(dot, static_cast<const FieldNode*>(n), nullptr, nullptr);
    case NodeType::kIdentifier:
      return EvalFunction(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr);
    case NodeType::kNil:
      // NilNode is handled in evalArg, the only place that calls here.
      return Errorf("evalEmptyInterface: nil (can't happen)");
    case NodeType::kNumber:
      return IdealConstant(static_cast<const NumberNode*>(n));
    case NodeType::kString:
      return Value::String(static_cast<const StringNode*>(n)->text);
    case NodeType::kVariable:
      return EvalVariableNode(dot, static_cast<const VariableNode*>(n), nullptr, nullptr);
    case NodeType::kPipe:
      return EvalPipeline(dot, static_cast<const PipeNode*>(n));
    default:
      return Errorf("can't handle assignment of " + n->String() + " to empty interface argument");
  }
}

}  // namespace

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
  State state(t, ctx, out);
  return state.Run(name, dot);
}

}  // namespace tmpl
}  // namespace confwatch
