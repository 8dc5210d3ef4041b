// Go's fmt package over template Values: Sprint, Sprintln, Sprintf with every
// verb, flag, width, precision, argument index and error form
// (%!d(string=x), %!v(MISSING), %!(EXTRA int=1), %!(NOVERB), ...), and the
// printing of composite values ([a b], map[a:1], {k v}, &{k v}, <nil>).
// A port of Go 1.19 src/fmt/print.go and format.go.
//
// Values are treated as Go's `any` arguments: a nil interface (or the
// invalid Value) is a nil argument; boxed values print as their dynamic
// value. Types with a String() or Error() method (registered with
// Type::AddMethod) are formatted through it for %v %s %x %X %q, as fmt does.
//
// Thread-safety: a Printer is used by one thread; the functions are
// reentrant.
#ifndef CONFWATCH_TEMPLATE_GO_FMT_H_
#define CONFWATCH_TEMPLATE_GO_FMT_H_

#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "template/function.h"
#include "template/value.h"

namespace confwatch {
namespace gofmt {

// fmt.Sprint(args...).
std::string Sprint(absl::Span<const Value> args, ExecContext* ctx = nullptr);
// fmt.Sprintln(args...).
std::string Sprintln(absl::Span<const Value> args, ExecContext* ctx = nullptr);
// fmt.Sprintf(format, args...).
std::string Sprintf(std::string_view format, absl::Span<const Value> args,
                    ExecContext* ctx = nullptr);
// Appends fmt.Sprint(v) to *out (one argument: no separators).
void AppendPrint(std::string* out, const Value& v, ExecContext* ctx = nullptr);

}  // namespace gofmt
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_GO_FMT_H_
