// A port of Go 1.19 text/template/parse/parse.go. Each TreeParser is one Go
// *Tree: {{define}} and {{block}} start a new TreeParser on the same lexer,
// with its own three-token lookahead, exactly as Go does (this matters for
// which line an error reports). Go's panics become a sticky error in the
// shared state: after the first error every method returns at once.
#include "template/parser.h"


#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "golang/strconv.h"
#include "template/lexer.h"

namespace confwatch {
namespace tmpl {
namespace {

struct Shared {
  Lexer* lex;
  const ParseConfig* config;
  TreeSet* trees;
  std::string parse_name;  // top-level name, for messages
  std::string error;       // first error; non-empty means failed
  int depth = 0;           // nesting guard shared by all trees
};

class TreeParser {
 public:
  TreeParser(std::string name, Shared* shared) : name_(std::move(name)), s_(shared) {
    vars_.push_back("$");
  }

  void Parse();
  void ParseDefinition();

 private:
  bool failed() const { return !s_->error.empty(); }
  ABSL_ATTRIBUTE_NOINLINE void Errorf(const std::string& msg) {
    if (failed()) return;
    s_->error = absl::StrFormat("template: %s:%d: %s", s_->parse_name, token_[0].line, msg);
  }

  Item Next();
  void Backup() { ++peek_count_; }
  void Backup2(const Item& t1) {
    token_[1] = t1;
    peek_count_ = 2;
  }
  void Backup3(const Item& t2, const Item& t1) {
    token_[1] = t1;
    token_[2] = t2;
    peek_count_ = 3;
  }
  Item Peek();
  Item NextNonSpace();
  Item PeekNonSpace();
  Item Expect(ItemType expected, const char* context);
  Item ExpectOneOf(ItemType e1, ItemType e2, const char* context);
  ABSL_ATTRIBUTE_NOINLINE void Unexpected(const Item& token, std::string_view context);

  ABSL_ATTRIBUTE_NOINLINE void Add();
  // Returns the list and stores the terminating {{end}}/{{else}} in *next.
  std::unique_ptr<ListNode> ItemList(NodePtr* next);
  NodePtr TextOrAction();
  NodePtr Action();
  ABSL_ATTRIBUTE_NOINLINE NodePtr BreakControl(const Item& token, bool is_break);
  std::unique_ptr<PipeNode> Pipeline(std::string_view context, ItemType end);
  // The "$x :=" / "$x =" / "$i, $e :=" prefix of a pipeline.
  ABSL_ATTRIBUTE_NOINLINE bool ParseDecls(PipeNode* pipe, std::string_view context);
  void CheckPipeline(const PipeNode& pipe, std::string_view context);
  NodePtr ParseControl(NodeType type, bool allow_else_if, const char* context);
  ABSL_ATTRIBUTE_NOINLINE NodePtr EndControl();
  ABSL_ATTRIBUTE_NOINLINE NodePtr ElseControl();
  ABSL_ATTRIBUTE_NOINLINE NodePtr BlockControl();
  ABSL_ATTRIBUTE_NOINLINE NodePtr TemplateControl();
  ABSL_ATTRIBUTE_NOINLINE bool ParseTemplateName(const Item& token, const char* context, std::string* name);
  std::unique_ptr<CommandNode> Command();
  NodePtr Operand();
  // Term followed by .Field.Field: Go's chain handling in operand().
  ABSL_ATTRIBUTE_NOINLINE NodePtr Chain(NodePtr node);
  NodePtr Term();
  ABSL_ATTRIBUTE_NOINLINE NodePtr NewNumber(const Item& token);
  ABSL_ATTRIBUTE_NOINLINE NodePtr NewString(const Item& token);
  ABSL_ATTRIBUTE_NOINLINE NodePtr NewIdentifier(const Item& token);
  ABSL_ATTRIBUTE_NOINLINE NodePtr UseVar(size_t pos, std::string_view name);

