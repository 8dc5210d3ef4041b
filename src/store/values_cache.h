// ValuesCache remembers getvs answers -- the values of the keys a pattern
// matches in one view, sorted -- and brings them up to date from the Store's
// change log (store.h: version(), ChangesSince()) instead of recomputing them.
// A re-render after one Put then costs a binary search and an insert in the
// sorted answer, not a walk of every matching key and a sort of their values:
// at 100k keys that is the larger part of rendering an upstream list.
//
// An entry is keyed by everything its answer depends on (the view's prefix,
// its covered key ranges and the pattern), never by an object's address, so
// a reloaded configuration cannot be served another scope's answer. When the
// log no longer reaches back to an entry's version (a resync, a burst longer
// than the log) or too many keys changed, the entry is rebuilt from scratch.
// Small answers are not cached: rebuilding them costs next to nothing.
//
// Thread-safety: Visit() may be called from several threads at once (one
// mutex), but, like any StoreView use, not while the Store is modified.
#ifndef CONFWATCH_STORE_VALUES_CACHE_H_
#define CONFWATCH_STORE_VALUES_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace confwatch {

class Store;

class ValuesCache {
 public:
  // Answers with fewer values than this are computed every time.
  static constexpr size_t kMinCachedValues = 64;
  // At most this many answers are kept; the least recently used goes first.
  static constexpr size_t kMaxEntries = 64;
  // At most this many values in all cached answers together (a copy of
  // each: ~40 bytes a value); an answer larger than that is not cached.
  static constexpr size_t kMaxCachedValuesTotal = 2'000'000;
  // More changes than this since an answer was cached: rebuild it.
  static constexpr size_t kMaxCatchUpChanges = 32;

  // What a changed store key means for one cached answer.
  enum class KeyRole {
    kOutside,   // not visible to the view: ignore
    kMatching,  // visible and matched by the pattern: its value is in the answer
    kOther,     // visible, not matched
    kRebuild,   // cannot be judged incrementally (e.g. an odd key): rebuild
  };

  // Calls fn with the answer for `cache_key` at the Store's current version:
  // the cached one, brought up to date through `role` (which classifies a
  // changed key), or `build()`'s (values sorted bytewise). The views passed
  // to fn are valid during the call only.
  void Visit(const Store& store, const std::string& cache_key,
             absl::FunctionRef<std::vector<std::string_view>()> build,
             absl::FunctionRef<KeyRole(std::string_view key)> role,
             absl::FunctionRef<void(const std::vector<std::string_view>&)> fn)
      ABSL_LOCKS_EXCLUDED(mu_);

  // True when some answer is cached: the Store only keeps a change log then.
  bool active() const { return entries_count_.load(std::memory_order_relaxed) > 0; }

 private:
  struct Entry {
    uint64_t version = 0;  // the Store version `values` reflect
    uint64_t last_use = 0;
    std::vector<std::string> values;  // sorted bytewise
  };
  using Entries = std::map<std::string, Entry, std::less<>>;
  // Applies the Store's changes since entry->version; false when the entry
  // must be rebuilt instead.
  static bool CatchUp(const Store& store, absl::FunctionRef<KeyRole(std::string_view)> role,
                      Entry* entry);
  // Makes room for an answer of `values` values.
  void EvictFor(size_t values) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Erase(Entries::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  Entries entries_ ABSL_GUARDED_BY(mu_);
  uint64_t tick_ ABSL_GUARDED_BY(mu_) = 0;
  size_t total_values_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<size_t> entries_count_{0};
};

}  // namespace confwatch

#endif  // CONFWATCH_STORE_VALUES_CACHE_H_
