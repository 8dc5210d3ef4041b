// Function and FuncMap: the functions a template may call, as Go's
// template.FuncMap. A Function declares its Go signature (parameter types,
// optional final ...T, result type) so that the executor — not each function —
// converts arguments and produces Go's exact messages for a wrong count or
// type ("wrong number of args for getv: want at least 1 got 0", "wrong type
// for value; expected string; got int", "expected integer; found \"x\"").
// The implementation then only sees arguments of its declared types.
//
// A Function may fail: its error becomes "error calling <name>: <message>",
// as for a Go function returning (T, error) with a non-nil error (or one that
// panicked: "error calling div: runtime error: integer divide by zero").
//
// ExecContext is the per-Execute state a function may read: the key store
// view for confd's get*/ls*/exists functions, a loader for templates by name,
// the template name.
//
// Thread-safety: Function and FuncMap are immutable once built and may be
// shared by any number of concurrent executions. ExecContext belongs to one
// Execute call on one thread.
#ifndef CONFWATCH_TEMPLATE_FUNCTION_H_
#define CONFWATCH_TEMPLATE_FUNCTION_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "template/type.h"
#include "template/value.h"

namespace confwatch {

class StoreView;  // src/store/view.h
class Template;

struct ExecContext {
  // Keys visible to this render (prefix already stripped). May be null when
  // a template does not use the store (tests).
  const StoreView* store = nullptr;
  // Returns the parsed template called `name` (e.g. for an include-like
  // function); may be empty when not supported. Errors are passed through.
  std::function<absl::StatusOr<std::shared_ptr<const Template>>(
      std::string_view name)>
      load_template;
  // Name of the template set being executed (Template::name(), the file's
  // base name for confd); set by Template::Execute / ExecuteTemplate.
  std::string template_name;
  // Current {{template}} nesting depth; maintained by the executor.
  int depth = 0;
};

// Go's func(args...) (result, error): `args` are converted to the declared
// parameter types (variadic arguments flattened at the end). A non-OK status
// is the function's error; its message() becomes the text after
// "error calling <name>: ".
using FunctionImpl =
    std::function<absl::StatusOr<Value>(ExecContext& ctx, absl::Span<const Value> args)>;

struct Signature {
  // Fixed parameters in order. Type::Any() accepts every value (Go's
  // interface{}); a missing value arrives as Value::Nil().
  std::vector<const Type*> params;
  // T of a final ...T parameter; nullptr when not variadic.
  const Type* variadic = nullptr;
  // Declared result type. Type::Any() marks results as boxed (Go's
  // func(...) interface{}); nullptr means "the returned value's own type".
  const Type* result = nullptr;
};

class Function {
 public:
  Function(std::string name, Signature signature, FunctionImpl impl)
      : name_(std::move(name)), sig_(std::move(signature)), impl_(std::move(impl)) {}

  const std::string& name() const { return name_; }
  const Signature& signature() const { return sig_; }
  bool variadic() const { return sig_.variadic != nullptr; }
  // Calls the implementation. REQUIRES: args match signature() (the executor
  // guarantees it).
  absl::StatusOr<Value> Call(ExecContext& ctx, absl::Span<const Value> args) const {
    return impl_(ctx, args);
  }

 private:
  std::string name_;
  Signature sig_;
  FunctionImpl impl_;
};

// Name -> Function. Like Go, a FuncMap entry overrides a builtin of the same
// name (and, eq, len, print, ...). Names must be identifiers.
class FuncMap {
 public:
  // Adds or replaces `name`.
  void Add(std::string name, Signature signature, FunctionImpl impl);
  void Add(std::shared_ptr<const Function> fn);
  // Adds every entry of `other`, replacing same-named ones.
  void Merge(const FuncMap& other);
  // nullptr when absent.
  const Function* Find(std::string_view name) const;
  bool empty() const { return funcs_.empty(); }

 private:
  std::map<std::string, std::shared_ptr<const Function>, std::less<>> funcs_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_FUNCTION_H_
