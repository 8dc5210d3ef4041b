// Port of Go 1.19 src/fmt/format.go: padding, integers, strings, quoting and
// floats with Go's flag semantics. Widths count runes, not bytes.
#include <algorithm>
#include <vector>

#include "template/go_fmt_internal.h"
#include "golang/strconv.h"
#include "golang/utf8.h"

namespace confwatch {
namespace gofmt {

void Fmt::WritePadding(int n) {
  if (n <= 0) return;
  buf_->append(static_cast<size_t>(n), f.zero ? '0' : ' ');
}

void Fmt::Pad(std::string_view s) {
  if (!f.wid_present || wid == 0) {
    buf_->append(s);
    return;
  }
  int width = wid - static_cast<int>(utf8::RuneCount(s));
  if (!f.minus) {
    WritePadding(width);  // left padding
    buf_->append(s);
  } else {
    buf_->append(s);
    WritePadding(width);  // right padding
  }
}

void Fmt::FmtUnicode(uint64_t u) {
  int p = 4;
  if (f.prec_present && prec > 4) p = prec;
  std::string out;  // built reversed
  if (f.sharp && u <= utf8::kMaxRune && utf8::IsPrint(static_cast<char32_t>(u))) {
    std::string r;
    utf8::AppendRune(&r, static_cast<char32_t>(u));
    out = "'" + std::string(r.rbegin(), r.rend()) + "' ";
  }
  while (u >= 16) {
    out.push_back(kUpperDigits[u & 0xF]);
    --p;
    u >>= 4;
  }
  out.push_back(kUpperDigits[u]);
  --p;
  for (; p > 0; --p) out.push_back('0');
  out += "+U";
  std::reverse(out.begin(), out.end());
  bool old_zero = f.zero;
  f.zero = false;
  Pad(out);
  f.zero = old_zero;
}

void Fmt::FmtInteger(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
  bool negative = is_signed && static_cast<int64_t>(u) < 0;
  if (negative) u = 0 - u;
  int p = 0;
  if (f.prec_present) {
    p = prec;
    // Precision of 0 and value of 0 means "print nothing" but padding.
    if (p == 0 && u == 0) {
      bool old_zero = f.zero;
      f.zero = false;
      WritePadding(wid);
      f.zero = old_zero;
      return;
    }
  } else if (f.zero && f.wid_present) {
    p = wid;
    if (negative || f.plus || f.space) --p;  // leave room for sign
  }
  std::string out;  // built reversed
  switch (base) {
    case 10:
      while (u >= 10) {
        out.push_back(static_cast<char>('0' + u % 10));
        u /= 10;
      }
      break;
    case 16:
      while (u >= 16) {
        out.push_back(digits[u & 0xF]);
        u >>= 4;
      }
      break;
    case 8:
      while (u >= 8) {
        out.push_back(static_cast<char>('0' + (u & 7)));
        u >>= 3;
      }
      break;
    default:
      while (u >= 2) {
        out.push_back(static_cast<char>('0' + (u & 1)));
        u >>= 1;
      }
      break;
  }
  out.push_back(digits[u]);
  while (static_cast<int>(out.size()) < p) out.push_back('0');
  if (f.sharp) {
    switch (base) {
      case 2:
        out += "b0";
        break;
      case 8:
        if (out.back() != '0') out.push_back('0');
        break;
      case 16:
        out.push_back(digits[16]);
        out.push_back('0');
        break;
    }
  }
  if (verb == 'O') out += "o0";
  if (negative) {
    out.push_back('-');
  } else if (f.plus) {
    out.push_back('+');
  } else if (f.space) {
    out.push_back(' ');
  }
  std::reverse(out.begin(), out.end());
  // Left padding with zeros has already been handled like precision earlier
  // or the f.zero flag is ignored due to an explicit precision.
  bool old_zero = f.zero;
  f.zero = false;
  Pad(out);
  f.zero = old_zero;
}

std::string_view Fmt::TruncateString(std::string_view s) const {
  if (f.prec_present) {
    int n = prec;
    for (size_t i = 0; i < s.size();) {
      if (--n < 0) return s.substr(0, i);
      i += utf8::DecodeRune(s.substr(i)).width;
    }
  }
  return s;
}

void Fmt::FmtS(std::string_view s) { Pad(TruncateString(s)); }

void Fmt::FmtSbx(std::string_view s, const char* digits) {
  int length = static_cast<int>(s.size());
  if (f.prec_present && prec < length) length = prec;
  // Compute width of the encoding taking into account the f.sharp and
  // f.space flag.
  int width = 2 * length;
  if (width > 0) {
    if (f.space) {
      if (f.sharp) width *= 2;
      width += length - 1;
    } else if (f.sharp) {
      width += 2;
    }
  } else {
    if (f.wid_present) WritePadding(wid);
    return;
  }
  if (f.wid_present && wid > width && !f.minus) WritePadding(wid - width);
  std::string& buf = *buf_;
  if (f.sharp) {
    buf.push_back('0');
    buf.push_back(digits[16]);
  }
  for (int i = 0; i < length; ++i) {
    if (f.space && i > 0) {
      buf.push_back(' ');
      if (f.sharp) {
        buf.push_back('0');
        buf.push_back(digits[16]);
      }
    }
    unsigned char c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
    buf.push_back(digits[c >> 4]);
    buf.push_back(digits[c & 0xF]);
  }
  if (f.wid_present && wid > width && f.minus) WritePadding(wid - width);
}

void Fmt::FmtQ(std::string_view s) {
  s = TruncateString(s);
  if (f.sharp && gostrconv::CanBackquote(s)) {
    Pad("`" + std::string(s) + "`");
    return;
  }
  std::string q;
  gostrconv::AppendQuote(&q, s, f.plus);
  Pad(q);
}

void Fmt::FmtC(uint64_t c) {
  char32_t r = c > utf8::kMaxRune ? utf8::kRuneError : static_cast<char32_t>(c);
  std::string s;
  utf8::AppendRune(&s, r);
  Pad(s);
}

void Fmt::FmtQc(uint64_t c) {
  char32_t r = c > utf8::kMaxRune ? utf8::kRuneError : static_cast<char32_t>(c);
  Pad(gostrconv::QuoteRune(r, f.plus));
}

void Fmt::FmtFloat(double v, int size, char verb, int p) {
  // Format number, reserving space for leading + sign if needed.
  if (f.prec_present) p = prec;
  std::string num = " " + gostrconv::FormatFloat(v, verb, p, size);
  if (num[1] == '-' || num[1] == '+') {
    num.erase(0, 1);
  } else {
    num[0] = '+';
  }
  // f.space means to add a leading space instead of a "+" sign unless f.plus
  // is used.
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  // Special handling for infinities and NaN, which don't look like a number
  // so shouldn't be padded with zeros.
  if (num[1] == 'I' || num[1] == 'N') {
    bool old_zero = f.zero;
    f.zero = false;
    // Remove sign before NaN if not asked for.
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    Pad(num);
    f.zero = old_zero;
    return;
  }
  // The sharp flag forces printing a decimal point but removes trailing
  // zeros for %e, %f; for %g it keeps them.
  if (f.sharp && verb != 'b') {
    int digits = 0;
    switch (verb) {
      case 'v':
      case 'g':
      case 'G':
      case 'x':
        digits = p;
        // If no precision is set explicitly use a precision of 6.
        if (digits == -1) digits = 6;
        break;
      default:
        break;
    }
    // Buffer pre-allocated with enough room for exponent notations of the
    // form "e+123" or "p-1023".
    std::string tail;
    bool has_decimal_point = false;
    bool saw_nonzero_digit = false;
    for (size_t i = 1; i < num.size(); ++i) {
      char c = num[i];
      if (c == '.') {
        has_decimal_point = true;
      } else if (c == 'p' || c == 'P') {
        tail = num.substr(i);
        num.resize(i);
        break;
      } else if ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X') {
        tail = num.substr(i);
        num.resize(i);
        break;
      } else {
        if (c != '0') saw_nonzero_digit = true;
        // Count significant digits after the first non-zero digit.
        if (saw_nonzero_digit) --digits;
      }
    }
    if (!has_decimal_point) {
      // Leading digit 0 should contribute once to digits.
      if (num.size() == 2 && num[1] == '0') --digits;
      num.push_back('.');
    }
    for (; digits > 0; --digits) num.push_back('0');
    num += tail;
  }
  // We want a sign if asked for and if the sign is not positive.
  if (f.plus || num[0] != '+') {
    // If we're zero padding to the left we want the sign before the leading
    // zeros. Achieve this by writing the sign out and then padding the
    // unsigned number.
    if (f.zero && f.wid_present && wid > static_cast<int>(num.size())) {
      buf_->push_back(num[0]);
      WritePadding(wid - static_cast<int>(num.size()));
      buf_->append(num, 1, std::string::npos);
      return;
    }
    Pad(num);
    return;
  }
  // No sign to show and the number is positive; just print the unsigned
  // number.
  Pad(std::string_view(num).substr(1));
}

}  // namespace gofmt
}  // namespace confwatch
