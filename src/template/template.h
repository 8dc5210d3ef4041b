// Template is a parsed Go text/template: the main template plus every
// template it defines with {{define}} / {{block}}, ready to execute. It follows
// Go 1.19's text/template byte for byte: syntax, trimming, variables,
// if/range/with/define/template/block, break/continue, the builtins (and or
// not eq ne lt le gt ge len index slice print printf println html js urlquery
// call), Go's fmt formatting and its error messages:
//   parse: template: nginx.tmpl:7: unexpected "}" in operand
//   exec:  template: nginx.tmpl:3:14: executing "nginx.tmpl" at <getv "/k">:
//          error calling getv: key does not exist: /k
//
// Deliberate limits (documented differences from Go):
//   - {{template}} nesting stops at kMaxExecDepth (Go: 100000) with Go's message
//     "exceeded maximum template depth (N)", so that runaway recursion ends in
//     an error instead of overflowing the C++ stack.
//   - Expression nesting ((((...)))) and control nesting stop at
//     kMaxParseDepth with "max expression depth exceeded" (Go 1.19 has no
//     limit; later Go versions added the same guard).
//   Both limits are sized so that the deepest template they allow parses
//   and executes within 1 MiB of thread stack.
//   - range over an integer (Go 1.22) is not supported, as in Go 1.19:
//     "range can't iterate over 3"; nor is {{else with}} (Go 1.23): it is the
//     parse error Go 1.19 gives ("unexpected <with> in else").
//   - There are no function values, so the builtin `call` only reports its
//     errors; slices have no spare capacity (`slice x 0 n` stops at len).
//   - %p and pointers nested in containers print this process's addresses,
//     as Go prints its own (never stable).
//
// Thread-safety: a Template is immutable after Parse(); one instance may be
// executed by many threads at once (each with its own ExecContext).
#ifndef CONFWATCH_TEMPLATE_TEMPLATE_H_
#define CONFWATCH_TEMPLATE_TEMPLATE_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "template/function.h"
#include "template/value.h"

namespace confwatch {

namespace tmpl {
class ListNode;
}  // namespace tmpl

struct ParseOptions {
  // Action delimiters (Go's Template.Delims); empty means the default.
  std::string left_delim = "{{";
  std::string right_delim = "}}";
  // Go's Option("missingkey=..."): what a missing map key yields.
  enum class MissingKey { kDefault, kZero, kError };
  MissingKey missing_key = MissingKey::kDefault;
};

inline constexpr int kMaxExecDepth = 1000;
inline constexpr int kMaxParseDepth = 1000;

class Template {
 public:
  // Parses `text` as template `name` (Go: template.New(name).Funcs(funcs)
  // .Parse(text)). Functions not in `funcs` and not builtins are rejected at
  // parse time ("function \"foo\" not defined"). Errors are
  // absl::InvalidArgumentError with Go's message text.
  static absl::StatusOr<std::shared_ptr<const Template>> Parse(
      std::string name, std::string_view text, const FuncMap& funcs,
      const ParseOptions& options = {});

  ~Template();
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

  const std::string& name() const { return name_; }

  // Executes the main template with `dot` as the data, appending nothing to
  // *out until it succeeds: on success the rendered text is *appended* to
  // *out; on error *out is untouched (no partial output) and the status is
  // absl::InvalidArgumentError with Go's exec message (or
  // absl::ResourceExhaustedError for the depth limit).
  absl::Status Execute(const Value& dot, ExecContext& ctx, std::string* out) const;
  // Execute as confd runs every template: tmpl.Execute(w, nil), where dot is
  // Go's invalid reflect.Value (not a nil interface{}), so `{{.}}` prints
  // "<no value>" and a field chain on it (`{{.Foo.Bar}}`) yields "<no value>"
  // instead of "nil pointer evaluating interface {}.Foo".
  absl::Status ExecuteWithNilData(ExecContext& ctx, std::string* out) const {
    return Execute(Value(), ctx, out);
  }
  // Same for the associated template `name` (Go's ExecuteTemplate); an
  // unknown name is `template: no template "x" associated with template "y"`.
  absl::Status ExecuteTemplate(std::string_view name, const Value& dot,
                               ExecContext& ctx, std::string* out) const;

  // Names of all templates in the set (the main one included), sorted.
  std::vector<std::string> TemplateNames() const;
  // Go's tree.Root.String() for template `name`; "" if absent. For tests.
  std::string TreeString(std::string_view name) const;

  // Internal: the parsed body of `name`, or null. Used by the executor.
  const tmpl::ListNode* Lookup(std::string_view name) const;
  const FuncMap& funcs() const { return funcs_; }
  const ParseOptions& options() const { return options_; }
  // The source text (error positions are computed from it).
  const std::string& text() const { return text_; }

 private:
  Template(std::string name, std::string_view text, FuncMap funcs, ParseOptions options);

  std::string name_;
  std::string text_;
  FuncMap funcs_;
  ParseOptions options_;
  // Every template of the set by name; the nodes are owned here.
  std::map<std::string, std::unique_ptr<tmpl::ListNode>, std::less<>> trees_;
  // Size of the last successful render: the next one reserves that much and
  // a little more (a re-render after one change is usually a few bytes
  // longer or shorter), so that a large output is not copied while it
  // grows. Only a hint; racy updates from concurrent renders are harmless.
  mutable std::atomic<size_t> size_hint_{0};
};

}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_TEMPLATE_H_