  std::string name_;
  Shared* s_;
  Item token_[3];
  int peek_count_ = 0;
  std::vector<std::string> vars_;
  int action_line_ = 0;
  int range_depth_ = 0;
  std::unique_ptr<ListNode> root_;
};

Item TreeParser::Next() {
  if (peek_count_ > 0) {
    --peek_count_;
  } else {
    token_[0] = s_->lex->NextItem();
  }
  return token_[peek_count_];
}

Item TreeParser::Peek() {
  if (peek_count_ > 0) return token_[peek_count_ - 1];
  peek_count_ = 1;
  token_[0] = s_->lex->NextItem();
  return token_[0];
}

Item TreeParser::NextNonSpace() {
  Item token;
  do {
    token = Next();
  } while (token.type == ItemType::kSpace);
  return token;
}

Item TreeParser::PeekNonSpace() {
  Item token = NextNonSpace();
  Backup();
  return token;
}

Item TreeParser::Expect(ItemType expected, const char* context) {
  Item token = NextNonSpace();
  if (token.type != expected) Unexpected(token, context);
  return token;
}

Item TreeParser::ExpectOneOf(ItemType e1, ItemType e2, const char* context) {
  Item token = NextNonSpace();
  if (token.type != e1 && token.type != e2) Unexpected(token, context);
  return token;
}

void TreeParser::Unexpected(const Item& token, std::string_view context) {
  if (token.type == ItemType::kError) {
    std::string extra;
    if (action_line_ != 0 && action_line_ != token.line) {
      extra = absl::StrFormat(" in action started at %s:%d", s_->parse_name, action_line_);
      std::string_view v = token.val;
      if (v.size() >= 7 && v.substr(v.size() - 7) == " action") {
        extra = extra.substr(10);  // avoid "action in action"
      }
    }
    Errorf(token.String() + extra);
    return;
  }
  Errorf(absl::StrCat("unexpected ", token.String(), " in ", std::string(context)));
}

void TreeParser::Add() {
  if (failed()) return;
  auto it = s_->trees->find(name_);
  if (it == s_->trees->end() || IsEmptyTree(it->second.get())) {
    (*s_->trees)[name_] = std::move(root_);
    return;
  }
  if (!IsEmptyTree(root_.get())) {
    Errorf("template: multiple definition of template " + gostrconv::Quote(name_));
  }
}

void TreeParser::Parse() {
  root_ = std::make_unique<ListNode>(Peek().pos);
  while (!failed() && Peek().type != ItemType::kEOF) {
    if (Peek().type == ItemType::kLeftDelim) {
      Item delim = Next();
      if (NextNonSpace().type == ItemType::kDefine) {
        TreeParser def("definition", s_);  // name will be updated once we know it
        def.ParseDefinition();
        continue;
      }
      Backup2(delim);
    }
    NodePtr n = TextOrAction();
    if (failed()) return;
    if (n->type() == NodeType::kEnd || n->type() == NodeType::kElse) {
      Errorf("unexpected " + n->String());
      return;
    }
    root_->nodes.push_back(std::move(n));
  }
  Add();
}

void TreeParser::ParseDefinition() {
  const char* context = "define clause";
  Item name = ExpectOneOf(ItemType::kString, ItemType::kRawString, context);
  if (failed()) return;
  absl::StatusOr<std::string> unquoted = gostrconv::Unquote(name.val);
  if (!unquoted.ok()) return Errorf(std::string(unquoted.status().message()));
  name_ = *unquoted;
  Expect(ItemType::kRightDelim, context);
  if (failed()) return;
  NodePtr end;
  root_ = ItemList(&end);
  if (failed()) return;
  if (end->type() != NodeType::kEnd) {
    return Errorf(absl::StrCat("unexpected ", end->String(), " in ", context));
  }
  Add();
}

std::unique_ptr<ListNode> TreeParser::ItemList(NodePtr* next) {
  auto list = std::make_unique<ListNode>(PeekNonSpace().pos);
  while (!failed() && PeekNonSpace().type != ItemType::kEOF) {
    NodePtr n = TextOrAction();
    if (failed()) return nullptr;
    if (n->type() == NodeType::kEnd || n->type() == NodeType::kElse) {
      *next = std::move(n);
      return list;
    }
    list->nodes.push_back(std::move(n));
  }
  Errorf("unexpected EOF");
  return nullptr;
}

NodePtr TreeParser::TextOrAction() {
  Item token = NextNonSpace();
  switch (token.type) {
    case ItemType::kText:
      return std::make_unique<TextNode>(token.pos, std::string(token.val));
    case ItemType::kLeftDelim: {
      action_line_ = token.line;
      NodePtr n = Action();
      action_line_ = 0;
      return n;
    }
    case ItemType::kComment:
      return std::make_unique<CommentNode>(token.pos, std::string(token.val));
    default:
      Unexpected(token, "input");
      return nullptr;
  }
}

NodePtr TreeParser::Action() {
  Item token = NextNonSpace();
  switch (token.type) {
    case ItemType::kBlock:
      return BlockControl();
    case ItemType::kBreak:
      return BreakControl(token, true);
    case ItemType::kContinue:
      return BreakControl(token, false);
    case ItemType::kElse:
      return ElseControl();
    case ItemType::kEnd:
      return EndControl();
    case ItemType::kIf:
      return ParseControl(NodeType::kIf, true, "if");
    case ItemType::kRange:
      return ParseControl(NodeType::kRange, false, "range");
    case ItemType::kTemplate:
      return TemplateControl();
    case ItemType::kWith:
      return ParseControl(NodeType::kWith, false, "with");
    default:
      break;
  }
  Backup();
  token = Peek();
  auto pipe = Pipeline("command", ItemType::kRightDelim);
  if (failed()) return nullptr;
  return std::make_unique<ActionNode>(token.pos, token.line, std::move(pipe));
}

NodePtr TreeParser::BreakControl(const Item& keyword, bool is_break) {
  std::string name = is_break ? "{{break}}" : "{{continue}}";
  Item token = NextNonSpace();
  if (token.type != ItemType::kRightDelim) {
    Unexpected(token, name);
    return nullptr;
  }
  if (range_depth_ == 0) {
    Errorf(name + " outside {{range}}");
    return nullptr;
  }
  if (is_break) return std::make_unique<BreakNode>(keyword.pos, keyword.line);
  return std::make_unique<ContinueNode>(keyword.pos, keyword.line);
}

bool TreeParser::ParseDecls(PipeNode* pipe, std::string_view context) {
  // Are there declarations or assignments?
  for (bool again = true; again && !failed();) {
    again = false;
    Item v = PeekNonSpace();
    if (v.type != ItemType::kVariable) break;
    Next();
    // Since space is a token, we need 3-token look-ahead here in the worst
    // case: in "$x foo" we need to read "foo" (as opposed to ":=") to know
    // that $x is an argument, not a declaration.
    Item token_after_variable = Peek();
    Item next = PeekNonSpace();
    if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
      pipe->is_assign = next.type == ItemType::kAssign;
      NextNonSpace();
      pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, std::string(v.val)));
      vars_.emplace_back(v.val);
    } else if (next.type == ItemType::kChar && next.val == ",") {
      NextNonSpace();
      pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, std::string(v.val)));
      vars_.emplace_back(v.val);
      if (context == "range" && pipe->decl.size() < 2) {
        switch (PeekNonSpace().type) {
          case ItemType::kVariable:
          case ItemType::kRightDelim:
          case ItemType::kRightParen:
            // second initialized variable in a range pipeline
            again = true;
            continue;
          default:
            Errorf("range can only initialize variables");
            return false;
        }
      }
      Errorf(absl::StrCat("too many declarations in ", std::string(context)));
      return false;
    } else if (token_after_variable.type == ItemType::kSpace) {
      Backup3(v, token_after_variable);
    } else {
      Backup2(v);
    }
  }
  return !failed();
}

