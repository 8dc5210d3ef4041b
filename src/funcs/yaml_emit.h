// How go-yaml v2 (v2.4, yaml.Marshal's defaults: unicode on, width 80,
// indent 2) writes one string in block context, for toYaml (yaml.cc):
//   - the style: encode.go's stringv (plain, double-quoted when plain would
//     read back as another type, literal "|" when the string has a '\n'),
//     then emitterc.go's analyze/select rules (single-quoted when plain is
//     not allowed, double-quoted when single quotes or a block are not);
//   - the bytes: escapes, '' in single quotes, block scalar indentation
//     and chomping hints, and line folding at a space past column 80.
// Strings go-yaml reads as timestamps are quoted: time.Parse's rules for
// the four layouts go-yaml tries are ported.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_FUNCS_YAML_EMIT_H_
#define CONFWATCH_FUNCS_YAML_EMIT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace confwatch::funcs_internal {

// Appends string `s` to *out, which holds the document so far (the column
// is counted from its last line). `indent` is the column of the collection
// the scalar belongs to (0 at the top level); continuation lines of a
// folded or block scalar go two further. A mapping key (`key`) never folds
// and must fit a simple key (one line, at most 128 bytes), else an
// Unimplemented error. Sets *ends_line when the scalar ended with a line
// break (a block scalar with a final '\n'): nothing more goes on that line.
absl::Status AppendYamlString(std::string_view s, bool key, int indent, std::string* out,
                              bool* ends_line);

// The error toYaml reports for a value it does not reproduce.
absl::Status YamlUnsupported(std::string_view what);

}  // namespace confwatch::funcs_internal

#endif  // CONFWATCH_FUNCS_YAML_EMIT_H_
