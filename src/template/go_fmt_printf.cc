// Port of Go 1.19 src/fmt/print.go, part two: the Printf state machine
// (flags, width, precision, argument indexes, error forms), Print/Println and
// the public entry points of go_fmt.h.
#include <algorithm>
#include <cstdio>

#include "template/go_fmt.h"
#include "template/go_fmt_internal.h"
#include "golang/utf8.h"

namespace confwatch {
namespace gofmt {
namespace {

constexpr int kTooLarge = 1000000;

bool TooLarge(int x) { return x > kTooLarge || x < -kTooLarge; }

// parsenum converts ASCII to integer. isnum is false if there are no digits
// or the number is too large.
bool ParseNum(std::string_view s, size_t start, size_t end, int* num, size_t* newi) {
  *num = 0;
  bool isnum = false;
  size_t i = start;
  if (start >= end) {
    *newi = end;
    return false;
  }
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (TooLarge(*num)) {
      *num = 0;
      *newi = end;
      return false;  // Overflow; crazy long number most likely.
    }
    *num = *num * 10 + (s[i] - '0');
    isnum = true;
  }
  *newi = i;
  return isnum;
}

// intFromArg gets the argNum'th element of a as an int for * widths.
bool IntFromArg(absl::Span<const Value> a, size_t* arg_num, int* num) {
  bool is_int = false;
  *num = 0;
  if (*arg_num < a.size()) {
    const Value& v = a[*arg_num];
    // Go's int is 64 bits; anything beyond +-1e6 is rejected below anyway,
    // so clamp into a range that cannot overflow a C++ int.
    constexpr int64_t kClamp = 2 * kTooLarge;
    if (v.valid() && v.type()->IsInteger()) {
      if (!v.type()->IsUnsigned()) {
        *num = static_cast<int>(std::max<int64_t>(std::min<int64_t>(v.AsInt(), kClamp), -kClamp));
        is_int = true;
      } else if (static_cast<int64_t>(v.AsUint()) >= 0) {
        *num = static_cast<int>(std::min<uint64_t>(v.AsUint(), kClamp));
        is_int = true;
      }
    }
    ++*arg_num;
    if (TooLarge(*num)) {
      *num = 0;
      is_int = false;
    }
  }
  return is_int;
}

// parseArgNumber returns the value of the bracketed number, minus 1 (explicit
// argument numbers are one-indexed but we want zero-indexed).
bool ParseArgNumber(std::string_view format, int* index, size_t* wid) {
  // There must be at least 3 bytes: [n].
  if (format.size() < 3) {
    *index = 0;
    *wid = 1;
    return false;
  }
  for (size_t i = 1; i < format.size(); ++i) {
    if (format[i] == ']') {
      int width;
      size_t newi;
      bool ok = ParseNum(format, 1, i, &width, &newi);
      if (!ok || newi != i) {
        *index = 0;
        *wid = i + 1;
        return false;
      }
      *index = width - 1;
      *wid = i + 1;
      return true;
    }
  }
  *index = 0;
  *wid = 1;
  return false;
}

}  // namespace

void Printer::DoPrintf(std::string_view format, absl::Span<const Value> a) {
  size_t end = format.size();
  size_t arg_num = 0;         // we process one argument per non-trivial format
  bool after_index = false;   // previous item in format was an index like [3].
  reordered_ = false;
  auto arg_number = [&](size_t i, bool* found) {
    // argNumber returns the next argument to evaluate, which is either the
    // value of the passed-in argNum or the value of the bracketed integer
    // that begins format[i:].
    *found = false;
    if (format.size() <= i || format[i] != '[') return i;
    reordered_ = true;
    int index;
    size_t wid;
    bool ok = ParseArgNumber(format.substr(i), &index, &wid);
    if (ok && index >= 0 && static_cast<size_t>(index) < a.size()) {
      arg_num = static_cast<size_t>(index);
      *found = true;
      return i + wid;
    }
    good_arg_num_ = false;
    *found = ok;
    return i + wid;
  };
  for (size_t i = 0; i < end;) {
    good_arg_num_ = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) buf_.append(format.substr(lasti, i - lasti));
    if (i >= end) break;  // done processing format string
    ++i;                  // Process one verb
    fmt_.ClearFlags();    // Do we have flags?
    bool simple_done = false;
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        fmt_.f.sharp = true;
      } else if (c == '0') {
        fmt_.f.zero = !fmt_.f.minus;  // Only allow zero padding to the left.
      } else if (c == '+') {
        fmt_.f.plus = true;
      } else if (c == '-') {
        fmt_.f.minus = true;
        fmt_.f.zero = false;  // Do not pad with zeros to the right.
      } else if (c == ' ') {
        fmt_.f.space = true;
      } else {
        // Fast path for common case of ascii lower case simple verbs
        // without precision or width or argument indices.
        if (c >= 'a' && c <= 'z' && arg_num < a.size()) {
          if (c == 'v') {
            // Go syntax
            fmt_.f.sharp_v = fmt_.f.sharp;
            fmt_.f.sharp = false;
            // Struct-field syntax
            fmt_.f.plus_v = fmt_.f.plus;
            fmt_.f.plus = false;
          }
          PrintArg(a[arg_num], static_cast<unsigned char>(c));
          ++arg_num;
          ++i;
          simple_done = true;
        }
        break;
      }
    }
    if (simple_done) continue;
    // Do we have an explicit argument index?
    i = arg_number(i, &after_index);
    // Do we have width?
    if (i < end && format[i] == '*') {
      ++i;
      fmt_.f.wid_present = IntFromArg(a, &arg_num, &fmt_.wid);
      if (!fmt_.f.wid_present) buf_ += "%!(BADWIDTH)";
      // We have a negative width, so take its value and ensure that the
      // minus flag is set
      if (fmt_.wid < 0) {
        fmt_.wid = -fmt_.wid;
        fmt_.f.minus = true;
        fmt_.f.zero = false;  // Do not pad with zeros to the right.
      }
      after_index = false;
    } else {
      fmt_.f.wid_present = ParseNum(format, i, end, &fmt_.wid, &i);
      if (after_index && fmt_.f.wid_present) good_arg_num_ = false;  // "%[3]2d"
    }
    // Do we have precision?
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num_ = false;  // "%[3].2d"
      i = arg_number(i, &after_index);
      if (i < end && format[i] == '*') {
        ++i;
        fmt_.f.prec_present = IntFromArg(a, &arg_num, &fmt_.prec);
        // Negative precision arguments don't make sense
        if (fmt_.prec < 0) {
          fmt_.prec = 0;
          fmt_.f.prec_present = false;
        }
        if (!fmt_.f.prec_present) buf_ += "%!(BADPREC)";
        after_index = false;
      } else {
        fmt_.f.prec_present = ParseNum(format, i, end, &fmt_.prec, &i);
        if (!fmt_.f.prec_present) {
          fmt_.prec = 0;
          fmt_.f.prec_present = true;
        }
      }
    }
    if (!after_index) i = arg_number(i, &after_index);
    if (i >= end) {
      buf_ += "%!(NOVERB)";
      break;
    }
    char32_t verb = static_cast<unsigned char>(format[i]);
    size_t size = 1;
    if (verb >= 0x80) {
      utf8::Decoded d = utf8::DecodeRune(format.substr(i));
      verb = d.rune;
      size = d.width;
    }
    i += size;
    if (verb == '%') {
      buf_ += '%';  // Percent does not absorb operands and ignores f.wid and f.prec.
    } else if (!good_arg_num_) {
      buf_ += "%!";
      WriteRune(verb);
      buf_ += "(BADINDEX)";
    } else if (arg_num >= a.size()) {  // No argument left over to print for the current verb.
      buf_ += "%!";
      WriteRune(verb);
      buf_ += "(MISSING)";
    } else {
      if (verb == 'v') {
        fmt_.f.sharp_v = fmt_.f.sharp;
        fmt_.f.sharp = false;
        fmt_.f.plus_v = fmt_.f.plus;
        fmt_.f.plus = false;
      }
      PrintArg(a[arg_num], verb);
      ++arg_num;
    }
  }
  // Check for extra arguments unless the call accessed the arguments out of
  // order, in which case it's too expensive to detect if they've all been
  // used and arguably OK if they're not.
  if (!reordered_ && arg_num < a.size()) {
    fmt_.ClearFlags();
    buf_ += "%!(EXTRA ";
    for (size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) buf_ += ", ";
      if (IsNilAny(a[k])) {
        buf_ += "<nil>";
      } else {
        buf_ += a[k].type()->name();
        buf_ += '=';
        PrintArg(a[k], 'v');
      }
    }
    buf_ += ')';
  }
}

