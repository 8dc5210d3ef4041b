// Go's encoding/json for template values, byte-exact with Go 1.19:
//   - GoJsonUnmarshal is json.Unmarshal into a map[string]interface {},
//     []interface {} or interface {} (confd's `json`, `jsonArray`, sprig's
//     `fromJson`), with Go's error texts ("invalid character 'x' looking for
//     beginning of value", "unexpected end of JSON input", "json: cannot
//     unmarshal array into Go value of type map[string]interface {}").
//   - GoJsonMarshal is json.Marshal / json.MarshalIndent(v, "", indent)
//     (`toJson`, `toPrettyJson`): map keys sorted, <>& and U+2028/U+2029
//     escaped, floats formatted as Go does, nil slices and maps as null,
//     structs as their fields, time.Time as RFC 3339.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_FUNCS_JSON_H_
#define CONFWATCH_FUNCS_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "template/value.h"

namespace confwatch {

// Decodes `data` into a Go value of type `target`, which must be
// JsonObjectType(), JsonArrayType() or Type::Any(). JSON null yields the nil
// map/slice/interface. Errors carry Go's message as the status message.
// When `partial` is given it receives, even on error, what json.Unmarshal
// would have left in the target (sprig's fromJson ignores the error): the
// zero value after a syntax error, the decoded value with nil in place of
// an out-of-range number after that kind of error.
absl::StatusOr<Value> GoJsonUnmarshal(std::string_view data, const Type* target,
                                      Value* partial = nullptr);

// Encodes `v`; a non-empty `indent` gives MarshalIndent's layout. Fails as Go
// does on NaN/Inf ("json: unsupported value: NaN") and on values JSON cannot
// represent.
absl::StatusOr<std::string> GoJsonMarshal(const Value& v, std::string_view indent = "");

}  // namespace confwatch

#endif  // CONFWATCH_FUNCS_JSON_H_
