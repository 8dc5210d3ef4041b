// String forms of the parse tree, as Go's node.go writeTo methods.
#include "template/node.h"

#include "absl/strings/str_split.h"
#include "golang/strconv.h"

namespace confwatch {
namespace tmpl {

void ListNode::WriteTo(std::string* out) const {
  for (const auto& n : nodes) n->WriteTo(out);
}

void CommentNode::WriteTo(std::string* out) const {
  *out += "{{";
  *out += text;
  *out += "}}";
}

void PipeNode::WriteTo(std::string* out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) *out += ", ";
      decl[i]->WriteTo(out);
    }
    *out += " := ";
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) *out += " | ";
    cmds[i]->WriteTo(out);
  }
}

void ActionNode::WriteTo(std::string* out) const {
  *out += "{{";
  pipe->WriteTo(out);
  *out += "}}";
}

void CommandNode::WriteTo(std::string* out) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) *out += ' ';
    if (args[i]->type() == NodeType::kPipe) {
      *out += '(';
      args[i]->WriteTo(out);
      *out += ')';
      continue;
    }
    args[i]->WriteTo(out);
  }
}

VariableNode::VariableNode(size_t pos, const std::string& ident)
    : Node(NodeType::kVariable, pos), ident(absl::StrSplit(ident, '.')) {}

void VariableNode::WriteTo(std::string* out) const {
  for (size_t i = 0; i < ident.size(); ++i) {
    if (i > 0) *out += '.';
    *out += ident[i];
  }
}

FieldNode::FieldNode(size_t pos, const std::string& ident)
    : Node(NodeType::kField, pos), ident(absl::StrSplit(ident.substr(1), '.')) {}

void FieldNode::WriteTo(std::string* out) const {
  for (const auto& id : ident) {
    *out += '.';
    *out += id;
  }
}

void ChainNode::WriteTo(std::string* out) const {
  if (node->type() == NodeType::kPipe) {
    *out += '(';
    node->WriteTo(out);
    *out += ')';
  } else {
    node->WriteTo(out);
  }
  for (const auto& f : field) {
    *out += '.';
    *out += f;
  }
}

void BranchNode::WriteTo(std::string* out) const {
  const char* name = type() == NodeType::kIf ? "if" : type() == NodeType::kRange ? "range" : "with";
  *out += "{{";
  *out += name;
  *out += ' ';
  pipe->WriteTo(out);
  *out += "}}";
  list->WriteTo(out);
  if (else_list) {
    *out += "{{else}}";
    else_list->WriteTo(out);
  }
  *out += "{{end}}";
}

void TemplateNode::WriteTo(std::string* out) const {
  *out += "{{template ";
  *out += gostrconv::Quote(name);
  if (pipe) {
    *out += ' ';
    pipe->WriteTo(out);
  }
  *out += "}}";
}

bool IsEmptyTree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type()) {
    case NodeType::kComment:
      return true;
    case NodeType::kList:
      for (const auto& c : static_cast<const ListNode*>(n)->nodes) {
        if (!IsEmptyTree(c.get())) return false;
      }
      return true;
    case NodeType::kText: {
      const std::string& t = static_cast<const TextNode*>(n)->text;
      // bytes.TrimSpace: ASCII space plus Unicode White_Space.
      return t.find_first_not_of(" \t\n\v\f\r") == std::string::npos;
    }
    default:
      return false;
  }
}

}  // namespace tmpl
}  // namespace confwatch
