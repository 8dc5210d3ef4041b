// Port of Go 1.19 src/fmt/print.go over template Values. Go's type switch on
// the exact dynamic type becomes a check for predeclared types; named types
// take the reflection path (printValue) after their String/Error methods.
#include "template/go_fmt.h"

#include <algorithm>
#include <cstring>

#include "template/go_fmt_internal.h"
#include "template/utf8.h"

namespace confwatch {
namespace gofmt {
namespace {

constexpr int kTooLarge = 1000000;

bool TooLarge(int x) { return x > kTooLarge || x < -kTooLarge; }

// A nil `any`: the nil interface or the invalid value.
bool IsNilAny(const Value& v) { return !v.valid() || v.kind() == Kind::kInterface; }

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

bool IsBytes(const Type* t) { return t->kind() == Kind::kSlice && t->elem()->kind() == Kind::kUint8; }

std::string BytesOf(const Value& v) {
  std::string out;
  for (const Value& e : v.AsList()) out.push_back(static_cast<char>(e.AsUint()));
  return out;
}

}  // namespace

void Printer::WriteRune(char32_t r) { utf8::AppendRune(&buf_, r); }

uint64_t Printer::Address(const Value& v) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(v.storage()));
}

void Printer::BadVerb(char32_t verb) {
  erroring_ = true;
  buf_ += "%!";
  WriteRune(verb);
  buf_ += '(';
  if (arg_ != nullptr) {
    Value arg = arg_->Boxed(false);
    buf_ += arg.type()->name();
    buf_ += '=';
    PrintArg(arg, 'v');
  } else if (value_.valid()) {
    Value value = value_;
    buf_ += value.static_type()->name();
    buf_ += '=';
    PrintValue(value, 'v', 0);
  } else {
    buf_ += "<nil>";
  }
  buf_ += ')';
  erroring_ = false;
}

void Printer::FmtBool(bool v, char32_t verb) {
  if (verb == 't' || verb == 'v') {
    fmt_.FmtBoolean(v);
  } else {
    BadVerb(verb);
  }
}

// fmt0x64 formats a uint64 in hexadecimal and prefixes it with 0x or leaves
// it as is, depending on the leading0x flag.
void Printer::Fmt0x64(uint64_t v, bool leading0x) {
  bool sharp = fmt_.f.sharp;
  fmt_.f.sharp = leading0x;
  fmt_.FmtInteger(v, 16, false, 'v', kLowerDigits);
  fmt_.f.sharp = sharp;
}

void Printer::FmtInteger(uint64_t v, bool is_signed, char32_t verb) {
  switch (verb) {
    case 'v':
      if (fmt_.f.sharp_v && !is_signed) {
        Fmt0x64(v, true);
      } else {
        fmt_.FmtInteger(v, 10, is_signed, verb, kLowerDigits);
      }
      break;
    case 'd':
      fmt_.FmtInteger(v, 10, is_signed, verb, kLowerDigits);
      break;
    case 'b':
      fmt_.FmtInteger(v, 2, is_signed, verb, kLowerDigits);
      break;
    case 'o':
    case 'O':
      fmt_.FmtInteger(v, 8, is_signed, verb, kLowerDigits);
      break;
    case 'x':
      fmt_.FmtInteger(v, 16, is_signed, verb, kLowerDigits);
      break;
    case 'X':
      fmt_.FmtInteger(v, 16, is_signed, verb, kUpperDigits);
      break;
    case 'c':
      fmt_.FmtC(v);
      break;
    case 'q':
      fmt_.FmtQc(v);
      break;
    case 'U':
      fmt_.FmtUnicode(v);
      break;
    default:
      BadVerb(verb);
  }
}

// fmtFloat formats a float. The default precision for each verb is
// specified as last argument in the call to fmt_float.
void Printer::FmtFloat(double v, int size, char32_t verb) {
  switch (verb) {
    case 'v':
      fmt_.FmtFloat(v, size, 'g', -1);
      break;
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X':
      fmt_.FmtFloat(v, size, static_cast<char>(verb), -1);
      break;
    case 'f':
    case 'e':
    case 'E':
      fmt_.FmtFloat(v, size, static_cast<char>(verb), 6);
      break;
    case 'F':
      fmt_.FmtFloat(v, size, 'f', 6);
      break;
    default:
      BadVerb(verb);
  }
}

void Printer::FmtComplex(double re, double im, int size, char32_t verb) {
  switch (verb) {
    case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f': case 'F':
    case 'e': case 'E': {
      bool old_plus = fmt_.f.plus;
      buf_ += '(';
      FmtFloat(re, size / 2, verb);
      // Imaginary part always has a sign.
      fmt_.f.plus = true;
      FmtFloat(im, size / 2, verb);
      buf_ += "i)";
      fmt_.f.plus = old_plus;
      break;
    }
    default:
      BadVerb(verb);
  }
}