void Printer::DoPrint(absl::Span<const Value> a) {
  bool prev_string = false;
  for (size_t n = 0; n < a.size(); ++n) {
    bool is_string = !IsNilAny(a[n]) && a[n].kind() == Kind::kString;
    // Add a space between two non-string arguments.
    if (n > 0 && !is_string && !prev_string) buf_ += ' ';
    PrintArg(a[n], 'v');
    prev_string = is_string;
  }
}

void Printer::DoPrintln(absl::Span<const Value> a) {
  for (size_t n = 0; n < a.size(); ++n) {
    if (n > 0) buf_ += ' ';
    PrintArg(a[n], 'v');
  }
  buf_ += '\n';
}

std::string Sprint(absl::Span<const Value> args, ExecContext* ctx) {
  Printer p(ctx);
  p.DoPrint(args);
  return std::move(p.buf());
}

std::string Sprintln(absl::Span<const Value> args, ExecContext* ctx) {
  Printer p(ctx);
  p.DoPrintln(args);
  return std::move(p.buf());
}

std::string Sprintf(std::string_view format, absl::Span<const Value> args, ExecContext* ctx) {
  Printer p(ctx);
  p.DoPrintf(format, args);
  return std::move(p.buf());
}

void AppendPrint(std::string* out, const Value& v, ExecContext* ctx) {
  // Fast paths for what templates print most: strings and ints.
  if (v.valid() && !v.boxed()) {
    if (v.type() == Type::String()) {
      out->append(v.AsString());
      return;
    }
    if (v.type() == Type::Int()) {
      char buf[24];
      int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.AsInt()));
      out->append(buf, static_cast<size_t>(n));
      return;
    }
  }
  Printer p(ctx);
  p.PrintArg(v, 'v');
  out->append(p.buf());
}

}  // namespace gofmt
}  // namespace confwatch
