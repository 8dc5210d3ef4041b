// Reaper collects orphans: when confwatch is PID 1 (a container entrypoint)
// or a child subreaper (-subreaper), every orphaned descendant is re-parented
// to it and stays a zombie until it is reaped. A thread calls the reap
// function -- ProcessTable::Default().ReapOrphans(), which never takes the
// exit status of a child confwatch waits for itself (check and reload
// commands, exec mode's child) -- whenever Wake() is called (the signal
// thread calls it on SIGCHLD) and at least every `interval` as a safety net
// (SIGCHLD is not queued: two exits can make one signal).
//
// Thread-safety: Wake() from any thread. The destructor stops the thread.
#ifndef CONFWATCH_EXEC_REAPER_H_
#define CONFWATCH_EXEC_REAPER_H_

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "process/process_table.h"

namespace confwatch {

// Whether confwatch must reap orphans: it is PID 1, or -subreaper asked for
// it. In the second case this also makes it a child subreaper (the error of
// prctl when that fails).
absl::StatusOr<bool> SetUpOrphanReaping(bool subreaper_flag);

class Reaper {
 public:
  using ReapFn = std::function<std::vector<ReapedChild>()>;

  // Default: ProcessTable::Default().ReapOrphans().
  explicit Reaper(ReapFn reap = nullptr, absl::Duration interval = absl::Seconds(1));
  ~Reaper();
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  // Reap now (SIGCHLD arrived).
  void Wake() ABSL_LOCKS_EXCLUDED(mu_);

  // How many orphans were reaped so far.
  int64_t reaped() const { return reaped_; }

 private:
  void Loop();

  const ReapFn reap_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int64_t> reaped_{0};
  std::thread thread_;
};

}  // namespace confwatch

#endif  // CONFWATCH_EXEC_REAPER_H_