void Printer::FmtString(std::string_view v, char32_t verb) {
  switch (verb) {
    case 'v':
      if (fmt_.f.sharp_v) {
        fmt_.FmtQ(v);
      } else {
        fmt_.FmtS(v);
      }
      break;
    case 's':
      fmt_.FmtS(v);
      break;
    case 'x':
      fmt_.FmtSbx(v, kLowerDigits);
      break;
    case 'X':
      fmt_.FmtSbx(v, kUpperDigits);
      break;
    case 'q':
      fmt_.FmtQ(v);
      break;
    default:
      BadVerb(verb);
  }
}

void Printer::FmtBytes(const Value& slice, char32_t verb, const std::string& type_string) {
  std::string v = BytesOf(slice);
  bool is_nil = slice.IsNil();
  switch (verb) {
    case 'v':
    case 'd':
      if (fmt_.f.sharp_v) {
        buf_ += type_string;
        if (is_nil) {
          buf_ += "(nil)";
          return;
        }
        buf_ += '{';
        for (size_t i = 0; i < v.size(); ++i) {
          if (i > 0) buf_ += ", ";
          Fmt0x64(static_cast<unsigned char>(v[i]), true);
        }
        buf_ += '}';
      } else {
        buf_ += '[';
        for (size_t i = 0; i < v.size(); ++i) {
          if (i > 0) buf_ += ' ';
          fmt_.FmtInteger(static_cast<unsigned char>(v[i]), 10, false, verb, kLowerDigits);
        }
        buf_ += ']';
      }
      break;
    case 's':
      fmt_.FmtS(v);  // precision truncates by runes, as Go's truncate on bytes
      break;
    case 'x':
      fmt_.FmtSbx(v, kLowerDigits);
      break;
    case 'X':
      fmt_.FmtSbx(v, kUpperDigits);
      break;
    case 'q':
      fmt_.FmtQ(v);
      break;
    default:
      PrintValue(slice, verb, 0);
      break;
  }
}

void Printer::FmtPointer(const Value& value, char32_t verb) {
  uint64_t u;
  switch (value.kind()) {
    case Kind::kMap:
    case Kind::kPointer:
    case Kind::kSlice:
      u = Address(value);
      break;
    default:
      BadVerb(verb);
      return;
  }
  switch (verb) {
    case 'v':
      if (fmt_.f.sharp_v) {
        buf_ += '(';
        buf_ += value.type()->name();
        buf_ += ")(";
        if (u == 0) {
          buf_ += "nil";
        } else {
          Fmt0x64(u, true);
        }
        buf_ += ')';
      } else if (u == 0) {
        fmt_.Pad("<nil>");
      } else {
        Fmt0x64(u, !fmt_.f.sharp);
      }
      break;
    case 'p':
      Fmt0x64(u, !fmt_.f.sharp);
      break;
    case 'b':
    case 'o':
    case 'd':
    case 'x':
    case 'X':
      FmtInteger(u, false, verb);
      break;
    default:
      BadVerb(verb);
  }
}

// handleMethods: a value whose type has Error() or String() is printed
// through it for the verbs that accept strings.
bool Printer::HandleMethods(char32_t verb) {
  if (erroring_) return false;
  if (verb == 'w') {
    // Sprintf never wraps errors: %w is a bad verb here.
    BadVerb(verb);
    return true;
  }
  if (fmt_.f.sharp_v || arg_ == nullptr) return false;
  switch (verb) {
    case 'v': case 's': case 'x': case 'X': case 'q':
      break;
    default:
      return false;
  }
  const Value arg = arg_->Boxed(false);
  for (const char* name : {"Error", "String"}) {
    const Function* m = arg.type()->Method(name);
    if (m == nullptr || m->signature().params.size() != 1 || m->variadic()) continue;
    ExecContext empty;
    absl::StatusOr<Value> r = m->Call(ctx_ != nullptr ? *ctx_ : empty, {arg});
    if (!r.ok()) {
      // Go's catchPanic: %!v(PANIC=String method: <error>).
      FmtFlags old = fmt_.f;
      fmt_.ClearFlags();
      buf_ += "%!";
      WriteRune(verb);
      buf_ += "(PANIC=";
      buf_ += name;
      buf_ += " method: ";
      buf_ += std::string(r.status().message());
      buf_ += ')';
      fmt_.f = old;
      return true;
    }
    if (r->kind() != Kind::kString) continue;
    FmtString(r->AsString(), verb);
    return true;
  }
  return false;
}

void Printer::PrintArg(const Value& arg0, char32_t verb) {
  Value arg = arg0.Boxed(false);
  arg_ = IsNilAny(arg) ? nullptr : &arg;
  value_ = Value();
  if (arg_ == nullptr) {
    if (verb == 'T' || verb == 'v') {
      fmt_.Pad("<nil>");
    } else {
      BadVerb(verb);
    }
    return;
  }
  // Special processing considerations.
  // %T (the value's type) and %p (its address) are special; we always do
  // them first.
  if (verb == 'T') {
    fmt_.FmtS(arg.type()->name());
    return;
  }
  if (verb == 'p') {
    FmtPointer(arg, 'p');
    return;
  }
  // Go switches on the exact predeclared types first; they have no
  // methods, so going through HandleMethods and PrintValue prints the same,
  // except that an exact []byte is called "[]byte" rather than "[]uint8".
  if (arg.type() == Type::SliceOf(Type::Uint8())) {
    FmtBytes(arg, verb, "[]byte");
  } else if (!HandleMethods(verb)) {
    PrintValue(arg, verb, 0);
  }
  arg_ = nullptr;
}

