// Timer: when it is due, and the backoff its retries use.
#include "daemon/timer.h"

#include "gtest/gtest.h"
#include "tests/unit/daemon/test_time.h"

namespace confwatch {
namespace {

TEST(Timer, FiresOnceWhenDueAndNotBefore) {
  Timer t;
  EXPECT_FALSE(t.armed());
  EXPECT_EQ(absl::InfiniteFuture(), t.deadline());
  EXPECT_FALSE(t.Fire(At(0)));
  t.ArmAt(At(100));
  EXPECT_EQ(At(100), t.deadline());
  EXPECT_FALSE(t.Fire(At(99)));
  EXPECT_TRUE(t.Fire(At(100)));
  EXPECT_FALSE(t.armed());
  EXPECT_FALSE(t.Fire(At(200))) << "fired already";
}

TEST(Timer, ArmNoLaterThanKeepsTheSoonerDeadline) {
  Timer t;
  t.ArmNoLaterThan(At(500));
  EXPECT_EQ(At(500), t.deadline());
  t.ArmNoLaterThan(At(900));
  EXPECT_EQ(At(500), t.deadline());
  t.ArmNoLaterThan(At(200));
  EXPECT_EQ(At(200), t.deadline());
  t.ArmAt(At(900));
  EXPECT_EQ(At(900), t.deadline()) << "ArmAt replaces";
}

TEST(Timer, BackoffDoublesUpToItsMaximumAndResets) {
  Timer t(absl::Milliseconds(250), absl::Seconds(1));
  const struct {
    int now_ms;
    int delay_ms;
  } steps[] = {{0, 250}, {250, 500}, {750, 1000}, {1750, 1000}};
  for (const auto& step : steps) {
    EXPECT_EQ(absl::Milliseconds(step.delay_ms), t.ArmAfterBackoff(At(step.now_ms)));
    EXPECT_EQ(At(step.now_ms + step.delay_ms), t.deadline());
  }
  t.Reset();
  EXPECT_FALSE(t.armed());
  EXPECT_EQ(absl::Milliseconds(250), t.backoff());
  t.BackOff();
  EXPECT_EQ(absl::Milliseconds(500), t.backoff());
  EXPECT_FALSE(t.Fire(At(10000))) << "BackOff does not arm";
}

}  // namespace
}  // namespace confwatch
