// The functions confwatch adds beyond confd; see sprig.h. Each
// follows the sprig v3.2 function of the same name (Masterminds/sprig,
// defaults.go, strings.go, dict.go, list.go, crypto.go), quirks included,
// except hostname and include, which follow the maintained confd fork.
#include "funcs/sprig.h"

#include <array>
#include <functional>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "golang/path.h"
#include "funcs/internal.h"
#include "funcs/json.h"
#include "golang/unicode.h"
#include "template/go_fmt.h"
#include "golang/strconv.h"
#include "template/json_value.h"
#include "template/template.h"
#include "golang/utf8.h"

namespace confwatch {
namespace {

using funcs_internal::Absl;
using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;
using funcs_internal::Str;
using funcs_internal::StringSlice;

// A Go nil interface{} argument (not a typed nil such as a nil slice).
bool IsNilInterface(const Value& v) { return !v.valid() || v.kind() == Kind::kInterface; }

// sprig's strval: strings as they are, anything else as fmt's %v.
std::string Strval(const Value& v, ExecContext& ctx) {
  if (v.valid() && v.kind() == Kind::kString) return std::string(v.AsString());
  std::string out;
  gofmt::AppendPrint(&out, v, &ctx);
  return out;
}

// ----------------------------------------------------------- defaults.go

// sprig's empty: nil, zero numbers, false, and empty strings, slices and
// maps are empty; structs never are.
bool Empty(const Value& v) {
  if (IsNilInterface(v)) return true;
  switch (v.kind()) {
    case Kind::kString:
    case Kind::kSlice:
    case Kind::kMap: return v.Len() == 0;
    case Kind::kBool: return !v.AsBool();
    case Kind::kFloat32:
    case Kind::kFloat64: return v.AsFloat() == 0;
    case Kind::kStruct: return false;
    case Kind::kPointer: return v.IsNil();
    default: break;
  }
  if (v.type()->IsUnsigned()) return v.AsUint() == 0;
  if (v.type()->IsInteger()) return v.AsInt() == 0;
  return v.IsNil();
}

Value OrNil(const Value& v) { return v.valid() ? v : Value::Nil(); }

void AddDefaultsFuncs(FuncMap* m) {
  const Type* any = Type::Any();
  // default(d, given...): d when given is missing or empty.
  Def(m, "default", {any}, any, any, [](ExecContext&, Args a) -> Result {
    if (a.size() < 2 || Empty(a[1])) return OrNil(a[0]);
    return a[1];
  });
  Def(m, "empty", {any}, nullptr, Type::Bool(),
      [](ExecContext&, Args a) -> Result { return Value::Bool(Empty(a[0])); });
  Def(m, "coalesce", {}, any, any, [](ExecContext&, Args a) -> Result {
    for (const Value& v : a) {
      if (!Empty(v)) return v;
    }
    return Value::Nil();
  });
  Def(m, "ternary", {any, any, Type::Bool()}, nullptr, any, [](ExecContext&, Args a) -> Result {
    return OrNil(a[2].AsBool() ? a[0] : a[1]);
  });
  // toJson/toPrettyJson swallow marshalling errors: the output is "".
  Def(m, "toJson", {any}, nullptr, Type::String(), [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::string> out = GoJsonMarshal(a[0]);
    return Value::String(out.ok() ? *out : "");
  });
  Def(m, "toPrettyJson", {any}, nullptr, Type::String(), [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::string> out = GoJsonMarshal(a[0], "  ");
    return Value::String(out.ok() ? *out : "");
  });
  // fromJson ignores errors: whatever json.Unmarshal left (nil on bad JSON).
  Def(m, "fromJson", {Type::String()}, nullptr, any, [](ExecContext&, Args a) -> Result {
    Value partial;
    absl::StatusOr<Value> v = GoJsonUnmarshal(a[0].AsString(), Type::Any(), &partial);
    return v.ok() ? *v : partial;
  });
}

// ------------------------------------------------------------ strings.go

// strings.Repeat, which panics on a negative count.
absl::StatusOr<std::string> Repeat(std::string_view s, int64_t count) {
  if (count < 0) return absl::InvalidArgumentError("strings: negative Repeat count");
  if (count > 0 && s.size() > (size_t{1} << 30) / static_cast<uint64_t>(count)) {
    return absl::InvalidArgumentError("strings: Repeat output length overflow");
  }
  std::string out;
  out.reserve(s.size() * count);
  for (int64_t i = 0; i < count; ++i) out.append(s);
  return out;
}

Result Indent(int64_t spaces, std::string_view v, bool newline) {
  absl::StatusOr<std::string> pad = Repeat(" ", spaces);
  if (!pad.ok()) return pad.status();
  std::string out = newline ? "\n" : "";
  out.append(*pad);
  for (char c : v) {
    out.push_back(c);
    if (c == '\n') out.append(*pad);
  }
  return Value::String(std::move(out));
}

// goutils.DeleteWhiteSpace: works on BYTES, each taken as a rune, so 0x85
// and 0xA0 count as white space and other bytes >= 0x80 are re-encoded.
std::string NoSpace(std::string_view s) {
  std::string out;
  size_t kept = 0;
  for (unsigned char b : s) {
    if (gounicode::IsSpace(b)) continue;
    utf8::AppendRune(&out, b);
    ++kept;
  }
  return kept == s.size() ? std::string(s) : out;
}

// quote/squote: each non-nil argument, joined with spaces.
std::string QuoteEach(Args a, ExecContext& ctx, bool single) {
  std::vector<std::string> out;
  for (const Value& v : a) {
    if (IsNilInterface(v)) continue;
    out.push_back(single ? absl::StrCat("'", Strval(v, ctx), "'")
                         : gostrconv::Quote(Strval(v, ctx)));
  }
  return absl::StrJoin(out, " ");
}

void AddStringFuncs(FuncMap* m) {
  const Type* s = Type::String();
  const Type* i = Type::Int();
  Def(m, "indent", {i, s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Indent(a[0].AsInt(), a[1].AsString(), false); });
  Def(m, "nindent", {i, s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Indent(a[0].AsInt(), a[1].AsString(), true); });
  Def(m, "quote", {}, Type::Any(), s, [](ExecContext& ctx, Args a) -> Result {
    return Value::String(QuoteEach(a, ctx, false));
  });
  Def(m, "squote", {}, Type::Any(), s, [](ExecContext& ctx, Args a) -> Result {
    return Value::String(QuoteEach(a, ctx, true));
  });
  // sprig's trimPrefix takes the prefix first, for pipelines.
  Def(m, "trimPrefix", {s, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    std::string_view v = a[1].AsString(), prefix = a[0].AsString();
    if (v.substr(0, prefix.size()) == prefix) v.remove_prefix(prefix.size());
    return Value::String(std::string(v));
  });
  Def(m, "repeat", {i, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::string> out = Repeat(a[1].AsString(), a[0].AsInt());
    if (!out.ok()) return out.status();
    return Value::String(std::move(*out));
  });
  Def(m, "nospace", {s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Value::String(NoSpace(a[0].AsString())); });
}

// -------------------------------------------------------- dict.go/list.go

// reflect.Kind.String() of a value's type, for push's message.
std::string KindName(const Value& v) {
  switch (v.kind()) {
    case Kind::kBool: return "bool";
    case Kind::kFloat32: return "float32";
    case Kind::kFloat64: return "float64";
    case Kind::kString: return "string";
    case Kind::kMap: return "map";
    case Kind::kStruct: return "struct";
    case Kind::kPointer: return "ptr";
    default: return v.type()->underlying()->name();  // int, uint8, ...
  }
}

// One step of reflect.DeepEqual: whether a and b can be equal judging by
// themselves (types, nil-ness, lengths, scalar contents). Pairs of elements
// still to compare are appended to *todo.
bool ShallowEqual(const Value& a, const Value& b, std::vector<std::pair<Value, Value>>* todo) {
  if (IsNilInterface(a) || IsNilInterface(b)) return IsNilInterface(a) && IsNilInterface(b);
  if (a.type() != b.type()) return false;
  switch (a.kind()) {
    case Kind::kBool: return a.AsBool() == b.AsBool();
    case Kind::kFloat32:
    case Kind::kFloat64: return a.AsFloat() == b.AsFloat();
    case Kind::kString: return a.AsString() == b.AsString();
    case Kind::kSlice:
      if (a.IsNil() != b.IsNil() || a.Len() != b.Len()) return false;
      for (size_t i = 0; i < a.Len(); ++i) todo->emplace_back(a.Index(i), b.Index(i));
      return true;
    case Kind::kMap:
      if (a.IsNil() != b.IsNil() || a.Len() != b.Len()) return false;
      for (const auto& [key, value] : a.AsMap()) {
        if (b.AsMap().count(key) == 0) return false;
        todo->emplace_back(a.MapIndex(key), b.MapIndex(key));
      }
      return true;
    case Kind::kStruct:
    case Kind::kPointer:
      if (a.kind() == Kind::kPointer && (a.IsNil() || b.IsNil())) return a.IsNil() && b.IsNil();
      for (size_t i = 0; i < a.AsFields().size(); ++i) todo->emplace_back(a.Field(i), b.Field(i));
      return true;
    default: return a.AsUint() == b.AsUint();  // integer kinds
  }
}

// reflect.DeepEqual over template values: identical types, then equal
// contents; a nil slice or map differs from an empty one. Iterative (a
// work list, not recursion): values may be nested deeper than the stack.
bool DeepEqual(const Value& a, const Value& b) {
  std::vector<std::pair<Value, Value>> todo;
  todo.emplace_back(a, b);
  while (!todo.empty()) {
    std::pair<Value, Value> next = std::move(todo.back());
    todo.pop_back();
    if (!ShallowEqual(next.first, next.second, &todo)) return false;
  }
  return true;
}

// The elements of a list argument, unboxed, or sprig's panic text for
// anything else ("Cannot find rest on type string").
absl::StatusOr<ValueList> ListArg(const Value& v, std::string_view what) {
  if (IsNilInterface(v)) {
    return absl::InvalidArgumentError("runtime error: invalid memory address or nil pointer dereference");
  }
  if (v.kind() != Kind::kSlice) {
    return absl::InvalidArgumentError(absl::StrCat("Cannot ", Absl(what), " on type ", KindName(v)));
  }
  ValueList out;
  for (size_t i = 0; i < v.Len(); ++i) out.push_back(v.Index(i).Boxed(false));
  return out;
}

Value InterfaceList(ValueList elems) { return Value::List(JsonArrayType(), std::move(elems)); }

bool Contains(const ValueList& list, const Value& v) {
  for (const Value& x : list) {
    if (DeepEqual(x, v)) return true;
  }
  return false;
}

// The elements of list `v` that `keep` accepts, given those kept so far, as
// a new []interface{}.
Result FilterList(const Value& v, std::string_view what,
                  const std::function<bool(const ValueList& kept, const Value& item)>& keep) {
  absl::StatusOr<ValueList> l = ListArg(v, what);
  if (!l.ok()) return l.status();
  ValueList out;
  for (const Value& item : *l) {
    if (keep(out, item)) out.push_back(item);
  }
  return InterfaceList(std::move(out));
}

// rest initial uniq without compact has: sprig's list.go, which panics on a
// non-list (text/template reports "error calling ...").
void AddListShapeFuncs(FuncMap* m) {
  const Type* any = Type::Any();
  for (bool rest : {true, false}) {
    std::string name = rest ? "rest" : "initial";
    Def(m, name, {any}, nullptr, JsonArrayType(), [name, rest](ExecContext&, Args a) -> Result {
      absl::StatusOr<ValueList> l = ListArg(a[0], "find " + name);
      if (!l.ok()) return l.status();
      if (l->empty()) return Value::Zero(JsonArrayType());
      return InterfaceList(rest ? ValueList(l->begin() + 1, l->end()) : ValueList(l->begin(), l->end() - 1));
    });
  }
  Def(m, "uniq", {any}, nullptr, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    return FilterList(a[0], "find uniq", [](const ValueList& kept, const Value& v) { return !Contains(kept, v); });
  });
  Def(m, "without", {any}, any, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    ValueList omit;
    for (size_t i = 1; i < a.size(); ++i) omit.push_back(OrNil(a[i]));
    return FilterList(a[0], "find without", [&omit](const ValueList&, const Value& v) { return !Contains(omit, v); });
  });
  Def(m, "compact", {any}, nullptr, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    return FilterList(a[0], "compact", [](const ValueList&, const Value& v) { return !Empty(v); });
  });
  // has NEEDLE LIST: false for a nil list.
  Def(m, "has", {any, any}, nullptr, Type::Bool(), [](ExecContext&, Args a) -> Result {
    if (IsNilInterface(a[1])) return Value::Bool(false);
    absl::StatusOr<ValueList> l = ListArg(a[1], "find has");
    if (!l.ok()) return l.status();
    return Value::Bool(Contains(*l, OrNil(a[0])));
  });
}