std::unique_ptr<PipeNode> TreeParser::Pipeline(std::string_view context, ItemType end) {
  Item token = PeekNonSpace();
  auto pipe = std::make_unique<PipeNode>(token.pos, token.line);
  if (!ParseDecls(pipe.get(), context)) return nullptr;
  while (!failed()) {
    Item token = NextNonSpace();
    if (token.type == end) {
      CheckPipeline(*pipe, context);
      return failed() ? nullptr : std::move(pipe);
    }
    switch (token.type) {
      case ItemType::kBool:
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kDot:
      case ItemType::kField:
      case ItemType::kIdentifier:
      case ItemType::kNumber:
      case ItemType::kNil:
      case ItemType::kRawString:
      case ItemType::kString:
      case ItemType::kVariable:
      case ItemType::kLeftParen: {
        Backup();
        auto cmd = Command();
        if (failed()) return nullptr;
        pipe->cmds.push_back(std::move(cmd));
        break;
      }
      default:
        Unexpected(token, context);
        return nullptr;
    }
  }
  return nullptr;
}

void TreeParser::CheckPipeline(const PipeNode& pipe, std::string_view context) {
  if (pipe.cmds.empty()) return Errorf(absl::StrCat("missing value for ", std::string(context)));
  // Only the first command of a pipeline can start with a non-executable
  // operand.
  for (size_t i = 1; i < pipe.cmds.size(); ++i) {
    switch (pipe.cmds[i]->args[0]->type()) {
      case NodeType::kBool:
      case NodeType::kDot:
      case NodeType::kNil:
      case NodeType::kNumber:
      case NodeType::kString:
        return Errorf(absl::StrFormat("non executable command in pipeline stage %d", i + 1));
      default:
        break;
    }
  }
}

