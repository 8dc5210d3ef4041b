// ParseGoDuration against Go's time.ParseDuration. Expected values were
// produced by Go 1.19 itself on the same inputs, not by this code.
#include "golang/duration.h"

#include "gtest/gtest.h"

namespace confwatch {
namespace {

struct DurationCase {
  const char* text;
  int64_t nanos;
};

TEST(GoDuration, AcceptsWhatGoAccepts) {
  const DurationCase cases[] = {
      {"30s", 30000000000},
      {"1m30s", 90000000000},
      {"500ms", 500000000},
      {"1.5h", 5400000000000},
      {"0", 0},
      {"-0", 0},
      {"+5s", 5000000000},
      {"-1.5s", -1500000000},
      {"1h2m3s4ms5us6ns", 3723004005006},
      {"1\xC2\xB5s", 1000},  // U+00B5 micro sign
      {"1\xCE\xBCs", 1000},  // U+03BC greek mu
      {".5s", 500000000},
      {"5.s", 5000000000},
      {"0.000000001s", 1},
      {"1.0000000001s", 1000000000},
      {"2562047h47m16.854775807s", INT64_MAX},
      {"-2562047h47m16.854775808s", INT64_MIN},
  };
  for (const DurationCase& c : cases) {
    absl::StatusOr<absl::Duration> d = ParseGoDuration(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(absl::Nanoseconds(c.nanos), *d) << c.text;
  }
}

struct DurationErrorCase {
  const char* text;
  const char* message;
};

TEST(GoDuration, RejectsWithGoMessages) {
  const DurationErrorCase cases[] = {
      {"", "time: invalid duration \"\""},
      {"30", "time: missing unit in duration \"30\""},
      {"1d", "time: unknown unit \"d\" in duration \"1d\""},
      {"s", "time: invalid duration \"s\""},
      {".s", "time: invalid duration \".s\""},
      {"-", "time: invalid duration \"-\""},
      {"1s2", "time: missing unit in duration \"1s2\""},
      {"1 s", "time: unknown unit \" s\" in duration \"1 s\""},
      {"2562047h47m16.854775808s", "time: invalid duration \"2562047h47m16.854775808s\""},
      {"3\xffs", "time: unknown unit \"\\xffs\" in duration \"3\\xffs\""},
      {"\"s", "time: invalid duration \"\\\"s\""},
  };
  for (const DurationErrorCase& c : cases) {
    absl::StatusOr<absl::Duration> d = ParseGoDuration(c.text);
    ASSERT_FALSE(d.ok()) << c.text;
    EXPECT_EQ(absl::StatusCode::kInvalidArgument, d.status().code());
    EXPECT_EQ(c.message, d.status().message()) << c.text;
  }
}

}  // namespace
}  // namespace confwatch
