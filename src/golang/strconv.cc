// Ports of Go's strconv quote.go, atoi.go/atof.go syntax rules and ftoa.go
// layouts. Digit generation is delegated to the C++ library (std::to_chars
// shortest round-trip, snprintf for fixed precision), which produces the same
// correctly rounded digits as Go's Ryu/decimal code; only the layout is Go's.
#include "golang/strconv.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "golang/utf8.h"

namespace confwatch {
namespace gostrconv {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

absl::Status SyntaxError() { return absl::InvalidArgumentError("invalid syntax"); }

void AppendEscapedRune(std::string* out, char32_t r, char quote, bool ascii_only) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && utf8::IsPrint(r)) {
      out->push_back(static_cast<char>(r));
      return;
    }
  } else if (utf8::IsPrint(r)) {
    utf8::AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a': *out += "\\a"; return;
    case '\b': *out += "\\b"; return;
    case '\f': *out += "\\f"; return;
    case '\n': *out += "\\n"; return;
    case '\r': *out += "\\r"; return;
    case '\t': *out += "\\t"; return;
    case '\v': *out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    *out += "\\x";
    out->push_back(kLowerHex[(r >> 4) & 0xF]);
    out->push_back(kLowerHex[r & 0xF]);
    return;
  }
  if (r > utf8::kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x10000) {
    *out += "\\u";
    for (int s = 12; s >= 0; s -= 4) out->push_back(kLowerHex[(r >> s) & 0xF]);
  } else {
    *out += "\\U";
    for (int s = 28; s >= 0; s -= 4) out->push_back(kLowerHex[(r >> s) & 0xF]);
  }
}

int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char Lower(char c) { return static_cast<char>(c | ('x' - 'X')); }

// Go's underscoreOK: '_' only between digits or after a base prefix.
bool UnderscoreOK(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

std::string NumError(std::string_view fn, std::string_view s, std::string_view what) {
  return absl::StrCat("strconv.", std::string(fn), ": parsing ", Quote(s), ": ", std::string(what));
}

}  // namespace

void AppendQuote(std::string* out, std::string_view s, bool ascii_only) {
  out->push_back('"');
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s[0]);
    char32_t r = c;
    size_t width = 1;
    if (c >= 0x80) {
      utf8::Decoded d = utf8::DecodeRune(s);
      r = d.rune;
      width = d.width;
    }
    if (width == 1 && r == utf8::kRuneError) {
      *out += "\\x";
      out->push_back(kLowerHex[c >> 4]);
      out->push_back(kLowerHex[c & 0xF]);
    } else {
      AppendEscapedRune(out, r, '"', ascii_only);
    }
    s.remove_prefix(width);
  }
  out->push_back('"');
}

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendQuote(&out, s, false);
  return out;
}

std::string QuoteToASCII(std::string_view s) {
  std::string out;
  AppendQuote(&out, s, true);
  return out;
}

