#include "resource/toml_error.h"

#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace confwatch {
namespace {

struct Position {
  unsigned line = 0;
  unsigned column = 0;
};

// toml11 prints a location as two lines:
//    " 3 | mode = 0644"
//    "   |        ^--- here"
// Returns the position of each such pair in `what`, in order.
std::vector<Position> CaretPositions(absl::string_view what) {
  std::vector<absl::string_view> lines = absl::StrSplit(what, '\n');
  std::vector<Position> out;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    absl::string_view numbered = lines[i];
    size_t bar = numbered.find(" | ");
    if (bar == numbered.npos) continue;
    unsigned line = 0;
    if (!absl::SimpleAtoi(numbered.substr(0, bar), &line)) continue;
    absl::string_view caret = lines[i + 1];
    if (caret.size() < bar + 3 ||
        caret.substr(0, bar + 3).find_first_not_of(" |") != absl::string_view::npos) {
      continue;
    }
    size_t mark = caret.find_first_of("^~", bar + 3);
    if (mark == caret.npos) continue;
    out.push_back({line, static_cast<unsigned>(mark - (bar + 3) + 1)});
  }
  return out;
}

// First line of toml11's message without "[error] " and the internal
// function name ("toml::parse_basic_string: ").
absl::string_view Headline(absl::string_view what) {
  absl::string_view first = what.substr(0, what.find('\n'));
  absl::ConsumePrefix(&first, "[error]");
  first = absl::StripLeadingAsciiWhitespace(first);
  if (absl::StartsWith(first, "toml::")) {
    size_t colon = first.find(": ");
    if (colon != first.npos) first.remove_prefix(colon + 2);
  }
  return first;
}

}  // namespace

std::string TomlWhere(absl::string_view file, const toml::value& value) {
  toml::source_location loc = value.location();
  return absl::StrCat(file, ":", loc.line(), ":", loc.column());
}

absl::Status TomlErrorAt(absl::string_view file, const toml::value& value,
                         absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(TomlWhere(file, value), ": ", message));
}

TomlErrorInfo DescribeTomlException(const toml::exception& e) {
  absl::string_view what = e.what();
  std::vector<Position> carets = CaretPositions(what);
  // e.location() has the right line but often column 1; the caret drawn on
  // that same line has the column.
  Position pos{static_cast<unsigned>(e.location().line()),
               static_cast<unsigned>(e.location().column())};
  bool found = false;
  for (const Position& p : carets) {
    if (p.line == pos.line) {
      pos = p;
      found = true;
      break;
    }
  }
  if (!found && !carets.empty()) pos = carets.front();
  return {pos.line, pos.column, std::string(Headline(what))};
}

absl::Status TomlExceptionToStatus(absl::string_view file, const toml::exception& e) {
  TomlErrorInfo info = DescribeTomlException(e);
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", info.line, ":", info.column, ": ", info.message));
}

absl::string_view TomlTypeName(const toml::value& value) {
  switch (value.type()) {
    case toml::value_t::empty:
      return "nothing";
    case toml::value_t::boolean:
      return "boolean";
    case toml::value_t::integer:
      return "integer";
    case toml::value_t::floating:
      return "float";
    case toml::value_t::string:
      return "string";
    case toml::value_t::offset_datetime:
    case toml::value_t::local_datetime:
    case toml::value_t::local_date:
    case toml::value_t::local_time:
      return "datetime";
    case toml::value_t::array:
      return "array";
    case toml::value_t::table:
      return "table";
  }
  return "unknown";
}

absl::StatusOr<toml::value> ParseTomlText(absl::string_view text, const std::string& file) {
  if (std::optional<TomlErrorInfo> bad = PrescanToml(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ":", bad->line, ":", bad->column, ": ", bad->message));
  }
  try {
    std::istringstream in{std::string(text)};
    return toml::parse(in, file);
  } catch (const toml::exception& e) {
    return TomlExceptionToStatus(file, e);
  } catch (const std::exception& e) {
    // toml11 also throws plain std:: exceptions (std::out_of_range from a
    // number conversion, ...) on some malformed input.
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", e.what()));
  }
}

}  // namespace confwatch
