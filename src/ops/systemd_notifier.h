// SystemdNotifier tells systemd (Type=notify) how the daemon is doing, from
// a small thread of its own, because the daemon has no "first render done"
// or "reload applied" callback: it polls the same readiness check /readyz
// uses and the config_reloads counter.
//
//   READY=1      the first time `ready` returns OK (checked every `poll`)
//   RELOADING=1  + MONOTONIC_USEC, when Reloading() is called (SIGHUP)...
//   READY=1      ...and again once `config_reloads` grew past its value at
//                Reloading(), i.e. the daemon applied the reload
//   STATUS=...   whenever `status` returns a new text (optional)
//   STOPPING=1   when Stopping() is called (SIGTERM)
//   WATCHDOG=1   every SdWatchdogInterval() / 2 when WatchdogSec= is set,
//                and only while the event loop makes progress: after each
//                ping the notifier posts a no-op heartbeat to the loop
//                (Hooks::post), and pings again only once the loop ran it.
//                A loop stuck in one event for longer than half the interval
//                misses a ping and is logged; stuck for WatchdogSec, systemd
//                restarts the service. At most one heartbeat is queued at a
//                time, so a stuck loop does not pile them up. Without a post
//                hook the ping proves only that this thread runs.
//
// Outside systemd ($NOTIFY_SOCKET unset) Start() starts no thread and every
// call is a no-op. A failed send is logged once as a warning, then quietly
// retried on the next event.
//
// Usage in run.cc (after the signals are blocked, so the thread inherits the
// mask):
//   SystemdNotifier notifier({
//       [&] { return DaemonReadiness(daemon.stats(), daemon.LoadErrors(), watch); },
//       [&] { return daemon.stats().config_reloads.load(); }, nullptr,
//       [&](std::function<void()> f) { daemon.Post(std::move(f)); }});
//   notifier.Start();
//   ... SIGHUP: notifier.Reloading(); daemon.ReloadConfig();
//   ... SIGTERM: notifier.Stopping(); daemon.Stop();
//
// Thread-safety: Start() and Stop() from the owner thread; Reloading() and
// Stopping() from any thread. The hooks run on the notifier's thread (and
// config_reloads also in Reloading()'s): they must be thread-safe and must
// not call the notifier. A posted heartbeat may run on any thread, at any
// time, even after the notifier is gone (it holds no pointer to it).
#ifndef CONFWATCH_OPS_SYSTEMD_NOTIFIER_H_
#define CONFWATCH_OPS_SYSTEMD_NOTIFIER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace confwatch {

class SystemdNotifier {
 public:
  struct Hooks {
    std::function<absl::Status()> ready;      // required
    std::function<int64_t()> config_reloads;  // required
    std::function<std::string()> status;      // may be empty
    // Queues a closure to run on the daemon's event loop (may be empty).
    std::function<void(std::function<void()>)> post;
  };

  explicit SystemdNotifier(Hooks hooks, absl::Duration poll = absl::Milliseconds(100));
  ~SystemdNotifier();  // Stop()
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC now; starts the thread if set.
  void Start();
  // Sends RELOADING=1 if READY=1 was sent (before that, systemd is still
  // waiting for the start and the first READY=1 covers the reload).
  void Reloading();
  // Sends STOPPING=1; nothing more is sent after it.
  void Stopping();
  // Ends the thread (sends nothing). Idempotent; the notifier cannot be
  // started again.
  void Stop();

 private:
  void Loop();
  // The watchdog part of Loop(): pings when due and the last heartbeat ran,
  // then posts the next one. Returns how long Loop() may wait.
  absl::Duration Watchdog(absl::Duration ping_every, absl::Duration wait)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Logs the first failure to send; later ones would only repeat it.
  void Report(const absl::Status& sent) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Hooks hooks_;
  const absl::Duration poll_;
  std::thread thread_;
  std::atomic<bool> started_{false};  // Start() started thread_: read by Reloading()/Stopping()

  absl::Mutex mu_;
  bool stop_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool ready_sent_ ABSL_GUARDED_BY(mu_) = false;
  bool reloading_ ABSL_GUARDED_BY(mu_) = false;
  int64_t reloads_at_reloading_ ABSL_GUARDED_BY(mu_) = 0;
  bool warned_ ABSL_GUARDED_BY(mu_) = false;

  // Watchdog state, used only by the notifier's thread (Loop()).
  absl::Time next_ping_;
  // Set by the posted heartbeat when the event loop runs it; shared so that
  // a heartbeat still queued when the notifier is destroyed stays harmless.
  std::shared_ptr<std::atomic<bool>> heartbeat_ran_ =
      std::make_shared<std::atomic<bool>>(false);
  absl::Time heartbeat_posted_;
  bool stall_logged_ = false;
};

}  // namespace confwatch

#endif  // CONFWATCH_OPS_SYSTEMD_NOTIFIER_H_