NodePtr TreeParser::ParseControl(NodeType type, bool allow_else_if, const char* context) {
  if (++s_->depth > s_->config->max_depth) {
    Errorf("max expression depth exceeded");
    return nullptr;
  }
  size_t mark = vars_.size();
  bool is_range = type == NodeType::kRange;
  auto pipe = Pipeline(context, ItemType::kRightDelim);
  if (failed()) return nullptr;
  if (is_range) ++range_depth_;
  NodePtr next;
  auto list = ItemList(&next);
  if (is_range) --range_depth_;
  if (failed()) return nullptr;
  std::unique_ptr<ListNode> else_list;
  if (next->type() == NodeType::kElse) {
    if (allow_else_if && Peek().type == ItemType::kIf) {
      // "{{else if ...}}" is treated as "{{else}}{{if ...}}" sharing the
      // {{end}}: parse the if here and attach it as the only else node.
      Next();
      else_list = std::make_unique<ListNode>(next->pos());
      NodePtr nested = ParseControl(NodeType::kIf, true, "if");
      if (failed()) return nullptr;
      else_list->nodes.push_back(std::move(nested));
    } else {
      else_list = ItemList(&next);
      if (failed()) return nullptr;
      if (next->type() != NodeType::kEnd) {
        Errorf("expected end; found " + next->String());
        return nullptr;
      }
    }
  }
  vars_.resize(mark);
  --s_->depth;
  size_t pos = pipe->pos();
  int line = pipe->line;
  return std::make_unique<BranchNode>(type, pos, line, std::move(pipe), std::move(list),
                                      std::move(else_list));
}

NodePtr TreeParser::EndControl() {
  Item token = Expect(ItemType::kRightDelim, "end");
  if (failed()) return nullptr;
  return std::make_unique<EndNode>(token.pos);
}