std::string QuoteRune(char32_t r, bool ascii_only) {
  std::string out = "'";
  if (r > utf8::kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = utf8::kRuneError;
  AppendEscapedRune(&out, r, '\'', ascii_only);
  out.push_back('\'');
  return out;
}

bool CanBackquote(std::string_view s) {
  while (!s.empty()) {
    utf8::Decoded d = utf8::DecodeRune(s);
    s.remove_prefix(d.width);
    if (d.width > 1) {
      if (d.rune == 0xFEFF) return false;
      continue;
    }
    if (d.rune == utf8::kRuneError) return false;
    if ((d.rune < ' ' && d.rune != '\t') || d.rune == '`' || d.rune == 0x7F) return false;
  }
  return true;
}

absl::Status UnquoteChar(std::string_view* sp, char quote, char32_t* rune, bool* multibyte) {
  std::string_view s = *sp;
  *multibyte = false;
  if (s.empty()) return SyntaxError();
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) {
    return SyntaxError();
  }
  if (c >= 0x80) {
    utf8::Decoded d = utf8::DecodeRune(s);
    *rune = d.rune;
    *multibyte = true;
    sp->remove_prefix(d.width);
    return absl::OkStatus();
  }
  if (c != '\\') {
    *rune = c;
    sp->remove_prefix(1);
    return absl::OkStatus();
  }
  if (s.size() <= 1) return SyntaxError();
  char e = s[1];
  s.remove_prefix(2);
  char32_t value = 0;
  switch (e) {
    case 'a': value = '\a'; break;
    case 'b': value = '\b'; break;
    case 'f': value = '\f'; break;
    case 'n': value = '\n'; break;
    case 'r': value = '\r'; break;
    case 't': value = '\t'; break;
    case 'v': value = '\v'; break;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() < n) return SyntaxError();
      for (size_t j = 0; j < n; ++j) {
        int x = Unhex(s[j]);
        if (x < 0) return SyntaxError();
        value = (value << 4) | static_cast<char32_t>(x);
      }
      s.remove_prefix(n);
      if (e != 'x') {
        if (value > utf8::kMaxRune || (value >= 0xD800 && value <= 0xDFFF)) return SyntaxError();
        *multibyte = true;
      }
      break;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      value = static_cast<char32_t>(e - '0');
      if (s.size() < 2) return SyntaxError();
      for (size_t j = 0; j < 2; ++j) {
        int x = s[j] - '0';
        if (x < 0 || x > 7) return SyntaxError();
        value = (value << 3) | static_cast<char32_t>(x);
      }
      s.remove_prefix(2);
      if (value > 255) return SyntaxError();
      break;
    }
    case '\\':
      value = '\\';
      break;
    case '\'':
    case '"':
      if (e != quote) return SyntaxError();
      value = static_cast<unsigned char>(e);
      break;
    default:
      return SyntaxError();
  }
  *rune = value;
  *sp = s;
  return absl::OkStatus();
}

absl::StatusOr<std::string> Unquote(std::string_view in) {
  if (in.size() < 2) return SyntaxError();
  char quote = in[0];
  size_t end = in.find(quote, 1);
  if (end == std::string_view::npos) return SyntaxError();
  if (quote == '`') {
    if (end + 1 != in.size()) return SyntaxError();
    std::string out;
    for (char c : in.substr(1, end - 1)) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return SyntaxError();
  std::string out;
  std::string_view s = in.substr(1);
  while (!s.empty() && s[0] != quote) {
    if (s[0] == '\n') return SyntaxError();
    char32_t r = 0;
    bool multibyte;
    if (!UnquoteChar(&s, quote, &r, &multibyte).ok()) return SyntaxError();
    if (r < 0x80 || !multibyte) {
      out.push_back(static_cast<char>(r));
    } else {
      utf8::AppendRune(&out, r);
    }
    if (quote == '\'') break;
  }
  if (s.empty() || s[0] != quote) return SyntaxError();
  s.remove_prefix(1);
  if (!s.empty()) return SyntaxError();
  return out;  // Go 1.19 accepts '' (an empty character literal) here

}

absl::StatusOr<uint64_t> ParseUint(std::string_view s0, int base, int bit_size) {
  const char* fn = "ParseUint";
  if (s0.empty()) return absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax"));
  std::string_view s = s0;
  bool base0 = base == 0;
  if (base == 0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && Lower(s[1]) == 'b') {
        base = 2;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
        base = 8;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
        base = 16;
        s.remove_prefix(2);
      } else {
        base = 8;
        s.remove_prefix(1);
      }
    }
  }
  uint64_t max_val = bit_size >= 64 ? ~uint64_t{0} : (uint64_t{1} << bit_size) - 1;
  uint64_t n = 0;
  bool underscores = false;
  bool overflow = false;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = Lower(c) - 'a' + 10;
    } else {
      return absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax"));
    }
    if (d >= base) return absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax"));
    if (overflow) continue;
    if (n > (max_val - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      overflow = true;
      continue;
    }
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (underscores && !UnderscoreOK(s0)) {
    return absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax"));
  }
  if (overflow) return absl::OutOfRangeError(NumError(fn, s0, "value out of range"));
  return n;
}

