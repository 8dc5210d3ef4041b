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

// Sorts `recs` by key (stably) and keeps the last of equal keys, as
// replaying puts would. A read from etcd is already sorted and unique: then
// this is one pass.
void SortUnique(std::vector<const char*>* recs) {
  auto key_less = [](const char* a, const char* b) { return kv_record::Key(a) < kv_record::Key(b); };
  bool strictly_sorted = true;
  for (size_t i = 1; i < recs->size() && strictly_sorted; ++i) {
    strictly_sorted = key_less((*recs)[i - 1], (*recs)[i]);
  }
  if (strictly_sorted) return;
  std::stable_sort(recs->begin(), recs->end(), key_less);
  size_t n = 0;
  for (size_t i = 0; i < recs->size(); ++i) {
    if (i + 1 < recs->size() && kv_record::Key((*recs)[i + 1]) == kv_record::Key((*recs)[i])) continue;
    (*recs)[n++] = (*recs)[i];
  }
  recs->resize(n);
}

// The index of the prefix in `sorted` that `key` starts with, or -1. Of
// disjoint prefixes only the last one not above `key` can be it.
int PrefixIndex(const std::vector<std::string_view>& sorted, std::string_view key) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), key);
  if (it == sorted.begin() || !HasPrefix(key, *std::prev(it))) return -1;
  return static_cast<int>(std::prev(it) - sorted.begin());
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

Store::~Store() {
  ClearLog();
  for (const Rec& r : index_) {
    if (kv_record::OwnAlloc(r.p)) delete[] r.p;
  }
}

void Store::Logged(std::string_view key, const char* old) {
  ++version_;
  if (values_cache_ == nullptr || !values_cache_->active()) {
    // No cached answer to keep current: log nothing.
    ClearLog();
    if (old != nullptr) Release(old);
    return;
  }
  Change& c = log_.emplace_back();
  c.version = version_;
  c.key.assign(key.data(), key.size());
  c.existed = old != nullptr;
  if (old != nullptr) {
    c.old_record = old;
    c.old_value = kv_record::Value(old);
  }
  log_bytes_ += c.key.size() + c.old_value.size();
  while (log_.size() > kMaxLogEntries || log_bytes_ > kMaxLogBytes) {
    log_start_ = log_.front().version;
    log_bytes_ -= log_.front().key.size() + log_.front().old_value.size();
    if (log_.front().old_record != nullptr) Release(log_.front().old_record);
    log_.pop_front();
  }
}

void Store::ClearLog() {
  for (const Change& c : log_) {
    if (c.old_record != nullptr) Release(c.old_record);
  }
  log_.clear();
  log_bytes_ = 0;
  log_start_ = version_;
}

void Store::BulkChanged() {
  ++version_;
  ClearLog();
}

bool Store::ChangesSince(uint64_t since, std::vector<const Change*>* out) const {
  out->clear();
  if (since < log_start_) return false;
  // Versions in the log are consecutive: the first one past `since` is at
  // a known offset.
  for (size_t i = since - log_start_; i < log_.size(); ++i) out->push_back(&log_[i]);
  return true;
}

Store::Blocks::iterator Store::BlockOf(const char* rec) {
  // The block that starts at or before rec; records never straddle blocks.
  auto it = blocks_.upper_bound(rec);
  return std::prev(it);
}

void Store::Retain(const char* rec) {
  if (!kv_record::OwnAlloc(rec)) ++BlockOf(rec)->second.live;
}

void Store::Release(const char* rec) {
  if (kv_record::OwnAlloc(rec)) {
    own_bytes_ -= kv_record::Bytes(kv_record::KeySize(rec), kv_record::ValueSize(rec));
    delete[] rec;
    return;
  }
  auto b = BlockOf(rec);
  if (--b->second.live == 0) blocks_.erase(b);
}

size_t Store::block_bytes() const {
  size_t n = 0;
  for (const auto& [start, block] : blocks_) n += block.capacity;
  return n;
}

bool Store::Put(std::string_view key, std::string_view value) {
  auto it = index_.find(Absl(key));
  if (it == index_.end()) {
    const char* rec = kv_record::NewOwn(key, value);
    own_bytes_ += kv_record::Bytes(key.size(), value.size());
    index_.insert(Rec{rec});
    if (!IsCleanAbsolutePath(key)) odd_.emplace(key);
    Logged(key, nullptr);
    return true;
  }
  const char* old = it->p;
  if (kv_record::Value(old) == value) return false;
  // The key keeps its place in the index: only the record changes.
  it->p = kv_record::NewOwn(key, value);
  own_bytes_ += kv_record::Bytes(key.size(), value.size());
  Logged(key, old);
  return true;
}

