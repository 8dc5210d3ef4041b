// Parser builds parse trees from template text exactly as Go 1.19's
// text/template/parse does: the same grammar, the same checks (undefined
// variables and functions, break/continue outside range, non-executable
// pipeline stages) and the same error texts and line numbers, e.g.
//   template: nginx.tmpl:7: unexpected "}" in operand
//
// Thread-safety: a parse is single-threaded; the resulting trees are
// immutable.
#ifndef CONFWATCH_TEMPLATE_PARSER_H_
#define CONFWATCH_TEMPLATE_PARSER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "template/node.h"

namespace confwatch {
namespace tmpl {

using TreeSet = std::map<std::string, std::unique_ptr<ListNode>, std::less<>>;

struct ParseConfig {
  std::string left_delim;   // empty: "{{"
  std::string right_delim;  // empty: "}}"
  // Whether a function of that name exists (user FuncMap or builtin).
  std::function<bool(std::string_view)> has_function;
  bool parse_comments = false;  // keep CommentNodes in the tree
  int max_depth = 1000;         // nesting guard for (((...))) and blocks
};

// Parses `text` as template `name`; on success adds `name` and every
// {{define}}d / {{block}} template to *trees. On error returns
// InvalidArgumentError with Go's message and leaves *trees in an unspecified
// but valid state.
absl::Status ParseTemplate(std::string_view name, std::string_view text,
                           const ParseConfig& config, TreeSet* trees);

}  // namespace tmpl
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_PARSER_H_
