// EventQueue hands work from producer threads (the etcd watch reader, the
// inotify watcher, the signal thread, the install worker) to the single event
// loop thread. Everything that touches the Store, the Scheduler or the
// resource list runs on the loop; producers only Push closures.
//
// Thread-safety: Push and Close may be called from any thread; Pop only from
// the loop thread.
#ifndef CONFWATCH_BASE_EVENT_QUEUE_H_
#define CONFWATCH_BASE_EVENT_QUEUE_H_

#include <deque>
#include <functional>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace confwatch {

class EventQueue {
 public:
  using Event = std::function<void()>;

  // Enqueues `event`; ignored after Close().
  void Push(Event event) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until an event is queued, `deadline` passes or the queue is closed.
  // Returns nullopt on timeout or when closed and drained.
  std::optional<Event> Pop(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

  // Pops everything that is queued now without waiting.
  std::deque<Event> Drain() ABSL_LOCKS_EXCLUDED(mu_);

  void Close() ABSL_LOCKS_EXCLUDED(mu_);
  bool closed() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace confwatch

#endif  // CONFWATCH_BASE_EVENT_QUEUE_H_
