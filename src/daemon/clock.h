// Clock is the daemon's time: what "now" is and how a thread waits for work
// until a deadline. The daemon reads no other clock, so its unit tests run on
// a fake (tests/unit/daemon/fake_clock.h) whose time moves only when the test
// advances it: a 5 s retry takes no 5 s, and "not before 5 s" is checked
// exactly. The process uses RealClock().
//
// Thread-safety: implementations are thread-safe; the event loop and the
// install worker call them at once.
#ifndef CONFWATCH_DAEMON_CLOCK_H_
#define CONFWATCH_DAEMON_CLOCK_H_

#include <optional>

#include "absl/time/time.h"
#include "base/event_queue.h"

namespace confwatch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  // Pops the next event of `queue`, waiting until one is queued, `deadline`
  // (in this clock's time) passes or the queue is closed. nullopt on
  // timeout, or when the queue is closed and drained.
  virtual std::optional<EventQueue::Event> PopUntil(EventQueue& queue, absl::Time deadline) = 0;
};

// absl::Now(), and EventQueue::Pop's own timed wait. Process-wide, never freed.
Clock* RealClock();

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_CLOCK_H_
