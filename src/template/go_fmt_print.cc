// Port of Go 1.19 src/fmt/print.go over template Values. Go's type switch on
// the exact dynamic type becomes a check for predeclared types; named types
// take the reflection path (printValue) after their String/Error methods.
//
// Go's printValue recurses once per nesting level, which Go can afford (its
// stacks grow to 1 GB). A template value can be nested far deeper than a
// thread's stack allows (fromJson accepts 10000 levels; a loop can wrap a list
// in a list without limit), so PrintValue walks composites with a heap stack
// instead: the same bytes at every depth, no depth limit, no stack overflow.
#include "template/go_fmt.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "template/go_fmt_internal.h"
#include "golang/utf8.h"

namespace confwatch {
namespace gofmt {
namespace {

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
  std::vector<Open> stack;
  PrintOne(value, verb, depth, &stack);
  while (!stack.empty()) {
    if (!PrintNextElement(verb, &stack)) {
      buf_ += stack.back().close;
      stack.pop_back();
    }
  }
}

bool Printer::PrintNextElement(char32_t verb, std::vector<Open>* stack) {
  Open& top = stack->back();
  const Type* t = top.value.type();
  const int depth = top.depth + 1;
  const char* separator = fmt_.f.sharp_v ? ", " : " ";
  Value elem;
  switch (top.value.kind()) {
    case Kind::kMap: {
      if (top.it == top.value.AsMap().end()) return false;
      if (top.it != top.value.AsMap().begin()) buf_ += separator;
      const auto& [key, value] = *top.it++;
      // A key is a string: it pushes nothing, so `top` stays valid.
      PrintOne(Value::StringOf(t->key(), key), verb, depth, stack);
      buf_ += ':';
      elem = t->elem()->kind() == Kind::kInterface ? value.Boxed() : value;
      break;
    }
    case Kind::kStruct: {
      const auto& fields = t->underlying()->fields();
      if (top.next == fields.size()) return false;
      const size_t i = top.next++;
      if (i > 0) buf_ += separator;
      if (fmt_.f.plus_v || fmt_.f.sharp_v) {
        buf_ += fields[i].name;
        buf_ += ':';
      }
      elem = top.value.Field(i);
      break;
    }
    default: {  // a slice
      if (top.next == top.value.Len()) return false;
      const size_t i = top.next++;
      if (i > 0) buf_ += separator;
      elem = top.value.Index(i);
      break;
    }
  }
  PrintOne(elem, verb, depth, stack);  // may push, which invalidates `top`
  return true;
}

void Printer::PrintOne(const Value& value, char32_t verb, int depth, std::vector<Open>* stack) {
  if (value.boxed()) {
    // An interface slot: Go prints the element one level deeper.
    PrintOne(value.Boxed(false), verb, depth + 1, stack);
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
    case Kind::kMap:
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
      stack->push_back(
          Open{value, depth, 0, value.AsMap().begin(), fmt_.f.sharp_v ? '}' : ']'});
      break;
    case Kind::kStruct:
      if (fmt_.f.sharp_v) buf_ += t->name();
      buf_ += '{';
      stack->push_back(Open{value, depth, 0, {}, '}'});
      break;
    case Kind::kInterface:
      // Only nil interfaces reach here (others are boxed values).
      if (fmt_.f.sharp_v) {
        buf_ += t->name();
        buf_ += "(nil)";
      } else {
        buf_ += "<nil>";
      }
      break;
    case Kind::kSlice:
      if ((verb == 's' || verb == 'q' || verb == 'x' || verb == 'X') && IsBytes(t)) {
        FmtBytes(value, verb, t->name());
        return;
      }
      if (fmt_.f.sharp_v) {
        buf_ += t->name();
        if (value.IsNil()) {
          buf_ += "(nil)";
          return;
        }
        buf_ += '{';
        stack->push_back(Open{value, depth, 0, {}, '}'});
      } else {
        buf_ += '[';
        stack->push_back(Open{value, depth, 0, {}, ']'});
      }
      break;
    case Kind::kPointer:
      // pointer to array or slice or struct? ok at top level but not
      // embedded (avoid loops)
      if (depth == 0 && !value.IsNil()) {
        buf_ += '&';
        PrintOne(value.Retyped(t->elem()), verb, depth + 1, stack);
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

}  // namespace gofmt
}  // namespace confwatch
