// ProcessTable records the child processes confwatch waits for itself (the
// commands PosixCommandRunner runs, the program supervised in exec mode), so
// that an orphan reaper -- confwatch running as PID 1 in a container, or as a
// child subreaper -- never steals their exit status.
//
// The protocol, which every code path that starts or reaps children follows:
//  - A child that someone will wait for is started inside Spawn(). Spawn()
//    registers the pid under the same lock the reaper holds while it reaps,
//    so there is no instant at which the child exists, may have exited, and
//    is not yet known to be ours.
//  - Its owner learns that it exited WITHOUT reaping it (a pidfd, or
//    waitid(..., WNOWAIT)) and then collects it with ReapOwned(), which reaps
//    and unregisters under the lock: a pid reused after the reap can never be
//    mistaken for ours.
//  - The reaper calls ReapOrphans() (on SIGCHLD and now and then); it reaps
//    every exited child that is not registered and leaves ours alone.
// Everyone else in the process must never call wait(), waitpid(-1, ...) or
// waitid(P_ALL, ...) without WNOWAIT, and must never set SIGCHLD to SIG_IGN
// (the kernel would then reap children itself and waitpid(pid) would fail).
//
// Thread-safety: thread-safe. Default() is the one table of the process.
#ifndef CONFWATCH_PROCESS_PROCESS_TABLE_H_
#define CONFWATCH_PROCESS_PROCESS_TABLE_H_

#include <sys/types.h>

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace confwatch {

// A child reaped by ReapOrphans(), for the log.
struct ReapedChild {
  pid_t pid = 0;
  int wait_status = 0;  // as from waitpid(): use WIFEXITED() and friends
};

class ProcessTable {
 public:
  // The table every confwatch component shares. Never destroyed.
  static ProcessTable& Default();

  ProcessTable() = default;
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Calls spawn(), which must start exactly one child and return its pid (or
  // an error, having started nothing), and registers the pid. Keep spawn()
  // short (posix_spawn, fork+exec): the reaper waits for it.
  absl::StatusOr<pid_t> Spawn(absl::FunctionRef<absl::StatusOr<pid_t>()> spawn)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Waits for the registered child `pid` to exit, reaps it, unregisters it
  // and returns its waitpid() status. Blocks without holding the lock, so the
  // reaper keeps running meanwhile. REQUIRES: pid came from Spawn() and was
  // not reaped yet.
  absl::StatusOr<int> ReapOwned(pid_t pid) ABSL_LOCKS_EXCLUDED(mu_);

  bool IsOwned(pid_t pid) const ABSL_LOCKS_EXCLUDED(mu_);

  // Reaps every exited child that is not registered and returns them. Never
  // blocks on a running child. An exited child of ours does not hide others:
  // when waitid(P_ALL) reports one of ours first, the children listed in
  // /proc/self/task/*/children are tried one by one.
  std::vector<ReapedChild> ReapOrphans() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void ReapUnownedChildrenLocked(std::vector<ReapedChild>* reaped)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_set<pid_t> owned_ ABSL_GUARDED_BY(mu_);
};

// Makes this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER): orphans
// of our descendants are re-parented to us instead of to PID 1, and we must
// then reap them with ProcessTable::ReapOrphans(). Not needed when we are
// PID 1 already.
absl::Status BecomeChildSubreaper();

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_PROCESS_TABLE_H_
