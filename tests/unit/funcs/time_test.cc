// time.Time as confd's `datetime` returns it. Expected strings were printed
// by Go 1.19 (Time.Format / Time.String) for the same instants; the "Local"
// ones ran with TZ=America/New_York, which the fixture sets.
#include "funcs/time.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "funcs/json.h"

namespace confwatch {
namespace {

class TimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    had_tz_ = tz != nullptr;
    if (had_tz_) old_tz_ = tz;
    setenv("TZ", "America/New_York", 1);
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", old_tz_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
  }

 private:
  bool had_tz_ = false;
  std::string old_tz_;
};

GoTime At(int64_t sec, int32_t nsec, bool utc) {
  GoTime t;
  t.unix_sec = sec;
  t.nsec = nsec;
  t.utc = utc;
  return t;
}

struct FormatCase {
  int64_t sec;
  int32_t nsec;
  bool utc;
  const char* layout;
  const char* want;
};

TEST_F(TimeTest, FormatMatchesGoForEveryLayoutElement) {
  const FormatCase cases[] = {
    {1709622489, 120000000, true, "2006-01-02 15:04:05.999999999 -0700 MST", "2024-03-05 07:08:09.12 +0000 UTC"},
    {1709622489, 120000000, true, "2006-01-02T15:04:05Z07:00", "2024-03-05T07:08:09Z"},
    {1709622489, 120000000, true, "2006-01-02T15:04:05.999999999Z07:00", "2024-03-05T07:08:09.12Z"},
    {1709622489, 120000000, true, "Mon Jan _2 15:04:05 2006", "Tue Mar  5 07:08:09 2024"},
    {1709622489, 120000000, true, "Mon Jan _2 15:04:05 MST 2006", "Tue Mar  5 07:08:09 UTC 2024"},
    {1709622489, 120000000, true, "Mon Jan 02 15:04:05 -0700 2006", "Tue Mar 05 07:08:09 +0000 2024"},
    {1709622489, 120000000, true, "02 Jan 06 15:04 MST", "05 Mar 24 07:08 UTC"},
    {1709622489, 120000000, true, "02 Jan 06 15:04 -0700", "05 Mar 24 07:08 +0000"},
    {1709622489, 120000000, true, "Monday, 02-Jan-06 15:04:05 MST", "Tuesday, 05-Mar-24 07:08:09 UTC"},
    {1709622489, 120000000, true, "Mon, 02 Jan 2006 15:04:05 MST", "Tue, 05 Mar 2024 07:08:09 UTC"},
    {1709622489, 120000000, true, "Mon, 02 Jan 2006 15:04:05 -0700", "Tue, 05 Mar 2024 07:08:09 +0000"},
    {1709622489, 120000000, true, "3:04PM", "7:08AM"},
    {1709622489, 120000000, true, "Jan _2 15:04:05.000", "Mar  5 07:08:09.120"},
    {1709622489, 120000000, true, "Jan _2 15:04:05.000000", "Mar  5 07:08:09.120000"},
    {1709622489, 120000000, true, "Jan 2, 2006 at 3:04pm (MST)", "Mar 5, 2024 at 7:08am (UTC)"},
    {1709622489, 120000000, true, "January Monday Mon Month Janx _2 __2 002 06 _2006 2006", "March Tuesday Tue Month Janx  5  65 065 24 _2024 2024"},
    {1709622489, 120000000, true, "3 03 15 4 04 5 05 PM pm", "7 07 07 8 08 9 09 AM am"},
    {1709622489, 120000000, true, "Z07 Z0700 Z07:00 Z070000 Z07:00:00 -07 -0700 -07:00 -070000 -07:00:00", "Z Z Z Z Z +00 +0000 +00:00 +000000 +00:00:00"},
    {1709622489, 120000000, true, ".0 .00 .000000000 .0000000000 ,999 .9 .99999 ,000", ".1 .12 .120000000 .120000000 ,12 .1 .12 ,120"},
    {1709622489, 120000000, true, "05.000 5.999123", "09.120 9.999357"},
    {1709622489, 120000000, true, "1 01 2 02", "3 03 5 05"},
    {1709622489, 120000000, true, "no layout here", "no layout here"},
    {1709622489, 120000000, true, "", ""},
    {1709622489, 120000000, true, "Mon Monday Monx", "Tue Tuesday Monx"},
    {1735689599, 999999999, true, "2006-01-02 15:04:05.999999999 -0700 MST", "2024-12-31 23:59:59.999999999 +0000 UTC"},
    {1735689599, 999999999, true, "2006-01-02T15:04:05Z07:00", "2024-12-31T23:59:59Z"},
    {1735689599, 999999999, true, "2006-01-02T15:04:05.999999999Z07:00", "2024-12-31T23:59:59.999999999Z"},
    {1735689599, 999999999, true, "Mon Jan _2 15:04:05 2006", "Tue Dec 31 23:59:59 2024"},
    {1735689599, 999999999, true, "Mon Jan _2 15:04:05 MST 2006", "Tue Dec 31 23:59:59 UTC 2024"},
    {1735689599, 999999999, true, "Mon Jan 02 15:04:05 -0700 2006", "Tue Dec 31 23:59:59 +0000 2024"},
    {1735689599, 999999999, true, "02 Jan 06 15:04 MST", "31 Dec 24 23:59 UTC"},
    {1735689599, 999999999, true, "02 Jan 06 15:04 -0700", "31 Dec 24 23:59 +0000"},
    {1735689599, 999999999, true, "Monday, 02-Jan-06 15:04:05 MST", "Tuesday, 31-Dec-24 23:59:59 UTC"},
    {1735689599, 999999999, true, "Mon, 02 Jan 2006 15:04:05 MST", "Tue, 31 Dec 2024 23:59:59 UTC"},
    {1735689599, 999999999, true, "Mon, 02 Jan 2006 15:04:05 -0700", "Tue, 31 Dec 2024 23:59:59 +0000"},
    {1735689599, 999999999, true, "3:04PM", "11:59PM"},
    {1735689599, 999999999, true, "Jan _2 15:04:05.000", "Dec 31 23:59:59.999"},
    {1735689599, 999999999, true, "Jan _2 15:04:05.000000", "Dec 31 23:59:59.999999"},
    {1735689599, 999999999, true, "Jan 2, 2006 at 3:04pm (MST)", "Dec 31, 2024 at 11:59pm (UTC)"},
    {1735689599, 999999999, true, "January Monday Mon Month Janx _2 __2 002 06 _2006 2006", "December Tuesday Tue Month Janx 31 366 366 24 _2024 2024"},
    {1735689599, 999999999, true, "3 03 15 4 04 5 05 PM pm", "11 11 23 59 59 59 59 PM pm"},
    {1735689599, 999999999, true, "Z07 Z0700 Z07:00 Z070000 Z07:00:00 -07 -0700 -07:00 -070000 -07:00:00", "Z Z Z Z Z +00 +0000 +00:00 +000000 +00:00:00"},
    {1735689599, 999999999, true, ".0 .00 .000000000 .0000000000 ,999 .9 .99999 ,000", ".9 .99 .999999999 .999999999 ,999 .9 .99999 ,999"},
    {1735689599, 999999999, true, "05.000 5.999123", "59.999 59.999123111"},
    {1735689599, 999999999, true, "1 01 2 02", "12 12 31 31"},
    {1735689599, 999999999, true, "no layout here", "no layout here"},
    {1735689599, 999999999, true, "", ""},
    {1735689599, 999999999, true, "Mon Monday Monx", "Tue Tuesday Monx"},
    {1720119845, 6000, false, "2006-01-02 15:04:05.999999999 -0700 MST", "2024-07-04 15:04:05.000006 -0400 EDT"},
    {1720119845, 6000, false, "2006-01-02T15:04:05Z07:00", "2024-07-04T15:04:05-04:00"},
    {1720119845, 6000, false, "2006-01-02T15:04:05.999999999Z07:00", "2024-07-04T15:04:05.000006-04:00"},
    {1720119845, 6000, false, "Mon Jan _2 15:04:05 2006", "Thu Jul  4 15:04:05 2024"},
    {1720119845, 6000, false, "Mon Jan _2 15:04:05 MST 2006", "Thu Jul  4 15:04:05 EDT 2024"},
    {1720119845, 6000, false, "Mon Jan 02 15:04:05 -0700 2006", "Thu Jul 04 15:04:05 -0400 2024"},
    {1720119845, 6000, false, "02 Jan 06 15:04 MST", "04 Jul 24 15:04 EDT"},
    {1720119845, 6000, false, "02 Jan 06 15:04 -0700", "04 Jul 24 15:04 -0400"},
    {1720119845, 6000, false, "Monday, 02-Jan-06 15:04:05 MST", "Thursday, 04-Jul-24 15:04:05 EDT"},
    {1720119845, 6000, false, "Mon, 02 Jan 2006 15:04:05 MST", "Thu, 04 Jul 2024 15:04:05 EDT"},
    {1720119845, 6000, false, "Mon, 02 Jan 2006 15:04:05 -0700", "Thu, 04 Jul 2024 15:04:05 -0400"},
    {1720119845, 6000, false, "3:04PM", "3:04PM"},
    {1720119845, 6000, false, "Jan _2 15:04:05.000", "Jul  4 15:04:05.000"},
    {1720119845, 6000, false, "Jan _2 15:04:05.000000", "Jul  4 15:04:05.000006"},
    {1720119845, 6000, false, "Jan 2, 2006 at 3:04pm (MST)", "Jul 4, 2024 at 3:04pm (EDT)"},
    {1720119845, 6000, false, "January Monday Mon Month Janx _2 __2 002 06 _2006 2006", "July Thursday Thu Month Janx  4 186 186 24 _2024 2024"},
    {1720119845, 6000, false, "3 03 15 4 04 5 05 PM pm", "3 03 15 4 04 5 05 PM pm"},
    {1720119845, 6000, false, "Z07 Z0700 Z07:00 Z070000 Z07:00:00 -07 -0700 -07:00 -070000 -07:00:00", "-04 -0400 -04:00 -040000 -04:00:00 -04 -0400 -04:00 -040000 -04:00:00"},
    {1720119845, 6000, false, ".0 .00 .000000000 .0000000000 ,999 .9 .99999 ,000", ".0 .00 .000006000 .000006000    ,000"},
    {1720119845, 6000, false, "05.000 5.999123", "05.000 5.999743"},
    {1720119845, 6000, false, "1 01 2 02", "7 07 4 04"},
    {1720119845, 6000, false, "no layout here", "no layout here"},
    {1720119845, 6000, false, "", ""},
    {1720119845, 6000, false, "Mon Monday Monx", "Thu Thursday Monx"},
    {1705338000, 0, false, "2006-01-02 15:04:05.999999999 -0700 MST", "2024-01-15 12:00:00 -0500 EST"},
    {1705338000, 0, false, "2006-01-02T15:04:05Z07:00", "2024-01-15T12:00:00-05:00"},
    {1705338000, 0, false, "2006-01-02T15:04:05.999999999Z07:00", "2024-01-15T12:00:00-05:00"},
    {1705338000, 0, false, "Mon Jan _2 15:04:05 2006", "Mon Jan 15 12:00:00 2024"},
    {1705338000, 0, false, "Mon Jan _2 15:04:05 MST 2006", "Mon Jan 15 12:00:00 EST 2024"},
    {1705338000, 0, false, "Mon Jan 02 15:04:05 -0700 2006", "Mon Jan 15 12:00:00 -0500 2024"},
    {1705338000, 0, false, "02 Jan 06 15:04 MST", "15 Jan 24 12:00 EST"},
    {1705338000, 0, false, "02 Jan 06 15:04 -0700", "15 Jan 24 12:00 -0500"},
    {1705338000, 0, false, "Monday, 02-Jan-06 15:04:05 MST", "Monday, 15-Jan-24 12:00:00 EST"},
    {1705338000, 0, false, "Mon, 02 Jan 2006 15:04:05 MST", "Mon, 15 Jan 2024 12:00:00 EST"},
    {1705338000, 0, false, "Mon, 02 Jan 2006 15:04:05 -0700", "Mon, 15 Jan 2024 12:00:00 -0500"},
    {1705338000, 0, false, "3:04PM", "12:00PM"},
    {1705338000, 0, false, "Jan _2 15:04:05.000", "Jan 15 12:00:00.000"},
    {1705338000, 0, false, "Jan _2 15:04:05.000000", "Jan 15 12:00:00.000000"},
    {1705338000, 0, false, "Jan 2, 2006 at 3:04pm (MST)", "Jan 15, 2024 at 12:00pm (EST)"},
    {1705338000, 0, false, "January Monday Mon Month Janx _2 __2 002 06 _2006 2006", "January Monday Mon Month Janx 15  15 015 24 _2024 2024"},
    {1705338000, 0, false, "3 03 15 4 04 5 05 PM pm", "12 12 12 0 00 0 00 PM pm"},
    {1705338000, 0, false, "Z07 Z0700 Z07:00 Z070000 Z07:00:00 -07 -0700 -07:00 -070000 -07:00:00", "-05 -0500 -05:00 -050000 -05:00:00 -05 -0500 -05:00 -050000 -05:00:00"},
    {1705338000, 0, false, ".0 .00 .000000000 .0000000000 ,999 .9 .99999 ,000", ".0 .00 .000000000 .000000000    ,000"},
    {1705338000, 0, false, "05.000 5.999123", "00.000 0.99911512"},
    {1705338000, 0, false, "1 01 2 02", "1 01 15 15"},
    {1705338000, 0, false, "no layout here", "no layout here"},
    {1705338000, 0, false, "", ""},
    {1705338000, 0, false, "Mon Monday Monx", "Mon Monday Monx"},
  };
  for (const FormatCase& c : cases) {
    SCOPED_TRACE(c.layout);
    EXPECT_EQ(c.want, FormatGoTime(At(c.sec, c.nsec, c.utc), c.layout));
  }
}

