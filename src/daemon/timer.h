// Timer: one deadline of the daemon's event loop (a debounced configuration
// reload, a re-read after a failed one, asking again for a refused prefix),
// with the exponential backoff its retries use. The loop asks each timer
// whether it is due and waits until the earliest deadline; time comes from
// the daemon's Clock, passed in as `now`, so the rules are tested without
// waiting.
//
//   Timer retry(absl::Milliseconds(250), absl::Seconds(5));
//   retry.ArmAfterBackoff(now);  // due at now + 250 ms; the next one 500 ms
//   if (retry.Fire(now)) ...     // true once when due, then disarmed
//   retry.Reset();               // after a success: disarmed, 250 ms again
//
// Thread-safety: not thread-safe; the event loop owns its timers.
#ifndef CONFWATCH_DAEMON_TIMER_H_
#define CONFWATCH_DAEMON_TIMER_H_

#include <algorithm>

#include "absl/time/time.h"

namespace confwatch {

class Timer {
 public:
  // A timer that is only ever armed at a given time.
  Timer() = default;
  // Backoff delays start at `min` and double up to `max`.
  // REQUIRES: ZeroDuration() <= min <= max.
  Timer(absl::Duration min, absl::Duration max) : min_(min), max_(max), backoff_(min) {}

  void ArmAt(absl::Time t) { deadline_ = t; }
  // Arms at `t` unless already due sooner.
  void ArmNoLaterThan(absl::Time t) { deadline_ = std::min(deadline_, t); }
  // Arms at now + backoff() and doubles the backoff (up to max). Returns the
  // delay used, for messages.
  absl::Duration ArmAfterBackoff(absl::Time now) {
    const absl::Duration d = backoff_;
    deadline_ = now + d;
    BackOff();
    return d;
  }
  void Disarm() { deadline_ = absl::InfiniteFuture(); }
  // Disarmed, backoff back to min.
  void Reset() {
    Disarm();
    backoff_ = min_;
  }
  void BackOff() { backoff_ = std::min(backoff_ * 2, max_); }

  // True when armed and due at `now`; it is then disarmed (the backoff stays).
  bool Fire(absl::Time now) {
    if (now < deadline_) return false;
    Disarm();
    return true;
  }
  bool armed() const { return deadline_ != absl::InfiniteFuture(); }
  // InfiniteFuture() when disarmed: min() over timers gives the loop's wait.
  absl::Time deadline() const { return deadline_; }
  // The delay the next ArmAfterBackoff uses.
  absl::Duration backoff() const { return backoff_; }

 private:
  absl::Duration min_ = absl::ZeroDuration();
  absl::Duration max_ = absl::ZeroDuration();
  absl::Duration backoff_ = absl::ZeroDuration();
  absl::Time deadline_ = absl::InfiniteFuture();
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_TIMER_H_
