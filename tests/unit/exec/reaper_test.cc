// Reaper: reaps on Wake() and on its interval, and the real ReapOrphans()
// leaves a child owned by the ProcessTable to its owner.
#include "exec/reaper.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

bool PollUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    usleep(50000);
  }
  return done();
}

TEST(Reaper, WakeReapsAtOnce) {
  std::atomic<int> calls{0};
  Reaper reaper(
      [&] {
        ++calls;
        return std::vector<ReapedChild>{{1234, 0}};
      },
      absl::Hours(1));
  reaper.Wake();
  EXPECT_TRUE(PollUntil([&] { return reaper.reaped() == 1; }));
  EXPECT_EQ(1, calls);
}

TEST(Reaper, ReapsOnItsIntervalWithoutWake) {
  std::atomic<int> calls{0};
  Reaper reaper(
      [&] {
        ++calls;
        return std::vector<ReapedChild>{};
      },
      absl::Milliseconds(20));
  EXPECT_TRUE(PollUntil([&] { return calls >= 3; }));
}

TEST(Reaper, RealTableReapsOrphansButNotOwnedChildren) {
  absl::StatusOr<pid_t> owned = ProcessTable::Default().Spawn([]() -> absl::StatusOr<pid_t> {
    pid_t p = fork();
    if (p == 0) _exit(4);
    return p;
  });
  ASSERT_TRUE(owned.ok());
  pid_t stranger = fork();
  if (stranger == 0) _exit(5);
  Reaper reaper;
  reaper.Wake();
  // The stranger is reaped (no longer our child at all)...
  EXPECT_TRUE(PollUntil([&] {
    siginfo_t info{};
    return waitid(P_PID, stranger, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD;
  }));
  // ...while ours is still there for ReapOwned.
  absl::StatusOr<int> status = ProcessTable::Default().ReapOwned(*owned);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(4, WEXITSTATUS(*status));
}

}  // namespace
}  // namespace confwatch
