// Turns toml11's exceptions and value locations into confwatch errors of the
// form "<file>:<line>:<col>: <message>". toml11 3.x throws on syntax errors and
// formats a multi-line, ASCII-art message whose own location is sometimes
// only line-accurate; this is the one place that knows that format, so the
// resource loader and the output validator report positions the same way.
//
// Thread-safety: pure functions, safe from any thread.
#ifndef CONFWATCH_RESOURCE_TOML_ERROR_H_
#define CONFWATCH_RESOURCE_TOML_ERROR_H_

#include <optional>
#include <string>
#include <toml.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/toml_prescan.h"

namespace confwatch {

// "<file>:<line>:<col>" of `value` in the document it was parsed from.
std::string TomlWhere(absl::string_view file, const toml::value& value);

// InvalidArgument "<file>:<line>:<col>: <message>" at `value`.
absl::Status TomlErrorAt(absl::string_view file, const toml::value& value,
                         absl::string_view message);

// Where a toml11 exception points and what it says: the first line of its
// message without toml11's internal function name, the column taken from the
// caret ("^---") it draws under the offending text.
TomlErrorInfo DescribeTomlException(const toml::exception& e);

// InvalidArgument "<file>:<line>:<col>: <message>" from the above.
absl::Status TomlExceptionToStatus(absl::string_view file, const toml::exception& e);

// "string", "integer", "array", ... as a user reads them in messages.
absl::string_view TomlTypeName(const toml::value& value);

// Parses a whole TOML document named `file` (for messages): invalid UTF-8 and
// nesting past the limits are refused before toml11 sees it (PrescanToml), and every toml11 exception becomes an
// InvalidArgument "<file>:<line>:<col>: <message>" (or "<file>: <what>").
absl::StatusOr<toml::value> ParseTomlText(absl::string_view text, const std::string& file);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_TOML_ERROR_H_
