// CommandRunner runs a user's check_cmd / reload_cmd: the command line comes
// from the resource TOML (trusted configuration), is run through /bin/sh -c as
// confd does, and never contains a key value (values only ever reach files).
// Output (stdout and stderr, interleaved) is captured for the log. The command
// runs in its own process group; on timeout the whole group is killed
// (SIGTERM, then SIGKILL after a short grace) so a hung check leaves nothing
// behind.
//
// Thread-safety: implementations are safe to call from several threads at once.
#ifndef CONFWATCH_PROCESS_COMMAND_RUNNER_H_
#define CONFWATCH_PROCESS_COMMAND_RUNNER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace confwatch {

struct CommandResult {
  int exit_code = 0;       // valid when term_signal == 0
  int term_signal = 0;     // the signal that ended it, 0 if it exited
  bool timed_out = false;  // killed by us at the timeout
  std::string output;      // stdout+stderr, truncated to a sane size for logs

  bool ok() const { return !timed_out && term_signal == 0 && exit_code == 0; }
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;

  // Runs `command` with /bin/sh -c and waits at most `timeout`.
  // A non-zero exit, a signal or a timeout is a CommandResult, not an error;
  // an error Status means the command could not be started at all.
  virtual absl::StatusOr<CommandResult> Run(const std::string& command,
                                            absl::Duration timeout) = 0;
};

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_COMMAND_RUNNER_H_
