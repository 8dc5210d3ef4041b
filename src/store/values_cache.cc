// See values_cache.h.
#include "store/values_cache.h"

#include <algorithm>

#include "store/store.h"

namespace confwatch {
namespace {

std::vector<std::string_view> Views(const std::vector<std::string>& values) {
  return std::vector<std::string_view>(values.begin(), values.end());
}

}  // namespace

bool ValuesCache::CatchUp(const Store& store, absl::FunctionRef<KeyRole(std::string_view)> role,
                          Entry* entry) {
  std::vector<const Store::Change*> changes;
  if (!store.ChangesSince(entry->version, &changes)) return false;
  // An insert or erase moves half the answer on average, a rebuild walks and
  // sorts all of it: past a few dozen changes the rebuild is cheaper,
  // whatever the size.
  if (changes.size() > kMaxCatchUpChanges) return false;
  // The first logged change of a key holds its value as the entry saw it;
  // the Store holds its value now.
  std::map<std::string_view, const Store::Change*> first;
  for (const Store::Change* c : changes) first.emplace(c->key, c);
  std::vector<std::string>& values = entry->values;
  for (const auto& [key, change] : first) {
    switch (role(key)) {
      case KeyRole::kOutside:
      case KeyRole::kOther:
        continue;
      case KeyRole::kRebuild:
        return false;
      case KeyRole::kMatching:
        break;
    }
    if (change->existed) {
      auto it = std::lower_bound(values.begin(), values.end(), change->old_value);
      if (it == values.end() || *it != change->old_value) return false;  // not what we hold
      values.erase(it);
    }
    if (const std::string* now = store.Find(key)) {
      values.insert(std::upper_bound(values.begin(), values.end(), *now), *now);
    }
  }
  entry->version = store.version();
  return true;
}

void ValuesCache::Erase(Entries::iterator it) {
  total_values_ -= it->second.values.size();
  entries_.erase(it);
  entries_count_.store(entries_.size(), std::memory_order_relaxed);
}

void ValuesCache::EvictFor(size_t values) {
  while (!entries_.empty() &&
         (entries_.size() >= kMaxEntries || total_values_ + values > kMaxCachedValuesTotal)) {
    Erase(std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.last_use < b.second.last_use;
    }));
  }
}

void ValuesCache::Visit(const Store& store, const std::string& cache_key,
                        absl::FunctionRef<std::vector<std::string_view>()> build,
                        absl::FunctionRef<KeyRole(std::string_view key)> role,
                        absl::FunctionRef<void(const std::vector<std::string_view>&)> fn) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(cache_key);
  if (it != entries_.end() && it->second.version != store.version()) {
    const size_t before = it->second.values.size();
    if (CatchUp(store, role, &it->second)) {
      total_values_ = total_values_ - before + it->second.values.size();
    } else {
      Erase(it);
      it = entries_.end();
    }
  }
  if (it == entries_.end()) {
    std::vector<std::string_view> built = build();
    if (built.size() < kMinCachedValues || built.size() > kMaxCachedValuesTotal) {
      fn(built);
      return;
    }
    EvictFor(built.size());
    Entry entry;
    entry.version = store.version();
    entry.values.assign(built.begin(), built.end());
    total_values_ += built.size();
    it = entries_.emplace(cache_key, std::move(entry)).first;
    entries_count_.store(entries_.size(), std::memory_order_relaxed);
    it->second.last_use = ++tick_;
    fn(built);
    return;
  }
  it->second.last_use = ++tick_;
  fn(Views(it->second.values));
}

}  // namespace confwatch
