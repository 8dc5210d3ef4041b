// time.Time values and Go's layout formatting; see time.h.
#include "funcs/time.h"

#include <chrono>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "template/function.h"

namespace confwatch {
namespace {

// Reference points of the monotonic clock: Go reports it relative to
// process start (runtime's startNano is one tick before the first read).
const std::chrono::steady_clock::time_point kProcessStart = std::chrono::steady_clock::now();

enum class Std {
  kNone,
  kLongMonth, kMonth, kNumMonth, kZeroMonth,
  kLongWeekDay, kWeekDay,
  kDay, kUnderDay, kZeroDay, kUnderYearDay, kZeroYearDay,
  kHour, kHour12, kZeroHour12, kMinute, kZeroMinute, kSecond, kZeroSecond,
  kLongYear, kYear, kPM, kpm,
  kTZ,
  kISO8601TZ, kISO8601SecondsTZ, kISO8601ShortTZ, kISO8601ColonTZ, kISO8601ColonSecondsTZ,
  kNumTZ, kNumSecondsTZ, kNumShortTZ, kNumColonTZ, kNumColonSecondsTZ,
  kFracSecond0, kFracSecond9,
};

struct Chunk {
  size_t prefix = 0;   // literal bytes before the element
  Std std = Std::kNone;
  size_t length = 0;   // bytes of the element in the layout
  int digits = 0;      // fractional seconds: number of digits
  char separator = '.';
};

bool StartsWithLower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool IsDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

Chunk Found(size_t i, Std std, size_t length) { return Chunk{i, std, length}; }

// Go's nextStdChunk: the first layout element in `layout`, or kNone.
Chunk NextChunk(std::string_view l) {
  auto at = [&](size_t i, std::string_view word) { return l.substr(i, word.size()) == word; };
  for (size_t i = 0; i < l.size(); ++i) {
    switch (l[i]) {
      case 'J':
        if (at(i, "January")) return Found(i, Std::kLongMonth, 7);
        if (at(i, "Jan") && !StartsWithLower(l.substr(i + 3))) return Found(i, Std::kMonth, 3);
        break;
      case 'M':
        if (at(i, "Monday")) return Found(i, Std::kLongWeekDay, 6);
        if (at(i, "Mon") && !StartsWithLower(l.substr(i + 3))) return Found(i, Std::kWeekDay, 3);
        if (at(i, "MST")) return Found(i, Std::kTZ, 3);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static constexpr Std kZero[] = {Std::kZeroMonth, Std::kZeroDay, Std::kZeroHour12,
                                          Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
          return Found(i, kZero[l[i + 1] - '1'], 2);
        }
        if (at(i, "002")) return Found(i, Std::kZeroYearDay, 3);
        break;
      case '1':
        if (at(i, "15")) return Found(i, Std::kHour, 2);
        return Found(i, Std::kNumMonth, 1);
      case '2':
        if (at(i, "2006")) return Found(i, Std::kLongYear, 4);
        return Found(i, Std::kDay, 1);
      case '_':
        if (at(i, "_2")) {
          // "_2006" is a literal underscore followed by the year.
          if (at(i + 1, "2006")) return Found(i + 1, Std::kLongYear, 4);
          return Found(i, Std::kUnderDay, 2);
        }
        if (at(i, "__2")) return Found(i, Std::kUnderYearDay, 3);
        break;
      case '3': return Found(i, Std::kHour12, 1);
      case '4': return Found(i, Std::kMinute, 1);
      case '5': return Found(i, Std::kSecond, 1);
      case 'P':
        if (at(i, "PM")) return Found(i, Std::kPM, 2);
        break;
      case 'p':
        if (at(i, "pm")) return Found(i, Std::kpm, 2);
        break;
      case '-':
        if (at(i, "-070000")) return Found(i, Std::kNumSecondsTZ, 7);
        if (at(i, "-07:00:00")) return Found(i, Std::kNumColonSecondsTZ, 9);
        if (at(i, "-0700")) return Found(i, Std::kNumTZ, 5);
        if (at(i, "-07:00")) return Found(i, Std::kNumColonTZ, 6);
        if (at(i, "-07")) return Found(i, Std::kNumShortTZ, 3);
        break;
      case 'Z':
        if (at(i, "Z070000")) return Found(i, Std::kISO8601SecondsTZ, 7);
        if (at(i, "Z07:00:00")) return Found(i, Std::kISO8601ColonSecondsTZ, 9);
        if (at(i, "Z0700")) return Found(i, Std::kISO8601TZ, 5);
        if (at(i, "Z07:00")) return Found(i, Std::kISO8601ColonTZ, 6);
        if (at(i, "Z07")) return Found(i, Std::kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          size_t j = i + 1;
          while (j < l.size() && l[j] == l[i + 1]) ++j;
          // Only a run of digits that ends here is a fractional second.
          if (!IsDigitAt(l, j)) {
            Chunk c = Found(i, l[i + 1] == '0' ? Std::kFracSecond0 : Std::kFracSecond9, j - i);
            c.digits = static_cast<int>(j - i - 1);
            c.separator = l[i];
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{l.size(), Std::kNone, 0};
}

constexpr const char* kLongMonths[] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};
constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

// Go's appendInt: decimal, zero-padded to `width` digits after the sign.
void AppendInt(std::string* b, int64_t x, int width) {
  uint64_t u = static_cast<uint64_t>(x);
  if (x < 0) {
    b->push_back('-');
    u = 0 - u;
  }
  std::string digits = absl::StrCat(u);
  for (int w = static_cast<int>(digits.size()); w < width; ++w) b->push_back('0');
  b->append(digits);
}

// The broken-down fields a layout may need, in the time's own zone.
struct Fields {
  absl::CivilSecond cs;
  int offset = 0;  // seconds east of UTC
  std::string zone;
  int weekday = 0;  // 0 = Sunday
  int yday = 0;     // 1-based
};

Fields Breakdown(const GoTime& t) {
  absl::TimeZone tz = t.utc ? absl::UTCTimeZone() : absl::LocalTimeZone();
  absl::TimeZone::CivilInfo info = tz.At(absl::FromUnixSeconds(t.unix_sec));
  Fields f;
  f.cs = info.cs;
  f.offset = info.offset;
  f.zone = t.utc ? "UTC" : info.zone_abbr;
  // absl numbers weekdays from Monday = 0; Go from Sunday = 0.
  f.weekday = (static_cast<int>(absl::GetWeekday(info.cs)) + 1) % 7;
  f.yday = absl::GetYearDay(info.cs);
  return f;
}

void AppendZone(std::string* b, Std std, int offset) {
  bool iso = std == Std::kISO8601TZ || std == Std::kISO8601ColonTZ ||
             std == Std::kISO8601SecondsTZ || std == Std::kISO8601ShortTZ ||
             std == Std::kISO8601ColonSecondsTZ;
  if (offset == 0 && iso) {
    b->push_back('Z');
    return;
  }
  int zone = offset / 60;
  int abs_offset = offset;
  if (zone < 0) {
    b->push_back('-');
    zone = -zone;
    abs_offset = -abs_offset;
  } else {
    b->push_back('+');
  }
  AppendInt(b, zone / 60, 2);
  bool colon = std == Std::kISO8601ColonTZ || std == Std::kNumColonTZ ||
               std == Std::kISO8601ColonSecondsTZ || std == Std::kNumColonSecondsTZ;
  if (colon) b->push_back(':');
  if (std != Std::kNumShortTZ && std != Std::kISO8601ShortTZ) AppendInt(b, zone % 60, 2);
  bool seconds = std == Std::kISO8601SecondsTZ || std == Std::kNumSecondsTZ ||
                 std == Std::kNumColonSecondsTZ || std == Std::kISO8601ColonSecondsTZ;
  if (seconds) {
    if (std == Std::kNumColonSecondsTZ || std == Std::kISO8601ColonSecondsTZ) b->push_back(':');
    AppendInt(b, abs_offset % 60, 2);
  }
}

void AppendFraction(std::string* b, int32_t nsec, const Chunk& c) {
  std::string digits = absl::StrCat(nsec);
  digits.insert(0, 9 - digits.size(), '0');
  int n = c.digits > 9 ? 9 : c.digits;
  if (c.std == Std::kFracSecond9) {
    while (n > 0 && digits[n - 1] == '0') --n;
    if (n == 0) return;
  }
  b->push_back(c.separator);
  b->append(digits, 0, n);
}

void AppendElement(std::string* b, const Chunk& c, const Fields& f, const GoTime& t) {
  int hour = f.cs.hour();
  int hour12 = hour % 12 == 0 ? 12 : hour % 12;
  switch (c.std) {
    case Std::kYear: AppendInt(b, (f.cs.year() < 0 ? -f.cs.year() : f.cs.year()) % 100, 2); break;
    case Std::kLongYear: AppendInt(b, f.cs.year(), 4); break;
    case Std::kMonth: b->append(kLongMonths[f.cs.month() - 1], 3); break;
    case Std::kLongMonth: b->append(kLongMonths[f.cs.month() - 1]); break;
    case Std::kNumMonth: AppendInt(b, f.cs.month(), 0); break;
    case Std::kZeroMonth: AppendInt(b, f.cs.month(), 2); break;
    case Std::kWeekDay: b->append(kLongDays[f.weekday], 3); break;
    case Std::kLongWeekDay: b->append(kLongDays[f.weekday]); break;
    case Std::kDay: AppendInt(b, f.cs.day(), 0); break;
    case Std::kUnderDay:
      if (f.cs.day() < 10) b->push_back(' ');
      AppendInt(b, f.cs.day(), 0);
      break;
    case Std::kZeroDay: AppendInt(b, f.cs.day(), 2); break;
    case Std::kUnderYearDay:
      if (f.yday < 100) b->append(f.yday < 10 ? "  " : " ");
      AppendInt(b, f.yday, 0);
      break;
    case Std::kZeroYearDay: AppendInt(b, f.yday, 3); break;
    case Std::kHour: AppendInt(b, hour, 2); break;
    case Std::kHour12: AppendInt(b, hour12, 0); break;
    case Std::kZeroHour12: AppendInt(b, hour12, 2); break;
    case Std::kMinute: AppendInt(b, f.cs.minute(), 0); break;
    case Std::kZeroMinute: AppendInt(b, f.cs.minute(), 2); break;
    case Std::kSecond: AppendInt(b, f.cs.second(), 0); break;
    case Std::kZeroSecond: AppendInt(b, f.cs.second(), 2); break;
    case Std::kPM: b->append(hour >= 12 ? "PM" : "AM"); break;
    case Std::kpm: b->append(hour >= 12 ? "pm" : "am"); break;
    case Std::kTZ:
      if (!f.zone.empty()) {
        b->append(f.zone);
      } else {
        // No abbreviation known: Go falls back to -0700 without the colon.
        AppendZone(b, Std::kNumTZ, f.offset);
      }
      break;
    case Std::kFracSecond0:
    case Std::kFracSecond9: AppendFraction(b, t.nsec, c); break;
    case Std::kNone: break;
    default: AppendZone(b, c.std, f.offset); break;
  }
}

// ------------------------------------------------------------ types/methods

GoTime Receiver(absl::Span<const Value> args) { return TimeFromValue(args[0]); }

using TimeMethod = std::function<Value(const GoTime&, absl::Span<const Value>)>;

void AddTimeMethod(Type* type, std::string name, std::vector<const Type*> params,
                   TimeMethod fn) {
  params.insert(params.begin(), type);
  Signature sig;
  sig.params = std::move(params);
  type->AddMethod(name, std::make_shared<Function>(
                            name, std::move(sig),
                            [fn = std::move(fn)](ExecContext&, absl::Span<const Value> args)
                                -> absl::StatusOr<Value> { return fn(Receiver(args), args); }));
}

// A time.Month/time.Weekday-like named int whose String() names it.
Type* NamedEnum(std::string name, const char* const* names, int count, bool one_based) {
  Type* type = Type::NewNamed(std::move(name), Type::Int());
  Signature sig;
  sig.params = {type};
  type->AddMethod("String", std::make_shared<Function>(
      "String", std::move(sig),
      [names, count, one_based](ExecContext&, absl::Span<const Value> args) -> absl::StatusOr<Value> {
        int64_t i = args[0].AsInt() - (one_based ? 1 : 0);
        if (i >= 0 && i < count) return Value::String(names[i]);
        // Go prints an out-of-range value as %!Month(13).
        return Value::String(absl::StrCat("%!", args[0].type()->name().substr(5), "(",
                                          args[0].AsInt(), ")"));
      }));
  return type;
}

Value IntField(int64_t v) { return Value::Int(v); }

void AddTimeMethods(Type* t) {
  AddTimeMethod(t, "String", {}, [](const GoTime& g, auto) { return Value::String(GoTimeString(g)); });
  AddTimeMethod(t, "Format", {Type::String()}, [](const GoTime& g, absl::Span<const Value> a) {
    return Value::String(FormatGoTime(g, a[1].AsString()));
  });
  AddTimeMethod(t, "Unix", {}, [](const GoTime& g, auto) { return Value::Integer(Type::Int64(), g.unix_sec); });
  AddTimeMethod(t, "UnixMilli", {}, [](const GoTime& g, auto) {
    return Value::Integer(Type::Int64(), static_cast<uint64_t>(g.unix_sec * 1000 + g.nsec / 1000000));
  });
  AddTimeMethod(t, "UnixNano", {}, [](const GoTime& g, auto) {
    return Value::Integer(Type::Int64(), static_cast<uint64_t>(g.unix_sec * 1000000000 + g.nsec));
  });
  // Changing the location drops the monotonic reading, as Go's setLoc does.
  AddTimeMethod(t, "UTC", {}, [](GoTime g, auto) {
    g.utc = true;
    g.has_mono = false;
    return MakeTimeValue(g);
  });
  AddTimeMethod(t, "Local", {}, [](GoTime g, auto) {
    g.utc = false;
    g.has_mono = false;
    return MakeTimeValue(g);
  });
  AddTimeMethod(t, "Year", {}, [](const GoTime& g, auto) { return IntField(Breakdown(g).cs.year()); });
  AddTimeMethod(t, "Month", {}, [](const GoTime& g, auto) {
    return Value::Integer(MonthType(), static_cast<uint64_t>(Breakdown(g).cs.month()));
  });
  AddTimeMethod(t, "Day", {}, [](const GoTime& g, auto) { return IntField(Breakdown(g).cs.day()); });
  AddTimeMethod(t, "Hour", {}, [](const GoTime& g, auto) { return IntField(Breakdown(g).cs.hour()); });
  AddTimeMethod(t, "Minute", {}, [](const GoTime& g, auto) { return IntField(Breakdown(g).cs.minute()); });
  AddTimeMethod(t, "Second", {}, [](const GoTime& g, auto) { return IntField(Breakdown(g).cs.second()); });
  AddTimeMethod(t, "Nanosecond", {}, [](const GoTime& g, auto) { return IntField(g.nsec); });
  AddTimeMethod(t, "YearDay", {}, [](const GoTime& g, auto) { return IntField(Breakdown(g).yday); });
  AddTimeMethod(t, "Weekday", {}, [](const GoTime& g, auto) {
    return Value::Integer(WeekdayType(), static_cast<uint64_t>(Breakdown(g).weekday));
  });
}

// Field layout of our time.Time: Go's own field names (all unexported, so a
// template cannot read them), holding our own encoding.
enum TimeField { kWall = 0, kExt = 1, kLoc = 2, kMono = 3 };

}  // namespace

const Type* MonthType() {
  static const Type* type = NamedEnum("time.Month", kLongMonths, 12, true);
  return type;
}

const Type* WeekdayType() {
  static const Type* type = NamedEnum("time.Weekday", kLongDays, 7, false);
  return type;
}

const Type* TimeType() {
  static const Type* type = [] {
    Type* t = Type::NewStruct("time.Time", {{"wall", Type::Int64()},
                                            {"ext", Type::Int64()},
                                            {"loc", Type::Bool()},
                                            {"mono", Type::Int64()}});
    AddTimeMethods(t);
    return t;
  }();
  return type;
}

Value MakeTimeValue(const GoTime& t) {
  // wall: nanoseconds, with bit 40 set when there is a monotonic reading.
  int64_t wall = t.nsec | (t.has_mono ? (int64_t{1} << 40) : 0);
  return Value::Struct(TimeType(), {Value::Integer(Type::Int64(), static_cast<uint64_t>(wall)),
                                    Value::Integer(Type::Int64(), static_cast<uint64_t>(t.unix_sec)),
                                    Value::Bool(t.utc),
                                    Value::Integer(Type::Int64(), static_cast<uint64_t>(t.mono_nsec))});
}

GoTime TimeFromValue(const Value& v) {
  const ValueList& f = v.AsFields();
  GoTime t;
  int64_t wall = f[kWall].AsInt();
  t.nsec = static_cast<int32_t>(wall & ((int64_t{1} << 40) - 1));
  t.has_mono = (wall >> 40) & 1;
  t.unix_sec = f[kExt].AsInt();
  t.utc = f[kLoc].AsBool();
  t.mono_nsec = f[kMono].AsInt();
  return t;
}

GoTime GoTimeNow() {
  auto wall = std::chrono::system_clock::now().time_since_epoch();
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count();
  GoTime t;
  t.unix_sec = ns / 1000000000;
  t.nsec = static_cast<int32_t>(ns % 1000000000);
  if (t.nsec < 0) {
    t.nsec += 1000000000;
    --t.unix_sec;
  }
  t.has_mono = true;
  t.mono_nsec = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - kProcessStart)
                    .count() + 1;
  return t;
}

std::string FormatGoTime(const GoTime& t, std::string_view layout) {
  std::string b;
  Fields fields = Breakdown(t);
  while (!layout.empty()) {
    Chunk c = NextChunk(layout);
    b.append(layout.substr(0, c.prefix));
    if (c.std == Std::kNone) break;
    AppendElement(&b, c, fields, t);
    layout.remove_prefix(c.prefix + c.length);
  }
  return b;
}

std::string GoTimeString(const GoTime& t) {
  std::string s = FormatGoTime(t, "2006-01-02 15:04:05.999999999 -0700 MST");
  if (!t.has_mono) return s;
  // " m=±s.nnnnnnnnn": the monotonic reading in seconds.
  uint64_t m2 = static_cast<uint64_t>(t.mono_nsec);
  char sign = '+';
  if (t.mono_nsec < 0) {
    sign = '-';
    m2 = 0 - m2;
  }
  uint64_t m1 = m2 / 1000000000;
  m2 %= 1000000000;
  uint64_t m0 = m1 / 1000000000;
  m1 %= 1000000000;
  s.append(" m=");
  s.push_back(sign);
  int width = 0;
  if (m0 != 0) {
    AppendInt(&s, static_cast<int64_t>(m0), 0);
    width = 9;
  }
  AppendInt(&s, static_cast<int64_t>(m1), width);
  s.push_back('.');
  AppendInt(&s, static_cast<int64_t>(m2), 9);
  return s;
}

absl::StatusOr<std::string> TimeMarshalJson(const Value& v) {
  GoTime t = TimeFromValue(v);
  int64_t year = Breakdown(t).cs.year();
  if (year < 0 || year >= 10000) {
    return absl::InvalidArgumentError("Time.MarshalJSON: year outside of range [0,9999]");
  }
  return absl::StrCat("\"", FormatGoTime(t, "2006-01-02T15:04:05.999999999Z07:00"), "\"");
}

}  // namespace confwatch
