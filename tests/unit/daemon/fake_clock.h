// FakeClock: a Clock whose time moves only when the test calls Advance(), so
// the daemon's timers (debounce, retries with backoff, reload coalescing,
// render backoff) fire exactly when a test says, without sleeping. A thread
// waiting in PopUntil still returns at once when an event is queued; its
// deadline is checked against the fake time each millisecond of real time.
// WaitingUntil() lets a test see that a thread is idle until a given time
// (its timer is set) before advancing past it.
//
// Thread-safety: all methods may be called from any thread.
#ifndef CONFWATCH_TESTS_UNIT_DAEMON_FAKE_CLOCK_H_
#define CONFWATCH_TESTS_UNIT_DAEMON_FAKE_CLOCK_H_

#include <algorithm>
#include <optional>
#include <set>

#include "absl/synchronization/mutex.h"
#include "daemon/clock.h"
#include "tests/unit/daemon/test_time.h"

namespace confwatch {

class FakeClock : public Clock {
 public:
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

  std::optional<EventQueue::Event> PopUntil(EventQueue& queue, absl::Time deadline) override {
    Register(deadline, +1);
    std::optional<EventQueue::Event> ev;
    while (true) {
      if (Now() >= deadline) {
        ev = queue.Pop(absl::InfinitePast());  // what is queued, without waiting
        break;
      }
      ev = queue.Pop(absl::Now() + absl::Milliseconds(1));
      if (ev || queue.closed()) break;
    }
    Register(deadline, -1);
    return ev;
  }

  // True while some thread waits in PopUntil with exactly this deadline.
  bool WaitingUntil(absl::Time deadline) { return Waiting(deadline) > 0; }
  // How many threads wait in PopUntil with exactly this deadline.
  size_t Waiting(absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    return waiting_.count(deadline);
  }
  // The earliest deadline a thread waits for in PopUntil; nullopt when none
  // waits for a finite one.
  std::optional<absl::Time> EarliestWait() {
    absl::MutexLock lock(&mu_);
    if (waiting_.empty() || *waiting_.begin() == absl::InfiniteFuture()) return std::nullopt;
    return *waiting_.begin();
  }
  // Sets the time to `t` if it is later.
  void AdvanceTo(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = std::max(now_, t);
  }

 private:
  void Register(absl::Time deadline, int delta) {
    absl::MutexLock lock(&mu_);
    if (delta > 0) {
      waiting_.insert(deadline);
    } else {
      waiting_.erase(waiting_.find(deadline));
    }
  }

  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_) = kT0;
  std::multiset<absl::Time> waiting_ ABSL_GUARDED_BY(mu_);
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_UNIT_DAEMON_FAKE_CLOCK_H_
