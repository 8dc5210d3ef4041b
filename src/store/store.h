// Store holds every watched key with its value at one etcd revision, sorted by
// key (bytewise, as etcd orders keys), and applies watch events one at a time.
// Lookups by key and by key range are O(log n); nothing ever walks the whole
// store except ReplacePrefix over the prefix it replaces.
//
// Keys are raw etcd keys: any bytes, no normalisation (a trailing '/' or '//'
// is part of the key). Templates never see the Store directly; they see a
// StoreView (view.h), which restricts and re-roots it as confd does.
//
// Representation (what a million keys cost): each key and its value are one
// record (kv_records.h: an 8-byte header, the key bytes, the value bytes); the
// sorted index holds an 8-byte pointer per key. Records of a bulk read live
// in the read's own blocks, which the Store adopts without copying them
// (ReplacePrefixes) and frees once none of their records is current; a Put
// makes a record of its own. A value change makes a new record, so the
// views an Iterator or Find handed out stay valid until the next modification
// and no longer.
//
// Thread-safety: not thread-safe. Only the event loop touches it; a StoreView
// over it must not be used while the Store is being modified.
#ifndef CONFWATCH_STORE_STORE_H_
#define CONFWATCH_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "store/kv_records.h"
#include "store/values_cache.h"

namespace confwatch {

// One key and its value, as confd's memkv.KVPair (templates read .Key and
// .Value).
struct KVPair {
  std::string key;
  std::string value;

  bool operator==(const KVPair& o) const { return key == o.key && value == o.value; }
  bool operator!=(const KVPair& o) const { return !(*this == o); }
};

class Store {
 private:
  // One index entry: a record (kv_records.h). `p` is mutable because a new
  // value replaces the record of the same key, which keeps its place.
  struct Rec {
    mutable const char* p;
  };
  struct RecLess {
    using is_transparent = void;
    bool operator()(const Rec& a, const Rec& b) const {
      return kv_record::Key(a.p) < kv_record::Key(b.p);
    }
    bool operator()(const Rec& a, absl::string_view b) const {
      return kv_record::Key(a.p) < std::string_view(b.data(), b.size());
    }
    bool operator()(absl::string_view a, const Rec& b) const {
      return std::string_view(a.data(), a.size()) < kv_record::Key(b.p);
    }
  };
  using Index = absl::btree_set<Rec, RecLess>;

 public:
  // An entry as an Iterator shows it; the views are valid until the next
  // modification of the Store.
  struct Entry {
    std::string_view first;   // the key
    std::string_view second;  // its value
  };
  class Iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Entry;
    struct Arrow {
      Entry entry;
      const Entry* operator->() const { return &entry; }
    };
    Iterator() = default;
    Entry operator*() const { return Entry{kv_record::Key(it_->p), kv_record::Value(it_->p)}; }
    Arrow operator->() const { return Arrow{**this}; }
    Iterator& operator++() {
      ++it_;
      return *this;
    }
    Iterator& operator--() {
      --it_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return it_ == o.it_; }
    bool operator!=(const Iterator& o) const { return it_ != o.it_; }

   private:
    friend class Store;
    explicit Iterator(Index::const_iterator it) : it_(it) {}
    Index::const_iterator it_;
  };

  Store() : values_cache_(std::make_unique<ValuesCache>()) {}
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  Store(Store&&) = default;  // leaves `other` empty
  Store& operator=(Store&&) = delete;

  // Sets key to value. Returns true when that changed something (new key or
  // different value), false when the key already had exactly this value.
  bool Put(std::string_view key, std::string_view value);

  // Removes key. Returns true when it existed.
  bool Delete(std::string_view key);

  // Removes every key that starts with `prefix` (a plain string prefix, as an
  // etcd range with WithPrefix: "/a" also removes "/ab"). "" removes all.
  // Returns the removed keys in order.
  std::vector<std::string> DeletePrefix(std::string_view prefix);

  // Resynchronisation after a compaction or a lost watch: makes the keys that
  // start with `prefix` exactly `snapshot` (a full read of that prefix).
  // Keys outside the prefix are untouched. Returns the keys whose presence or
  // value changed, sorted, so only affected resources are re-rendered.
  // Snapshot keys that do not start with `prefix` are ignored. Duplicate
  // keys in `snapshot`: the last one wins (as replaying puts would).
  // Taken by value: pass an rvalue and its strings move into the store.
  std::vector<std::string> ReplacePrefix(std::string_view prefix, std::vector<KVPair> snapshot);
  // The same, calling `changed` with each such key in order instead of
  // copying it into a list (a first read changes every key). `changed`
  // must not touch the Store; the key is valid during the call only.
  void ReplacePrefix(std::string_view prefix, std::vector<KVPair> snapshot,
                     absl::FunctionRef<void(std::string_view)> changed);
  // The same for several prefixes read together, from records (a big read
  // arrives so): every prefix is replaced by the records under it before
  // this returns, and `changed` sees the changed keys prefix by prefix. The
  // records' blocks are adopted, not copied; a block is freed when none of
  // its records is current any more. REQUIRES: the prefixes are disjoint
  // (none starts with another); a record under none of them is ignored.
  void ReplacePrefixes(const std::vector<std::string>& prefixes, KvRecords records,
                       absl::FunctionRef<void(std::string_view)> changed);

