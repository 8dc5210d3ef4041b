// ReloadCoalescer decides WHEN a reload runs, so that a burst of changes
// costs a handful of reloads instead of one per install. The files still
// follow every change at once; only the consumer's reload is coalesced:
//
//  - leading edge: a reload requested when its key (ReloadKey) has not run
//    for `quiet` runs at once, so a lone change is reloaded without delay;
//  - trailing edge: requests that arrive within `quiet` of the last run wait
//    until no request came for `quiet`, but no longer than `max_delay` after
//    the first waiting one, then run once and pick up every file installed
//    meanwhile.
// A burst of 300 puts therefore reloads twice: once at its start, once after
// it. A failed run is retried with exponential backoff (500 ms .. 60 s) until
// one succeeds; a new request meanwhile (a new file, perhaps the one that
// fixes what the reload rejected) runs kInitialBackoff after the failed run at
// the latest. With quiet = 0 every request runs at once (onetime mode).
//
// Pure logic over a caller-supplied clock. Not thread-safe: the install
// worker thread owns it.
#ifndef CONFWATCH_DAEMON_RELOAD_COALESCER_H_
#define CONFWATCH_DAEMON_RELOAD_COALESCER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace confwatch {

class ReloadCoalescer {
 public:
  static constexpr absl::Duration kInitialBackoff = absl::Milliseconds(500);
  static constexpr absl::Duration kMaxBackoff = absl::Seconds(60);

  // max_delay below quiet is raised to quiet.
  ReloadCoalescer(absl::Duration quiet, absl::Duration max_delay)
      : quiet_(quiet), max_delay_(std::max(quiet, max_delay)) {}

  // A reload of `key` is needed at `now`. True: run it now, then report with
  // Finished(). False: it waits; TakeDue() hands it out later.
  bool Request(const std::string& key, absl::Time now);

  // Keys whose wait is over at `now`, removed from the waiting set.
  // REQUIRES: each is run and reported with Finished().
  std::vector<std::string> TakeDue(absl::Time now);

  // Every waiting key regardless of time (shutdown: the files are on disk,
  // their consumer must hear of them before we go).
  std::vector<std::string> TakeAll();

  // The run of `key` that started at `started` ended. A failure makes the
  // key wait for its backoff, then run again.
  void Finished(const std::string& key, bool ok, absl::Time started);

  // When TakeDue() next has something, if anything waits.
  std::optional<absl::Time> NextDue() const;

  bool Waiting(const std::string& key) const { return waiting_.count(key) > 0; }

 private:
  struct Wait {
    absl::Time first = absl::InfinitePast();
    absl::Time last = absl::InfinitePast();
    absl::Time retry_at = absl::InfinitePast();  // after a failure
  };
  absl::Time DueAt(const Wait& w) const;

  const absl::Duration quiet_;
  const absl::Duration max_delay_;
  std::map<std::string, Wait> waiting_;
  std::map<std::string, absl::Time> last_run_;
  std::map<std::string, int> failures_;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_RELOAD_COALESCER_H_
