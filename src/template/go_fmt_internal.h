// Internals of the fmt port (go_fmt.h): Fmt is Go's fmt.fmt (format.go, the
// padding/number/string primitives), Printer is Go's fmt.pp (print.go, the
// argument walker and Printf state machine). Kept private to the template
// module; use go_fmt.h.
//
// Thread-safety: one Printer per call.
#ifndef CONFWATCH_TEMPLATE_GO_FMT_INTERNAL_H_
#define CONFWATCH_TEMPLATE_GO_FMT_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "template/function.h"
#include "template/value.h"

namespace confwatch {
namespace gofmt {

struct FmtFlags {
  bool wid_present = false;
  bool prec_present = false;
  bool minus = false;
  bool plus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  // %+v and %#v are tracked separately from + and # (which they clear).
  bool plus_v = false;
  bool sharp_v = false;
};

class Fmt {
 public:
  explicit Fmt(std::string* buf) : buf_(buf) {}

  void ClearFlags() { f = FmtFlags(); }
  void WritePadding(int n);
  void Pad(std::string_view s);
  void FmtBoolean(bool v) { Pad(v ? "true" : "false"); }
  void FmtUnicode(uint64_t u);
  void FmtInteger(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits);
  void FmtS(std::string_view s);
  void FmtSbx(std::string_view s, const char* digits);
  void FmtQ(std::string_view s);
  void FmtC(uint64_t c);
  void FmtQc(uint64_t c);
  void FmtFloat(double v, int size, char verb, int prec);

  FmtFlags f;
  int wid = 0;
  int prec = 0;

 private:
  std::string_view TruncateString(std::string_view s) const;
  std::string* buf_;
};

// A nil `any`: the nil interface or the invalid value.
inline bool IsNilAny(const Value& v) { return !v.valid() || v.kind() == Kind::kInterface; }

inline constexpr const char* kLowerDigits = "0123456789abcdefx";
inline constexpr const char* kUpperDigits = "0123456789ABCDEFX";

class Printer {
 public:
  explicit Printer(ExecContext* ctx) : fmt_(&buf_), ctx_(ctx) {}

  void DoPrint(absl::Span<const Value> a);
  void DoPrintln(absl::Span<const Value> a);
  void DoPrintf(std::string_view format, absl::Span<const Value> a);
  void PrintArg(const Value& arg, char32_t verb);
  std::string& buf() { return buf_; }

 private:
  void BadVerb(char32_t verb);
  void FmtBool(bool v, char32_t verb);
  void Fmt0x64(uint64_t v, bool leading0x);
  void FmtInteger(uint64_t v, bool is_signed, char32_t verb);
  void FmtFloat(double v, int size, char32_t verb);
  void FmtComplex(double re, double im, int size, char32_t verb);
  void FmtString(std::string_view v, char32_t verb);
  void FmtBytes(const Value& slice, char32_t verb, const std::string& type_string);
  void FmtPointer(const Value& value, char32_t verb);
  bool HandleMethods(char32_t verb);
  // Go's printValue. Iterative: a composite's elements are printed from a
  // heap stack of Open containers, so any nesting depth fits the C++ stack
  // (Go's goroutine stacks grow, and Go prints a 10000-deep map).
  void PrintValue(const Value& value, char32_t verb, int depth);
  // A composite whose elements are being printed.
  struct Open {
    Value value;
    int depth;        // of the composite; its elements print at depth + 1
    size_t next = 0;  // slices and structs: the next element
    ValueMap::const_iterator it;  // maps: the next entry
    char close;
  };
  // Prints a scalar whole, or writes a composite's opening and pushes it.
  void PrintOne(const Value& value, char32_t verb, int depth, std::vector<Open>* stack);
  // Prints the next element of stack->back() (with its separator and key).
  // Returns false, printing nothing, when it has no more elements.
  bool PrintNextElement(char32_t verb, std::vector<Open>* stack);
  void WriteRune(char32_t r);
  // %p-style pseudo address of reference values (Go prints real pointers).
  static uint64_t Address(const Value& v);

  std::string buf_;
  Fmt fmt_;
  ExecContext* ctx_;
  const Value* arg_ = nullptr;  // the `any` being printed; null for nil
  Value value_;                 // the reflect.Value being printed, if any
  bool reordered_ = false;
  bool good_arg_num_ = true;
  bool erroring_ = false;
};

}  // namespace gofmt
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_GO_FMT_INTERNAL_H_
