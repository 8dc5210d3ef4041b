// Go's path.Match glob, the pattern language of confd's `gets` and `getvs`,
// reproduced exactly (Go 1.19 src/path/match.go):
//   '*'            any sequence of non-'/' characters
//   '?'            any single non-'/' character (one UTF-8 rune)
//   '[' ['^'] { c | '\\' c | lo '-' hi } ']'   a non-empty character class
//                  (on runes); '^' negates
//   '\\' c         the character c
//   c              itself, for any other byte
// The whole name must match. A malformed pattern ("[", "[]a]", "a\\",
// "[a-", "[\\") is an error, reported for every name, even one the pattern
// could not match anyway (Go >= 1.16 validates the rest of the pattern after
// a mismatch).
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_GOLANG_PATH_MATCH_H_
#define CONFWATCH_GOLANG_PATH_MATCH_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace confwatch {

// Go's path.ErrBadPattern text.
inline constexpr std::string_view kBadPatternMessage = "syntax error in pattern";

// path.Match(pattern, name). Error: InvalidArgument kBadPatternMessage.
absl::StatusOr<bool> GoPathMatch(std::string_view pattern, std::string_view name);

// OK when the pattern is well formed (what GoPathMatch reports as an error
// does not depend on the name).
absl::Status ValidateGoPattern(std::string_view pattern);

// The part of the pattern before its first special character ('*', '?',
// '[', '\\'): every name the pattern matches starts with it, so a search can
// start at lower_bound(prefix) and stop when keys no longer start with it.
std::string_view GlobLiteralPrefix(std::string_view pattern);

}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_PATH_MATCH_H_
