// See env_source.h.
#include "store/env_source.h"

#include <map>

#include "absl/strings/ascii.h"

namespace confwatch {

std::string EnvNameForKey(std::string_view key) {
  if (!key.empty() && key[0] == '/') key.remove_prefix(1);
  std::string name(key);
  for (char& c : name) c = c == '/' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
  return name;
}

std::string KeyForEnvName(std::string_view name) {
  std::string key = "/";
  key.append(name);
  for (char& c : key) c = c == '_' ? '/' : absl::ascii_tolower(static_cast<unsigned char>(c));
  return key;
}

std::vector<KVPair> LoadEnvSource(const std::vector<std::string>& keys, char** environ) {
  // os.Environ into a map: a repeated name keeps its last value.
  std::map<std::string_view, std::string_view> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  std::map<std::string, std::string> vars;
  for (const std::string& key : keys) {
    const std::string prefix = EnvNameForKey(key);
    // Names are sorted, so the matches of a name prefix are contiguous.
    for (auto it = env.lower_bound(prefix);
         it != env.end() && it->first.substr(0, prefix.size()) == prefix; ++it) {
      vars[KeyForEnvName(it->first)] = std::string(it->second);
    }
  }
  std::vector<KVPair> out;
  out.reserve(vars.size());
  for (auto& [k, v] : vars) out.push_back({k, std::move(v)});
  return out;
}

}  // namespace confwatch