// printValue is similar to printArg but starts with a reflect value, not an
// interface{} value. It does not handle 'p' and 'T' verbs because these
// should have been already handled by printArg.
void Printer::PrintValue(const Value& value, char32_t verb, int depth) {
  if (value.boxed()) {
    // An interface slot: Go prints the element one level deeper.
    PrintValue(value.Boxed(false), verb, depth + 1);
    return;
  }
  // Handle values with special methods if not already handled by printArg
  // (depth == 0).
  if (depth > 0 && value.valid() && value.kind() != Kind::kInterface) {
    Value held = value;
    arg_ = &held;
    bool handled = HandleMethods(verb);
    arg_ = nullptr;
    if (handled) return;
  }
  arg_ = nullptr;
  value_ = value;
  const Type* t = value.valid() ? value.type() : nullptr;
  switch (value.kind()) {
    case Kind::kInvalid:
      if (depth == 0) {
        buf_ += "<invalid reflect.Value>";
      } else if (verb == 'v') {
        buf_ += "<nil>";
      } else {
        BadVerb(verb);
      }
      break;
    case Kind::kBool:
      FmtBool(value.AsBool(), verb);
      break;
    case Kind::kInt: case Kind::kInt8: case Kind::kInt16: case Kind::kInt32: case Kind::kInt64:
      FmtInteger(value.AsUint(), true, verb);
      break;
    case Kind::kUint: case Kind::kUint8: case Kind::kUint16: case Kind::kUint32:
    case Kind::kUint64: case Kind::kUintptr:
      FmtInteger(value.AsUint(), false, verb);
      break;
    case Kind::kFloat32:
      FmtFloat(value.AsFloat(), 32, verb);
      break;
    case Kind::kFloat64:
      FmtFloat(value.AsFloat(), 64, verb);
      break;
    case Kind::kComplex128:
      FmtComplex(value.Real(), value.Imag(), 128, verb);
      break;
    case Kind::kString:
      FmtString(value.AsString(), verb);
      break;
    case Kind::kMap: {
      if (fmt_.f.sharp_v) {
        buf_ += t->name();
        if (value.IsNil()) {
          buf_ += "(nil)";
          return;
        }
        buf_ += '{';
      } else {
        buf_ += "map[";
      }
      bool first = true;
      for (const auto& [key, elem] : value.AsMap()) {
        if (!first) buf_ += fmt_.f.sharp_v ? ", " : " ";
        first = false;
        PrintValue(Value::StringOf(t->key(), key), verb, depth + 1);
        buf_ += ':';
        PrintValue(t->elem()->kind() == Kind::kInterface ? elem.Boxed() : elem, verb, depth + 1);
      }
      buf_ += fmt_.f.sharp_v ? '}' : ']';
      break;
    }
    case Kind::kStruct: {
      if (fmt_.f.sharp_v) buf_ += t->name();
      buf_ += '{';
      const auto& fields = t->underlying()->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) buf_ += fmt_.f.sharp_v ? ", " : " ";
        if (fmt_.f.plus_v || fmt_.f.sharp_v) {
          buf_ += fields[i].name;
          buf_ += ':';
        }
        PrintValue(value.Field(i), verb, depth + 1);
      }
      buf_ += '}';
      break;
    }
    case Kind::kInterface:
      // Only nil interfaces reach here (others are boxed values).
      if (fmt_.f.sharp_v) {
        buf_ += t->name();
        buf_ += "(nil)";
      } else {
        buf_ += "<nil>";
      }
      break;
    case Kind::kSlice: {
      if ((verb == 's' || verb == 'q' || verb == 'x' || verb == 'X') && IsBytes(t)) {
        FmtBytes(value, verb, t->name());
        return;
      }
      const ValueList& list = value.AsList();
      if (fmt_.f.sharp_v) {
        buf_ += t->name();
        if (value.IsNil()) {
          buf_ += "(nil)";
          return;
        }
        buf_ += '{';
        for (size_t i = 0; i < list.size(); ++i) {
          if (i > 0) buf_ += ", ";
          PrintValue(value.Index(i), verb, depth + 1);
        }
        buf_ += '}';
      } else {
        buf_ += '[';
        for (size_t i = 0; i < list.size(); ++i) {
          if (i > 0) buf_ += ' ';
          PrintValue(value.Index(i), verb, depth + 1);
        }
        buf_ += ']';
      }
      break;
    }
    case Kind::kPointer:
      // pointer to array or slice or struct? ok at top level but not
      // embedded (avoid loops)
      if (depth == 0 && !value.IsNil()) {
        buf_ += '&';
        PrintValue(value.Retyped(t->elem()), verb, depth + 1);
        return;
      }
      FmtPointer(value, verb);
      break;
    default:
      buf_ += '?';
      buf_ += t != nullptr ? t->name() : "";
      buf_ += '?';
      break;
  }
}

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
