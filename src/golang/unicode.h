// The parts of Go's unicode/strings packages the template functions need
// beyond golang/utf8.h: unicode.IsSpace and the simple case mappings behind
// strings.ToUpper/ToLower (Go 1.19's unicode.CaseRanges). Output matches Go
// byte for byte, including invalid UTF-8, which strings.Map turns into
// U+FFFD.
//
// Thread-safety: pure functions over constant tables.
#ifndef CONFWATCH_GOLANG_UNICODE_H_
#define CONFWATCH_GOLANG_UNICODE_H_

#include <string>
#include <string_view>

namespace confwatch::gounicode {

// unicode.IsSpace.
bool IsSpace(char32_t r);
// unicode.ToUpper / unicode.ToLower (simple one-to-one mappings).
char32_t ToUpper(char32_t r);
char32_t ToLower(char32_t r);

// strings.ToUpper / strings.ToLower: ASCII fast path, otherwise rune by rune
// with invalid bytes replaced by U+FFFD (as strings.Map does).
std::string StringToUpper(std::string_view s);
std::string StringToLower(std::string_view s);

}  // namespace confwatch::gounicode

#endif  // CONFWATCH_GOLANG_UNICODE_H_
