// time.Time for templates: confd's `datetime` returns Go's time.Now(), which
// templates print directly ("2024-05-01 10:00:00.123456789 +0200 CEST
// m=+0.004512345", Time.String) or format with its methods
// ({{(datetime).Format "2006-01-02"}}, {{datetime.UTC.Unix}}).
//
// TimeType() is the named type time.Time with Go's methods attached (String,
// Format, Unix, UnixNano, UnixMilli, UTC, Local, Year, Month, Day, Hour,
// Minute, Second, Nanosecond, YearDay, Weekday); Month and Weekday return
// time.Month / time.Weekday, which print as "January" / "Monday". Layouts
// follow Go's reference-time rules exactly (time/format.go). The Local zone
// is the process's (TZ or /etc/localtime), as in Go.
//
// Thread-safety: all functions are thread-safe; the types are created once.
#ifndef CONFWATCH_FUNCS_TIME_H_
#define CONFWATCH_FUNCS_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "template/value.h"

namespace confwatch {

// An instant as Go's time.Time holds it.
struct GoTime {
  int64_t unix_sec = 0;
  int32_t nsec = 0;        // 0..999999999
  bool utc = false;        // location UTC, else Local
  bool has_mono = false;   // carries a monotonic reading (time.Now() does)
  int64_t mono_nsec = 0;   // monotonic reading: ns since process start
};

const Type* TimeType();     // time.Time
const Type* MonthType();    // time.Month
const Type* WeekdayType();  // time.Weekday

Value MakeTimeValue(const GoTime& t);
// REQUIRES: v.type() == TimeType().
GoTime TimeFromValue(const Value& v);

// time.Now(): wall clock, Local, with a monotonic reading.
GoTime GoTimeNow();

// Time.Format(layout) and Time.String().
std::string FormatGoTime(const GoTime& t, std::string_view layout);
std::string GoTimeString(const GoTime& t);
// Time.MarshalJSON: the quoted RFC 3339 form; fails for years outside
// [0,9999] with Go's message.
absl::StatusOr<std::string> TimeMarshalJson(const Value& v);

}  // namespace confwatch

#endif  // CONFWATCH_FUNCS_TIME_H_