  // Value of key, nullopt when absent. The view is valid until the next
  // modification of the Store.
  std::optional<std::string_view> Find(std::string_view key) const;

  // First entry whose key is >= key; end() when none. Iterators are valid
  // until the next modification of the Store.
  Iterator LowerBound(std::string_view key) const;
  Iterator begin() const { return Iterator(index_.begin()); }
  Iterator end() const { return Iterator(index_.end()); }

  // Keys that are not clean absolute paths (see IsCleanAbsolutePath): a
  // trailing '/', "//", "." or ".." elements, or no leading '/'. A view
  // names such keys through path.Clean, which moves them away from their
  // place in key order, so it looks them up here. Normally empty.
  using OddSet = absl::btree_set<std::string>;
  OddSet::const_iterator OddLowerBound(std::string_view key) const;
  OddSet::const_iterator odd_end() const { return odd_.end(); }
  size_t odd_size() const { return odd_.size(); }

  size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }

  // Bytes held by records: in adopted blocks (allocated, live or not) and
  // in records of their own (one per Put). For benchmarks and metrics.
  size_t block_bytes() const;
  size_t own_record_bytes() const { return own_bytes_; }

  // A count of modifications (not the etcd revision): every Put or Delete
  // that changed something, and every DeletePrefix or ReplacePrefix that
  // did, adds one.
  uint64_t version() const { return version_; }

  // One logged modification: the key and what it held before.
  struct Change {
    uint64_t version = 0;
    std::string key;
    bool existed = false;  // false: the key was new
    // The replaced record's value. The log keeps that record itself alive
    // (it is freed when its entry leaves the log), so a view of the old
    // value taken before the change -- by Find, an Iterator or a cached
    // ValuesCache answer -- stays readable as long as ChangesSince reaches
    // back past the change.
    std::string_view old_value;
    const char* old_record = nullptr;  // owned by the log; null when !existed
  };
  // Sets *out to the logged changes with a version above `since`, oldest
  // first. False when the log does not reach back that far: it is bounded,
  // DeletePrefix and ReplacePrefix are not logged key by key, and nothing is
  // logged while no ValuesCache answer could use it. Pointers are valid
  // until the next modification. True also means: every record that held a
  // value at version `since` is still allocated (see Change::old_value).
  bool ChangesSince(uint64_t since, std::vector<const Change*>* out) const;

  // The cache of sorted getvs answers over this Store (values_cache.h).
  ValuesCache* values_cache() const { return values_cache_.get(); }

  // The etcd revision the contents reflect (0 before the first sync).
  // Set by whoever applies events; the Store does not interpret it.
  int64_t revision() const { return revision_; }
  void set_revision(int64_t revision) { revision_ = revision; }

 private:
  // Bounds of the change log (its keys and the replaced records it keeps
  // alive); beyond them cached answers are rebuilt.
  static constexpr size_t kMaxLogEntries = 1024;
  static constexpr size_t kMaxLogBytes = size_t{1} << 20;

  // A bulk read's block, by its address in blocks_.
  struct Block {
    std::unique_ptr<char[]> data;
    size_t capacity = 0;
    size_t live = 0;  // records of it in index_
  };
  using Blocks = absl::btree_map<const char*, Block>;

  // Removes it from the index and releases its record; returns the next.
  Index::iterator Erase(Index::iterator it);
  // The same without releasing the record (the caller passes it on).
  Index::iterator Unlink(Index::iterator it);
  // Frees a record that left the index (its block, when it was the last).
  void Release(const char* rec);
  // Counts a block record into the index.
  void Retain(const char* rec);
  Blocks::iterator BlockOf(const char* rec);
  // Makes the index's entries under `prefix` exactly `wanted` (sorted
  // records, one per key), reporting changed keys.
  void MergePrefix(std::string_view prefix, const std::vector<const char*>& wanted,
                   absl::FunctionRef<void(std::string_view)> report);
  // Records a change of one key and takes `old`, the record the key held
  // before (nullptr: it was new), out of the index's hands: the log frees
  // it when the entry leaves the log. REQUIRES: `old` is no longer in
  // index_ and not yet released.
  void Logged(std::string_view key, const char* old);
  // Records a change of many keys: the log starts over.
  void BulkChanged();
  // Empties the log, releasing the records it kept; it starts at version_.
  void ClearLog();

  Index index_;
  Blocks blocks_;
  size_t own_bytes_ = 0;
  OddSet odd_;
  int64_t revision_ = 0;
  uint64_t version_ = 0;
  std::deque<Change> log_;  // versions (log_start_, version_], in order
  uint64_t log_start_ = 0;
  size_t log_bytes_ = 0;
  std::unique_ptr<ValuesCache> values_cache_;
};

// True when path.Clean(path) == path and path starts with '/': "/", "/a/b";
// not "", "a", "/a/", "/a//b", "/a/./b", "/a/..".
bool IsCleanAbsolutePath(std::string_view path);

// The smallest string greater than every string that starts with `prefix`,
// or "" when there is none (prefix empty or all 0xff bytes): the exclusive
// end of a prefix range, as etcd's clientv3.GetPrefixRangeEnd.
std::string PrefixRangeEnd(std::string_view prefix);

}  // namespace confwatch

#endif  // CONFWATCH_STORE_STORE_H_
