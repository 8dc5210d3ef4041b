// Go's builtin template functions (text/template funcs.go): comparison,
// index/slice/len, not, call, the print family and the escapers. Parameter
// types mirror Go's signatures (reflect.Value for the reflective builtins,
// ...any for the printers, string for printf's format) so that the executor
// converts arguments and reports errors as Go does.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "template/exec.h"
#include "template/go_fmt.h"
#include "golang/utf8.h"

namespace confwatch {
namespace tmpl {
namespace {

using Args = absl::Span<const Value>;
using Result = absl::StatusOr<Value>;

absl::Status Err(std::string msg) { return absl::InvalidArgumentError(std::move(msg)); }

// --- Comparison.

enum class BasicKind { kInvalid, kBool, kComplex, kInt, kFloat, kString, kUint };

BasicKind KindOf(const Value& v) {
  switch (v.kind()) {
    case Kind::kBool:
      return BasicKind::kBool;
    case Kind::kFloat32:
    case Kind::kFloat64:
      return BasicKind::kFloat;
    case Kind::kComplex128:
      return BasicKind::kComplex;
    case Kind::kString:
      return BasicKind::kString;
    default:
      if (v.valid() && v.type()->IsInteger()) {
        return v.type()->IsUnsigned() ? BasicKind::kUint : BasicKind::kInt;
      }
      return BasicKind::kInvalid;
  }
}

const char kBadComparisonType[] = "invalid type for comparison";
const char kBadComparison[] = "incompatible types for comparison";

bool IsNilValue(const Value& v) { return !v.valid() || v.IsNil(); }

bool Comparable(const Type* t) {
  switch (t->kind()) {
    case Kind::kSlice:
    case Kind::kMap:
      return false;
    case Kind::kStruct:
      for (const auto& f : t->underlying()->fields()) {
        if (!Comparable(f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

// Go's == on two interface values of comparable types.
bool InterfaceEqual(const Value& a0, const Value& b0) {
  Value a = IndirectInterface(a0), b = IndirectInterface(b0);
  if (!a.valid() || !b.valid()) return a.valid() == b.valid();
  if (a.type() != b.type()) return false;
  switch (a.kind()) {
    case Kind::kBool:
      return a.AsBool() == b.AsBool();
    case Kind::kString:
      return a.AsString() == b.AsString();
    case Kind::kFloat32:
    case Kind::kFloat64:
      return a.AsFloat() == b.AsFloat();
    case Kind::kComplex128:
      return a.Real() == b.Real() && a.Imag() == b.Imag();
    case Kind::kPointer:
      return a.storage() == b.storage();
    case Kind::kStruct:
      for (size_t i = 0; i < a.AsFields().size(); ++i) {
        if (!InterfaceEqual(a.Field(i), b.Field(i))) return false;
      }
      return true;
    default:
      return a.AsUint() == b.AsUint();
  }
}

// eq evaluates the comparison a == b || a == c || ...
Result Eq(ExecContext& ctx, Args args) {
  Value arg1 = IndirectInterface(args[0]);
  if (args.size() == 1) return Err("missing argument for comparison");
  BasicKind k1 = KindOf(arg1);
  for (size_t i = 1; i < args.size(); ++i) {
    Value arg = IndirectInterface(args[i]);
    BasicKind k2 = KindOf(arg);
    bool truth = false;
    if (k1 != k2) {
      // Special case: Can compare integer values regardless of type's sign.
      if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
        truth = arg1.AsInt() >= 0 && arg1.AsUint() == arg.AsUint();
      } else if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
        truth = arg.AsInt() >= 0 && arg1.AsUint() == arg.AsUint();
      } else if (arg1.valid() && arg.valid()) {
        return Err(kBadComparison);
      }
    } else {
      switch (k1) {
        case BasicKind::kBool:
          truth = arg1.AsBool() == arg.AsBool();
          break;
        case BasicKind::kComplex:
          truth = arg1.Real() == arg.Real() && arg1.Imag() == arg.Imag();
          break;
        case BasicKind::kFloat:
          truth = arg1.AsFloat() == arg.AsFloat();
          break;
        case BasicKind::kInt:
        case BasicKind::kUint:
          truth = arg1.AsUint() == arg.AsUint();
          break;
        case BasicKind::kString:
          truth = arg1.AsString() == arg.AsString();
          break;
        case BasicKind::kInvalid:
          if (arg1.valid() && arg.valid() && arg1.kind() != arg.kind()) {
            return Err(absl::StrCat("non-comparable types ",
                                    gofmt::Sprintf("%s: %v, %s: %v",
                                                   {arg1, Value::String(arg1.type()->name()),
                                                    Value::String(arg.type()->name()), arg},
                                                   &ctx)));
          }
          if (IsNilValue(arg1) || IsNilValue(arg)) {
            truth = IsNilValue(arg) == IsNilValue(arg1);
          } else {
            if (!Comparable(arg.type())) {
              return Err(gofmt::Sprintf("non-comparable type %s: %v",
                                        {arg, Value::String(arg.type()->name())}, &ctx));
            }
            truth = InterfaceEqual(arg1, arg);
          }
          break;
      }
    }
    if (truth) return Value::Bool(true);
  }
  return Value::Bool(false);
}

Result Ne(ExecContext& ctx, Args args) {
  absl::StatusOr<Value> equal = Eq(ctx, args);
  if (!equal.ok()) return equal;
  return Value::Bool(!equal->AsBool());
}

absl::StatusOr<bool> Less(const Value& a0, const Value& b0) {
  Value arg1 = IndirectInterface(a0);
  BasicKind k1 = KindOf(arg1);
  if (k1 == BasicKind::kInvalid) return Err(kBadComparisonType);
  Value arg2 = IndirectInterface(b0);
  BasicKind k2 = KindOf(arg2);
  if (k2 == BasicKind::kInvalid) return Err(kBadComparisonType);
  if (k1 != k2) {
    // Special case: Can compare integer values regardless of type's sign.
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return arg1.AsInt() < 0 || arg1.AsUint() < arg2.AsUint();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return arg2.AsInt() >= 0 && arg1.AsUint() < arg2.AsUint();
    }
    return Err(kBadComparison);
  }
  switch (k1) {
    case BasicKind::kBool:
    case BasicKind::kComplex:
      return Err(kBadComparisonType);
    case BasicKind::kFloat:
      return arg1.AsFloat() < arg2.AsFloat();
    case BasicKind::kInt:
      return arg1.AsInt() < arg2.AsInt();
    case BasicKind::kString:
      return arg1.AsString() < arg2.AsString();
    default:
      return arg1.AsUint() < arg2.AsUint();
  }
}

Result Lt(ExecContext&, Args args) {
  absl::StatusOr<bool> r = Less(args[0], args[1]);
  if (!r.ok()) return r.status();
  return Value::Bool(*r);
}

Result Le(ExecContext& ctx, Args args) {
  absl::StatusOr<bool> r = Less(args[0], args[1]);
  if (!r.ok()) return r.status();
  if (*r) return Value::Bool(true);
  return Eq(ctx, args);
}

Result Gt(ExecContext& ctx, Args args) {
  absl::StatusOr<Value> le = Le(ctx, args);
  if (!le.ok()) return le;
  return Value::Bool(!le->AsBool());
}

Result Ge(ExecContext&, Args args) {
  absl::StatusOr<bool> r = Less(args[0], args[1]);
  if (!r.ok()) return r.status();
  return Value::Bool(!*r);
}

// --- Indexing.

// indexArg checks if a reflect.Value can be used as an index, and converts
// it to int if possible.
absl::StatusOr<int64_t> IndexArg(const Value& index, size_t cap) {
  int64_t x;
  if (!index.valid()) return Err("cannot index slice/array with nil");
  // A value still inside an interface{} has kind Interface: not an integer.
  if (index.boxed() || !index.type()->IsInteger()) {
    return Err("cannot index slice/array with type " + index.static_type()->name());
  }
  x = index.AsInt();  // uint64 reinterpreted, as Go's int64(index.Uint())
  if (x < 0 || static_cast<uint64_t>(x) > cap) return Err(absl::StrCat("index out of range: ", x));
  return x;
}

// index returns the result of indexing its first argument by the following
// arguments. Thus "index x 1 2 3" is, in Go syntax, x[1][2][3].
Result Index(ExecContext&, Args args) {
  Value item = IndirectInterface(args[0]);
  if (!item.valid()) return Err("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    Value index = IndirectInterface(args[i]);
    bool is_nil;
    std::tie(item, is_nil) = Indirect(item);
    if (is_nil) return Err("index of nil pointer");
    switch (item.kind()) {
      case Kind::kSlice:
      case Kind::kString: {
        absl::StatusOr<int64_t> x = IndexArg(index, item.Len());
        if (!x.ok()) return x.status();
        // Go's x == len is accepted by indexArg but fails in Index(): the
        // panic is recovered as this message.
        if (static_cast<size_t>(*x) == item.Len()) {
          return Err(absl::StrCat("reflect: ", item.kind() == Kind::kString ? "string" : "slice",
                                  " index out of range"));
        }
        if (item.kind() == Kind::kString) {
          item = Value::Integer(Type::Uint8(),
                                static_cast<unsigned char>(item.AsString()[static_cast<size_t>(*x)]));
        } else {
          item = item.Index(static_cast<size_t>(*x));
        }
        break;
      }
      case Kind::kMap: {
        // prepareArg: the key must be assignable to the map's key type.
        if (!index.valid()) return Err("value is nil; should be of type " + item.type()->key()->name());
        if (!index.type()->AssignableTo(item.type()->key())) {
          return Err(absl::StrCat("value has type ", index.type()->name(), "; should be ",
                                  item.type()->key()->name()));
        }
        Value x = item.MapIndex(index.AsString());
        item = x.valid() ? x : Value::Zero(item.type()->elem());
        break;
      }
      default:
        return Err("can't index item of type " + item.type()->name());
    }
  }
  return item;
}

// slice returns the result of slicing its first argument by the remaining
// arguments. Thus "slice x 1 2" is, in Go syntax, x[1:2], while "slice x"
// is x[:], "slice x 1" is x[1:], and "slice x 1 2 3" is x[1:2:3].
Result Slice(ExecContext&, Args args) {
  Value item = IndirectInterface(args[0]);
  if (!item.valid()) return Err("slice of untyped nil");
  size_t nidx = args.size() - 1;
  if (nidx > 3) return Err(absl::StrCat("too many slice indexes: ", nidx));
  size_t cap;
  switch (item.kind()) {
    case Kind::kString:
      if (nidx == 3) return Err("cannot 3-index slice a string");
      cap = item.Len();
      break;
    case Kind::kSlice:
      cap = item.Len();  // this model keeps no spare capacity
      break;
    default:
      return Err("can't slice item of type " + item.type()->name());
  }
  int64_t idx[3] = {0, static_cast<int64_t>(item.Len()), 0};
  for (size_t i = 0; i < nidx; ++i) {
    // Unlike index, Go's slice does not unwrap interface{} indexes.
    absl::StatusOr<int64_t> x = IndexArg(args[i + 1], cap);
    if (!x.ok()) return x.status();
    idx[i] = *x;
  }
  // given item[i:j], make sure i <= j.
  if (idx[0] > idx[1]) return Err(absl::StrFormat("invalid slice index: %d > %d", idx[0], idx[1]));
  if (nidx == 3 && idx[1] > idx[2]) {
    return Err(absl::StrFormat("invalid slice index: %d > %d", idx[1], idx[2]));
  }
  size_t lo = static_cast<size_t>(idx[0]), hi = static_cast<size_t>(idx[1]);
  if (item.kind() == Kind::kString) {
    std::string_view s = item.AsString();
    return Value::StringOf(item.type(), std::string(s.substr(lo, hi - lo)));
  }
  const ValueList& list = item.AsList();
  return Value::List(item.type(), ValueList(list.begin() + static_cast<ptrdiff_t>(lo),
                                            list.begin() + static_cast<ptrdiff_t>(hi)));
}

// length returns the length of the item, with an error if it has no
// defined length.
Result Length(ExecContext&, Args args) {
  auto [item, is_nil] = Indirect(args[0]);
  if (is_nil) return Err("len of nil pointer");
  switch (item.kind()) {
    case Kind::kMap:
    case Kind::kSlice:
    case Kind::kString:
      return Value::Int(static_cast<int64_t>(item.Len()));
    case Kind::kInvalid:
      // Go calls item.Type() on the zero Value, which panics; the panic is
      // recovered as this error.
      return Err("reflect: call of reflect.Value.Type on zero Value");
    default:
      return Err("len of type " + item.type()->name());
  }
}

// call returns the result of evaluating the first argument as a function.
// This model has no function values, so only its errors remain.
Result Call(ExecContext&, Args args) {
  Value fn = IndirectInterface(args[0]);
  if (!fn.valid()) return Err("call of nil");
  return Err("non-function of type " + fn.type()->name());
}

Result Not(ExecContext&, Args args) { return Value::Bool(!IsTrue(IndirectInterface(args[0]))); }

// --- Printing and escaping.

Result Print(ExecContext& ctx, Args args) { return Value::String(gofmt::Sprint(args, &ctx)); }
Result Println(ExecContext& ctx, Args args) { return Value::String(gofmt::Sprintln(args, &ctx)); }
Result Printf(ExecContext& ctx, Args args) {
  return Value::String(gofmt::Sprintf(args[0].AsString(), args.subspan(1), &ctx));
}

// evalArgs formats the list of arguments into a string: a single string
// argument as is, anything else through fmt.Sprint after printableValue
// (so a missing value prints as "<no value>").
std::string EvalArgs(ExecContext& ctx, Args args) {
  if (args.size() == 1 && args[0].valid() && args[0].type() == Type::String()) {
    return std::string(args[0].AsString());
  }
  std::vector<Value> printable;
  printable.reserve(args.size());
  for (const Value& a : args) {
    Value v = a.kind() == Kind::kInterface ? Value() : a.Boxed(false);
    printable.push_back(PrintableValue(v));
  }
  return gofmt::Sprint(printable, &ctx);
}

Result Html(ExecContext& ctx, Args args) {
  std::string s = EvalArgs(ctx, args);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0': out += "\xEF\xBF\xBD"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(c);
    }
  }
  return Value::String(std::move(out));
}

Result Js(ExecContext& ctx, Args args) {
  std::string s = EvalArgs(ctx, args);
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\': out += "\\\\"; continue;
        case '\'': out += "\\'"; continue;
        case '"': out += "\\\""; continue;
        case '<': out += "\\u003C"; continue;
        case '>': out += "\\u003E"; continue;
        case '&': out += "\\u0026"; continue;
        case '=': out += "\\u003D"; continue;
        default: break;
      }
      if (c < ' ') {
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      continue;
    }
    utf8::Decoded d = utf8::DecodeRune(std::string_view(s).substr(i));
    if (utf8::IsPrint(d.rune)) {
      out.append(s, i, d.width);
    } else {
      out += absl::StrFormat("\\u%04X", static_cast<uint32_t>(d.rune));
    }
    i += d.width - 1;
  }
  return Value::String(std::move(out));
}

Result UrlQuery(ExecContext& ctx, Args args) {
  std::string s = EvalArgs(ctx, args);
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return Value::String(std::move(out));
}

Result Unreachable(ExecContext&, Args) { return Err("unreachable"); }  // and/or

FuncMap MakeBuiltins() {
  const Type* rv = Type::ReflectValue();
  const Type* any = Type::Any();
  FuncMap m;
  m.Add("and", Signature{{rv}, rv, nullptr}, Unreachable);
  m.Add("or", Signature{{rv}, rv, nullptr}, Unreachable);
  m.Add("not", Signature{{rv}, nullptr, nullptr}, Not);
  m.Add("call", Signature{{rv}, rv, nullptr}, Call);
  m.Add("html", Signature{{}, any, nullptr}, Html);
  m.Add("js", Signature{{}, any, nullptr}, Js);
  m.Add("urlquery", Signature{{}, any, nullptr}, UrlQuery);
  m.Add("index", Signature{{rv}, rv, nullptr}, Index);
  m.Add("slice", Signature{{rv}, rv, nullptr}, Slice);
  m.Add("len", Signature{{rv}, nullptr, nullptr}, Length);
  m.Add("print", Signature{{}, any, nullptr}, Print);
  m.Add("printf", Signature{{Type::String()}, any, nullptr}, Printf);
  m.Add("println", Signature{{}, any, nullptr}, Println);
  m.Add("eq", Signature{{rv}, rv, nullptr}, Eq);
  m.Add("ge", Signature{{rv, rv}, nullptr, nullptr}, Ge);
  m.Add("gt", Signature{{rv, rv}, nullptr, nullptr}, Gt);
  m.Add("le", Signature{{rv, rv}, nullptr, nullptr}, Le);
  m.Add("lt", Signature{{rv, rv}, nullptr, nullptr}, Lt);
  m.Add("ne", Signature{{rv, rv}, nullptr, nullptr}, Ne);
  return m;
}

}  // namespace

const FuncMap& Builtins() {
  static const FuncMap* builtins = new FuncMap(MakeBuiltins());
  return *builtins;
}

}  // namespace tmpl
}  // namespace confwatch
