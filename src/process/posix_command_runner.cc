#include "process/posix_command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "process/bounded_output.h"
#include "process/errno_text.h"

extern char** environ;

namespace confwatch {
namespace {

// Without a pidfd, how often we look whether the shell has exited.
constexpr absl::Duration kExitPollInterval = absl::Milliseconds(10);

// Owns one file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Moves a close-on-exec fd to a number >= 3: with confwatch's own stdio closed
// a pipe could land on 0-2 and be clobbered by the child's redirections.
Fd AboveStdio(int fd) {
  if (fd > 2) return Fd(fd);
  Fd moved(fcntl(fd, F_DUPFD_CLOEXEC, 3));
  close(fd);
  return moved;
}

absl::Status MakeOutputPipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText(errno)));
  }
  *read_end = AboveStdio(fds[0]);
  *write_end = AboveStdio(fds[1]);
  if (read_end->get() < 0 || write_end->get() < 0) {
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText(errno)));
  }
  // Only our end is non-blocking; the child's stdout must stay blocking.
  int flags = fcntl(read_end->get(), F_GETFL);
  fcntl(read_end->get(), F_SETFL, flags | O_NONBLOCK);
  return absl::OkStatus();
}

// Starts `shell -c command` in a new process group with stdout and stderr on
// out_fd. Returns the pid, or the error posix_spawn reports (glibc reports a
// failed exec too).
absl::StatusOr<pid_t> SpawnShell(const std::string& shell, const std::string& command,
                                 int out_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 2);
  // Descriptors some library forgot to mark close-on-exec stay with us.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  // Ignored signals (SIGPIPE) would otherwise stay ignored across exec.
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                       POSIX_SPAWN_SETSIGDEF);

  const char* argv[] = {shell.c_str(), "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int err = posix_spawn(&pid, shell.c_str(), &actions, &attr,
                        const_cast<char* const*>(argv), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", shell, ": ", ErrnoText(err)));
  }
  return pid;
}

// A pidfd becomes readable when the process exits; -1 on kernels before 5.3.
Fd OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
#else
  return Fd(-1);
#endif
}

// Signals the shell's process group, or the shell alone should the group be
// gone (it always exists while the shell, even as a zombie, is not reaped).
void SignalGroup(pid_t pgid, int signo) {
  if (kill(-pgid, signo) != 0 && errno == ESRCH) kill(pgid, signo);
}

int PollTimeoutMs(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return -1;
  if (d <= absl::ZeroDuration()) return 0;
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
}

// Watches one started shell: collects its output, enforces the timeout and
// reaps it.
class ShellWatch {
 public:
  ShellWatch(pid_t pid, Fd output, const PosixCommandRunner::Settings& settings)
      : pid_(pid),
        output_fd_(std::move(output)),
        pidfd_(OpenPidfd(pid)),
        settings_(settings),
        output_(settings.max_output_bytes) {}

  absl::StatusOr<CommandResult> Wait(absl::Duration timeout);

 private:
  absl::StatusOr<bool> Exited() const;
  void PollOnce(absl::Duration max_wait);
  void ReadAvailable();

  const pid_t pid_;
  Fd output_fd_;
  Fd pidfd_;
  const PosixCommandRunner::Settings& settings_;
  BoundedOutput output_;
};

absl::StatusOr<CommandResult> ShellWatch::Wait(absl::Duration timeout) {
  CommandResult result;
  absl::Time deadline = absl::Now() + timeout;  // saturates at InfiniteFuture
  absl::Time kill_at = absl::InfiniteFuture();
  for (;;) {
    absl::StatusOr<bool> exited = Exited();
    if (!exited.ok()) return exited.status();
    if (*exited) break;
    absl::Time now = absl::Now();
    if (!result.timed_out && now >= deadline) {
      result.timed_out = true;
      SignalGroup(pid_, SIGTERM);
      kill_at = now + settings_.kill_grace;
    } else if (result.timed_out && now >= kill_at) {
      SignalGroup(pid_, SIGKILL);
      kill_at = absl::InfiniteFuture();
    }
    PollOnce((result.timed_out ? kill_at : deadline) - now);
  }
  // Group members that outlived the shell after a timeout go too. The shell
  // is a zombie until reaped below, so the group id cannot have been reused.
  if (result.timed_out) SignalGroup(pid_, SIGKILL);
  ReadAvailable();
  absl::StatusOr<int> status = settings_.table->ReapOwned(pid_);
  if (!status.ok()) return status.status();
  if (WIFSIGNALED(*status)) {
    result.term_signal = WTERMSIG(*status);
    result.exit_code = 128 + result.term_signal;
  } else {
    result.exit_code = WEXITSTATUS(*status);
  }
  result.output = output_.Text();
  return result;
}

absl::StatusOr<bool> ShellWatch::Exited() const {
  siginfo_t info{};
  while (waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno == EINTR) continue;
    // ECHILD: something reaped our child behind ProcessTable's back.
    return absl::InternalError(absl::StrCat("waitid ", pid_, ": ", ErrnoText(errno)));
  }
  return info.si_pid == pid_;
}

void ShellWatch::PollOnce(absl::Duration max_wait) {
  if (pidfd_.get() < 0) max_wait = std::min(max_wait, kExitPollInterval);
  pollfd fds[2];
  nfds_t n = 0;
  if (output_fd_.get() >= 0) fds[n++] = {output_fd_.get(), POLLIN, 0};
  if (pidfd_.get() >= 0) fds[n++] = {pidfd_.get(), POLLIN, 0};
  if (poll(fds, n, PollTimeoutMs(max_wait)) > 0 && output_fd_.get() >= 0 &&
      fds[0].revents != 0) {
    ReadAvailable();
  }
}

void ShellWatch::ReadAvailable() {
  char buf[16384];
  while (output_fd_.get() >= 0) {
    ssize_t n = read(output_fd_.get(), buf, sizeof buf);
    if (n > 0) {
      output_.Append(absl::string_view(buf, static_cast<size_t>(n)));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {
      output_fd_.Reset();  // EOF: every writer closed its end
    }
  }
}

}  // namespace

absl::StatusOr<CommandResult> PosixCommandRunner::Run(const std::string& command,
                                                      absl::Duration timeout) {
  Fd read_end, write_end;
  absl::Status piped = MakeOutputPipe(&read_end, &write_end);
  if (!piped.ok()) return piped;
  absl::StatusOr<pid_t> pid = settings_.table->Spawn(
      [&] { return SpawnShell(settings_.shell, command, write_end.get()); });
  if (!pid.ok()) return pid.status();
  // Our copy of the write end must go, or we would never see EOF.
  write_end.Reset();
  ShellWatch watch(*pid, std::move(read_end), settings_);
  return watch.Wait(timeout);
}

}  // namespace confwatch
