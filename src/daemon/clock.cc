// See clock.h.
#include "daemon/clock.h"

namespace confwatch {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  std::optional<EventQueue::Event> PopUntil(EventQueue& queue, absl::Time deadline) override {
    return queue.Pop(deadline);
  }
};

}  // namespace

Clock* RealClock() {
  static Clock* const clock = new SystemClock();
  return clock;
}

}  // namespace confwatch
