// gopkg.in/yaml.v2's resolve() of a plain (unquoted) scalar decoded into
// interface{}: ResolveYamlScalar gives the Go type and value (Helm's
// fromYaml converts that to JSON), ResolvePlainYamlScalar the text confd's
// file backend stores for it.
//
// How confd's file backend turns one YAML scalar into a key's value. confd
// unmarshals with gopkg.in/yaml.v2 into interface{}, which resolves a PLAIN
// (unquoted) scalar by YAML 1.1 rules, then prints it in nodeWalk:
//   null ("", "~", "null", "Null", "NULL")           -> no key at all
//   bool (y Y yes Yes YES on On ON true True TRUE,
//         n N no No NO off Off OFF false False FALSE) -> "true" / "false"
//   int  (strconv.ParseInt(s without '_', 0, 64): "0x1F", "0o17", "017",
//         "0b101", "+5", "1_000")                    -> decimal ("31", "15")
//   float (".5", "1e3", "1.", ".inf", ".nan", ...)    -> FormatFloat(f, 'f', -1)
//                                                        ("0.5", "1000", "+Inf")
//   anything else (incl. timestamps)                  -> the text itself
// Quoted and block scalars are always strings.
//
// Deliberate difference: an integer above int64 but within uint64 (yaml.v2
// gives uint64, which confd's nodeWalk has no case for and silently drops) is
// kept, in decimal.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_GOLANG_YAML_SCALAR_H_
#define CONFWATCH_GOLANG_YAML_SCALAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace confwatch {

// A plain scalar as yaml.v2 types it: nil, bool, int (int64), uint64 (an
// integer above int64), float64 (incl. .inf/.nan), else string (the text;
// timestamps too, as yaml.v2 keeps them for interface{}).
struct YamlScalar {
  enum class Type { kNull, kBool, kInt, kUint, kFloat, kString };
  Type type = Type::kString;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
};
YamlScalar ResolveYamlScalar(std::string_view plain);

// The value confd stores for a plain scalar, nullopt for null (no key).
std::optional<std::string> ResolvePlainYamlScalar(std::string_view plain);

// yaml.v2's isMerge(): whether a mapping key whose scalar text is `text` and
// whose tag is `tag` (as yaml-cpp reports it: "?" for a plain scalar with no
// tag, "!" for a quoted or block one) is the merge key, whose value is merged
// into the enclosing map. True for a plain "<<" or one tagged !!merge; a
// quoted "<<" is an ordinary key. Callers pass only scalar keys.
bool IsYamlMergeKey(std::string_view text, std::string_view tag);

// Go's strconv.FormatFloat(f, 'f', -1, 64): the shortest digits that read
// back as f, never an exponent; "NaN", "+Inf", "-Inf".
std::string FormatGoFloat(double f);

}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_YAML_SCALAR_H_