Store::Index::iterator Store::Erase(Index::iterator it) {
  const char* rec = it->p;
  it = Unlink(it);
  Release(rec);
  return it;
}

Store::Index::iterator Store::Unlink(Index::iterator it) {
  if (!odd_.empty()) odd_.erase(Absl(kv_record::Key(it->p)));
  return index_.erase(it);
}

bool Store::Delete(std::string_view key) {
  auto it = index_.find(Absl(key));
  if (it == index_.end()) return false;
  const char* old = it->p;
  Unlink(it);
  Logged(key, old);
  return true;
}

std::vector<std::string> Store::DeletePrefix(std::string_view prefix) {
  std::vector<std::string> removed;
  auto it = index_.lower_bound(Absl(prefix));
  while (it != index_.end() && HasPrefix(kv_record::Key(it->p), prefix)) {
    removed.emplace_back(kv_record::Key(it->p));
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
  KvRecords records;
  for (const KVPair& kv : snapshot) records.Append(kv.key, kv.value);
  snapshot.clear();
  ReplacePrefixes({std::string(prefix)}, std::move(records), changed);
}

void Store::ReplacePrefixes(const std::vector<std::string>& prefixes, KvRecords records,
                            absl::FunctionRef<void(std::string_view)> changed) {
  std::vector<std::string_view> sorted(prefixes.begin(), prefixes.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<const char*>> wanted(sorted.size());
  for (const char* rec : records) {
    const int i = PrefixIndex(sorted, kv_record::Key(rec));
    if (i >= 0) wanted[i].push_back(rec);
  }
  // The blocks join the Store's; those that end up with no current record
  // (every key unchanged, or outside the prefixes) are freed below.
  std::vector<const char*> adopted;
  for (KvRecords::Block& b : records.TakeBlocks()) {
    const char* start = b.data.get();
    adopted.push_back(start);
    blocks_.emplace(start, Block{std::move(b.data), b.capacity, 0});
  }
  bool any = false;
  auto report = [&](std::string_view key) {
    any = true;
    changed(key);
  };
  for (size_t i = 0; i < sorted.size(); ++i) {
    SortUnique(&wanted[i]);
    MergePrefix(sorted[i], wanted[i], report);
    std::vector<const char*>().swap(wanted[i]);
  }
  for (const char* start : adopted) {
    auto b = blocks_.find(start);
    if (b->second.live == 0) blocks_.erase(b);
  }
  if (any) BulkChanged();
}

void Store::MergePrefix(std::string_view prefix, const std::vector<const char*>& wanted,
                        absl::FunctionRef<void(std::string_view)> report) {
  auto it = index_.lower_bound(Absl(prefix));
  auto in_prefix = [&](const Index::iterator& i) {
    return i != index_.end() && HasPrefix(kv_record::Key(i->p), prefix);
  };
  auto want = wanted.begin();
  while (in_prefix(it) || want != wanted.end()) {
    const bool have_store = in_prefix(it);
    const std::string_view want_key = want == wanted.end() ? "" : kv_record::Key(*want);
    if (have_store && (want == wanted.end() || kv_record::Key(it->p) < want_key)) {
      report(kv_record::Key(it->p));  // gone from the source
      it = Erase(it);
    } else if (!have_store || want_key < kv_record::Key(it->p)) {
      report(want_key);  // new
      if (!IsCleanAbsolutePath(want_key)) odd_.emplace(want_key);
      Retain(*want);
      if (it == index_.end()) {
        // Appending (a first read): stepping past a key just added at the
        // end of the last leaf climbs the tree, and end() is where we are.
        index_.insert(it, Rec{*want});
        it = index_.end();
      } else {
        it = std::next(index_.insert(it, Rec{*want}));
      }
      ++want;
    } else {
      if (kv_record::Value(it->p) != kv_record::Value(*want)) {
        report(want_key);
        const char* old = it->p;
        Retain(*want);
        it->p = *want;
        Release(old);
      }
      ++it;
      ++want;
    }
  }
}

std::optional<std::string_view> Store::Find(std::string_view key) const {
  auto it = index_.find(Absl(key));
  if (it == index_.end()) return std::nullopt;
  return kv_record::Value(it->p);
}

Store::Iterator Store::LowerBound(std::string_view key) const {
  return Iterator(index_.lower_bound(Absl(key)));
}

Store::OddSet::const_iterator Store::OddLowerBound(std::string_view key) const {
  return odd_.lower_bound(Absl(key));
}

}  // namespace confwatch
