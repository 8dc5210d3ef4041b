#include "exec/exec_policy.h"

#include <sys/wait.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/logging.h"
#include "process/signals.h"

namespace confwatch {

absl::StatusOr<RestartPolicy> ParseRestartPolicy(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (t == "never" || t == "no" || t.empty()) return RestartPolicy::kNever;
  if (t == "on-failure" || t == "on_failure") return RestartPolicy::kOnFailure;
  if (t == "always") return RestartPolicy::kAlways;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid restart policy \"", text, "\": use never, on-failure or always"));
}

int ExitCodeOf(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

int ExitCodeOfStartFailure(const absl::Status& status) {
  return absl::IsNotFound(status) ? kExitCommandNotFound : kExitCommandNotExecutable;
}

absl::Duration RestartBackoff(int n) {
  constexpr absl::Duration kMax = absl::Seconds(30);
  if (n <= 1) return absl::Seconds(1);
  if (n > 6) return kMax;  // 2^5 s already passes the cap
  return std::min(kMax, absl::Seconds(int64_t{1} << (n - 1)));
}

SupervisorCore::SupervisorCore(ExecConfig config, ChildControl* control,
                               std::function<double()> random01,
                               std::function<void()> on_shutdown)
    : config_(std::move(config)),
      control_(control),
      random01_(std::move(random01)),
      on_shutdown_(std::move(on_shutdown)) {}

void SupervisorCore::Start(absl::Time now) {
  if (state_ == State::kNotStarted) Spawn(now);
}

void SupervisorCore::Spawn(absl::Time now) {
  restart_at_ = absl::InfiniteFuture();
  absl::StatusOr<pid_t> pid = control_->Start(config_.command);
  if (!pid.ok()) {
    LogError(absl::StrCat("exec: ", pid.status().message()));
    Finish(ExitCodeOfStartFailure(pid.status()));
    return;
  }
  pid_ = *pid;
  started_at_ = now;
  ++starts_;
  state_ = State::kRunning;
  LogInfo(absl::StrCat("exec: started ", absl::StrJoin(config_.command, " "), " as pid ", pid_));
}

void SupervisorCore::Finish(int code) {
  state_ = State::kDone;
  pid_ = 0;
  kill_at_ = restart_at_ = reload_at_ = absl::InfiniteFuture();
  exit_code_ = code;
}

void SupervisorCore::KillChild(absl::Time now) {
  control_->Signal(pid_, config_.kill_signal);
  kill_at_ = std::min(kill_at_, now + config_.kill_timeout);
  reload_at_ = absl::InfiniteFuture();
}

void SupervisorCore::OnFilesChanged(absl::Time now) {
  if (state_ != State::kRunning) {
    // Not started yet, restarting or waiting to restart: the next child
    // starts after these files were installed. Stopping: nobody cares.
    return;
  }
  if (config_.reload_signal == 0) {
    LogInfo(absl::StrCat("exec: files changed, restarting pid ", pid_, " (",
                         SignalName(config_.kill_signal), ")"));
    state_ = State::kRestarting;
    KillChild(now);
    return;
  }
  if (config_.splay > absl::ZeroDuration()) {
    if (reload_at_ == absl::InfiniteFuture()) {
      reload_at_ = now + config_.splay * std::clamp(random01_(), 0.0, 1.0);
    }
    return;
  }
  LogInfo(absl::StrCat("exec: files changed, sending ", SignalName(config_.reload_signal),
                       " to pid ", pid_));
  control_->Signal(pid_, config_.reload_signal);
}

void SupervisorCore::OnSignal(int signo, absl::Time now) {
  const bool child_alive = state_ == State::kRunning || state_ == State::kRestarting ||
                           state_ == State::kStopping;
  if (signo != SIGTERM && signo != SIGINT) {
    if (child_alive) {
      LogDebug(absl::StrCat("exec: forwarding ", SignalName(signo), " to pid ", pid_));
      control_->Signal(pid_, signo);
    } else {
      LogDebug(absl::StrCat("exec: ", SignalName(signo), " with no child running, dropped"));
    }
    return;
  }
  if (state_ == State::kStopping || state_ == State::kDone) return;
  if (!shutdown_called_) {
    shutdown_called_ = true;
    if (on_shutdown_) on_shutdown_();
  }
  if (!child_alive) {
    Finish(last_code_);
    return;
  }
  LogInfo(absl::StrCat("exec: ", SignalName(signo), ": stopping pid ", pid_, " with ",
                       SignalName(config_.kill_signal), " (SIGKILL after ",
                       absl::FormatDuration(config_.kill_timeout), ")"));
  state_ = State::kStopping;
  KillChild(now);
}

void SupervisorCore::OnResourceReloadSignal(int signo) {
  if (state_ != State::kRunning) {
    LogDebug(
        absl::StrCat("exec: reload_signal ", SignalName(signo), " with no child running, dropped"));
    return;
  }
  LogInfo(absl::StrCat("exec: sending reload_signal ", SignalName(signo), " to pid ", pid_));
  control_->Signal(pid_, signo);
}

void SupervisorCore::OnChildExited(pid_t pid, int wait_status, absl::Time now) {
  if (pid != pid_ || pid_ == 0) return;
  const int code = ExitCodeOf(wait_status);
  last_code_ = code;
  pid_ = 0;
  kill_at_ = reload_at_ = absl::InfiniteFuture();
  LogInfo(absl::StrCat("exec: pid ", pid, " exited with code ", code));
  switch (state_) {
    case State::kStopping:
      Finish(code);
      return;
    case State::kRestarting:
      Spawn(now);  // a restart we asked for: not counted against restart_limit
      return;
    case State::kRunning:
      ChildExitedByItself(code, now);
      return;
    default:
      return;
  }
}

void SupervisorCore::ChildExitedByItself(int code, absl::Time now) {
  const bool restart = config_.restart == RestartPolicy::kAlways ||
                       (config_.restart == RestartPolicy::kOnFailure && code != 0);
  if (!restart) {
    Finish(code);
    return;
  }
  if (now - started_at_ >= kStableRun) restarts_in_a_row_ = 0;
  if (config_.restart_limit > 0 && restarts_in_a_row_ >= config_.restart_limit) {
    LogError(absl::StrCat("exec: the command exited ", restarts_in_a_row_ + 1,
                          " times in a row; giving up with code ", code));
    Finish(code);
    return;
  }
  ++restarts_in_a_row_;
  absl::Duration delay = RestartBackoff(restarts_in_a_row_);
  LogWarning(absl::StrCat("exec: restarting the command in ", absl::FormatDuration(delay),
                          " (restart ", restarts_in_a_row_, " in a row)"));
  state_ = State::kBackoff;
  restart_at_ = now + delay;
}

void SupervisorCore::OnTimer(absl::Time now) {
  if (kill_at_ <= now && pid_ != 0) {
    LogWarning(absl::StrCat("exec: pid ", pid_, " still running ",
                            absl::FormatDuration(config_.kill_timeout), " after ",
                            SignalName(config_.kill_signal), "; sending SIGKILL"));
    control_->Signal(pid_, SIGKILL);
    kill_at_ = absl::InfiniteFuture();
  }
  if (reload_at_ <= now && state_ == State::kRunning) {
    LogInfo(absl::StrCat("exec: files changed, sending ", SignalName(config_.reload_signal),
                         " to pid ", pid_, " (after splay)"));
    control_->Signal(pid_, config_.reload_signal);
    reload_at_ = absl::InfiniteFuture();
  }
  if (restart_at_ <= now && state_ == State::kBackoff) Spawn(now);
}

absl::Time SupervisorCore::NextDeadline() const {
  return std::min({kill_at_, restart_at_, reload_at_});
}

}  // namespace confwatch
