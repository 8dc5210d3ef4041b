// Scheduler decides WHEN each resource renders. It coalesces: a resource has
// at most one render/install in flight and at most one follow-up queued, so a
// burst of changes collapses into one render of the latest state. It applies
// the per-resource quiescence window `wait = "min:max"` (as consul-template:
// render once no change came for `min`, but no later than `max` after the
// first pending change), `min_reload_interval`, and retries a failed render or
// install with exponential backoff instead of waiting for the next change. A
// change may be the fix (the missing key put back): a failing resource that
// sees one tries again kInitialBackoff after its last try at the latest, not
// when a backoff of up to a minute ends; a resource that stays broken under a
// stream of changes still tries no more often than that.
//
// TakeReady() and NextDeadline() look only at the dirty resources, so a
// change costs the same with 1000 resources as with one.
//
// Pure logic over a caller-supplied clock, so tests drive time by hand.
// Not thread-safe: only the event loop touches it.
#ifndef CONFWATCH_DAEMON_SCHEDULER_H_
#define CONFWATCH_DAEMON_SCHEDULER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/btree_set.h"

#include "absl/time/time.h"

namespace confwatch {

struct SchedulePolicy {
  absl::Duration wait_min = absl::ZeroDuration();
  absl::Duration wait_max = absl::ZeroDuration();  // zero: no upper bound needed
  absl::Duration min_interval = absl::ZeroDuration();  // between two starts
};

class Scheduler {
 public:
  static constexpr absl::Duration kInitialBackoff = absl::Milliseconds(500);
  static constexpr absl::Duration kMaxBackoff = absl::Seconds(60);

  // Adds resource `id` (ids are dense, 0..n-1) with its policy; it starts dirty
  // so that it renders once at start.
  void Add(int id, const SchedulePolicy& policy, absl::Time now);

  // Forgets every resource (configuration reload).
  void Clear() {
    states_.clear();
    dirty_.clear();
  }

  // A key the resource depends on changed at `now`.
  void MarkDirty(int id, absl::Time now);

  // Resources that may start now; each is marked in flight and clean.
  // REQUIRES: a returned id is later passed to Finished().
  std::vector<int> TakeReady(absl::Time now);

  // The in-flight work for `id` ended. On failure it is retried with backoff,
  // or kInitialBackoff after the failed try started if a change came in the
  // meantime (which that try did not see).
  void Finished(int id, bool ok, absl::Time now);

  // A failing resource's inputs were just read again (the source came back,
  // a refused prefix was granted): its next try need not wait out the
  // backoff of failures that were about missing data. Another failure backs
  // off from where it was.
  void RetryNow(int id);

  // The earliest time at which TakeReady may return something new, if any.
  std::optional<absl::Time> NextDeadline() const;

  bool InFlight(int id) const { return states_[id].in_flight; }
  bool Dirty(int id) const { return states_[id].dirty; }
  int Failures(int id) const { return states_[id].failures; }
  // How many resource states TakeReady() and NextDeadline() have looked at
  // so far. For tests: it grows with the dirty resources, not all of them.
  int64_t visited() const { return visited_; }

 private:
  struct State {
    SchedulePolicy policy;
    bool present = false;
    bool dirty = false;
    bool in_flight = false;
    absl::Time first_change = absl::InfinitePast();
    absl::Time last_change = absl::InfinitePast();
    absl::Time last_start = absl::InfinitePast();
    absl::Time retry_at = absl::InfinitePast();
    int failures = 0;
  };

  // When a dirty, idle resource becomes eligible.
  static absl::Time EligibleAt(const State& s);
  // A failing resource saw a change: retry kInitialBackoff after its last
  // try, or now if that has passed, unless the backoff ends sooner.
  static void RetrySoon(State& s, absl::Time now);

  // Marks `id` dirty (and a candidate for TakeReady and NextDeadline).
  void SetDirty(int id);

  std::vector<State> states_;
  absl::btree_set<int> dirty_;  // ids whose state is dirty, ascending
  mutable int64_t visited_ = 0;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_SCHEDULER_H_
