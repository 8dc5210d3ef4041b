// Store holds every watched key with its value at one etcd revision, sorted by
// key (bytewise, as etcd orders keys), and applies watch events one at a time.
// Lookups by key and by key range are O(log n); nothing ever walks the whole
// store except ReplacePrefix over the prefix it replaces.
//
// Keys are raw etcd keys: any bytes, no normalisation (a trailing '/' or '//'
// is part of the key). Templates never see the Store directly; they see a
// StoreView (view.h), which restricts and re-roots it as confd does.
//
// Thread-safety: not thread-safe. Only the event loop touches it; a StoreView
// over it must not be used while the Store is being modified.
#ifndef CONFWATCH_STORE_STORE_H_
#define CONFWATCH_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
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
 public:
  // btree_map keeps ~3x less per-entry overhead than std::map (no per-node
  // allocation) and allows lookup by string_view.
  using Map = absl::btree_map<std::string, std::string>;
  using Iterator = Map::const_iterator;

  Store() : values_cache_(std::make_unique<ValuesCache>()) {}
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  Store(Store&&) = default;
  Store& operator=(Store&&) = default;

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

  // Value of key, nullptr when absent. The pointer is valid until the next
  // modification of the Store.
  const std::string* Find(std::string_view key) const;

  // First entry whose key is >= key; end() when none. Iterators are valid
  // until the next modification of the Store.
  Iterator LowerBound(std::string_view key) const;
  Iterator begin() const { return map_.begin(); }
  Iterator end() const { return map_.end(); }

  // Keys that are not clean absolute paths (see IsCleanAbsolutePath): a
  // trailing '/', "//", "." or ".." elements, or no leading '/'. A view
  // names such keys through path.Clean, which moves them away from their
  // place in key order, so it looks them up here. Normally empty.
  using OddSet = absl::btree_set<std::string>;
  OddSet::const_iterator OddLowerBound(std::string_view key) const;
  OddSet::const_iterator odd_end() const { return odd_.end(); }
  size_t odd_size() const { return odd_.size(); }

  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

  // A count of modifications (not the etcd revision): every Put or Delete
  // that changed something, and every DeletePrefix or ReplacePrefix that
  // did, adds one.
  uint64_t version() const { return version_; }

  // One logged modification: the key and what it held before.
  struct Change {
    uint64_t version = 0;
    std::string key;
    bool existed = false;  // false: the key was new
    std::string old_value;
  };
  // Sets *out to the logged changes with a version above `since`, oldest
  // first. False when the log does not reach back that far: it is bounded,
  // DeletePrefix and ReplacePrefix are not logged key by key, and nothing is
  // logged while no ValuesCache answer could use it. Pointers are valid
  // until the next modification.
  bool ChangesSince(uint64_t since, std::vector<const Change*>* out) const;

  // The cache of sorted getvs answers over this Store (values_cache.h).
  ValuesCache* values_cache() const { return values_cache_.get(); }

  // The etcd revision the contents reflect (0 before the first sync).
  // Set by whoever applies events; the Store does not interpret it.
  int64_t revision() const { return revision_; }
  void set_revision(int64_t revision) { revision_ = revision; }

 private:
  // Bounds of the change log; beyond them cached answers are rebuilt.
  static constexpr size_t kMaxLogEntries = 1024;
  static constexpr size_t kMaxLogBytes = size_t{1} << 20;

  Map::iterator Erase(Map::iterator it);
  // Records a change of one key (old == nullptr: it was new).
  void Logged(std::string_view key, const std::string* old);
  // Records a change of many keys: the log starts over.
  void BulkChanged();

  Map map_;
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
