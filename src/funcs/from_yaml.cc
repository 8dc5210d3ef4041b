// Helm's fromYaml (pkg/engine/funcs.go): sigs.k8s.io/yaml.Unmarshal of the
// text into a map[string]interface {}; on error the map holds the single key
// "Error" with the error text. sigs.k8s.io/yaml decodes with go-yaml v2 into
// interface{}, turns that into a JSON-able value (keys to strings), then
// json.Marshal and json.Unmarshal: every number comes back float64.
//
// The YAML parser here is yaml-cpp; go-yaml v2's typing of plain scalars is
// golang/yaml_scalar.h. What follows go-yaml v2 exactly: scalar typing,
// quoted scalars as strings, aliases, merge keys ("<<", earlier maps of a
// list win), a repeated key keeps its last value, the first document only,
// non-string keys (int, bool, float formatted as 'g' with bitSize 32) made
// strings, and the JSON half of the errors ("error unmarshaling JSON: json:
// cannot unmarshal array into Go value of type map[string]interface {}").
// What does not: the text of a YAML syntax error is yaml-cpp's, not
// go-yaml's ("yaml: line 2: end of map not found"), and explicit tags other
// than !!str are typed as if absent.
//
// Thread-safety: pure functions.
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "funcs/internal.h"
#include "funcs/json.h"
#include "golang/strconv.h"
#include "golang/yaml_scalar.h"
#include "template/json_value.h"

namespace confwatch {
namespace {

using funcs_internal::Absl;

// Expanding aliases can blow a small document up exponentially ("billion
// laughs"); go-yaml v2 refuses such documents too, with this message.
constexpr int kMaxDecodedNodes = 1000000;
// yaml-cpp resolves an alias to the node itself, so an anchor that
// contains itself ("a: &a [*a]", "b: &b {<<: *b}") is a cycle; go-yaml
// refuses it ("anchor 'a' value contains itself"). Expanding stops at this
// depth instead, which also bounds the stack.
constexpr int kMaxDepth = 1000;

class JsonableBuilder {
 public:
  absl::StatusOr<Value> Build(const YAML::Node& node) {
    if (++decoded_ > kMaxDecodedNodes) {
      return absl::InvalidArgumentError("yaml: document contains excessive aliasing");
    }
    if (node.IsMap() || node.IsSequence()) {
      if (depth_ >= kMaxDepth) return TooDeep();
      ++depth_;
      absl::StatusOr<Value> v = node.IsMap() ? BuildMap(node) : BuildList(node);
      --depth_;
      return v;
    }
    if (!node.IsScalar()) return Value::Nil();
    if (IsString(node)) return Value::String(node.Scalar());
    const YamlScalar s = ResolveYamlScalar(node.Scalar());
    switch (s.type) {
      case YamlScalar::Type::kNull: return Value::Nil();
      case YamlScalar::Type::kBool: return Value::Bool(s.b);
      // JSON decoding makes every number a float64; converting here rounds
      // the same way as json.Unmarshal reading the integer's digits.
      case YamlScalar::Type::kInt: return Value::Float64(static_cast<double>(s.i));
      case YamlScalar::Type::kUint: return Value::Float64(static_cast<double>(s.u));
      case YamlScalar::Type::kFloat: return Value::Float64(s.f);
      case YamlScalar::Type::kString: break;
    }
    return Value::String(node.Scalar());
  }

 private:
  // Quoted and block scalars (tag "!") and explicit !!str stay strings.
  static bool IsString(const YAML::Node& node) {
    return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
  }

  // yaml.v2: a plain "<<" key merges the map (or maps) it names.
  static bool IsMerge(const YAML::Node& key) {
    return key.IsScalar() && IsYamlMergeKey(key.Scalar(), key.Tag());
  }

  // sigs.k8s.io/yaml's convertToJSONableObject: int, float and bool keys
  // become strings; anything else is an error.
  static absl::StatusOr<std::string> KeyString(const YAML::Node& key) {
    if (key.IsScalar()) {
      if (IsString(key)) return key.Scalar();
      const YamlScalar s = ResolveYamlScalar(key.Scalar());
      switch (s.type) {
        case YamlScalar::Type::kString: return key.Scalar();
        case YamlScalar::Type::kInt: return absl::StrCat(s.i);
        case YamlScalar::Type::kBool: return std::string(s.b ? "true" : "false");
        case YamlScalar::Type::kFloat: return FloatKey(s.f);
        case YamlScalar::Type::kUint:
          return absl::InvalidArgumentError(absl::StrCat("unsupported map key of type: uint64, key: ", s.u));
        case YamlScalar::Type::kNull: break;
      }
      return absl::InvalidArgumentError("unsupported map key of type: %!s(<nil>), key: <nil>");
    }
    if (key.IsNull()) return absl::InvalidArgumentError("unsupported map key of type: %!s(<nil>), key: <nil>");
    return absl::InvalidArgumentError("yaml: invalid map key: a map or a list");
  }

