// See values_cache.h.
#include "store/values_cache.h"

#include <algorithm>

#include "store/store.h"

namespace confwatch {
namespace {

using SortedValues = ValuesCache::SortedValues;

// The first index whose value is >= v (upper: > v), by binary search.
size_t Bound(const SortedValues& values, std::string_view v, bool upper) {
  size_t lo = 0, hi = values.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const std::string_view at = values.at(mid);
    if (upper ? at <= v : at < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

bool ValuesCache::CatchUp(const Store& store, absl::FunctionRef<KeyRole(std::string_view)> role,
                          absl::FunctionRef<std::string_view(std::string_view)> name,
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
  SortedValues* values = nullptr;  // the answer to change, once one is needed
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
    if (values == nullptr) {
      // The acquire pairs with HandOut's release: a holder's last reads of
      // the answer happen before we change it.
      if (entry->answer->holders.load(std::memory_order_acquire) != 0) {
        entry->answer = std::make_shared<Shared>(entry->answer->values->Clone());
      }
      values = entry->answer->values.get();
    }
    if (change->existed) {
      const std::string_view old = values->SortKey(name(key), change->old_value);
      const size_t at = Bound(*values, old, /*upper=*/false);
      if (at == values->size() || values->at(at) != old) return false;  // not what we hold
      values->Erase(at);
    }
    // The element views the record the Store holds now (`key` is the log's
    // copy, which may go before the answer does).
    if (Store::Iterator now = store.LowerBound(key); now != store.end() && now->first == key) {
      const std::string_view now_name = name(now->first);
      values->Insert(Bound(*values, values->SortKey(now_name, now->second), /*upper=*/true),
                     now_name, now->second);
    }
  }
  entry->version = store.version();
  return true;
}

std::shared_ptr<const SortedValues> ValuesCache::HandOut(std::shared_ptr<Shared> answer) {
  // One small allocation per Get: its control block is the handle's, and
  // releasing the last copy of the handle releases one holder.
  struct Hold {
    explicit Hold(std::shared_ptr<Shared> a) : answer(std::move(a)) {
      answer->holders.fetch_add(1, std::memory_order_relaxed);
    }
    ~Hold() { answer->holders.fetch_sub(1, std::memory_order_release); }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    std::shared_ptr<Shared> answer;
  };
  auto hold = std::make_shared<const Hold>(std::move(answer));
  return std::shared_ptr<const SortedValues>(hold, hold->answer->values.get());
}

void ValuesCache::Erase(Entries::iterator it) {
  total_values_ -= it->second.answer->values->size();
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

std::shared_ptr<const SortedValues> ValuesCache::Get(
    const Store& store, const std::string& cache_key, Form form,
    absl::FunctionRef<std::unique_ptr<SortedValues>()> build,
    absl::FunctionRef<KeyRole(std::string_view key)> role,
    absl::FunctionRef<std::string_view(std::string_view key)> name) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(cache_key);
  if (it != entries_.end() && it->second.form != form) {
    Erase(it);  // another form of the same answer: replaced by this one
    it = entries_.end();
  }
  if (it != entries_.end() && it->second.version != store.version()) {
    const size_t before = it->second.answer->values->size();
    if (CatchUp(store, role, name, &it->second)) {
      total_values_ = total_values_ - before + it->second.answer->values->size();
    } else {
      Erase(it);
      it = entries_.end();
    }
  }
  if (it == entries_.end()) {
    std::unique_ptr<SortedValues> built = build();
    const size_t size = built->size();
    if (size < kMinCachedValues || size > kMaxCachedValuesTotal) {
      return std::shared_ptr<const SortedValues>(std::move(built));
    }
    EvictFor(size);
    Entry entry;
    entry.version = store.version();
    entry.form = form;
    entry.answer = std::make_shared<Shared>(std::move(built));
    total_values_ += size;
    it = entries_.emplace(cache_key, std::move(entry)).first;
    entries_count_.store(entries_.size(), std::memory_order_relaxed);
  }
  it->second.last_use = ++tick_;
  return HandOut(it->second.answer);
}

}  // namespace confwatch
