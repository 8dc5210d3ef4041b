#include "golang/duration.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace confwatch {
namespace {

constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;

absl::Status Invalid(absl::string_view orig) {
  return absl::InvalidArgumentError("time: invalid duration " + GoQuote(orig));
}

// Nanoseconds per unit; 0 when the unit is unknown.
uint64_t UnitNanos(absl::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000 * 1000 * 1000;
  if (unit == "m") return uint64_t{60} * 1000 * 1000 * 1000;
  if (unit == "h") return uint64_t{3600} * 1000 * 1000 * 1000;
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes [0-9]* from *s into *value. False on overflow (Go's errLeadingInt).
bool LeadingInt(absl::string_view* s, uint64_t* value) {
  size_t i = 0;
  uint64_t x = 0;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (x > kMaxMagnitude / 10) return false;
    x = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (x > kMaxMagnitude) return false;
  }
  *value = x;
  s->remove_prefix(i);
  return true;
}

// Consumes the digits after a '.', keeping as many as fit (Go drops the rest
// silently rather than failing).
void LeadingFraction(absl::string_view* s, uint64_t* value, double* scale) {
  size_t i = 0;
  uint64_t x = 0;
  double sc = 1;
  bool overflow = false;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (overflow) continue;
    if (x > (kMaxMagnitude - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (y > kMaxMagnitude) {
      overflow = true;
      continue;
    }
    x = y;
    sc *= 10;
  }
  *value = x;
  *scale = sc;
  s->remove_prefix(i);
}

// Parses one "<number><unit>" element of *s into *nanos.
absl::Status ParseElement(absl::string_view orig, absl::string_view* s, uint64_t* nanos) {
  if (!((*s)[0] == '.' || IsDigit((*s)[0]))) return Invalid(orig);
  size_t before = s->size();
  uint64_t whole = 0;
  if (!LeadingInt(s, &whole)) return Invalid(orig);
  bool pre = before != s->size();
  uint64_t frac = 0;
  double scale = 1;
  bool post = false;
  if (!s->empty() && (*s)[0] == '.') {
    s->remove_prefix(1);
    size_t after_dot = s->size();
    LeadingFraction(s, &frac, &scale);
    post = after_dot != s->size();
  }
  if (!pre && !post) return Invalid(orig);  // e.g. ".s"
  size_t i = 0;
  while (i < s->size() && (*s)[i] != '.' && !IsDigit((*s)[i])) ++i;
  if (i == 0) {
    return absl::InvalidArgumentError("time: missing unit in duration " + GoQuote(orig));
  }
  absl::string_view unit_text = s->substr(0, i);
  s->remove_prefix(i);
  uint64_t unit = UnitNanos(unit_text);
  if (unit == 0) {
    return absl::InvalidArgumentError("time: unknown unit " + GoQuote(unit_text) +
                                      " in duration " + GoQuote(orig));
  }
  if (whole > kMaxMagnitude / unit) return Invalid(orig);
  uint64_t v = whole * unit;
  if (frac > 0) {
    // Go computes the fraction in float64 to stay nanosecond-exact for hours.
    v += static_cast<uint64_t>(static_cast<double>(frac) *
                               (static_cast<double>(unit) / scale));
    if (v > kMaxMagnitude) return Invalid(orig);
  }
  *nanos = v;
  return absl::OkStatus();
}

}  // namespace

std::string GoQuote(absl::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += ch;
  }
  out += '"';
  return out;
}

absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text) {
  absl::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return absl::ZeroDuration();
  if (s.empty()) return Invalid(text);
  uint64_t total = 0;
  while (!s.empty()) {
    uint64_t nanos = 0;
    absl::Status status = ParseElement(text, &s, &nanos);
    if (!status.ok()) return status;
    total += nanos;
    if (total > kMaxMagnitude) return Invalid(text);
  }
  if (negative) {
    // -2^63 ns is representable; negate in unsigned space to avoid overflow.
    return absl::Nanoseconds(static_cast<int64_t>(~total + 1));
  }
  if (total > kMaxMagnitude - 1) return Invalid(text);
  return absl::Nanoseconds(static_cast<int64_t>(total));
}

}  // namespace confwatch
