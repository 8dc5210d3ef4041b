#include "resource/reloader.h"

#include "absl/strings/str_cat.h"
#include "process/signals.h"
#include "resource/command_status.h"

namespace confwatch {
namespace {

std::string ExpandedReloadCommand(const TemplateResource& r) {
  return ExpandCommand(r.reload_cmd, r.dest, r.dest);
}

absl::Status WithSignal(const TemplateResource& r, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat("reload_signal ", SignalName(r.reload_signal),
                                                  ": ", status.message()));
}

}  // namespace

absl::StatusOr<pid_t> SystemProcessSignaller::SignalPidFile(const std::string& pid_file,
                                                            int signal,
                                                            const PidFileOwners& owners) {
  return confwatch::SignalPidFile(pid_file, signal, owners);
}

absl::Status SystemProcessSignaller::SignalPid(pid_t pid, int signal) {
  return confwatch::SignalPid(pid, signal);
}

bool SignalsChild(const TemplateResource& r) {
  return r.reload_cmd.empty() && r.reload_signal != 0 && r.pid_file.empty();
}

std::string ReloadKey(const TemplateResource& r) {
  if (!r.reload_cmd.empty()) return absl::StrCat("cmd:", ExpandedReloadCommand(r));
  if (r.reload_signal == 0) return "";
  std::string key = absl::StrCat("signal:", SignalName(r.reload_signal), ":");
  if (r.pid_file.empty()) return absl::StrCat(key, "child");
  return absl::StrCat(key, "pid_file:", r.pid_file);
}

absl::Status Reload(const TemplateResource& r, const ReloadContext& ctx, std::string* sent) {
  if (sent != nullptr) sent->clear();
  if (!r.reload_cmd.empty()) {
    std::string command = ExpandedReloadCommand(r);
    return CommandStatus("reload_cmd", command, r.reload_cmd_timeout,
                         ctx.runner->Run(command, r.reload_cmd_timeout));
  }
  if (r.reload_signal == 0) return absl::OkStatus();
  if (!r.pid_file.empty()) {
    const PidFileOwners owners{ctx.self_uid, r.uid.value_or(ctx.self_uid)};
    absl::StatusOr<pid_t> pid = ctx.signaller->SignalPidFile(r.pid_file, r.reload_signal, owners);
    if (!pid.ok()) return WithSignal(r, pid.status());
    if (sent != nullptr) {
      *sent = absl::StrCat("sent ", SignalName(r.reload_signal), " to pid ", *pid, " (from ",
                           r.pid_file, ")");
    }
    return absl::OkStatus();
  }
  if (!ctx.signal_child) {
    return WithSignal(r, absl::FailedPreconditionError(
                             "no pid_file and no supervised child to signal (set pid_file, "
                             "or run confwatch in exec mode: confwatch [flags] -- command)"));
  }
  return WithSignal(r, ctx.signal_child(r.reload_signal));
}

}  // namespace confwatch
