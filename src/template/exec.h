// The executor of parsed templates (Go 1.19 text/template exec.go) and the
// reflection helpers it shares with the builtins (funcs.go). Internal to the
// template module: use Template::Execute.
//
// Thread-safety: an execution is single-threaded; it only reads the
// Template, so many may run at once over one Template.
#ifndef CONFWATCH_TEMPLATE_EXEC_H_
#define CONFWATCH_TEMPLATE_EXEC_H_

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "template/function.h"
#include "template/template.h"
#include "template/value.h"

namespace confwatch {
namespace tmpl {

// Executes the template `name` of the set `t` into *out (appending).
// REQUIRES: t.Lookup(name) != nullptr. On error *out may hold partial output;
// Template::Execute renders into a scratch buffer for that reason.
absl::Status ExecuteTree(const Template& t, std::string_view name, const Value& dot,
                         ExecContext& ctx, std::string* out);

// Go's builtin function map (and, or, not, len, index, ...). and/or are
// special-cased by the executor (short circuit).
const FuncMap& Builtins();

// Go's indirectInterface: a boxed value's dynamic value; the nil interface
// becomes the invalid value.
Value IndirectInterface(const Value& v);
// Go's indirect: through interfaces and pointers; second is true when a nil
// was met (the nil value is returned as is).
std::pair<Value, bool> Indirect(const Value& v);
// Go's isTrue. Every kind this model has is usable, so there is no "ok".
bool IsTrue(const Value& v);
// Go's printableValue: dereferenced pointers; "<no value>" for invalid.
Value PrintableValue(const Value& v);

}  // namespace tmpl
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_EXEC_H_
