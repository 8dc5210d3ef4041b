// Reload tells the consumer of an installed file to pick it up: either the
// resource's reload_cmd (through CommandRunner, with reload_cmd_timeout) or
// its reload_signal, sent to the pid in pid_file or, without a pid_file, to
// the child confwatch supervises in exec mode. It is separate from Install()
// so the daemon can run a reload that several resources share (one nginx,
// five upstream files) once per batch, keyed by ReloadKey().
//
// Thread-safety: Reload() is safe to call concurrently if the runner and the
// signaller are (the real ones are).
#ifndef CONFWATCH_RESOURCE_RELOADER_H_
#define CONFWATCH_RESOURCE_RELOADER_H_

#include <sys/types.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "process/command_runner.h"
#include "process/signals.h"
#include "resource/template_resource.h"

namespace confwatch {

// Signals a process, behind an interface so tests need not kill anything.
class ProcessSignaller {
 public:
  virtual ~ProcessSignaller() = default;
  // Sends `signal` to the pid read from `pid_file`, refusing a pid file
  // others than `owners` could have written (ReadTrustedPidFile); returns the
  // pid signalled.
  virtual absl::StatusOr<pid_t> SignalPidFile(const std::string& pid_file, int signal,
                                              const PidFileOwners& owners) = 0;
  virtual absl::Status SignalPid(pid_t pid, int signal) = 0;
};

// The real one: process/signals.h.
class SystemProcessSignaller : public ProcessSignaller {
 public:
  absl::StatusOr<pid_t> SignalPidFile(const std::string& pid_file, int signal,
                                      const PidFileOwners& owners) override;
  absl::Status SignalPid(pid_t pid, int signal) override;
};

struct ReloadContext {
  CommandRunner* runner = nullptr;        // runs reload_cmd
  ProcessSignaller* signaller = nullptr;  // sends reload_signal to a pid_file's pid
  // Exec mode: sends a signal to the supervised child (whichever child runs
  // at that moment; see Supervisor::SignalChild). Empty outside exec mode.
  std::function<absl::Status(int signal)> signal_child;
  // confwatch's effective uid: with the dest's owner, the only users a
  // pid_file may belong to.
  uid_t self_uid = geteuid();
};

// True when the resource's reload is a reload_signal for the supervised
// child (no reload_cmd, no pid_file): in exec mode its file needs no other
// reload of the child.
bool SignalsChild(const TemplateResource& resource);

// The resource's reload as a comparable string: equal keys are the same
// action. "cmd:<reload_cmd with {{.src}}/{{.dest}} expanded>",
// "signal:SIGHUP:pid_file:/run/nginx.pid", "signal:SIGHUP:child", or "" when
// the resource has no reload.
std::string ReloadKey(const TemplateResource& resource);

// Runs the reload; OK when the resource has none. A reload_signal without
// pid_file goes to context.signal_child; without one it is a
// FailedPrecondition error ("no pid_file and no supervised child"). In reload_cmd, {{.src}}
// and {{.dest}} both expand to dest: the staged file has become dest by now.
// Errors say which reload failed (`reload_cmd "..."`, `reload_signal
// SIGHUP`) but not the resource, which the caller names; a failed command is
// FailedPrecondition with its output. A pid_file must belong to
// context.self_uid or to the dest's owner (resource.uid, else self_uid) and
// be writable by no one else (see ReadTrustedPidFile). After a signal sent to
// a pid_file's pid, *sent (if given) says so for the log: "sent SIGHUP to pid
// 1234 (from /run/app.pid)"; otherwise it is left empty.
absl::Status Reload(const TemplateResource& resource, const ReloadContext& context,
                    std::string* sent = nullptr);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_RELOADER_H_
