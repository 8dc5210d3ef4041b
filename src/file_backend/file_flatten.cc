// FlattenYaml / FlattenToml (file_source.h): one parsed document -> keys.
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <toml.hpp>
#include <utility>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "file_backend/file_source.h"
#include "golang/path.h"
#include "store/toml_prescan.h"
#include "golang/yaml_scalar.h"

namespace confwatch {
namespace {

using Vars = std::map<std::string, std::string>;

std::vector<KVPair> ToPairs(Vars vars) {
  std::vector<KVPair> out;
  out.reserve(vars.size());
  for (auto& [k, v] : vars) out.push_back({k, std::move(v)});
  return out;
}

std::string Join(const std::string& key, std::string_view elem) { return GoPathJoin({key, elem}); }

// InvalidArgument "<file>:<line>:<col>: <message>" (1-based line and column).
absl::Status ParseError(std::string_view file, int line, int column, std::string_view message) {
  std::string text(file);
  if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
  text += ": ";
  text.append(message);
  return absl::InvalidArgumentError(text);
}

absl::Status YamlError(std::string_view file, const YAML::Mark& mark, std::string_view message) {
  if (mark.is_null()) return ParseError(file, 0, 0, message);
  return ParseError(file, mark.line + 1, mark.column + 1, message);
}

class YamlFlattener {
 public:
  explicit YamlFlattener(std::string_view file) : file_(file) {}

