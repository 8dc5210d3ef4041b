#include "process/process_table.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "process/posix_command_runner.h"

namespace confwatch {
namespace {

absl::StatusOr<pid_t> ForkExiting(int code) {
  pid_t pid = fork();
  if (pid == 0) _exit(code);
  if (pid < 0) return absl::InternalError("fork failed");
  return pid;
}

void WaitUntilExited(pid_t pid) {
  siginfo_t info{};
  ASSERT_EQ(0, waitid(P_PID, pid, &info, WEXITED | WNOWAIT));
}

TEST(ProcessTable, SpawnedChildIsOwnedUntilReaped) {
  ProcessTable table;
  absl::StatusOr<pid_t> pid = table.Spawn([] { return ForkExiting(7); });
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_TRUE(table.IsOwned(*pid));
  absl::StatusOr<int> status = table.ReapOwned(*pid);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(7, WEXITSTATUS(*status));
  EXPECT_FALSE(table.IsOwned(*pid));
}

TEST(ProcessTable, FailedSpawnRegistersNothing) {
  ProcessTable table;
  absl::StatusOr<pid_t> pid =
      table.Spawn([]() -> absl::StatusOr<pid_t> { return absl::InternalError("no"); });
  EXPECT_FALSE(pid.ok());
  EXPECT_TRUE(table.ReapOrphans().empty());
}

TEST(ProcessTable, ReapOrphansLeavesOwnedChildrenToTheirOwner) {
  ProcessTable table;
  // The owned child exits first so that waitid(P_ALL) reports it first: the
  // reaper must look past it to find the orphan.
  absl::StatusOr<pid_t> owned = table.Spawn([] { return ForkExiting(7); });
  ASSERT_TRUE(owned.ok());
  WaitUntilExited(*owned);
  absl::StatusOr<pid_t> orphan = ForkExiting(5);
  ASSERT_TRUE(orphan.ok());
  WaitUntilExited(*orphan);

  std::vector<ReapedChild> reaped = table.ReapOrphans();
  ASSERT_EQ(1u, reaped.size());
  EXPECT_EQ(*orphan, reaped[0].pid);
  EXPECT_EQ(5, WEXITSTATUS(reaped[0].wait_status));

  absl::StatusOr<int> status = table.ReapOwned(*owned);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(7, WEXITSTATUS(*status));
}

TEST(ProcessTable, ReapOrphansWithNoChildrenReapsNothing) {
  ProcessTable table;
  EXPECT_TRUE(table.ReapOrphans().empty());
}

TEST(ProcessTable, ReapOrphansSkipsRunningChildren) {
  ProcessTable table;
  pid_t pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(table.ReapOrphans().empty());
  kill(pid, SIGKILL);
  WaitUntilExited(pid);
  std::vector<ReapedChild> reaped = table.ReapOrphans();
  ASSERT_EQ(1u, reaped.size());
  EXPECT_TRUE(WIFSIGNALED(reaped[0].wait_status));
  EXPECT_EQ(SIGKILL, WTERMSIG(reaped[0].wait_status));
}

// The property the whole protocol exists for: a reaper running flat out in
// another thread never takes the exit status of a command we run.
TEST(ProcessTable, BusyReaperNeverStealsACommandsExitStatus) {
  ProcessTable table;
  std::atomic<bool> stop{false};
  std::atomic<int> orphans_reaped{0};
  std::thread reaper([&] {
    while (!stop.load()) orphans_reaped += static_cast<int>(table.ReapOrphans().size());
  });
  PosixCommandRunner::Settings settings;
  settings.table = &table;
  PosixCommandRunner runner(settings);
  int wrong = 0;
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<CommandResult> r =
        runner.Run(absl::StrCat("exit ", i % 5 + 1), absl::Seconds(30));
    if (!r.ok() || r->exit_code != i % 5 + 1) ++wrong;
  }
  stop = true;
  reaper.join();
  EXPECT_EQ(0, wrong);
  EXPECT_EQ(0, orphans_reaped.load());
}

}  // namespace
}  // namespace confwatch