void AddCollectionFuncs(FuncMap* m) {
  const Type* any = Type::Any();
  const Type* dict = JsonObjectType();
  // dict: keys through strval; a missing last value is "".
  Def(m, "dict", {}, any, dict, [dict](ExecContext& ctx, Args a) -> Result {
    ValueMap entries;
    for (size_t i = 0; i < a.size(); i += 2) {
      Value v = i + 1 < a.size() ? OrNil(a[i + 1]) : Value::String("");
      entries.insert_or_assign(Strval(a[i], ctx), v);
    }
    return Value::Map(dict, std::move(entries));
  });
  Def(m, "list", {}, any, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    ValueList elems;
    for (const Value& v : a) elems.push_back(OrNil(v));
    return Value::List(JsonArrayType(), std::move(elems));
  });
  Def(m, "hasKey", {dict, Type::String()}, nullptr, Type::Bool(), [](ExecContext&, Args a) -> Result {
    return Value::Bool(a[0].AsMap().count(a[1].AsString()) > 0);
  });
  // keys/values: sprig yields Go's random map order; sorted is one of them.
  Def(m, "keys", {}, dict, StringSlice(), [](ExecContext&, Args a) -> Result {
    std::vector<std::string> keys;
    for (const Value& d : a) {
      for (const auto& entry : d.AsMap()) keys.push_back(entry.first);
    }
    return Value::StringList(std::move(keys));
  });
  Def(m, "values", {dict}, nullptr, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    ValueList vals;
    for (const auto& entry : a[0].AsMap()) vals.push_back(entry.second);
    return Value::List(JsonArrayType(), std::move(vals));
  });
  // sprig's push: a new []interface{} with v appended; panics on non-lists.
  Def(m, "append", {any, any}, nullptr, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    if (IsNilInterface(a[0])) {
      return absl::InvalidArgumentError(
          "runtime error: invalid memory address or nil pointer dereference");
    }
    if (a[0].kind() != Kind::kSlice) {
      return absl::InvalidArgumentError(absl::StrCat("Cannot push on type ", KindName(a[0])));
    }
    ValueList elems;
    for (size_t i = 0; i < a[0].Len(); ++i) elems.push_back(a[0].Index(i).Boxed(false));
    elems.push_back(OrNil(a[1]));
    return Value::List(JsonArrayType(), std::move(elems));
  });
  // first/last: nil for an empty list; panic on anything but a list.
  for (bool is_first : {true, false}) {
    std::string name = is_first ? "first" : "last";
    Def(m, name, {any}, nullptr, any, [name, is_first](ExecContext&, Args a) -> Result {
      if (IsNilInterface(a[0])) {
        return absl::InvalidArgumentError(
            "runtime error: invalid memory address or nil pointer dereference");
      }
      if (a[0].kind() != Kind::kSlice) {
        return absl::InvalidArgumentError(
            absl::StrCat("Cannot find ", name, " on type ", KindName(a[0])));
      }
      if (a[0].Len() == 0) return Value::Nil();
      return a[0].Index(is_first ? 0 : a[0].Len() - 1).Boxed(false);
    });
  }
  AddListShapeFuncs(m);
  Def(m, "toString", {any}, nullptr, Type::String(),
      [](ExecContext& ctx, Args a) -> Result { return Value::String(Strval(a[0], ctx)); });
}