NodePtr TreeParser::ElseControl() {
  // Special case for "else if": leave the "if" pending.
  Item peek = PeekNonSpace();
  if (peek.type == ItemType::kIf) return std::make_unique<ElseNode>(peek.pos, peek.line);
  Item token = Expect(ItemType::kRightDelim, "else");
  if (failed()) return nullptr;
  return std::make_unique<ElseNode>(token.pos, token.line);
}

NodePtr TreeParser::BlockControl() {
  const char* context = "block clause";
  Item token = NextNonSpace();
  std::string name;
  if (!ParseTemplateName(token, context, &name)) return nullptr;
  auto pipe = Pipeline(context, ItemType::kRightDelim);
  if (failed()) return nullptr;
  if (++s_->depth > s_->config->max_depth) {
    Errorf("max expression depth exceeded");
    return nullptr;
  }
  TreeParser block(name, s_);
  NodePtr end;
  block.root_ = block.ItemList(&end);
  if (failed()) return nullptr;
  if (end->type() != NodeType::kEnd) {
    // Go reports this through the enclosing tree (its last token's line).
    Errorf(absl::StrCat("unexpected ", end->String(), " in ", context));
    return nullptr;
  }
  block.Add();
  if (failed()) return nullptr;
  --s_->depth;
  return std::make_unique<TemplateNode>(token.pos, token.line, name, std::move(pipe));
}

NodePtr TreeParser::TemplateControl() {
  const char* context = "template clause";
  Item token = NextNonSpace();
  std::string name;
  if (!ParseTemplateName(token, context, &name)) return nullptr;
  std::unique_ptr<PipeNode> pipe;
  if (NextNonSpace().type != ItemType::kRightDelim) {
    Backup();
    // Do not pop variables; they persist until "end".
    pipe = Pipeline(context, ItemType::kRightDelim);
    if (failed()) return nullptr;
  }
  return std::make_unique<TemplateNode>(token.pos, token.line, name, std::move(pipe));
}

bool TreeParser::ParseTemplateName(const Item& token, const char* context, std::string* name) {
  if (token.type == ItemType::kString || token.type == ItemType::kRawString) {
    absl::StatusOr<std::string> s = gostrconv::Unquote(token.val);
    if (!s.ok()) {
      Errorf(std::string(s.status().message()));
      return false;
    }
    *name = *std::move(s);
    return true;
  }
  Unexpected(token, context);
  return false;
}

std::unique_ptr<CommandNode> TreeParser::Command() {
  auto cmd = std::make_unique<CommandNode>(PeekNonSpace().pos);
  for (;;) {
    PeekNonSpace();  // skip leading spaces
    NodePtr operand = Operand();
    if (failed()) return nullptr;
    if (operand) cmd->args.push_back(std::move(operand));
    Item token = Next();
    if (token.type == ItemType::kSpace) continue;
    if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
      Backup();
    } else if (token.type != ItemType::kPipe) {
      Unexpected(token, "operand");
      return nullptr;
    }
    break;
  }
  if (cmd->args.empty()) {
    Errorf("empty command");
    return nullptr;
  }
  return cmd;
}

NodePtr TreeParser::Operand() {
  NodePtr node = Term();
  if (!node || failed()) return nullptr;
  if (Peek().type == ItemType::kField) return Chain(std::move(node));
  return node;
}

NodePtr TreeParser::Chain(NodePtr node) {
  auto chain = std::make_unique<ChainNode>(Peek().pos, nullptr);
  std::vector<std::string> fields;
  while (Peek().type == ItemType::kField) fields.emplace_back(Next().val.substr(1));
  chain->field = std::move(fields);
  // Compatibility with original API: if the term is of type NodeField or
  // NodeVariable, just put more fields on the original.
  switch (node->type()) {
    case NodeType::kField:
    case NodeType::kVariable: {
      chain->node = std::move(node);
      std::string text = chain->String();
      if (chain->node->type() == NodeType::kField) {
        return std::make_unique<FieldNode>(chain->pos(), text);
      }
      return std::make_unique<VariableNode>(chain->pos(), text);
    }
    case NodeType::kBool:
    case NodeType::kString:
    case NodeType::kNumber:
    case NodeType::kNil:
    case NodeType::kDot:
      Errorf("unexpected . after term " + gostrconv::Quote(node->String()));
      return nullptr;
    default:
      chain->node = std::move(node);
      return chain;
  }
}