absl::StatusOr<int64_t> ParseInt(std::string_view s0, int base, int bit_size) {
  const char* fn = "ParseInt";
  if (s0.empty()) return absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax"));
  std::string_view s = s0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  absl::StatusOr<uint64_t> u = ParseUint(s, base, 64);
  if (!u.ok()) {
    bool range = absl::IsOutOfRange(u.status());
    return range ? absl::OutOfRangeError(NumError(fn, s0, "value out of range"))
                 : absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax"));
  }
  uint64_t cutoff = uint64_t{1} << (bit_size - 1);
  if (!neg && *u >= cutoff) return absl::OutOfRangeError(NumError(fn, s0, "value out of range"));
  if (neg && *u > cutoff) return absl::OutOfRangeError(NumError(fn, s0, "value out of range"));
  return neg ? static_cast<int64_t>(0 - *u) : static_cast<int64_t>(*u);
}

absl::StatusOr<double> ParseFloat(std::string_view s0) {
  const char* fn = "ParseFloat";
  auto syntax = [&] { return absl::InvalidArgumentError(NumError(fn, s0, "invalid syntax")); };
  std::string_view s = s0;
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  std::string rest = absl::AsciiStrToLower(std::string(s.substr(i)));
  if (rest == "inf" || rest == "infinity") return neg ? -HUGE_VAL : HUGE_VAL;
  if (rest == "nan" && i == 0) return std::nan("");
  // Go's readFloat grammar: [0x] digits [. digits] [e|p [sign] digits],
  // '_' allowed as in Go literals, a hex mantissa needs a 'p' exponent.
  bool hex = s.size() >= i + 2 && s[i] == '0' && Lower(s[i + 1]) == 'x';
  size_t j = hex ? i + 2 : i;
  bool digits = false, dot = false, underscores = false;
  for (; j < s.size(); ++j) {
    char c = s[j];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (dot) break;
      dot = true;
    } else if ((c >= '0' && c <= '9') || (hex && Unhex(c) >= 0)) {
      digits = true;
    } else {
      break;
    }
  }
  if (!digits) return syntax();
  bool exp = false;
  if (j < s.size() && Lower(s[j]) == (hex ? 'p' : 'e')) {
    ++j;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    bool exp_digits = false;
    for (; j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '_'); ++j) {
      if (s[j] == '_') {
        underscores = true;
      } else {
        exp_digits = true;
      }
    }
    if (!exp_digits) return syntax();
    exp = true;
  }
  if (j != s.size() || (hex && !exp)) return syntax();
  if (underscores && !UnderscoreOK(s)) return syntax();
  std::string clean;
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  errno = 0;
  char* endp = nullptr;
  double v = std::strtod(clean.c_str(), &endp);
  if (endp != clean.c_str() + clean.size()) return syntax();
  if (errno == ERANGE && std::isinf(v)) {
    return absl::OutOfRangeError(NumError(fn, s0, "value out of range"));
  }
  return v;
}

namespace {

// Shortest digits of f (bit_size 32 or 64) as d1d2...dn with the decimal
// point after position dp (value = 0.d1d2...dn * 10^dp); zero has nd == 0.
struct Digits {
  std::string d;
  int dp = 0;
};

Digits ShortestDigits(double f, int bit_size) {
  char buf[64];
  std::to_chars_result r = bit_size == 32
      ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(f), std::chars_format::scientific)
      : std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  size_t e = s.find('e');
  Digits out;
  for (char c : s.substr(0, e)) {
    if (c != '.') out.d.push_back(c);
  }
  out.dp = std::atoi(std::string(s.substr(e + 1)).c_str()) + 1;
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) out.dp = 0;
  return out;
}

void AppendExp(std::string* out, char fmt, int exp) {
  out->push_back(fmt);
  out->push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out->push_back('0');
  *out += std::to_string(exp);
}

// Go's fmtE / fmtF over digit strings.
void FmtE(std::string* out, const Digits& d, int prec, char fmt) {
  out->push_back(d.d.empty() ? '0' : d.d[0]);
  if (prec > 0) {
    out->push_back('.');
    int i = 1;
    int m = std::min(static_cast<int>(d.d.size()), prec + 1);
    if (i < m) {
      out->append(d.d, 1, static_cast<size_t>(m - 1));
      i = m;
    }
    for (; i <= prec; ++i) out->push_back('0');
  }
  AppendExp(out, fmt, d.d.empty() ? 0 : d.dp - 1);
}