// -------------------------------------------------------------- crypto.go

// SHA-256 (FIPS 180-4), hex encoded.
std::string Sha256Hex(std::string_view data) {
  static constexpr uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  std::string msg(data);
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>(bits >> (i * 8)));
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(&msg[chunk + 4 * i]);
      w[i] = uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
    }
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t v[8];
    std::copy(h, h + 8, v);
    for (int i = 0; i < 64; ++i) {
      uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
      uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      std::copy_backward(v, v + 7, v + 8);
      v[4] += t1;
      v[0] = t1 + s0 + maj;
    }
    for (int i = 0; i < 8; ++i) h[i] += v[i];
  }
  std::string digest;
  for (uint32_t word : h) {
    for (int i = 3; i >= 0; --i) digest.push_back(static_cast<char>(word >> (i * 8)));
  }
  return absl::BytesToHexString(digest);
}

// ------------------------------------------------------ confd fork extras

// The chain of templates being included on this thread: include runs the
// nested template synchronously, so a thread-local stack sees exactly the
// current chain.
thread_local std::vector<std::string> include_stack;

// include NAME [DATA]: NAME is resolved inside the templates directory
// (like filepath.Join + the fork's isPathWithin: it may not climb out, and
// a first element starting with '.' is refused).
Result Include(ExecContext& ctx, Args a) {
  std::string_view raw = a[0].AsString();
  std::string_view rel = raw;
  while (!rel.empty() && rel[0] == '/') rel.remove_prefix(1);
  std::string name = GoPathClean(rel);
  if (name[0] == '.') {
    return absl::InvalidArgumentError(absl::StrCat("include path ", gostrconv::Quote(raw),
                                                   " is outside template directory"));
  }
  for (const std::string& open : include_stack) {
    if (open == name) {
      return absl::InvalidArgumentError(
          absl::StrCat("include cycle detected: ", name, " is already being processed"));
    }
  }
  if (include_stack.size() >= static_cast<size_t>(kMaxIncludeDepth)) {
    return absl::InvalidArgumentError(
        absl::StrCat("maximum include depth (", kMaxIncludeDepth, ") exceeded"));
  }
  if (!ctx.load_template) {
    return absl::InvalidArgumentError(absl::StrCat("include ", name, ": no template loader"));
  }
  absl::StatusOr<std::shared_ptr<const Template>> tmpl = ctx.load_template(name);
  if (!tmpl.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("include ", name, ": ", tmpl.status().message()));
  }
  ExecContext nested = ctx;
  nested.template_name = name;
  std::string out;
  include_stack.push_back(name);
  absl::Status s = (*tmpl)->Execute(a.size() > 1 ? OrNil(a[1]) : Value::Nil(), nested, &out);
  include_stack.pop_back();
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("execute include ", name, ": ", s.message()));
  }
  return Value::String(std::move(out));
}

void AddForkFuncs(FuncMap* m, const FuncEnv* env) {
  const Type* s = Type::String();
  Def(m, "sha256sum", {s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Value::String(Sha256Hex(a[0].AsString())); });
  Def(m, "hostname", {}, nullptr, s, [env](ExecContext&, Args) -> Result {
    absl::StatusOr<std::string> host = env->Hostname();
    if (!host.ok()) return host.status();
    return Value::String(std::move(*host));
  });
  Def(m, "include", {s}, Type::Any(), s, Include);
}

}  // namespace

FuncMap SprigFuncMap(const FuncEnv& env) {
  FuncMap m;
  AddDefaultsFuncs(&m);
  AddStringFuncs(&m);
  AddCollectionFuncs(&m);
  funcs_internal::AddRegexFuncs(&m);
  AddForkFuncs(&m, &env);
  funcs_internal::AddInterfaceFuncs(&m, &env);
  funcs_internal::AddSprigExtraFuncs(&m, &env);
  funcs_internal::AddYamlFuncs(&m);
  return m;
}

}  // namespace confwatch
