#include "daemon/reload_coalescer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1000);
absl::Time At(int ms) { return kT0 + absl::Milliseconds(ms); }
using Keys = std::vector<std::string>;

ReloadCoalescer Make() { return ReloadCoalescer(absl::Milliseconds(100), absl::Seconds(1)); }

TEST(ReloadCoalescer, LoneRequestRunsAtOnce) {
  ReloadCoalescer c = Make();
  EXPECT_TRUE(c.Request("k", At(0)));
  c.Finished("k", true, At(0));
  EXPECT_FALSE(c.NextDue().has_value());
  EXPECT_TRUE(c.Request("k", At(500))) << "quiet for longer than the window: leading edge again";
}

TEST(ReloadCoalescer, BurstRunsOnceAtItsStartAndOnceAfterItSettles) {
  ReloadCoalescer c = Make();
  int runs = 0;
  for (int ms = 0; ms < 300; ++ms) {  // one install per millisecond
    for (const std::string& k : c.TakeDue(At(ms))) {
      ++runs;
      c.Finished(k, true, At(ms));
    }
    if (c.Request("k", At(ms))) {
      ++runs;
      c.Finished("k", true, At(ms));
    }
  }
  EXPECT_EQ(1, runs);
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
