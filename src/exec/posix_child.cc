#include "exec/posix_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

// Our terminal, if stdin is one and our process group is its foreground.
bool OwnsTerminal() {
  return isatty(STDIN_FILENO) == 1 && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(char* const* argv, int err_fd, bool take_terminal) {
  sigset_t set;
  sigfillset(&set);
  sigprocmask(SIG_SETMASK, &set, nullptr);  // SIGTTOU too, for tcsetpgrp below
  setpgid(0, 0);
  if (take_terminal) tcsetpgrp(STDIN_FILENO, getpid());
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  // An ignored signal (SIGPIPE) would stay ignored across exec.
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, nullptr);
  }
  sigemptyset(&set);
  sigprocmask(SIG_SETMASK, &set, nullptr);
  execvp(argv[0], argv);
  int err = errno;
  while (write(err_fd, &err, sizeof err) < 0 && errno == EINTR) {
  }
  _exit(err == ENOENT ? kExitCommandNotFound : kExitCommandNotExecutable);
}

absl::Status StartError(const std::string& program, int err) {
  std::string what = ErrnoText(err);
  if (err == ENOENT && program.find('/') == std::string::npos) what = "command not found";
  std::string msg = absl::StrCat("cannot start \"", program, "\": ", what);
  if (err == ENOENT) return absl::NotFoundError(msg);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(msg);
  return absl::FailedPreconditionError(msg);
}

// The errno the child sent, or 0 when exec succeeded (EOF).
int ReadExecError(int fd) {
  int err = 0;
  ssize_t n;
  do {
    n = read(fd, &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof err) ? err : 0;
}

}  // namespace

PosixChildControl::PosixChildControl(ExitCallback on_exit, ProcessTable* table)
    : on_exit_(std::move(on_exit)), table_(table), take_terminal_(OwnsTerminal()) {}

PosixChildControl::~PosixChildControl() {
  for (Waiter& w : waiters_) w.thread.join();
}

absl::StatusOr<pid_t> PosixChildControl::Start(const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("exec mode needs a command");
  JoinFinishedWaiters();
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText(errno)));
  }
  absl::StatusOr<pid_t> pid = table_->Spawn([&]() -> absl::StatusOr<pid_t> {
    pid_t p = fork();
    if (p < 0) return absl::InternalError(absl::StrCat("fork: ", ErrnoText(errno)));
    if (p == 0) ExecChild(cargv.data(), fds[1], take_terminal_);
    // Also here, so a signal forwarded before the child ran its own
    // setpgid() already finds the group (the shell's trick).
    setpgid(p, p);
    return p;
  });
  close(fds[1]);
  int err = pid.ok() ? ReadExecError(fds[0]) : 0;
  close(fds[0]);
  if (!pid.ok()) return pid.status();
  if (err != 0) {
    (void)table_->ReapOwned(*pid);  // it exited right after telling us
    return StartError(argv[0], err);
  }
  {
    absl::MutexLock lock(&mu_);
    alive_.insert(*pid);
  }
  Waiter& w = waiters_.emplace_back();
  w.thread = std::thread([this, p = *pid, &w] { Wait(p, &w); });
  return *pid;
}

void PosixChildControl::Wait(pid_t pid, Waiter* waiter) {
  siginfo_t info{};
  while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  absl::StatusOr<int> status;
  {
    absl::MutexLock lock(&mu_);
    status = table_->ReapOwned(pid);  // it has exited: does not block
    alive_.erase(pid);
  }
  if (!status.ok()) {
    LogError(absl::StrCat("exec: ", status.status().message()));
    status = 0xff00;  // as exit code 255: we cannot know better
  }
  on_exit_(pid, *status);
  waiter->done = true;
}

void PosixChildControl::Signal(pid_t pid, int signo) {
  absl::MutexLock lock(&mu_);
  if (!alive_.contains(pid)) return;
  if (kill(-pid, signo) != 0 && errno == ESRCH) kill(pid, signo);
}

void PosixChildControl::JoinFinishedWaiters() {
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    it->thread.join();
    it = waiters_.erase(it);
  }
}

}  // namespace confwatch
