// ExecState: one execution of a template (Go's *state in exec.go). Internal to
// the template module; split over exec.cc (walking the tree) and
// exec_eval.cc (evaluating fields, calls and arguments).
//
// Thread-safety: one ExecState per Execute call, used by one thread.
#ifndef CONFWATCH_TEMPLATE_EXEC_STATE_H_
#define CONFWATCH_TEMPLATE_EXEC_STATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "template/exec.h"
#include "template/node.h"

namespace confwatch {
namespace tmpl {

using Result = absl::StatusOr<Value>;

struct Variable {
  std::string_view name;
  Value value;
};

class ExecState {
 public:
  ExecState(const Template& t, ExecContext& ctx, std::string* out) : t_(t), ctx_(ctx), out_(out) {}

  // Executes the template `name` with `dot` as data.
  absl::Status Run(std::string_view name, const Value& dot);

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  void At(const Node* node) { node_ = node; }
  absl::Status Errorf(const std::string& msg) const;
  absl::Status SetVar(std::string_view name, const Value& value);
  Result VarValue(std::string_view name);

  static bool IsPrintDot(const PipeNode* pipe);
  absl::Status Walk(const Value& dot, const Node* node);
  absl::Status WalkIfOrWith(const Value& dot, const BranchNode* node);
  absl::Status WalkRange(const Value& dot, const BranchNode* r);
  // `{{range}}` over plain strings whose body is only text and {{.}} (an
  // upstream list: `server {{.}};`), or over a PairViews list (gets) whose
  // body is only text, {{.Key}} and {{.Value}}: appends what the general
  // path would and returns true; false (nothing done) for any other range.
  // REQUIRES: list.kind() == kSlice, its elements not interface{}.
  bool RangeOverPlainStrings(const BranchNode* r, const Value& list);
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

}  // namespace tmpl
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_EXEC_STATE_H_
