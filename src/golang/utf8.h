// UTF-8 and Unicode helpers with Go's exact semantics: DecodeRune returns
// U+FFFD with width 1 for invalid input (Go's utf8.RuneError), and the
// character classes match Go 1.19's unicode.IsLetter / unicode.IsDigit /
// strconv.IsPrint (tables generated from Go, see utf8_tables.cc).
//
// Thread-safety: pure functions over immutable tables.
#ifndef CONFWATCH_GOLANG_UTF8_H_
#define CONFWATCH_GOLANG_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace confwatch {
namespace utf8 {

inline constexpr char32_t kRuneError = 0xFFFD;
inline constexpr char32_t kMaxRune = 0x10FFFF;

struct Decoded {
  char32_t rune;
  size_t width;  // 0 only for empty input
};

// Go's utf8.DecodeRuneInString.
Decoded DecodeRune(std::string_view s);
// Go's utf8.DecodeLastRuneInString.
Decoded DecodeLastRune(std::string_view s);
// Go's utf8.EncodeRune: invalid runes (surrogates, > kMaxRune) encode U+FFFD.
void AppendRune(std::string* out, char32_t r);
// Go's utf8.RuneLen; -1 for runes that cannot be encoded.
int RuneLen(char32_t r);
// Go's utf8.RuneCountInString.
size_t RuneCount(std::string_view s);
bool ValidString(std::string_view s);

bool IsLetter(char32_t r);  // unicode.IsLetter
bool IsDigit(char32_t r);   // unicode.IsDigit
bool IsPrint(char32_t r);   // strconv.IsPrint == unicode.IsPrint

}  // namespace utf8
}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_UTF8_H_