void FmtF(std::string* out, const Digits& d, int prec) {
  int nd = static_cast<int>(d.d.size());
  if (d.dp > 0) {
    int m = std::min(nd, d.dp);
    out->append(d.d, 0, static_cast<size_t>(m));
    for (; m < d.dp; ++m) out->push_back('0');
  } else {
    out->push_back('0');
  }
  if (prec > 0) {
    out->push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = d.dp + i - 1;
      out->push_back(j >= 0 && j < nd ? d.d[static_cast<size_t>(j)] : '0');
    }
  }
}

std::string FormatBinary(double f, char fmt, int prec, int bit_size) {
  int mantbits = bit_size == 32 ? 23 : 52;
  int expbits = bit_size == 32 ? 8 : 11;
  int bias = bit_size == 32 ? -127 : -1023;
  uint64_t bits;
  if (bit_size == 32) {
    float g = static_cast<float>(f);
    uint32_t b32;
    std::memcpy(&b32, &g, sizeof b32);
    bits = b32;
  } else {
    std::memcpy(&bits, &f, sizeof bits);
  }
  bool neg = (bits >> (expbits + mantbits)) != 0;
  int exp = static_cast<int>(bits >> mantbits) & ((1 << expbits) - 1);
  uint64_t mant = bits & ((uint64_t{1} << mantbits) - 1);
  if (exp == 0) {
    ++exp;
  } else {
    mant |= uint64_t{1} << mantbits;
  }
  exp += bias;
  std::string out = neg ? "-" : "";
  if (fmt == 'b') {
    out += std::to_string(mant);
    out.push_back('p');
    exp -= mantbits;
    if (exp >= 0) out.push_back('+');
    out += std::to_string(exp);
    return out;
  }
  // %x: Go's fmtX.
  if (mant == 0) exp = 0;
  mant <<= 60 - mantbits;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    --exp;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = static_cast<unsigned>(prec * 4);
    uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) ++mant;
    mant <<= 60 - shift;
    if ((mant & (uint64_t{1} << 61)) != 0) {
      mant >>= 1;
      ++exp;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : kLowerHex;
  out.push_back('0');
  out.push_back(fmt);
  out.push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out.push_back('.');
    while (mant != 0) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out.push_back(fmt == 'X' ? 'P' : 'p');
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
  return out;
}

}  // namespace

std::string FormatFloat(double f, char fmt, int prec, int bit_size) {
  if (bit_size == 32) f = static_cast<float>(f);
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f < 0 ? "-Inf" : "+Inf";
  if (fmt == 'b' || fmt == 'x' || fmt == 'X') return FormatBinary(f, fmt, prec, bit_size);
  if (fmt != 'e' && fmt != 'E' && fmt != 'f' && fmt != 'g' && fmt != 'G') {
    return absl::StrCat("%", std::string(1, fmt));
  }
  bool neg = std::signbit(f);
  std::string out = neg ? "-" : "";
  if (prec >= 0) {
    // Fixed precision: glibc's printf rounds exactly like Go (correctly
    // rounded decimal, ties to even on exact halves); the layouts agree.
    char spec[8] = {'%', '.', '*', fmt, 0};
    int n = std::snprintf(nullptr, 0, spec, prec, std::fabs(f));
    std::string buf(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(buf.data(), buf.size(), spec, prec, std::fabs(f));
    buf.resize(static_cast<size_t>(n));
    return out + buf;
  }
  Digits d = ShortestDigits(std::fabs(f), bit_size);
  int nd = static_cast<int>(d.d.size());
  switch (fmt) {
    case 'e':
    case 'E':
      FmtE(&out, d, nd - 1, fmt);
      break;
    case 'f':
      FmtF(&out, d, std::max(nd - d.dp, 0));
      break;
    default: {
      // Go decides between %e and %f as if the precision were 6 when the
      // precision is "shortest" (so 1e+06 but 100000).
      int eprec = 6;
      int exp = d.dp - 1;
      if (nd == 0) exp = 0;  // zero
      if (exp < -4 || exp >= eprec) {
        FmtE(&out, d, nd - 1, static_cast<char>(fmt + 'e' - 'g'));
      } else {
        FmtF(&out, d, std::max(nd - d.dp, 0));
      }
      break;
    }
  }
  return out;
}

}  // namespace gostrconv
}  // namespace confwatch
