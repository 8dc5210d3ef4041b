// TomlTable reads typed fields out of one parsed TOML table with errors that
// point at the offending value ("<file>:<line>:<col>: <key>: expected a
// string, got integer"). Keys match case-insensitively, the way confd's TOML
// decoder (BurntSushi/toml) matches struct fields; keys outside the schema are
// reported as warnings with a "did you mean" when one is close.
//
// Thread-safety: not thread-safe; a short-lived helper of one parse. It keeps
// references to the file name and the table, which must outlive it.
#ifndef CONFWATCH_RESOURCE_TOML_TABLE_H_
#define CONFWATCH_RESOURCE_TOML_TABLE_H_

#include <map>
#include <string>
#include <toml.hpp>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace confwatch {

class TomlTable {
 public:
  // `name` is how messages call the table ("[template]"); `known_keys` are
  // the lower-case field names of the schema.
  TomlTable(const std::string& file, const toml::value& table, std::string name,
            absl::Span<const absl::string_view> known_keys);

  // Indexes the keys. Fails when one field is spelled twice ("dest" and
  // "Dest"). REQUIRES: table.is_table(); called once before anything else.
  absl::Status Index();

  // The value of `key` (lower case), nullptr when absent.
  const toml::value* Find(absl::string_view key) const;

  // "<file>:<line>:<col>: <key>: <message>" at `value`.
  absl::Status Error(const toml::value& value, absl::string_view key,
                     absl::string_view message) const;
  // ... with message "expected <expected>, got <type of value>".
  absl::Status TypeError(const toml::value& value, absl::string_view key,
                         absl::string_view expected) const;
  // "<file>:<line>:<col>: <message>" at the table itself (its header).
  absl::Status TableError(absl::string_view message) const;

  // Typed reads: absent keys leave *out untouched and return OK.
  absl::Status GetString(absl::string_view key, std::string* out) const;
  absl::Status GetNonEmptyString(absl::string_view key, std::string* out) const;
  // GetNonEmptyString for a path or name handed to the OS as a C string: a
  // control character is refused (a NUL would silently cut the path short,
  // "out/case\0.conf" -> "out/case").
  absl::Status GetPath(absl::string_view key, std::string* out) const;
  absl::Status GetBool(absl::string_view key, bool* out) const;
  absl::Status GetStringArray(absl::string_view key, std::vector<std::string>* out) const;
  // A Go duration string ("30s"); negative is an error, and so is zero when
  // `positive`.
  absl::Status GetDuration(absl::string_view key, bool positive,
                           absl::Duration* out) const;
  absl::StatusOr<absl::Duration> DurationOf(const toml::value& value,
                                            absl::string_view key) const;

  // Appends "<file>:<line>:<col>: unknown key "x" in <name>" for every key
  // outside the schema, in file order.
  void WarnUnknown(std::vector<std::string>* warnings) const;

  const std::string& file() const { return file_; }

 private:
  struct Field {
    std::string spelling;  // as written
    const toml::value* value;
  };
  const std::string& file_;
  const toml::value& table_;
  const std::string name_;
  const absl::Span<const absl::string_view> known_keys_;
  std::map<std::string, Field> fields_;  // by lower-case key
};

// The nearest of `known` within edit distance 2 of `name` (the first on a tie) ("dset" -> "dest"),
// empty when none: the "did you mean" of unknown TOML keys and flags.
absl::string_view ClosestName(absl::string_view name, absl::Span<const absl::string_view> known);

// Column of `key` as written on the line of `value`: toml11 keeps positions of
// values, not of keys, so this looks for the key left of its value.
unsigned TomlKeyColumn(const toml::value& value, absl::string_view key);

// The source text of a scalar value as written ("0o644" rather than 420).
std::string TomlTokenText(const toml::value& value);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_TOML_TABLE_H_
