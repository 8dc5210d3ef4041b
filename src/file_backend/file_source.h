// The file key source: YAML, JSON and TOML files flattened into keys the way
// confd's file backend (backends/file/client.go) does, so the same data file
// gives the same keys:
//   nested maps -> "/a/b", lists -> "/a/0", "/a/1", joined with Go's
//   path.Join (so a map key "x/y" adds two levels and ".." is resolved);
//   scalars -> strings as golang/yaml_scalar.h describes ("1.0" -> "1", "yes" ->
//   "true", "0x1F" -> "31"); null -> no key.
// confd parses JSON with its YAML parser too; so do we (JSON is YAML), which
// keeps number and string rules identical. Files named *.toml are read as
// TOML (an addition: confd has no TOML here): integers in decimal, floats as
// YAML floats, booleans "true"/"false", dates and times in TOML's (RFC 3339)
// text, tables and arrays flattened like maps and lists.
//
// A path may be a file (always read) or a directory, walked recursively in
// name order, reading the files whose base name matches `filter`
// (path.Match, confd's -filter, default "*"). When several files set the
// same key the later one wins (confd's maps give no better promise).
//
// Differences from confd, each fixing a defect: a map key that is not a
// string (1:, true:) is used as written instead of crashing confd (a Go
// type assertion panic); YAML merge keys ("<<") are honoured as yaml.v2 does;
// a directory walk skips hidden names (".*", as conf.d does): a Kubernetes
// ConfigMap or Secret volume's private "..data" and "..<timestamp>" entries,
// whose files are read through the visible symlinks, and editors' swap files.
// Watching the files is FileKeySource's (file_key_source.h).
//
// Thread-safety: pure functions apart from reading the files.
#ifndef CONFWATCH_FILE_BACKEND_FILE_SOURCE_H_
#define CONFWATCH_FILE_BACKEND_FILE_SOURCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace confwatch {

// Reads and flattens every file. Returns the pairs sorted by key, one per key.
// Errors name the file: "IO error: <path>: No such file or directory",
// InvalidArgument "<path>:<line>:<col>: <parser message>" for a syntax error,
// "<path>:<line>:<col>: top-level value must be a map" for a list or scalar
// document, "syntax error in pattern" for a bad filter.
absl::StatusOr<std::vector<KVPair>> LoadFileSource(const std::vector<std::string>& paths,
                                                   std::string_view filter = "*");

// One document's text, `file` naming it in errors. YAML also reads JSON.
absl::StatusOr<std::vector<KVPair>> FlattenYaml(std::string_view text, std::string_view file);
absl::StatusOr<std::vector<KVPair>> FlattenToml(std::string_view text, std::string_view file);

}  // namespace confwatch

#endif  // CONFWATCH_FILE_BACKEND_FILE_SOURCE_H_