  absl::Status Walk(const YAML::Node& node, const std::string& key) {
    if (node.IsMap()) return WalkMap(node, key);
    if (node.IsSequence()) {
      // Iterators, not node[i]: yaml-cpp's operator[] trips GCC 12's
      // -Wdangling-pointer inside its own header.
      size_t i = 0;
      for (const YAML::Node& child : node) {
        if (absl::Status s = Walk(child, Join(key, std::to_string(i++))); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    if (node.IsScalar()) {
      if (std::optional<std::string> v = ScalarValue(node)) vars_[key] = std::move(*v);
    }
    return absl::OkStatus();  // null: confd's nodeWalk has no case for nil
  }

  Vars Take() { return std::move(vars_); }

 private:
  using Entries = std::vector<std::pair<std::string, YAML::Node>>;

  // yaml.v2 decodes a plain scalar by YAML 1.1 rules; quoted and block
  // scalars (tag "!") and explicit !!str stay strings.
  static std::optional<std::string> ScalarValue(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return node.Scalar();
    return ResolvePlainYamlScalar(node.Scalar());
  }

  // yaml.v2: a plain "<<" key merges the map (or maps) it names.
  static bool IsMerge(const YAML::Node& key) {
    return key.IsScalar() && IsYamlMergeKey(key.Scalar(), key.Tag());
  }

  // A mapping's entries as yaml.v2 builds its Go map: in document order, a
  // repeated key replaces the earlier value.
  absl::Status AddEntries(const YAML::Node& map, Entries* entries) {
    // By value: yaml-cpp's it->first is a member of a temporary proxy.
    for (const auto& pair : map) {
      const YAML::Node k = pair.first;
      const YAML::Node v = pair.second;
      if (IsMerge(k)) {
        if (absl::Status s = Merge(v, entries); !s.ok()) return s;
        continue;
      }
      if (!k.IsScalar() && !k.IsNull()) {
        return YamlError(file_, k.Mark(), "map key must be a scalar");
      }
      std::string name = k.IsScalar() ? k.Scalar() : "";
      auto same = std::find_if(entries->begin(), entries->end(),
                               [&](const auto& e) { return e.first == name; });
      if (same != entries->end()) {
        same->second.reset(v);  // operator= would overwrite the node in the document
      } else {
        entries->emplace_back(std::move(name), v);
      }
    }
    return absl::OkStatus();
  }

  absl::Status Merge(const YAML::Node& value, Entries* entries) {
    if (value.IsMap()) return AddEntries(value, entries);
    if (value.IsSequence()) {
      std::vector<YAML::Node> maps(value.begin(), value.end());
      // yaml.v2 steps backwards: earlier maps take precedence.
      for (auto it = maps.rbegin(); it != maps.rend(); ++it) {
        if (!it->IsMap()) return YamlError(file_, it->Mark(), "merge value must be a map");
        if (absl::Status s = AddEntries(*it, entries); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    return YamlError(file_, value.Mark(), "merge value must be a map");
  }

  absl::Status WalkMap(const YAML::Node& map, const std::string& key) {
    Entries entries;
    if (absl::Status s = AddEntries(map, &entries); !s.ok()) return s;
    for (const auto& [name, value] : entries) {
      if (absl::Status s = Walk(value, Join(key, name)); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  std::string file_;
  Vars vars_;
};

std::string TomlScalar(const toml::value& v) {
  if (v.is_string()) return v.as_string().str;
  if (v.is_integer()) return std::to_string(v.as_integer());
  if (v.is_floating()) return FormatGoFloat(v.as_floating());
  if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
  std::ostringstream text;  // dates and times: TOML's own RFC 3339 text
  if (v.is_offset_datetime()) text << v.as_offset_datetime();
  if (v.is_local_datetime()) text << v.as_local_datetime();
  if (v.is_local_date()) text << v.as_local_date();
  if (v.is_local_time()) text << v.as_local_time();
  return text.str();
}

void WalkToml(const toml::value& v, const std::string& key, Vars* vars) {
  if (v.is_table()) {
    for (const auto& [name, child] : v.as_table()) WalkToml(child, Join(key, name), vars);
  } else if (v.is_array()) {
    const auto& array = v.as_array();
    for (size_t i = 0; i < array.size(); ++i) {
      WalkToml(array[i], Join(key, std::to_string(i)), vars);
    }
  } else if (!v.is_uninitialized()) {
    (*vars)[key] = TomlScalar(v);
  }
}

// toml11's message is several lines of ASCII art; keep the first line
// without its "[error] toml::function_name: " lead-in.
std::string TomlMessage(const toml::exception& e) {
  std::string_view what = e.what();
  what = what.substr(0, what.find('\n'));
  if (what.substr(0, 8) == "[error] ") what.remove_prefix(8);
  if (what.substr(0, 6) == "toml::") {
    const size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  return std::string(what);
}

}  // namespace

absl::StatusOr<std::vector<KVPair>> FlattenYaml(std::string_view text, std::string_view file) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull() || !root.IsDefined()) return std::vector<KVPair>();
    if (!root.IsMap()) return YamlError(file, root.Mark(), "top-level value must be a map");
    YamlFlattener flattener(file);
    if (absl::Status s = flattener.Walk(root, "/"); !s.ok()) return s;
    return ToPairs(flattener.Take());
  } catch (const YAML::Exception& e) {
    return YamlError(file, e.mark, e.msg);
  }
}

absl::StatusOr<std::vector<KVPair>> FlattenToml(std::string_view text, std::string_view file) {
  // toml11 recurses on nesting and overreads on bad UTF-8: a data file
  // must not crash the daemon (toml_prescan.h).
  if (std::optional<TomlErrorInfo> bad = PrescanToml(absl::string_view(text.data(), text.size()))) {
    return ParseError(file, static_cast<int>(bad->line), static_cast<int>(bad->column),
                      bad->message);
  }
  try {
    std::istringstream in{std::string(text)};
    const toml::value root = toml::parse(in, std::string(file));
    Vars vars;
    WalkToml(root, "/", &vars);
    return ToPairs(std::move(vars));
  } catch (const toml::exception& e) {
    return ParseError(file, static_cast<int>(e.location().line()),
                      static_cast<int>(e.location().column()), TomlMessage(e));
  } catch (const std::exception& e) {  // toml11 also throws std::runtime_error
    return ParseError(file, 0, 0, e.what());
  }
}

}  // namespace confwatch
