// See store.h.
#include "store/store.h"

#include <algorithm>
#include <utility>

namespace confwatch {
namespace {

// This abseil is built with its own string_view type; btree's heterogeneous
// lookup only accepts that one.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The entries of `snapshot` whose key starts with `prefix`, sorted by key,
// one per key (the last one wins, as replaying puts would). A key outside
// the prefix cannot come from a read of that prefix; it would break the
// merge in ReplacePrefix, so it is dropped rather than corrupt the store.
// A read from etcd is already sorted: then this is one pass and no sort.
std::vector<KVPair*> SortedUnder(std::string_view prefix, std::vector<KVPair>& snapshot) {
  std::vector<KVPair*> out;
  out.reserve(snapshot.size());
  bool sorted = true;
  for (KVPair& kv : snapshot) {
    if (!HasPrefix(kv.key, prefix)) continue;
    if (!out.empty() && !(out.back()->key < kv.key)) sorted = false;
    out.push_back(&kv);
  }
  if (sorted) return out;
  std::stable_sort(out.begin(), out.end(),
                   [](const KVPair* a, const KVPair* b) { return a->key < b->key; });
  size_t n = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    // Of equal keys (in snapshot order after the stable sort) keep the last.
    if (i + 1 < out.size() && out[i + 1]->key == out[i]->key) continue;
    out[n++] = out[i];
  }
  out.resize(n);
  return out;
}

}  // namespace

bool IsCleanAbsolutePath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  size_t start = 1;  // each element lies between two '/' (or the end)
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view elem = path.substr(start, end - start);
    if (elem.empty() || elem == "." || elem == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string PrefixRangeEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) != 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

void Store::Logged(std::string_view key, const std::string* old) {
  ++version_;
  if (values_cache_ == nullptr || !values_cache_->active()) {
    // No cached answer to keep current: log nothing.
    log_.clear();
    log_bytes_ = 0;
    log_start_ = version_;
    return;
  }
  Change& c = log_.emplace_back();
  c.version = version_;
  c.key.assign(key.data(), key.size());
  c.existed = old != nullptr;
  if (old != nullptr) c.old_value = *old;
  log_bytes_ += c.key.size() + c.old_value.size();
  while (log_.size() > kMaxLogEntries || log_bytes_ > kMaxLogBytes) {
    log_start_ = log_.front().version;
    log_bytes_ -= log_.front().key.size() + log_.front().old_value.size();
    log_.pop_front();
  }
}

void Store::BulkChanged() {
  ++version_;
  log_.clear();
  log_bytes_ = 0;
  log_start_ = version_;
}

bool Store::ChangesSince(uint64_t since, std::vector<const Change*>* out) const {
  out->clear();
  if (since < log_start_) return false;
  // Versions in the log are consecutive: the first one past `since` is at
  // a known offset.
  for (size_t i = since - log_start_; i < log_.size(); ++i) out->push_back(&log_[i]);
  return true;
}

bool Store::Put(std::string_view key, std::string_view value) {
  auto it = map_.find(Absl(key));
  if (it == map_.end()) {
    map_.emplace(std::string(key), std::string(value));
    if (!IsCleanAbsolutePath(key)) odd_.emplace(key);
    Logged(key, nullptr);
    return true;
  }
  if (it->second == value) return false;
  Logged(key, &it->second);
  it->second.assign(value.data(), value.size());
  return true;
}

Store::Map::iterator Store::Erase(Map::iterator it) {
  if (!odd_.empty()) odd_.erase(it->first);
  return map_.erase(it);
}

bool Store::Delete(std::string_view key) {
  auto it = map_.find(Absl(key));
  if (it == map_.end()) return false;
  Logged(key, &it->second);
  Erase(it);
  return true;
}

std::vector<std::string> Store::DeletePrefix(std::string_view prefix) {
  std::vector<std::string> removed;
  auto it = map_.lower_bound(Absl(prefix));
  while (it != map_.end() && HasPrefix(it->first, prefix)) {
    removed.push_back(it->first);
    it = Erase(it);
  }
  if (!removed.empty()) BulkChanged();
  return removed;
}

std::vector<std::string> Store::ReplacePrefix(std::string_view prefix,
                                              std::vector<KVPair> snapshot) {
  std::vector<std::string> changed;
  ReplacePrefix(prefix, std::move(snapshot),
                [&changed](std::string_view key) { changed.emplace_back(key); });
  return changed;
}

void Store::ReplacePrefix(std::string_view prefix, std::vector<KVPair> snapshot,
                          absl::FunctionRef<void(std::string_view)> changed) {
  // Each wanted entry is taken once: its strings move into the map.
  std::vector<KVPair*> wanted = SortedUnder(prefix, snapshot);
  bool any = false;
  auto report = [&](std::string_view key) {
    any = true;
    changed(key);
  };
  auto it = map_.lower_bound(Absl(prefix));
  auto in_prefix = [&](const Map::iterator& i) {
    return i != map_.end() && HasPrefix(i->first, prefix);
  };
  auto want = wanted.begin();
  while (in_prefix(it) || want != wanted.end()) {
    const bool have_store = in_prefix(it);
    if (have_store && (want == wanted.end() || it->first < (*want)->key)) {
      report(it->first);  // gone from etcd
      it = Erase(it);
    } else if (!have_store || (*want)->key < it->first) {
      KVPair& kv = **want;
      report(kv.key);  // new
      if (!IsCleanAbsolutePath(kv.key)) odd_.emplace(kv.key);
      if (it == map_.end()) {
        // Appending (a first read): stepping past a key just added at the
        // end of the last leaf climbs the tree, and end() is where we are.
        map_.emplace_hint(it, std::move(kv.key), std::move(kv.value));
        it = map_.end();
      } else {
        it = std::next(map_.emplace_hint(it, std::move(kv.key), std::move(kv.value)));
      }
      ++want;
    } else {
      if (it->second != (*want)->value) {
        report(it->first);
        it->second = std::move((*want)->value);
      }
      ++it;
      ++want;
    }
  }
  if (any) BulkChanged();
}

const std::string* Store::Find(std::string_view key) const {
  auto it = map_.find(Absl(key));
  return it == map_.end() ? nullptr : &it->second;
}

Store::Iterator Store::LowerBound(std::string_view key) const {
  return map_.lower_bound(Absl(key));
}

Store::OddSet::const_iterator Store::OddLowerBound(std::string_view key) const {
  return odd_.lower_bound(Absl(key));
}

}  // namespace confwatch
