#include "daemon/scheduler.h"

#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/daemon/test_time.h"

namespace confwatch {
namespace {


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

// Fails resource 0 until its backoff is 8 s: tries at 0, 0.5, 1.5, 3.5 and
// 7.5 s, the next one due at 15.5 s.
void FailUntilBackoffIsEightSeconds(Scheduler& s) {
  s.Add(0, {}, At(0));
  for (int at : {0, 500, 1500, 3500, 7500}) {
    ASSERT_EQ((std::vector<int>{0}), s.TakeReady(At(at))) << at;
    s.Finished(0, false, At(at));
  }
  ASSERT_EQ(At(15500), s.NextDeadline());
}

TEST(Scheduler, AChangeWhileBackingOffIsTriedSoonNotWhenTheBackoffEnds) {
  Scheduler s;
  FailUntilBackoffIsEightSeconds(s);
  s.MarkDirty(0, At(9000));  // perhaps the missing key, put back
  EXPECT_EQ(At(9000), s.NextDeadline());
  ASSERT_EQ((std::vector<int>{0}), s.TakeReady(At(9000)));
  s.Finished(0, true, At(9001));
  EXPECT_EQ(std::nullopt, s.NextDeadline());
}

TEST(Scheduler, AChangeRightAfterAFailedTryWaitsTheInitialBackoff) {
  Scheduler s;
  FailUntilBackoffIsEightSeconds(s);
  s.MarkDirty(0, At(7600));
  EXPECT_EQ(At(8000), s.NextDeadline()) << "0.5 s after the try at 7.5 s";
}

TEST(Scheduler, AChangeDuringAFailingTryIsTriedSoonAfterIt) {
  Scheduler s;
  s.Add(0, {}, At(0));
  for (int at : {0, 700, 1900, 4100}) {
    ASSERT_EQ((std::vector<int>{0}), s.TakeReady(At(at))) << at;
    if (at == 4100) s.MarkDirty(0, At(4200));  // the try at 4.1 s did not see it
    s.Finished(0, false, At(at + 200));
  }
  EXPECT_EQ(At(4600), s.NextDeadline()) << "0.5 s after that try's start, not 4.3 + 4 s";
}

TEST(Scheduler, AResourceThatStaysBrokenUnderAStreamOfChangesDoesNotSpin) {
  Scheduler s;
  FailUntilBackoffIsEightSeconds(s);
  int tries = 0;
  for (int t = 8000; t < 18000; t += 10) {
    s.MarkDirty(0, At(t));
    for (int id : s.TakeReady(At(t))) {
      ++tries;
      s.Finished(id, false, At(t));
    }
  }
  EXPECT_EQ(20, tries) << "one try per 0.5 s over 10 s of changes every 10 ms";
  EXPECT_EQ(25, s.Failures(0));
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


// 10000 resources, 100 lone changes: finding the one to render looks at the
// dirty resources only, not at all 10000 every time.
TEST(Scheduler, FindingWorkLooksOnlyAtDirtyResources) {
  constexpr int kResources = 10000;
  Scheduler s;
  for (int id = 0; id < kResources; ++id) s.Add(id, {}, At(0));
  for (int id : s.TakeReady(At(0))) s.Finished(id, true, At(1));
  const int64_t before = s.visited();
  for (int c = 0; c < 100; ++c) {
    const int id = c * 97 % kResources;
    s.MarkDirty(id, At(10 + c));
    EXPECT_EQ(At(10 + c), s.NextDeadline());
    EXPECT_EQ((std::vector<int>{id}), s.TakeReady(At(10 + c)));
    EXPECT_EQ(std::nullopt, s.NextDeadline());
    s.Finished(id, true, At(10 + c));
  }
  EXPECT_LE(s.visited() - before, 300);  // one dirty resource per call; was 3 * 100 * 10000
}

}  // namespace
}  // namespace confwatch