NodePtr TreeParser::Term() {
  Item token = NextNonSpace();
  switch (token.type) {
    case ItemType::kIdentifier:
      return NewIdentifier(token);
    case ItemType::kDot:
      return std::make_unique<DotNode>(token.pos);
    case ItemType::kNil:
      return std::make_unique<NilNode>(token.pos);
    case ItemType::kVariable:
      return UseVar(token.pos, token.val);
    case ItemType::kField:
      return std::make_unique<FieldNode>(token.pos, std::string(token.val));
    case ItemType::kBool:
      return std::make_unique<BoolNode>(token.pos, token.val == "true");
    case ItemType::kCharConstant:
    case ItemType::kComplex:
    case ItemType::kNumber:
      return NewNumber(token);
    case ItemType::kLeftParen: {
      if (++s_->depth > s_->config->max_depth) {
        Errorf("max expression depth exceeded");
        return nullptr;
      }
      auto pipe = Pipeline("parenthesized pipeline", ItemType::kRightParen);
      --s_->depth;
      return pipe;
    }
    case ItemType::kString:
    case ItemType::kRawString:
      return NewString(token);
    default:
      Backup();
      return nullptr;
  }
}

NodePtr TreeParser::NewIdentifier(const Item& token) {
  if (!s_->config->has_function(token.val)) {
    Errorf(absl::StrCat("function ", gostrconv::Quote(token.val), " not defined"));
    return nullptr;
  }
  return std::make_unique<IdentifierNode>(token.pos, std::string(token.val));
}

NodePtr TreeParser::NewString(const Item& token) {
  absl::StatusOr<std::string> s = gostrconv::Unquote(token.val);
  if (!s.ok()) {
    Errorf(std::string(s.status().message()));
    return nullptr;
  }
  return std::make_unique<StringNode>(token.pos, std::string(token.val), *std::move(s));
}

NodePtr TreeParser::UseVar(size_t pos, std::string_view name) {
  auto v = std::make_unique<VariableNode>(pos, std::string(name));
  for (const auto& var : vars_) {
    if (var == v->ident[0]) return v;
  }
  Errorf("undefined variable " + gostrconv::Quote(v->ident[0]));
  return nullptr;
}

NodePtr TreeParser::NewNumber(const Item& token) {
  auto n = std::make_unique<NumberNode>(token.pos, std::string(token.val));
  absl::Status st = ParseNumber(token.type == ItemType::kCharConstant, token.type == ItemType::kComplex,
                                n.get());
  if (!st.ok()) {
    Errorf(std::string(st.message()));
    return nullptr;
  }
  return n;
}

}  // namespace

absl::Status ParseTemplate(std::string_view name, std::string_view text,
                           const ParseConfig& config, TreeSet* trees) {
  LexOptions lex_options;
  lex_options.left_delim = config.left_delim;
  lex_options.right_delim = config.right_delim;
  lex_options.emit_comment = config.parse_comments;
  lex_options.break_ok = !config.has_function("break");
  lex_options.continue_ok = !config.has_function("continue");
  Lexer lexer(text, lex_options);
  Shared shared{&lexer, &config, trees, std::string(name), "", 0};
  TreeParser tree{std::string(name), &shared};
  tree.Parse();
  if (!shared.error.empty()) return absl::InvalidArgumentError(shared.error);
  return absl::OkStatus();
}

}  // namespace tmpl
}  // namespace confwatch
