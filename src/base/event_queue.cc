// See event_queue.h.
#include "base/event_queue.h"

namespace confwatch {

void EventQueue::Push(Event event) {
  absl::MutexLock lock(&mu_);
  if (!closed_) events_.push_back(std::move(event));
}

std::optional<EventQueue::Event> EventQueue::Pop(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !events_.empty() || closed_;
  };
  mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::deque<EventQueue::Event> EventQueue::Drain() {
  absl::MutexLock lock(&mu_);
  std::deque<Event> out;
  out.swap(events_);
  return out;
}

void EventQueue::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool EventQueue::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

}  // namespace confwatch
