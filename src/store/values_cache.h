// ValuesCache remembers getvs and gets answers -- the values of the keys a
// pattern matches in one view, sorted (getvs), or those keys' names and
// values sorted by name (gets) -- and brings them up to date from the Store's
// change log (store.h: version(), ChangesSince()) instead of recomputing them.
// A re-render after one Put then costs a binary search and an insert in the
// sorted answer, not a walk of every matching key and a sort of their values:
// at 100k keys that is the larger part of rendering an upstream list.
//
// An answer is kept in the form its user reads it (SortedValues: for the
// template engine a list of template Values), and handed out shared, not
// copied: a render takes the 100k-element list getvs returns as it is, with
// no per-element work. The cache changes an answer in place only while
// nobody holds it; an answer still held when the Store changed is copied
// first (copy-on-write), so a holder's answer never changes under it.
//
// A form may keep its values as views into the Store's records (getvs does:
// 16 bytes a value instead of a copy of it; gets keeps its names and values
// as views, 32 bytes a pair). Such an answer is readable
// until the Store's next modification, like a view from Store::Find; a
// render holds it no longer than that. The cache reads a kept answer again
// only after Store::ChangesSince said the log reaches back to the answer's
// version, which also means every record it views is still allocated (the
// log keeps replaced records); otherwise the answer is dropped unread.
//
// An entry is keyed by everything its answer depends on (the view's prefix,
// its covered key ranges and the pattern), never by an object's address, so
// a reloaded configuration cannot be served another scope's answer. When the
// log no longer reaches back to an entry's version (a resync, a burst longer
// than the log) or too many keys changed, the entry is rebuilt from scratch.
// Small answers are not cached: rebuilding them costs next to nothing.
//
// Thread-safety: Get() may be called from several threads at once (one
// mutex), but, like any StoreView use, not while the Store is modified. An
// answer it returned may be read from any thread until the Store changes
// (while it changes too, if its form owns its bytes), and released on any
// thread at any time.
#ifndef CONFWATCH_STORE_VALUES_CACHE_H_
#define CONFWATCH_STORE_VALUES_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
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
  // At most this many values in all cached answers together (each answer
  // owns its values: ~40 bytes a value plus its bytes); an answer larger
  // than that is not cached.
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

  // One answer: elements sorted bytewise by their sort key (SortKey), in
  // the form its user reads them. The cache changes it (Insert, Erase) only
  // while no one else holds it.
  class SortedValues {
   public:
    virtual ~SortedValues() = default;
    virtual size_t size() const = 0;
    // The sort key of element i.
    virtual std::string_view at(size_t i) const = 0;
    // The sort key of an element for the key named `name` holding `value`:
    // the value (getvs, the default) or the name (gets). Unique per name
    // when it is the name.
    virtual std::string_view SortKey(std::string_view /*name*/, std::string_view value) const {
      return value;
    }
    // Inserts the element for `name` and `value` (views into the Store's
    // record: copy them or keep the views) before element i (i <= size()).
    virtual void Insert(size_t i, std::string_view name, std::string_view value) = 0;
    virtual void Erase(size_t i) = 0;
    // An equal answer that shares nothing mutable with this one.
    virtual std::unique_ptr<SortedValues> Clone() const = 0;
  };
  // A matching key's name in the view and its value, both views into the
  // Store's record.
  struct NamedValue {
    std::string_view name;
    std::string_view value;
  };
  // Makes the form from sorted views into the Store's records, copying
  // their bytes or keeping the views (see above): values sorted bytewise
  // (getvs), or pairs sorted by name (gets).
  using MakeValues = std::unique_ptr<SortedValues> (*)(std::vector<std::string_view> sorted);
  using MakePairs = std::unique_ptr<SortedValues> (*)(std::vector<NamedValue> sorted_by_name);
  // Which form an answer is in: a form is told apart by its make function
  // (MakeValues or MakePairs, as an address). An answer cached for one form
  // is never handed to a caller asking with another, so a caller may
  // downcast what it gets to the type its make function returns.
  using Form = const void*;
  template <typename Make>
  static Form FormOf(Make make) {
    return reinterpret_cast<Form>(make);
  }

  // The answer for `cache_key` at the Store's current version: the cached
  // one, brought up to date through `role` (which classifies a changed key)
  // and `name` (the view's name of a kMatching key, viewing the bytes of the
  // key it is given), or build() (the form, made from the Store as it is).
  // Never null. The answer stays unchanged as long as it is held, and valid
  // until the Store's next modification (longer if its form owns its bytes).
  std::shared_ptr<const SortedValues> Get(
      const Store& store, const std::string& cache_key, Form form,
      absl::FunctionRef<std::unique_ptr<SortedValues>()> build,
      absl::FunctionRef<KeyRole(std::string_view key)> role,
      absl::FunctionRef<std::string_view(std::string_view key)> name) ABSL_LOCKS_EXCLUDED(mu_);

  // True when some answer is cached: the Store only keeps a change log then.
  bool active() const { return entries_count_.load(std::memory_order_relaxed) > 0; }

 private:
  // An answer as the cache keeps it: `holders` counts the answers handed
  // out and not yet released (Get() wraps each in a Hold), so the cache
  // knows when it may change `values` in place.
  struct Shared {
    explicit Shared(std::unique_ptr<SortedValues> v) : values(std::move(v)) {}
    std::unique_ptr<SortedValues> values;
    std::atomic<size_t> holders{0};
  };
  struct Entry {
    uint64_t version = 0;  // the Store version the answer reflects
    uint64_t last_use = 0;
    Form form = nullptr;
    std::shared_ptr<Shared> answer;
  };
  using Entries = std::map<std::string, Entry, std::less<>>;
  // Applies the Store's changes since entry->version (to a copy of the
  // answer when it is held); false when the entry must be rebuilt instead.
  static bool CatchUp(const Store& store, absl::FunctionRef<KeyRole(std::string_view)> role,
                      absl::FunctionRef<std::string_view(std::string_view)> name, Entry* entry);
  // A handle on `answer` that counts as one of its holders until released.
  static std::shared_ptr<const SortedValues> HandOut(std::shared_ptr<Shared> answer);
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
