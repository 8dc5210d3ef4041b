// Signal names and signalling a process named by a pid file: what a resource
// uses instead of a reload_cmd ("send SIGHUP to the pid in /run/nginx.pid")
// and what the command line uses to name signals.
//
// Thread-safety: all functions are thread-safe.
#ifndef CONFWATCH_PROCESS_SIGNALS_H_
#define CONFWATCH_PROCESS_SIGNALS_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confwatch {

// Accepts "SIGHUP", "HUP", "hup", "SigHup" and numbers "1".."64" (real-time
// signals only by number). Signal 0 is refused: it sends nothing. Error:
// `invalid signal "FOO": use a name such as HUP or SIGUSR1, or a number 1-64`.
absl::StatusOr<int> ParseSignal(absl::string_view text);

// "SIGHUP" for known signals, "signal 40" for others.
std::string SignalName(int signo);

// Reads a pid from `path`: surrounding whitespace is ignored, the rest must be
// a decimal number > 1 (pid 1 is init, never the program being reloaded).
// Errors name the file: `pid file /run/app.pid: no such file`,
// `pid file /run/app.pid: not a pid: "abc"`.
absl::StatusOr<pid_t> ReadPidFile(const std::string& path);

// kill(pid, signo) with errors such as `kill 1234: no such process`.
absl::Status SignalPid(pid_t pid, int signo);

// ReadPidFile() then SignalPid().
absl::Status SignalPidFile(const std::string& path, int signo);

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_SIGNALS_H_
