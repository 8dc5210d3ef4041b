#include "etcd/backoff.h"

#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(Backoff, DoublesUpToTheCap) {
  Backoff b(absl::Milliseconds(100), absl::Milliseconds(700), 0.2, [] { return 0.5; });
  // u = 0.5 means no jitter at all.
  EXPECT_EQ(b.Next(), absl::Milliseconds(100));
  EXPECT_EQ(b.Next(), absl::Milliseconds(200));
  EXPECT_EQ(b.Next(), absl::Milliseconds(400));
  EXPECT_EQ(b.Next(), absl::Milliseconds(700));
  EXPECT_EQ(b.Next(), absl::Milliseconds(700));
}

TEST(Backoff, JitterSpreadsAroundTheBase) {
  Backoff low(absl::Seconds(1), absl::Seconds(10), 0.2, [] { return 0.0; });
  EXPECT_EQ(low.Next(), absl::Milliseconds(800));
  EXPECT_EQ(low.Next(), absl::Milliseconds(1600));
  Backoff high(absl::Seconds(1), absl::Seconds(10), 0.2, [] { return 0.75; });
  EXPECT_EQ(high.Next(), absl::Milliseconds(1100));
}

TEST(Backoff, ResetStartsOver) {
  Backoff b(absl::Milliseconds(100), absl::Seconds(5), 0.2, [] { return 0.5; });
  b.Next();
  b.Next();
  b.Reset();
  EXPECT_EQ(b.Next(), absl::Milliseconds(100));
}

TEST(Backoff, DefaultRandomStaysWithinTheJitterBand) {
  Backoff b(absl::Seconds(1), absl::Seconds(1), 0.2);
  for (int i = 0; i < 100; ++i) {
    absl::Duration d = b.Next();
    EXPECT_GE(d, absl::Milliseconds(800));
    EXPECT_LE(d, absl::Milliseconds(1200));
  }
}

}  // namespace
}  // namespace confwatch
