#include "daemon/scheduler.h"

#include <vector>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1000);
absl::Time At(int ms) { return kT0 + absl::Milliseconds(ms); }

TEST(Scheduler, EveryResourceRendersOnceAtStart) {
  Scheduler s;
  s.Add(0, {}, At(0));
  s.Add(1, {}, At(0));
  EXPECT_EQ((std::vector<int>{0, 1}), s.TakeReady(At(0)));
  EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(1)));
}

TEST(Scheduler, BurstDuringFlightCoalescesIntoOneFollowUp) {
  Scheduler s;
  s.Add(0, {}, At(0));
  ASSERT_EQ((std::vector<int>{0}), s.TakeReady(At(0)));
  for (int i = 1; i <= 300; ++i) s.MarkDirty(0, At(i));
  EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(301))) << "one in flight at most";
  s.Finished(0, true, At(302));
  EXPECT_EQ((std::vector<int>{0}), s.TakeReady(At(302)));
  s.Finished(0, true, At(303));
  EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(304))) << "the burst left one follow-up";
}

TEST(Scheduler, WaitMinNeedsQuiescence) {
  Scheduler s;
  s.Add(0, {absl::Milliseconds(100), absl::ZeroDuration(), absl::ZeroDuration()}, At(0));
  s.TakeReady(At(0));
  s.Finished(0, true, At(1));
  s.MarkDirty(0, At(10));
  s.MarkDirty(0, At(60));
  EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(150)));
  EXPECT_EQ(At(160), s.NextDeadline());
  EXPECT_EQ((std::vector<int>{0}), s.TakeReady(At(160)));
}

TEST(Scheduler, WaitMaxBoundsAContinuousStream) {
  Scheduler s;
  s.Add(0, {absl::Milliseconds(100), absl::Milliseconds(250), absl::ZeroDuration()}, At(0));
  s.TakeReady(At(0));
  s.Finished(0, true, At(1));
  for (int t = 10; t < 250; t += 50) {
    s.MarkDirty(0, At(t));
    EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(t)));
  }
  EXPECT_EQ((std::vector<int>{0}), s.TakeReady(At(260))) << "max = 250 ms after the first change at 10";
}

TEST(Scheduler, FailureRetriesWithExponentialBackoff) {
  Scheduler s;
  s.Add(0, {}, At(0));
  s.TakeReady(At(0));
  s.Finished(0, false, At(0));
  EXPECT_EQ(At(500), s.NextDeadline());
  EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(499)));
  ASSERT_EQ((std::vector<int>{0}), s.TakeReady(At(500)));
  s.Finished(0, false, At(500));
  EXPECT_EQ(At(1500), s.NextDeadline()) << "second failure doubles the backoff";
  ASSERT_EQ((std::vector<int>{0}), s.TakeReady(At(1500)));
  s.Finished(0, true, At(1500));
  EXPECT_EQ(std::nullopt, s.NextDeadline());
  EXPECT_EQ(0, s.Failures(0));
}

TEST(Scheduler, RetryNowSkipsTheBackoffOnceAndAFailureBacksOffFromWhereItWas) {
  Scheduler s;
  s.Add(0, {}, At(0));
  s.Add(1, {}, At(0));
  s.TakeReady(At(0));
  s.Finished(0, false, At(0));
  s.Finished(1, true, At(0));
  ASSERT_TRUE(s.TakeReady(At(500)) == std::vector<int>{0});
  s.Finished(0, false, At(500));  // next try at 1500
  s.RetryNow(0);
  s.RetryNow(1);  // not failing: nothing to retry
  EXPECT_EQ(At(500), s.NextDeadline()) << "eligible at once";
  EXPECT_EQ((std::vector<int>{0}), s.TakeReady(At(600)));
  s.Finished(0, false, At(600));
  EXPECT_EQ(At(2600), s.NextDeadline()) << "third failure: 2 s";
}

TEST(Scheduler, MinIntervalSpacesStarts) {
  Scheduler s;
  s.Add(0, {absl::ZeroDuration(), absl::ZeroDuration(), absl::Seconds(1)}, At(0));
  s.TakeReady(At(0));
  s.Finished(0, true, At(5));
  s.MarkDirty(0, At(10));
  EXPECT_EQ((std::vector<int>{}), s.TakeReady(At(10)));
  EXPECT_EQ((std::vector<int>{0}), s.TakeReady(At(1000)));
}

}  // namespace
}  // namespace confwatch