TEST_F(TimeTest, StringAppendsTheMonotonicReading) {
  GoTime t = At(1705338000, 0, false);  // 2024-01-15 12:00:00 EST
  EXPECT_EQ("2024-01-15 12:00:00 -0500 EST", GoTimeString(t));
  t.has_mono = true;
  t.mono_nsec = 982605;
  EXPECT_EQ("2024-01-15 12:00:00 -0500 EST m=+0.000982605", GoTimeString(t));
  t.mono_nsec = -1500000000;
  EXPECT_EQ("2024-01-15 12:00:00 -0500 EST m=-1.500000000", GoTimeString(t));
  t.mono_nsec = 1234567890123456789;
  EXPECT_EQ("2024-01-15 12:00:00 -0500 EST m=+1234567890.123456789", GoTimeString(t));
}

TEST_F(TimeTest, NowIsLocalWithMonotonicReading) {
  GoTime now = GoTimeNow();
  EXPECT_FALSE(now.utc);
  EXPECT_TRUE(now.has_mono);
  EXPECT_GT(now.mono_nsec, 0);
  EXPECT_GE(now.nsec, 0);
  EXPECT_LT(now.nsec, 1000000000);
}

TEST_F(TimeTest, ValueRoundTripsThroughTheStructType) {
  GoTime t = At(-62135596800, 999999999, true);  // 0001-01-01, Go's zero year
  t.has_mono = true;
  t.mono_nsec = -7;
  GoTime back = TimeFromValue(MakeTimeValue(t));
  EXPECT_EQ(t.unix_sec, back.unix_sec);
  EXPECT_EQ(t.nsec, back.nsec);
  EXPECT_EQ(t.utc, back.utc);
  EXPECT_EQ(t.has_mono, back.has_mono);
  EXPECT_EQ(t.mono_nsec, back.mono_nsec);
  EXPECT_EQ("time.Time", TimeType()->name());
  EXPECT_EQ("time.Month", MonthType()->name());
}

TEST_F(TimeTest, MarshalJsonIsQuotedRfc3339Nano) {
  EXPECT_EQ("\"2024-07-04T15:04:05.000006-04:00\"",
            *TimeMarshalJson(MakeTimeValue(At(1720119845, 6000, false))));
  EXPECT_EQ("\"2024-12-31T23:59:59.999999999Z\"",
            *TimeMarshalJson(MakeTimeValue(At(1735689599, 999999999, true))));
}

}  // namespace
}  // namespace confwatch
