#include "resource/toml_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "golang/duration.h"
#include "resource/toml_error.h"

namespace confwatch {
namespace {

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min(
          {row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

absl::string_view ClosestName(absl::string_view name,
                              absl::Span<const absl::string_view> known) {
  absl::string_view best;
  size_t best_distance = 3;  // farther than this is no suggestion
  for (absl::string_view k : known) {
    const size_t d = EditDistance(name, k);
    if (d < best_distance) best = k, best_distance = d;
  }
  return best;
}

TomlTable::TomlTable(const std::string& file, const toml::value& table, std::string name,
                     absl::Span<const absl::string_view> known_keys)
    : file_(file), table_(table), name_(std::move(name)), known_keys_(known_keys) {}

absl::Status TomlTable::Index() {
  for (const auto& [key, value] : table_.as_table()) {
    std::string folded = absl::AsciiStrToLower(key);
    auto [it, inserted] = fields_.emplace(folded, Field{key, &value});
    if (inserted) continue;
    const Field& first = it->second;
    // Report at whichever spelling comes second in the file.
    const toml::value& later =
        first.value->location().line() <= value.location().line() ? value : *first.value;
    return TomlErrorAt(file_, later,
                       absl::StrCat("\"", folded, "\" is set twice (as \"",
                                    std::min(first.spelling, key), "\" and \"",
                                    std::max(first.spelling, key), "\")"));
  }
  return absl::OkStatus();
}

const toml::value* TomlTable::Find(absl::string_view key) const {
  auto it = fields_.find(std::string(key));
  return it == fields_.end() ? nullptr : it->second.value;
}

absl::Status TomlTable::Error(const toml::value& value, absl::string_view key,
                              absl::string_view message) const {
  return TomlErrorAt(file_, value, absl::StrCat(key, ": ", message));
}

absl::Status TomlTable::TypeError(const toml::value& value, absl::string_view key,
                                  absl::string_view expected) const {
  return Error(value, key,
               absl::StrCat("expected ", expected, ", got ", TomlTypeName(value)));
}

absl::Status TomlTable::TableError(absl::string_view message) const {
  return TomlErrorAt(file_, table_, message);
}

absl::Status TomlTable::GetString(absl::string_view key, std::string* out) const {
  const toml::value* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return TypeError(*v, key, "a string");
  *out = v->as_string().str;
  return absl::OkStatus();
}

absl::Status TomlTable::GetNonEmptyString(absl::string_view key, std::string* out) const {
  const toml::value* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return TypeError(*v, key, "a string");
  if (v->as_string().str.empty()) return Error(*v, key, "must not be empty");
  *out = v->as_string().str;
  return absl::OkStatus();
}

absl::Status TomlTable::GetPath(absl::string_view key, std::string* out) const {
  std::string text;
  if (absl::Status s = GetNonEmptyString(key, &text); !s.ok()) return s;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      return Error(*Find(key), key,
                   absl::StrFormat("contains control character 0x%02x at byte %d", c, i + 1));
    }
  }
  if (Find(key) != nullptr) *out = std::move(text);
  return absl::OkStatus();
}

absl::Status TomlTable::GetBool(absl::string_view key, bool* out) const {
  const toml::value* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_boolean()) return TypeError(*v, key, "a boolean");
  *out = v->as_boolean();
  return absl::OkStatus();
}

absl::Status TomlTable::GetStringArray(absl::string_view key,
                                       std::vector<std::string>* out) const {
  const toml::value* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_array()) return TypeError(*v, key, "an array of strings");
  std::vector<std::string> strings;
  for (const toml::value& element : v->as_array()) {
    if (!element.is_string()) return TypeError(element, key, "a string");
    strings.push_back(element.as_string().str);
  }
  *out = std::move(strings);
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> TomlTable::DurationOf(const toml::value& value,
                                                     absl::string_view key) const {
  if (!value.is_string()) {
    return TypeError(value, key, "a duration string like \"30s\"");
  }
  absl::StatusOr<absl::Duration> d = ParseGoDuration(value.as_string().str);
  if (!d.ok()) return Error(value, key, d.status().message());
  if (*d < absl::ZeroDuration()) return Error(value, key, "must not be negative");
  return d;
}

absl::Status TomlTable::GetDuration(absl::string_view key, bool positive,
                                    absl::Duration* out) const {
  const toml::value* v = Find(key);
  if (v == nullptr) return absl::OkStatus();
  absl::StatusOr<absl::Duration> d = DurationOf(*v, key);
  if (!d.ok()) return d.status();
  if (positive && *d == absl::ZeroDuration()) {
    return Error(*v, key, "must be positive");
  }
  *out = *d;
  return absl::OkStatus();
}

void TomlTable::WarnUnknown(std::vector<std::string>* warnings) const {
  if (warnings == nullptr) return;
  std::map<std::pair<unsigned, unsigned>, std::string> found;  // in file order
  for (const auto& [folded, field] : fields_) {
    if (std::find(known_keys_.begin(), known_keys_.end(), folded) != known_keys_.end()) {
      continue;
    }
    const unsigned line = field.value->location().line();
    const unsigned column = TomlKeyColumn(*field.value, field.spelling);
    std::string warning = absl::StrCat(file_, ":", line, ":", column, ": unknown key \"",
                                       field.spelling, "\" in ", name_);
    if (absl::string_view known = ClosestName(folded, known_keys_); !known.empty()) {
      absl::StrAppend(&warning, " (did you mean \"", known, "\"?)");
    }
    found[{line, column}] = std::move(warning);
  }
  for (auto& [position, warning] : found) warnings->push_back(std::move(warning));
}

unsigned TomlKeyColumn(const toml::value& value, absl::string_view key) {
  toml::source_location loc = value.location();
  const std::string& line = loc.line_str();
  size_t limit = loc.column() > 0 ? loc.column() - 1 : 0;
  size_t at = line.rfind(std::string(key), limit);
  return at == std::string::npos ? loc.column() : static_cast<unsigned>(at + 1);
}

std::string TomlTokenText(const toml::value& value) {
  toml::source_location loc = value.location();
  const std::string& line = loc.line_str();
  size_t start = loc.column() > 0 ? loc.column() - 1 : 0;
  if (start >= line.size()) return "";
  return line.substr(start, loc.region());
}

}  // namespace confwatch
