// PosixCommandRunner is the real CommandRunner: it starts `/bin/sh -c
// command` with posix_spawn in a new process group, stdin from /dev/null,
// stdout and stderr into one pipe (so the captured text interleaves as on a
// terminal), every other descriptor closed, and signal mask and dispositions
// reset (confwatch blocks or ignores signals its commands must not inherit).
// The environment and working directory are confwatch's, as in confd.
//
// Waiting: the runner learns that the shell exited from a pidfd (or by
// polling waitid(WNOWAIT) on kernels without pidfds) and reaps only its own
// pid, through ProcessTable, so it coexists with an orphan reaper. It stops
// reading output when the shell exits: a daemon the command started in the
// background may keep the pipe open for ever and must not hold us up.
//
// Timeout: SIGTERM to the whole group, then SIGKILL to the group after the
// grace period (also to members that outlived a shell that obeyed SIGTERM).
//
// Thread-safety: thread-safe; Run() may be called from several threads.
#ifndef CONFWATCH_PROCESS_POSIX_COMMAND_RUNNER_H_
#define CONFWATCH_PROCESS_POSIX_COMMAND_RUNNER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "process/command_runner.h"
#include "process/process_table.h"

namespace confwatch {

class PosixCommandRunner : public CommandRunner {
 public:
  struct Settings {
    std::string shell = "/bin/sh";
    size_t max_output_bytes = 64 * 1024;          // see BoundedOutput
    absl::Duration kill_grace = absl::Seconds(2);  // SIGTERM -> SIGKILL
    ProcessTable* table = &ProcessTable::Default();
  };

  PosixCommandRunner() : PosixCommandRunner(Settings()) {}
  explicit PosixCommandRunner(Settings settings) : settings_(std::move(settings)) {}

  // absl::InfiniteDuration() waits for ever; a timeout <= 0 stops the command
  // at once. On timeout the result has timed_out set and term_signal the
  // signal that ended the shell (SIGTERM, or SIGKILL after the grace).
  absl::StatusOr<CommandResult> Run(const std::string& command,
                                    absl::Duration timeout) override;

 private:
  const Settings settings_;
};

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_POSIX_COMMAND_RUNNER_H_
