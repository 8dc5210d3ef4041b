// See dependency_index.h.
#include "daemon/dependency_index.h"

#include <algorithm>

namespace confwatch {

std::string DependencyIndex::Normalize(std::string_view key) {
  while (!key.empty() && key.back() == '/') key.remove_suffix(1);
  return std::string(key);
}

bool DependencyIndex::Covers(std::string_view declared, std::string_view key) {
  if (declared.empty()) return true;
  if (key.size() < declared.size() || key.substr(0, declared.size()) != declared) {
    return false;
  }
  return key.size() == declared.size() || key[declared.size()] == '/';
}

void DependencyIndex::Add(int id, std::string_view key) {
  std::vector<int>& ids = by_key_[Normalize(key)];
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

std::vector<int> DependencyIndex::Affected(std::string_view key) const {
  std::vector<int> out;
  auto collect = [&](std::string_view candidate) {
    auto it = by_key_.find(absl::string_view(candidate.data(), candidate.size()));
    if (it != by_key_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  collect("");  // root covers everything
  // Every ancestor at a '/' boundary, then the key itself.
  for (size_t i = 1; i < key.size(); ++i) {
    if (key[i] == '/') collect(key.substr(0, i));
  }
  if (!key.empty()) collect(Normalize(key));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> DependencyIndex::WatchPrefixes() const {
  // Keep a declared key only when no proper ancestor of it is declared too.
  // (Sorted neighbours are not enough: "/a-b" sorts between "/a" and "/a/b".)
  auto has_declared_ancestor = [&](const std::string& key) {
    if (key.empty()) return false;
    if (by_key_.contains("")) return true;
    for (size_t i = 1; i < key.size(); ++i) {
      if (key[i] == '/' && by_key_.contains(absl::string_view(key.data(), i))) return true;
    }
    return false;
  };
  std::vector<std::string> out;
  for (const auto& [key, ids] : by_key_) {
    if (!has_declared_ancestor(key)) out.push_back(key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace confwatch
