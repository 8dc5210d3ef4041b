// See dependency_index.h.
#include "daemon/dependency_index.h"

#include <algorithm>

#include "absl/strings/match.h"

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
  std::string normalized = Normalize(key);
  if (declared_length_.size() <= normalized.size()) declared_length_.resize(normalized.size() + 1);
  declared_length_[normalized.size()] = true;
  std::vector<int>& ids = by_key_[std::move(normalized)];
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

std::vector<int> DependencyIndex::Affected(std::string_view key) const {
  std::vector<int> out;
  auto collect = [&](std::string_view candidate) {
    if (candidate.size() >= declared_length_.size() || !declared_length_[candidate.size()]) return;
    auto it = by_key_.find(absl::string_view(candidate.data(), candidate.size()));
    if (it != by_key_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  collect("");  // root covers everything
  // Every ancestor at a '/' boundary, then the key itself (normalized).
  for (size_t i = 1; i < key.size(); ++i) {
    if (key[i] == '/') collect(key.substr(0, i));
  }
  std::string_view self = key;
  while (!self.empty() && self.back() == '/') self.remove_suffix(1);
  if (!key.empty()) collect(self);
  if (out.size() > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return out;
}

std::vector<std::string> DependencyIndex::WatchPrefixes() const {
  std::vector<std::string> keys;
  keys.reserve(by_key_.size());
  for (const auto& [key, ids] : by_key_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  // etcd watches byte prefixes, so "/a" also delivers "/a-b/x". Two watches
  // whose ranges overlap would deliver the same key twice, in no defined
  // order between them; a stale put could then overwrite a newer delete.
  // Keeping only keys that no kept key is a byte prefix of makes the ranges
  // disjoint. In sorted order every key that starts with p directly follows p.
  std::vector<std::string> out;
  for (const std::string& key : keys) {
    if (!out.empty() && absl::StartsWith(key, out.back())) continue;
    out.push_back(key);
  }
  return out;
}

}  // namespace confwatch
