// Exec mode's decisions, kept free of the OS so they can be tested with
// fakes: what confwatch does with its child program when a file changed, a
// signal came, the child exited or a timer fired (SupervisorCore), plus the
// settings ([exec] table / -exec-* flags) and the exit code rules.
//
// The child runs in its own process group; ChildControl::Signal() signals
// that group, so `sh -c 'a | b'` and the helpers a program forks get what
// the program gets, and SIGKILL after kill_timeout leaves nothing behind.
//
// Rules (README "Exec mode"):
//  - A file change sends reload_signal to the child; with no reload_signal
//    the child is restarted: kill_signal, SIGKILL after kill_timeout, then a
//    new child. Changes that arrive while a restart is in progress are merged
//    into it: they were installed before the new child starts, so it reads
//    them (at most one restart follows any number of changes). With splay,
//    the reload signal waits a random 0..splay; changes meanwhile share it.
//  - SIGTERM/SIGINT: on_shutdown() first (deregistration), then kill_signal
//    to the child, SIGKILL after kill_timeout; exit with the child's code.
//    Every other signal is forwarded as it is.
//  - The child exits by itself: exit with its code (128+n for a signal)
//    unless restart = on-failure (and the code is not 0) or always; then a
//    new child after 1s, 2s, 4s ... 30s, at most restart_limit times in a
//    row (a child that ran 30s or more resets the count; 0 = no limit).
//  - COMMAND cannot be started: exit 127 when it was not found, 126 when it
//    could not be executed (as a shell does); no restart.
//
// Thread-safety: not thread-safe; one thread drives a SupervisorCore.
#ifndef CONFWATCH_EXEC_EXEC_POLICY_H_
#define CONFWATCH_EXEC_EXEC_POLICY_H_

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace confwatch {

enum class RestartPolicy { kNever, kOnFailure, kAlways };

// "never", "on-failure", "always" (also "no", "on_failure"). Error:
// `invalid restart policy "x": use never, on-failure or always`.
absl::StatusOr<RestartPolicy> ParseRestartPolicy(absl::string_view text);

struct ExecConfig {
  std::vector<std::string> command;  // argv; searched in PATH as a shell does
  int reload_signal = SIGHUP;        // 0: restart the child on a change
  int kill_signal = SIGTERM;
  absl::Duration kill_timeout = absl::Seconds(10);
  absl::Duration splay = absl::ZeroDuration();
  RestartPolicy restart = RestartPolicy::kNever;
  int restart_limit = 5;  // restarts in a row before giving up; 0: no limit
};

// Shell-style exit codes.
inline constexpr int kExitCommandNotExecutable = 126;
inline constexpr int kExitCommandNotFound = 127;

// The exit code a shell would report for a waitpid() status: the exit
// status, or 128 + the signal that killed the process.
int ExitCodeOf(int wait_status);

// The exit code for a failed start: NotFound -> 127, anything else -> 126.
int ExitCodeOfStartFailure(const absl::Status& status);

// Delay before the n-th restart in a row (n >= 1): 1s, 2s, 4s, ... 30s.
absl::Duration RestartBackoff(int n);

// A child that ran this long is healthy: its exit starts a new count.
inline constexpr absl::Duration kStableRun = absl::Seconds(30);

// How the core reaches the child program. The real one forks and signals
// the child's process group; tests use a fake that records calls.
class ChildControl {
 public:
  virtual ~ChildControl() = default;
  // Starts `argv`; its exit is reported to SupervisorCore::OnChildExited by
  // whoever drives the core. Errors: NotFound (no such program) or another
  // code (not executable), with a message naming the program.
  virtual absl::StatusOr<pid_t> Start(const std::vector<std::string>& argv) = 0;
  // Sends `signo` to the child started as `pid` (and its process group).
  virtual void Signal(pid_t pid, int signo) = 0;
};

class SupervisorCore {
 public:
  // `random01` returns a number in [0, 1) for the splay; `on_shutdown` runs
  // once, first thing, on SIGTERM/SIGINT (may be empty).
  SupervisorCore(ExecConfig config, ChildControl* control, std::function<double()> random01,
                 std::function<void()> on_shutdown);

  // Starts the first child.
  void Start(absl::Time now);
  void OnFilesChanged(absl::Time now);
  void OnSignal(int signo, absl::Time now);
  // A resource's reload_signal (no pid_file): sent to the running child as
  // is, whatever the signal (SIGTERM here reloads, it does not stop
  // confwatch). Dropped when no child runs or one is being replaced: the
  // next child reads the files as they are then.
  void OnResourceReloadSignal(int signo);
  void OnChildExited(pid_t pid, int wait_status, absl::Time now);
  // Acts on every timer that is due at `now`.
  void OnTimer(absl::Time now);

  // When OnTimer() next has something to do; InfiniteFuture when nothing.
  absl::Time NextDeadline() const;
  // Set once confwatch should exit, with this code.
  std::optional<int> exit_code() const { return exit_code_; }
  pid_t child() const { return pid_; }
  int starts() const { return starts_; }

 private:
  enum class State { kNotStarted, kRunning, kRestarting, kBackoff, kStopping, kDone };

  void Spawn(absl::Time now);
  void Finish(int code);
  void KillChild(absl::Time now);
  void ChildExitedByItself(int code, absl::Time now);

  const ExecConfig config_;
  ChildControl* const control_;
  std::function<double()> random01_;
  std::function<void()> on_shutdown_;

  State state_ = State::kNotStarted;
  pid_t pid_ = 0;
  absl::Time started_at_ = absl::InfinitePast();
  int starts_ = 0;
  int restarts_in_a_row_ = 0;
  int last_code_ = 0;
  bool shutdown_called_ = false;
  absl::Time kill_at_ = absl::InfiniteFuture();
  absl::Time restart_at_ = absl::InfiniteFuture();
  absl::Time reload_at_ = absl::InfiniteFuture();
  std::optional<int> exit_code_;
};

}  // namespace confwatch

#endif  // CONFWATCH_EXEC_EXEC_POLICY_H_
