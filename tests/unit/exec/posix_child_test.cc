// PosixChildControl against real processes: exit statuses come back through
// the callback, exec failures are errors in the parent, signals reach the
// child's process group.
#include "exec/posix_child.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

// Collects exits reported on the waiter threads.
class Exits {
 public:
  PosixChildControl::ExitCallback Callback() {
    return [this](pid_t pid, int status) {
      absl::MutexLock lock(&mu_);
      pid_ = pid;
      status_ = status;
    };
  }
  // The status of `pid` once it exited (at most 10 s), else -1.
  int WaitFor(pid_t pid) {
    absl::MutexLock lock(&mu_);
    auto exited = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pid_ == pid; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&exited), absl::Seconds(10))) return -1;
    return status_;
  }

 private:
  absl::Mutex mu_;
  pid_t pid_ ABSL_GUARDED_BY(mu_) = 0;
  int status_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(PosixChildControl, ReportsTheExitStatusOfTheChild) {
  Exits exits;
  ProcessTable table;
  PosixChildControl control(exits.Callback(), &table);
  absl::StatusOr<pid_t> pid = control.Start({"sh", "-c", "exit 3"});
  ASSERT_TRUE(pid.ok()) << pid.status();
  int status = exits.WaitFor(*pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(3, WEXITSTATUS(status));
}

TEST(PosixChildControl, CommandNotInPathIsNotFound) {
  Exits exits;
  ProcessTable table;
  PosixChildControl control(exits.Callback(), &table);
  absl::StatusOr<pid_t> pid = control.Start({"confwatch-no-such-command-x"});
  ASSERT_FALSE(pid.ok());
  EXPECT_TRUE(absl::IsNotFound(pid.status()));
  EXPECT_EQ("cannot start \"confwatch-no-such-command-x\": command not found",
            pid.status().message());
}

TEST(PosixChildControl, FileWithoutExecuteBitIsPermissionDenied) {
  // Even root needs at least one x bit to exec a file.
  TempDir dir;
  std::string path = dir.Path("script");
  std::ofstream(path) << "#!/bin/sh\nexit 0\n";
  chmod(path.c_str(), 0644);
  Exits exits;
  ProcessTable table;
  PosixChildControl control(exits.Callback(), &table);
  absl::StatusOr<pid_t> pid = control.Start({path});
  ASSERT_FALSE(pid.ok());
  EXPECT_TRUE(absl::IsPermissionDenied(pid.status())) << pid.status();
  EXPECT_EQ("cannot start \"" + path + "\": Permission denied", pid.status().message());
}

TEST(PosixChildControl, SignalReachesTheWholeProcessGroup) {
  TempDir dir;
  std::string ready = dir.Path("ready");
  Exits exits;
  ProcessTable table;
  PosixChildControl control(exits.Callback(), &table);
  // The shell waits for a grandchild; only a group signal ends both at once.
  // The grandchild marks itself ready only after its own exec: between the
  // fork and the exec it still runs the parent shell's trap handler, which
  // would swallow the signal (the exec then resets it) and leave a sleep
  // running for a minute.
  absl::StatusOr<pid_t> pid = control.Start(
      {"sh", "-c",
       "trap 'exit 7' USR1; sh -c 'touch \"$0\"; exec sleep 60' '" + ready + "' & wait"});
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(*pid, getpgid(*pid));  // a group of its own
  for (int i = 0; i < 200 && access(ready.c_str(), F_OK) != 0; ++i) usleep(50000);
  control.Signal(*pid, SIGUSR1);
  int status = exits.WaitFor(*pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(7, WEXITSTATUS(status));
  // The sleep got SIGUSR1 too (default action: terminate), so the group
  // empties (once init reaps the orphaned sleep).
  bool group_gone = false;
  for (int i = 0; i < 200 && !group_gone; ++i) {
    group_gone = kill(-*pid, 0) != 0;
    if (!group_gone) usleep(50000);
  }
  EXPECT_TRUE(group_gone);
}

}  // namespace
}  // namespace confwatch
