// Supervisor runs exec mode's child program: a SupervisorCore (the rules,
// see exec_policy.h) driven by one thread, with the real PosixChildControl.
// Other threads only post events: the signal thread (NotifySignal), the
// daemon's install thread (NotifyFilesChanged), the child's waiter thread
// (its exit).
//
//   Supervisor sup(config, [&] { registrar.Deregister(); });
//   DaemonDeps deps{...};
//   deps.on_files_changed = [&](auto&&) { sup.NotifyFilesChanged(); };
//   ... once every template rendered:
//   int code = sup.Run();   // starts the child, returns the exit code
//
// Thread-safety: Notify*() from any thread, before or during Run(). Events
// that arrive before Run() are handled before the child starts: a stop
// request means it never starts; signals are dropped. Run() from one
// thread, once.
#ifndef CONFWATCH_EXEC_SUPERVISOR_H_
#define CONFWATCH_EXEC_SUPERVISOR_H_

#include <atomic>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "base/event_queue.h"
#include "exec/exec_policy.h"
#include "exec/posix_child.h"

namespace confwatch {

class Supervisor {
 public:
  // `on_shutdown` runs on the Run() thread, first thing on SIGTERM/SIGINT.
  Supervisor(ExecConfig config, std::function<void()> on_shutdown);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  void NotifyFilesChanged();
  // SIGTERM/SIGINT stop the child; any other signal is forwarded to it.
  void NotifySignal(int signo);
  // A resource's reload_signal for the child (SupervisorCore::
  // OnResourceReloadSignal): queued, so it reaches the child that runs when
  // the Run() thread takes it, never a pid reused after a reap. Always OK.
  absl::Status SignalChild(int signo);

  // Starts the child and supervises it until confwatch should exit; returns
  // the exit code (the child's, 126/127 when it cannot start). Every child
  // has been reaped when it returns.
  int Run();

  // Any thread: how many times the child was started (for metrics; the
  // restarts are this minus one).
  int child_starts() const { return starts_; }

 private:
  double Random01() ABSL_LOCKS_EXCLUDED(rng_mu_);

  EventQueue queue_;  // before control_: its waiter threads push here
  absl::Mutex rng_mu_;
  absl::BitGen rng_ ABSL_GUARDED_BY(rng_mu_);
  std::unique_ptr<PosixChildControl> control_;
  SupervisorCore core_;
  std::atomic<int> starts_{0};
};

}  // namespace confwatch

#endif  // CONFWATCH_EXEC_SUPERVISOR_H_
