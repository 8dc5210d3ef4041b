// The parse tree of a template: the node kinds of Go's text/template/parse
// (node.go) with the same fields and the same String() forms, so that
// tree.String() can be compared with Go's output in tests. Nodes are owned by
// their parent (unique_ptr); the tree is immutable after parsing.
//
// Thread-safety: immutable after construction; safe to read concurrently.
#ifndef CONFWATCH_TEMPLATE_NODE_H_
#define CONFWATCH_TEMPLATE_NODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "template/value.h"

namespace confwatch {
namespace tmpl {

enum class NodeType {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kElse,  // not added to trees
  kEnd,   // not added to trees
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kComment,
  kBreak,
  kContinue,
};

class Node {
 public:
  Node(NodeType type, size_t pos) : type_(type), pos_(pos) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeType type() const { return type_; }
  // Byte offset of the node's start in the template text.
  size_t pos() const { return pos_; }
  std::string String() const {
    std::string s;
    WriteTo(&s);
    return s;
  }
  virtual void WriteTo(std::string* out) const = 0;

 private:
  NodeType type_;
  size_t pos_;
};

using NodePtr = std::unique_ptr<Node>;

class ListNode : public Node {
 public:
  explicit ListNode(size_t pos) : Node(NodeType::kList, pos) {}
  void WriteTo(std::string* out) const override;
  std::vector<NodePtr> nodes;
};

class TextNode : public Node {
 public:
  TextNode(size_t pos, std::string text) : Node(NodeType::kText, pos), text(std::move(text)) {}
  void WriteTo(std::string* out) const override { *out += text; }
  std::string text;
};

class CommentNode : public Node {
 public:
  CommentNode(size_t pos, std::string text)
      : Node(NodeType::kComment, pos), text(std::move(text)) {}
  void WriteTo(std::string* out) const override;
  std::string text;
};

class VariableNode;
class CommandNode;

class PipeNode : public Node {
 public:
  PipeNode(size_t pos, int line) : Node(NodeType::kPipe, pos), line(line) {}
  void WriteTo(std::string* out) const override;
  int line;
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

class ActionNode : public Node {
 public:
  ActionNode(size_t pos, int line, std::unique_ptr<PipeNode> pipe)
      : Node(NodeType::kAction, pos), line(line), pipe(std::move(pipe)) {}
  void WriteTo(std::string* out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
};

class CommandNode : public Node {
 public:
  explicit CommandNode(size_t pos) : Node(NodeType::kCommand, pos) {}
  void WriteTo(std::string* out) const override;
  std::vector<NodePtr> args;
};

class IdentifierNode : public Node {
 public:
  IdentifierNode(size_t pos, std::string ident)
      : Node(NodeType::kIdentifier, pos), ident(std::move(ident)) {}
  void WriteTo(std::string* out) const override { *out += ident; }
  std::string ident;
};

// $x or $x.Field.Chain: ident[0] is the variable name (with '$').
class VariableNode : public Node {
 public:
  VariableNode(size_t pos, const std::string& ident);
  void WriteTo(std::string* out) const override;
  std::vector<std::string> ident;
};

class DotNode : public Node {
 public:
  explicit DotNode(size_t pos) : Node(NodeType::kDot, pos) {}
  void WriteTo(std::string* out) const override { *out += '.'; }
};

class NilNode : public Node {
 public:
  explicit NilNode(size_t pos) : Node(NodeType::kNil, pos) {}
  void WriteTo(std::string* out) const override { *out += "nil"; }
};

// .A.B.C: ident is {"A", "B", "C"}.
class FieldNode : public Node {
 public:
  FieldNode(size_t pos, const std::string& ident);
  void WriteTo(std::string* out) const override;
  std::vector<std::string> ident;
};

// (pipeline).A.B or $x-less term followed by fields.
class ChainNode : public Node {
 public:
  ChainNode(size_t pos, NodePtr node) : Node(NodeType::kChain, pos), node(std::move(node)) {}
  void WriteTo(std::string* out) const override;
  NodePtr node;
  std::vector<std::string> field;
};

class BoolNode : public Node {
 public:
  BoolNode(size_t pos, bool value) : Node(NodeType::kBool, pos), value(value) {}
  void WriteTo(std::string* out) const override { *out += value ? "true" : "false"; }
  bool value;
};

class NumberNode : public Node {
 public:
  NumberNode(size_t pos, std::string text) : Node(NodeType::kNumber, pos), text(std::move(text)) {}
  void WriteTo(std::string* out) const override { *out += text; }
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  bool is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  double real = 0, imag = 0;  // complex value
  std::string text;
};

class StringNode : public Node {
 public:
  StringNode(size_t pos, std::string quoted, std::string text)
      : Node(NodeType::kString, pos),
        quoted(std::move(quoted)),
        text(std::move(text)),
        value(Value::String(this->text)) {}
  void WriteTo(std::string* out) const override { *out += quoted; }
  std::string quoted;
  std::string text;
  // `text` as a Go string, built once: evaluating the literal copies no bytes.
  Value value;
};

class EndNode : public Node {
 public:
  explicit EndNode(size_t pos) : Node(NodeType::kEnd, pos) {}
  void WriteTo(std::string* out) const override { *out += "{{end}}"; }
};

class ElseNode : public Node {
 public:
  ElseNode(size_t pos, int line) : Node(NodeType::kElse, pos), line(line) {}
  void WriteTo(std::string* out) const override { *out += "{{else}}"; }
  int line;
};

// if / range / with.
class BranchNode : public Node {
 public:
  BranchNode(NodeType type, size_t pos, int line, std::unique_ptr<PipeNode> pipe,
             std::unique_ptr<ListNode> list, std::unique_ptr<ListNode> else_list)
      : Node(type, pos),
        line(line),
        pipe(std::move(pipe)),
        list(std::move(list)),
        else_list(std::move(else_list)) {}
  void WriteTo(std::string* out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // null when absent
};

class BreakNode : public Node {
 public:
  BreakNode(size_t pos, int line) : Node(NodeType::kBreak, pos), line(line) {}
  void WriteTo(std::string* out) const override { *out += "{{break}}"; }
  int line;
};

class ContinueNode : public Node {
 public:
  ContinueNode(size_t pos, int line) : Node(NodeType::kContinue, pos), line(line) {}
  void WriteTo(std::string* out) const override { *out += "{{continue}}"; }
  int line;
};

class TemplateNode : public Node {
 public:
  TemplateNode(size_t pos, int line, std::string name, std::unique_ptr<PipeNode> pipe)
      : Node(NodeType::kTemplate, pos), line(line), name(std::move(name)), pipe(std::move(pipe)) {}
  void WriteTo(std::string* out) const override;
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // null when absent
};

// Go's newNumber: fills n's numeric fields from n->text, the text of a
// number, character constant (is_char) or complex constant (is_complex)
// token. Errors carry Go's texts ("integer overflow: \"...\"",
// "illegal number syntax: \"...\"", "invalid syntax", ...).
absl::Status ParseNumber(bool is_char, bool is_complex, NumberNode* n);

// Go's parse.IsEmptyTree: only whitespace text and comments.
bool IsEmptyTree(const Node* n);

}  // namespace tmpl
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_NODE_H_
