#include "process/process_table.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

// Pids of all our children: each thread lists the children it created (and
// orphans re-parented to it) in /proc/self/task/<tid>/children.
std::vector<pid_t> ListChildren() {
  std::vector<pid_t> pids;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return pids;
  while (struct dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(absl::StrCat("/proc/self/task/", entry->d_name, "/children"));
    for (pid_t pid; in >> pid;) pids.push_back(pid);
  }
  closedir(dir);
  return pids;
}

// Waits until `pid` has exited, leaving it a zombie (WNOWAIT).
absl::Status WaitExitedNoReap(pid_t pid) {
  siginfo_t info{};
  while (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) != 0) {
    if (errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitid ", pid, ": ", ErrnoText(errno)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ProcessTable& ProcessTable::Default() {
  static ProcessTable* table = new ProcessTable();
  return *table;
}

absl::StatusOr<pid_t> ProcessTable::Spawn(
    absl::FunctionRef<absl::StatusOr<pid_t>()> spawn) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<pid_t> pid = spawn();
  if (pid.ok()) owned_.insert(*pid);
  return pid;
}

absl::StatusOr<int> ProcessTable::ReapOwned(pid_t pid) {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      int status = 0;
      pid_t got = waitpid(pid, &status, WNOHANG);
      if (got == pid || (got < 0 && errno != EINTR)) {
        int err = errno;
        owned_.erase(pid);
        if (got == pid) return status;
        // ECHILD: someone broke the protocol and reaped our child.
        return absl::InternalError(absl::StrCat("waitpid ", pid, ": ", ErrnoText(err)));
      }
    }
    absl::Status exited = WaitExitedNoReap(pid);
    if (!exited.ok()) {
      absl::MutexLock lock(&mu_);
      owned_.erase(pid);
      return exited;
    }
  }
}

bool ProcessTable::IsOwned(pid_t pid) const {
  absl::MutexLock lock(&mu_);
  return owned_.contains(pid);
}

std::vector<ReapedChild> ProcessTable::ReapOrphans() {
  std::vector<ReapedChild> reaped;
  absl::MutexLock lock(&mu_);
  for (;;) {
    siginfo_t info{};
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: no children at all
    }
    if (info.si_pid == 0) break;  // children exist, none has exited
    if (owned_.contains(info.si_pid)) {
      // waitid(P_ALL) would keep reporting this one until its owner reaps it.
      ReapUnownedChildrenLocked(&reaped);
      break;
    }
    int status = 0;
    if (waitpid(info.si_pid, &status, WNOHANG) == info.si_pid) {
      reaped.push_back({info.si_pid, status});
    }
  }
  return reaped;
}

void ProcessTable::ReapUnownedChildrenLocked(std::vector<ReapedChild>* reaped) {
  for (pid_t pid : ListChildren()) {
    if (owned_.contains(pid)) continue;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) reaped->push_back({pid, status});
  }
}

absl::Status BecomeChildSubreaper() {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    return absl::InternalError(absl::StrCat("prctl(PR_SET_CHILD_SUBREAPER): ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

}  // namespace confwatch
