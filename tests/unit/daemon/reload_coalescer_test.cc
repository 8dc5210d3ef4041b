#include "daemon/reload_coalescer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/daemon/test_time.h"

namespace confwatch {
namespace {

using Keys = std::vector<std::string>;

ReloadCoalescer Make() { return ReloadCoalescer(absl::Milliseconds(100), absl::Seconds(1)); }

TEST(ReloadCoalescer, LoneRequestRunsAtOnce) {
  ReloadCoalescer c = Make();
  EXPECT_TRUE(c.Request("k", At(0)));
  c.Finished("k", true, At(0));
  EXPECT_FALSE(c.NextDue().has_value());
  EXPECT_TRUE(c.Request("k", At(500))) << "quiet for longer than the window: leading edge again";
}

// Requests "k" every `step_ms` from `from_ms` up to (not including) `to_ms`,
// running what is due first, as the install worker does; every run is
// reported as `ok`. Returns how many runs that gave.
int RunsUnderRequests(ReloadCoalescer& c, int from_ms, int to_ms, int step_ms, bool ok) {
  int runs = 0;
  for (int t = from_ms; t < to_ms; t += step_ms) {
    for (const std::string& key : c.TakeDue(At(t))) {
      ++runs;
      c.Finished(key, ok, At(t));
    }
    if (c.Request("k", At(t))) {
      ++runs;
      c.Finished("k", ok, At(t));
    }
  }
  return runs;
}

TEST(ReloadCoalescer, BurstRunsOnceAtItsStartAndOnceAfterItSettles) {
  ReloadCoalescer c = Make();
  // One install per millisecond.
  EXPECT_EQ(1, RunsUnderRequests(c, 0, 300, 1, true));
  ASSERT_TRUE(c.NextDue().has_value());
  EXPECT_EQ(At(299 + 100), *c.NextDue()) << "runs once no request came for the quiet window";
  EXPECT_EQ(Keys{}, c.TakeDue(At(398)));
  EXPECT_EQ(Keys{"k"}, c.TakeDue(At(399)));
}

TEST(ReloadCoalescer, ContinuousStreamStillRunsWithinMaxDelay) {
  ReloadCoalescer c = Make();
  ASSERT_TRUE(c.Request("k", At(0)));
  c.Finished("k", true, At(0));
  for (int ms = 50; ms <= 1050; ms += 50) EXPECT_FALSE(c.Request("k", At(ms)));
  EXPECT_EQ(At(50 + 1000), *c.NextDue()) << "max_delay after the first waiting request";
  EXPECT_EQ(Keys{"k"}, c.TakeDue(At(1050)));
}

TEST(ReloadCoalescer, KeysAreIndependent) {
  ReloadCoalescer c = Make();
  ASSERT_TRUE(c.Request("a", At(0)));
  c.Finished("a", true, At(0));
  EXPECT_FALSE(c.Request("a", At(10)));
  EXPECT_TRUE(c.Request("b", At(10))) << "another reload is not delayed by a's burst";
}

TEST(ReloadCoalescer, FailureRetriesWithExponentialBackoff) {
  ReloadCoalescer c = Make();
  ASSERT_TRUE(c.Request("k", At(0)));
  c.Finished("k", false, At(0));
  EXPECT_EQ(At(500), *c.NextDue());
  EXPECT_EQ(Keys{"k"}, c.TakeDue(At(500)));
  c.Finished("k", false, At(500));
  EXPECT_EQ(At(1500), *c.NextDue()) << "second failure waits 1 s";
  EXPECT_EQ(Keys{"k"}, c.TakeDue(At(1500)));
  c.Finished("k", true, At(1500));
  EXPECT_FALSE(c.NextDue().has_value());
  EXPECT_FALSE(c.Request("k", At(1550))) << "still within the quiet window of the last run";
  EXPECT_EQ(At(1650), *c.NextDue()) << "success reset the backoff";
}

// Fails "k" until its backoff is 8 s: runs at 0, 0.5, 1.5, 3.5 and 7.5 s, the
// next one due at 15.5 s.
void FailUntilBackoffIsEightSeconds(ReloadCoalescer& c) {
  ASSERT_TRUE(c.Request("k", At(0)));
  c.Finished("k", false, At(0));
  for (int at : {500, 1500, 3500, 7500}) {
    ASSERT_EQ(Keys{"k"}, c.TakeDue(At(at))) << at;
    c.Finished("k", false, At(at));
  }
  ASSERT_EQ(At(15500), *c.NextDue());
}

TEST(ReloadCoalescer, ANewRequestWhileBackingOffRunsSoonNotWhenTheBackoffEnds) {
  ReloadCoalescer c = Make();
  FailUntilBackoffIsEightSeconds(c);
  EXPECT_FALSE(c.Request("k", At(9000)));  // a new file, perhaps the fixed one
  EXPECT_EQ(Keys{"k"}, c.TakeDue(At(9000)));
  c.Finished("k", true, At(9000));
  EXPECT_FALSE(c.NextDue().has_value());
}

TEST(ReloadCoalescer, ARequestRightAfterAFailedRunWaitsTheInitialBackoff) {
  ReloadCoalescer c = Make();
  FailUntilBackoffIsEightSeconds(c);
  EXPECT_FALSE(c.Request("k", At(7600)));
  EXPECT_EQ(At(8000), *c.NextDue()) << "0.5 s after the run at 7.5 s";
}

TEST(ReloadCoalescer, AReloadThatKeepsFailingUnderAStreamOfRequestsDoesNotSpin) {
  ReloadCoalescer failing = Make();
  FailUntilBackoffIsEightSeconds(failing);
  ReloadCoalescer healthy = Make();
  ASSERT_TRUE(healthy.Request("k", At(7500)));
  healthy.Finished("k", true, At(7500));
  // A request every 10 ms from 8 s to 18 s.
  const int healthy_runs = RunsUnderRequests(healthy, 8000, 18000, 10, true);
  EXPECT_EQ(10, healthy_runs) << "one per max_delay (1 s)";
  EXPECT_EQ(healthy_runs, RunsUnderRequests(failing, 8000, 18000, 10, false))
      << "no more often than a healthy one";
}

TEST(ReloadCoalescer, ZeroQuietRunsEveryRequest) {
  ReloadCoalescer c(absl::ZeroDuration(), absl::ZeroDuration());
  for (int ms = 0; ms < 5; ++ms) {
    EXPECT_TRUE(c.Request("k", At(ms)));
    c.Finished("k", true, At(ms));
  }
}

TEST(ReloadCoalescer, TakeAllEmptiesTheWaitingSet) {
  ReloadCoalescer c = Make();
  ASSERT_TRUE(c.Request("k", At(0)));
  c.Finished("k", true, At(0));
  ASSERT_FALSE(c.Request("k", At(1)));
  EXPECT_EQ(Keys{"k"}, c.TakeAll());
  EXPECT_FALSE(c.NextDue().has_value());
}

}  // namespace
}  // namespace confwatch
