// Checks run on TOML text before toml11 sees it. toml11 3.x parses arrays,
// inline tables and dotted keys by recursion and rebuilds nested tables once
// per key part, so a file of a few kilobytes ("keys = [[[[...6000 deep") blows
// the stack, and a long dotted key or table header ("[[x.x.x....]]") takes
// time quadratic in its parts. It also reads past its buffer on some invalid
// UTF-8. Every TOML document confwatch parses (conf.d resources, the config
// file, register specs, the file backend, rendered output checked as TOML)
// passes through PrescanToml first, so such a file is refused with a
// position instead of taking the daemon down.
//
// The scan is one linear pass that knows just enough TOML lexing to stay out
// of strings ("...", '...', """...""", '''...''') and comments; it never
// rejects a document toml11 would accept within the limits below.
//
// It lives in store/ because that is the lowest module that parses TOML.
// Thread-safety: pure functions, safe from any thread.
#ifndef CONFWATCH_STORE_TOML_PRESCAN_H_
#define CONFWATCH_STORE_TOML_PRESCAN_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace confwatch {

// Arrays and inline tables open at once (a table header counts as one, an
// array-of-tables header as two).
inline constexpr size_t kTomlMaxNesting = 64;
// Parts of one dotted key or table header name ("a.b.c" has 3).
inline constexpr size_t kTomlMaxKeyParts = 32;
// Bytes of one whole key or table header name, quotes and dots included.
inline constexpr size_t kTomlMaxKeyBytes = 4096;

// A problem at a 1-based line and byte column of a TOML text.
struct TomlErrorInfo {
  unsigned line = 1;
  unsigned column = 1;
  std::string message;
};

// The first invalid UTF-8 byte, "invalid UTF-8 (byte 0xff)"; nullopt when the
// text is valid.
std::optional<TomlErrorInfo> FindInvalidUtf8(absl::string_view text);

// The first place the text passes a limit above: "nested too deep (limit
// 64)" at the bracket that opens one level too many, "key has too many
// dotted parts (limit 32)" at the dot that starts one part too many, "key too
// long (limit 4096 bytes)" at the start of the key. nullopt when within.
std::optional<TomlErrorInfo> FindTomlOverLimit(absl::string_view text);

// FindInvalidUtf8, then FindTomlOverLimit: what every caller runs before
// toml::parse.
std::optional<TomlErrorInfo> PrescanToml(absl::string_view text);

}  // namespace confwatch

#endif  // CONFWATCH_STORE_TOML_PRESCAN_H_
