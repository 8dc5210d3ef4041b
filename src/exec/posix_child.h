// PosixChildControl: the real ChildControl of exec mode. Starts the command
// with fork + execvp inside ProcessTable::Spawn (so an orphan reaper never
// takes its exit status), in a process group of its own, with every signal
// unblocked and at its default action; when confwatch's stdin is a terminal
// whose foreground group is ours, the child's group becomes the foreground
// (so it can read the terminal and ^C reaches it directly, as with tini).
//
// An exec failure is reported by the child over a close-on-exec pipe: the
// parent reads either EOF (exec succeeded) or the errno, so "command not
// found" is a clear error here and not a child that exits 127 later.
//
// One waiter thread per child learns of its exit without reaping it
// (waitid WNOWAIT), then reaps it with ProcessTable::ReapOwned() under the
// same lock Signal() takes: a signal never reaches a pid reused after the
// reap. The exit is reported through the callback, on the waiter thread.
//
// Thread-safety: Start() from one thread; Signal() from any thread.
#ifndef CONFWATCH_EXEC_POSIX_CHILD_H_
#define CONFWATCH_EXEC_POSIX_CHILD_H_

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "exec/exec_policy.h"
#include "process/process_table.h"

namespace confwatch {

class PosixChildControl : public ChildControl {
 public:
  using ExitCallback = std::function<void(pid_t pid, int wait_status)>;

  explicit PosixChildControl(ExitCallback on_exit,
                             ProcessTable* table = &ProcessTable::Default());
  // Joins the waiter threads. REQUIRES: every started child has exited (or
  // will: the destructor waits for it).
  ~PosixChildControl() override;
  PosixChildControl(const PosixChildControl&) = delete;
  PosixChildControl& operator=(const PosixChildControl&) = delete;

  // Errors: `cannot start "foo": command not found` (NotFound, for a name
  // searched in PATH), `cannot start "/x/y": No such file or directory` (NotFound),
  // `cannot start "/etc/passwd": Permission denied` (PermissionDenied).
  absl::StatusOr<pid_t> Start(const std::vector<std::string>& argv) override;

  // Signals the child's process group (the child alone if the group is
  // gone); does nothing once the child was reaped.
  void Signal(pid_t pid, int signo) override;

 private:
  struct Waiter {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void Wait(pid_t pid, Waiter* waiter);
  void JoinFinishedWaiters();

  const ExitCallback on_exit_;
  ProcessTable* const table_;
  const bool take_terminal_;
  absl::Mutex mu_;
  absl::flat_hash_set<pid_t> alive_ ABSL_GUARDED_BY(mu_);  // started, not reaped
  std::list<Waiter> waiters_;  // only the Start() thread and the destructor
};

}  // namespace confwatch

#endif  // CONFWATCH_EXEC_POSIX_CHILD_H_