  static std::string FloatKey(double f) {
    if (std::isnan(f)) return ".nan";
    if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
    return gostrconv::FormatFloat(f, 'g', -1, 32);
  }

  absl::StatusOr<Value> BuildList(const YAML::Node& node) {
    ValueList elems;
    for (const YAML::Node& child : node) {
      absl::StatusOr<Value> v = Build(child);
      if (!v.ok()) return v.status();
      elems.push_back(*std::move(v));
    }
    return Value::List(JsonArrayType(), std::move(elems));
  }

  absl::StatusOr<Value> BuildMap(const YAML::Node& node) {
    ValueMap entries;
    if (absl::Status s = AddEntries(node, &entries); !s.ok()) return s;
    return Value::Map(JsonObjectType(), std::move(entries));
  }

  // In document order, as go-yaml v2 fills a Go map: a later key replaces
  // an earlier one, a merge sets the merged map's keys at its position.
  absl::Status AddEntries(const YAML::Node& map, ValueMap* entries) {
    for (const auto& pair : map) {
      const YAML::Node k = pair.first;  // by value: pair is a temporary proxy
      const YAML::Node v = pair.second;
      if (IsMerge(k)) {
        if (absl::Status s = Merge(v, entries); !s.ok()) return s;
        continue;
      }
      absl::StatusOr<std::string> key = KeyString(k);
      if (!key.ok()) return key.status();
      absl::StatusOr<Value> value = Build(v);
      if (!value.ok()) return value.status();
      (*entries)[*key] = *std::move(value);
    }
    return absl::OkStatus();
  }

  static absl::Status TooDeep() {
    return absl::InvalidArgumentError(
        absl::StrCat("yaml: nesting deeper than ", kMaxDepth, " levels, or an anchor that contains itself"));
  }

  absl::Status Merge(const YAML::Node& value, ValueMap* entries) {
    if (depth_ >= kMaxDepth) return TooDeep();
    ++depth_;
    absl::Status s = MergeEntries(value, entries);
    --depth_;
    return s;
  }

  absl::Status MergeEntries(const YAML::Node& value, ValueMap* entries) {
    static constexpr std::string_view kWantMap = "map merge requires map or sequence of maps as the value";
    if (value.IsMap()) return AddEntries(value, entries);
    if (!value.IsSequence()) return absl::InvalidArgumentError(absl::StrCat("yaml: ", Absl(kWantMap)));
    std::vector<YAML::Node> maps(value.begin(), value.end());
    for (auto it = maps.rbegin(); it != maps.rend(); ++it) {  // earlier maps win
      if (!it->IsMap()) return absl::InvalidArgumentError(absl::StrCat("yaml: ", Absl(kWantMap)));
      if (absl::Status s = AddEntries(*it, entries); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  int decoded_ = 0;
  int depth_ = 0;
};

// yaml.v2 reads the first document only; yaml-cpp's Load does the same.
absl::StatusOr<YAML::Node> ParseYaml(std::string_view text) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return absl::InvalidArgumentError(absl::StrCat("yaml: ", e.msg));
    return absl::InvalidArgumentError(absl::StrCat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
}

// sigs.k8s.io/yaml's yamlToJSONTarget: the JSON text, or its error.
absl::StatusOr<std::string> YamlToJson(std::string_view text) {
  absl::StatusOr<YAML::Node> doc = ParseYaml(text);
  if (!doc.ok()) return doc.status();
  absl::StatusOr<Value> tree;
  try {
    tree = JsonableBuilder().Build(*doc);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("yaml: ", e.msg));
  }
  if (!tree.ok()) return tree.status();
  return GoJsonMarshal(*tree);
}

Value ErrorMap(std::string message) {
  ValueMap entries;
  entries["Error"] = Value::String(std::move(message));
  return Value::Map(JsonObjectType(), std::move(entries));
}

}  // namespace

namespace funcs_internal {

Value HelmFromYaml(std::string_view text) {
  absl::StatusOr<std::string> json = YamlToJson(text);
  if (!json.ok()) {
    // Wrapped twice, by yamlToJSONTarget and by Unmarshal.
    return ErrorMap(absl::StrCat("error converting YAML to JSON: error converting YAML to JSON: ",
                                 json.status().message()));
  }
  absl::StatusOr<Value> map = GoJsonUnmarshal(*json, JsonObjectType());
  if (!map.ok()) return ErrorMap(absl::StrCat("error unmarshaling JSON: ", map.status().message()));
  return *std::move(map);
}

}  // namespace funcs_internal
}  // namespace confwatch
