// The parts of Go's strconv that text/template and fmt rely on, with Go's
// exact output and errors: quoting (Quote, QuoteToASCII, QuoteRune, ...),
// unquoting of Go string/char literals, integer and float parsing with base
// prefixes and '_' separators, and FormatFloat ('e' 'E' 'f' 'g' 'G' 'b' 'x'
// 'X', shortest or fixed precision, 32 or 64 bit).
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_GOLANG_STRCONV_H_
#define CONFWATCH_GOLANG_STRCONV_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace confwatch {
namespace gostrconv {

// strconv.Quote / QuoteToASCII.
std::string Quote(std::string_view s);
std::string QuoteToASCII(std::string_view s);
void AppendQuote(std::string* out, std::string_view s, bool ascii_only);
// strconv.QuoteRune / QuoteRuneToASCII.
std::string QuoteRune(char32_t r, bool ascii_only = false);
// strconv.CanBackquote.
bool CanBackquote(std::string_view s);

// strconv.Unquote: error text is "invalid syntax" (Go's ErrSyntax).
absl::StatusOr<std::string> Unquote(std::string_view s);
// strconv.UnquoteChar: decodes one (possibly escaped) character of a literal
// quoted with `quote`; stores it in *rune (*multibyte: needs UTF-8
// encoding, i.e. not a \x or octal byte escape) and advances *s past it.
absl::Status UnquoteChar(std::string_view* s, char quote, char32_t* rune, bool* multibyte);

// strconv.ParseInt / ParseUint with base 0 semantics (0x, 0o, 0b, 0 prefixes,
// '_' separators) when base == 0. Error messages as Go's NumError:
//   strconv.ParseInt: parsing "x": invalid syntax
//   strconv.ParseInt: parsing "999...": value out of range
absl::StatusOr<int64_t> ParseInt(std::string_view s, int base, int bit_size);
absl::StatusOr<uint64_t> ParseUint(std::string_view s, int base, int bit_size);
// strconv.ParseFloat(s, 64), including hex floats, inf/nan and '_'.
// Out-of-range values return ±Inf with an error, as in Go.
absl::StatusOr<double> ParseFloat(std::string_view s);

// strconv.FormatFloat(f, fmt, prec, bit_size).
std::string FormatFloat(double f, char fmt, int prec, int bit_size);

}  // namespace gostrconv
}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_STRCONV_H_
