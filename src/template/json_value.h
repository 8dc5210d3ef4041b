// Conversion of parsed JSON to template Values with Go's encoding/json
// semantics for an interface{} target: objects become map[string]interface {},
// arrays []interface {}, numbers float64, strings string, true/false bool and
// null a nil interface. This is what confd's `json`/`jsonArray` return and what
// the conformance runner uses to build `dot` from golden data.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_TEMPLATE_JSON_VALUE_H_
#define CONFWATCH_TEMPLATE_JSON_VALUE_H_

#include "nlohmann/json.hpp"
#include "template/value.h"

namespace confwatch {

// map[string]interface {} and []interface {}.
const Type* JsonObjectType();
const Type* JsonArrayType();

// Converts `json` as Go's json.Unmarshal into an interface{} would. The
// top-level result is not boxed; nested elements are read back boxed by
// Value::Index/MapIndex. Integers become float64 like every JSON number.
Value ValueFromJson(const nlohmann::json& json);

}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_JSON_VALUE_H_
