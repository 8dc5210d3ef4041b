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
// Errors name the file: `pid file /run/app.pid: No such file or directory`,
// `pid file /run/app.pid: not a pid: "abc"`.
absl::StatusOr<pid_t> ReadPidFile(const std::string& path);

// kill(pid, signo) with errors such as `kill 1234: No such process`.
absl::Status SignalPid(pid_t pid, int signo);

// Who may have written a pid file confwatch signals: confwatch itself and
// the owner of the file whose consumer is being reloaded. Anyone else could
// put any pid there, root's sshd's included.
struct PidFileOwners {
  uid_t self = 0;        // confwatch's effective uid
  uid_t dest_owner = 0;  // owner of the resource's dest
};

// ReadPidFile(), but first refuses (FailedPrecondition, naming the reason) a
// pid file someone other than `owners` could have written: a symlink owned by
// another user, a file that is not regular, owned by another user, or
// writable by group or others, or one in a directory anyone can write that is
// not sticky. The checks are made on the opened file, so a swap between check
// and read changes nothing:
//   `pid_file /run/app.pid is writable by others (mode 0666); not signalling`
//   `pid_file /run/app.pid is owned by uid 1000, not by 0 (confwatch) or 33
//    (the dest's owner); not signalling`
absl::StatusOr<pid_t> ReadTrustedPidFile(const std::string& path, const PidFileOwners& owners);

// ReadTrustedPidFile() then SignalPid(); returns the pid signalled.
absl::StatusOr<pid_t> SignalPidFile(const std::string& path, int signo,
                                    const PidFileOwners& owners);

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_SIGNALS_H_
