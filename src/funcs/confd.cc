// confd's template functions; see confd.h for the list and the Go
// behaviours they keep. Each function's comment names the Go code it
// reproduces.
#include "funcs/confd.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "golang/path.h"
#include "store/view.h"
#include "golang/sort.h"
#include "funcs/internal.h"
#include "funcs/json.h"
#include "funcs/sprig.h"
#include "golang/unicode.h"
#include "golang/strconv.h"
#include "template/json_value.h"
#include "golang/utf8.h"

namespace confwatch {
namespace {

using funcs_internal::Absl;
using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;
using funcs_internal::Str;
using funcs_internal::StringSlice;

const Type* KVPairSlice() { return Type::SliceOf(KVPairType()); }

// seq refuses ranges longer than this: Go would try to allocate them and a
// typo such as `seq 1 1000000000` would take the daemon's memory.
constexpr int64_t kMaxSeqLength = 1000000;

std::vector<std::string> StringsOf(const Value& list) {
  std::vector<std::string> out;
  out.reserve(list.Len());
  for (const Value& v : list.AsList()) out.emplace_back(v.AsString());
  return out;
}

Value KVPairValue(const KVPair& kv) {
  return Value::Struct(KVPairType(), {Value::String(kv.key), Value::String(kv.value)});
}

// ------------------------------------------------------------------ store

// With no store attached every lookup behaves as over an empty store.
const StoreView& ViewOf(const ExecContext& ctx) {
  if (ctx.store != nullptr) return *ctx.store;
  static const Store* empty_store = new Store();
  static const ViewScope* empty_scope = new ViewScope(*ViewScope::Create("", {}));
  static const StoreView* empty_view = new StoreView(*empty_store, *empty_scope);
  return *empty_view;
}

Result Err(const absl::Status& s) { return absl::InvalidArgumentError(s.message()); }

// A getvs answer as the Store's ValuesCache keeps it: the []string's
// elements as views into the Store's records (16 bytes a value, no copy of
// it), so a render takes the cached list as it is. The views are readable
// until the Store's next modification, which no render outlives; the cache
// changes the list only while no render holds it (values_cache.h).
class GetvsList final : public ValuesCache::SortedValues {
 public:
  static std::unique_ptr<ValuesCache::SortedValues> Make(std::vector<std::string_view> sorted) {
    return std::make_unique<GetvsList>(std::move(sorted));
  }
  // The []string over `answer`, sharing it. REQUIRES: `answer` was made by
  // Make (the cache hands an answer only to the form that made it).
  static Value AsValue(std::shared_ptr<const ValuesCache::SortedValues> answer) {
    const StringViews* elems = &static_cast<const GetvsList&>(*answer).elems_;
    return Value::ViewList(StringSlice(),
                           std::shared_ptr<const StringViews>(std::move(answer), elems));
  }

  explicit GetvsList(std::vector<std::string_view> views) : elems_(std::move(views)) {}
  size_t size() const override { return elems_.views().size(); }
  std::string_view at(size_t i) const override { return elems_.views()[i]; }
  void Insert(size_t i, std::string_view, std::string_view value) override {
    std::vector<std::string_view>& views = elems_.mutable_views();
    views.insert(views.begin() + static_cast<std::ptrdiff_t>(i), value);
  }
  void Erase(size_t i) override {
    std::vector<std::string_view>& views = elems_.mutable_views();
    views.erase(views.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::unique_ptr<ValuesCache::SortedValues> Clone() const override {
    return std::make_unique<GetvsList>(elems_.views());
  }

 private:
  StringViews elems_;
};

// A gets answer as the Store's ValuesCache keeps it: memkv.KVPairs whose
// names and values are views into the Store's records (32 bytes a pair, no
// copy of either), sorted by name, with GetvsList's lifetime rules.
class GetsList final : public ValuesCache::SortedValues {
 public:
  static std::unique_ptr<ValuesCache::SortedValues> Make(
      std::vector<ValuesCache::NamedValue> sorted) {
    std::vector<PairViews::Pair> pairs;
    pairs.reserve(sorted.size());
    for (const ValuesCache::NamedValue& nv : sorted) pairs.push_back({nv.name, nv.value});
    return std::make_unique<GetsList>(std::move(pairs));
  }
  // The memkv.KVPairs over `answer`, sharing it. REQUIRES: `answer` was
  // made by Make.
  static Value AsValue(std::shared_ptr<const ValuesCache::SortedValues> answer) {
    const PairViews* elems = &static_cast<const GetsList&>(*answer).elems_;
    return Value::ViewList(KVPairsType(),
                           std::shared_ptr<const PairViews>(std::move(answer), elems));
  }

  explicit GetsList(std::vector<PairViews::Pair> pairs) : elems_(std::move(pairs)) {}
  size_t size() const override { return elems_.pairs().size(); }
  std::string_view at(size_t i) const override { return elems_.pairs()[i].key; }
  std::string_view SortKey(std::string_view name, std::string_view) const override {
    return name;
  }
  void Insert(size_t i, std::string_view name, std::string_view value) override {
    std::vector<PairViews::Pair>& pairs = elems_.mutable_pairs();
    pairs.insert(pairs.begin() + static_cast<std::ptrdiff_t>(i), PairViews::Pair{name, value});
  }
  void Erase(size_t i) override {
    std::vector<PairViews::Pair>& pairs = elems_.mutable_pairs();
    pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::unique_ptr<ValuesCache::SortedValues> Clone() const override {
    return std::make_unique<GetsList>(elems_.pairs());
  }

 private:
  PairViews elems_;
};

// gets over a scope with odd keys, whose names path.Clean makes: every name
// and value copied into one shared buffer, each field a view into it.
Result CopiedPairs(const StoreView& view, std::string_view pattern) {
  auto bytes = std::make_shared<std::string>();
  std::vector<size_t> sizes;  // name, value, name, value, ...
  absl::Status st = view.ForEachMatch(pattern, [&](std::string_view name, std::string_view value) {
    bytes->append(name.data(), name.size());
    bytes->append(value.data(), value.size());
    sizes.push_back(name.size());
    sizes.push_back(value.size());
  });
  if (!st.ok()) return Err(st);
  const char* next = bytes->data();
  std::shared_ptr<const void> owner = std::move(bytes);
  auto field = [&](size_t size) {
    Value v = Value::StringRef(std::shared_ptr<const char>(owner, next), size);
    next += size;
    return v;
  };
  ValueList out;
  out.reserve(sizes.size() / 2);
  for (size_t i = 0; i < sizes.size(); i += 2) {
    Value name = field(sizes[i]);
    out.push_back(Value::Struct(KVPairType(), {std::move(name), field(sizes[i + 1])}));
  }
  return Value::List(KVPairsType(), std::move(out));
}

void AddStoreFuncs(FuncMap* m) {
  const Type* s = Type::String();
  Def(m, "get", {s}, nullptr, KVPairType(), [](ExecContext& ctx, Args a) -> Result {
    absl::StatusOr<KVPair> kv = ViewOf(ctx).Get(a[0].AsString());
    if (!kv.ok()) return Err(kv.status());
    return KVPairValue(*kv);
  });
  Def(m, "gets", {s}, nullptr, KVPairsType(), [](ExecContext& ctx, Args a) -> Result {
    absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> pairs =
        ViewOf(ctx).SortedAllPairs(a[0].AsString(), &GetsList::Make);
    if (!pairs.ok()) return Err(pairs.status());
    if (*pairs == nullptr) return CopiedPairs(ViewOf(ctx), a[0].AsString());
    return GetsList::AsValue(*std::move(pairs));
  });
  // memkv GetValue(key string, v ...string): the first extra is the default.
  Def(m, "getv", {s}, s, s, [](ExecContext& ctx, Args a) -> Result {
    std::string dflt = a.size() > 1 ? Str(a[1]) : "";
    absl::StatusOr<std::string> v =
        ViewOf(ctx).GetValue(a[0].AsString(), a.size() > 1 ? &dflt : nullptr);
    if (!v.ok()) return Err(v.status());
    return Value::String(std::move(*v));
  });
  Def(m, "getvs", {s}, nullptr, StringSlice(), [](ExecContext& ctx, Args a) -> Result {
    absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> values =
        ViewOf(ctx).SortedAllValues(a[0].AsString(), &GetvsList::Make);
    if (!values.ok()) return Err(values.status());
    return GetvsList::AsValue(*std::move(values));
  });
  Def(m, "ls", {s}, nullptr, StringSlice(), [](ExecContext& ctx, Args a) -> Result {
    return Value::StringList(ViewOf(ctx).List(a[0].AsString()));
  });
  Def(m, "lsdir", {s}, nullptr, StringSlice(), [](ExecContext& ctx, Args a) -> Result {
    return Value::StringList(ViewOf(ctx).ListDir(a[0].AsString()));
  });
  Def(m, "exists", {s}, nullptr, Type::Bool(), [](ExecContext& ctx, Args a) -> Result {
    return Value::Bool(ViewOf(ctx).Exists(a[0].AsString()));
  });
}

// ---------------------------------------------------------------- strings

}  // namespace

namespace funcs_internal {

std::vector<std::string> GoSplit(std::string_view s, std::string_view sep) {
  std::vector<std::string> out;
  if (sep.empty()) {
    while (!s.empty()) {
      utf8::Decoded d = utf8::DecodeRune(s);
      if (d.width == s.size() || d.rune != utf8::kRuneError) {
        out.emplace_back(s.substr(0, d.width));
      } else {
        out.emplace_back("\xEF\xBF\xBD");  // U+FFFD
      }
      s.remove_prefix(d.width);
    }
    return out;
  }
  for (size_t pos; (pos = s.find(sep)) != std::string_view::npos;) {
    out.emplace_back(s.substr(0, pos));
    s.remove_prefix(pos + sep.size());
  }
  out.emplace_back(s);
  return out;
}

}  // namespace funcs_internal

namespace {

using funcs_internal::GoSplit;

}  // namespace

namespace funcs_internal {

std::string GoReplace(std::string_view s, std::string_view old, std::string_view with, int64_t n) {
  if (old == with || n == 0) return std::string(s);
  int64_t count = 0;
  if (old.empty()) {
    count = static_cast<int64_t>(utf8::RuneCount(s)) + 1;
  } else {
    for (size_t pos = 0; (pos = s.find(old, pos)) != std::string_view::npos; pos += old.size()) ++count;
  }
  if (count == 0) return std::string(s);
  if (n < 0 || count < n) n = count;
  std::string out;
  size_t start = 0;
  for (int64_t i = 0; i < n; ++i) {
    size_t j = start;
    if (old.empty()) {
      if (i > 0) j += utf8::DecodeRune(s.substr(start)).width;
    } else {
      j = s.find(old, start);
    }
    out.append(s.substr(start, j - start));
    out.append(with);
    start = j + old.size();
  }
  out.append(s.substr(start));
  return out;
}

}  // namespace funcs_internal

namespace {

using funcs_internal::GoReplace;

void AddStringFuncs(FuncMap* m, const FuncEnv* env) {
  const Type* s = Type::String();
  Def(m, "base", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(GoPathBase(a[0].AsString()));
  });
  Def(m, "dir", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(GoPathDir(a[0].AsString()));
  });
  Def(m, "split", {s, s}, nullptr, StringSlice(), [](ExecContext&, Args a) -> Result {
    return Value::StringList(GoSplit(a[0].AsString(), a[1].AsString()));
  });
  Def(m, "join", {StringSlice(), s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(absl::StrJoin(StringsOf(a[0]), Absl(a[1].AsString())));
  });
  Def(m, "toUpper", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(gounicode::StringToUpper(a[0].AsString()));
  });
  Def(m, "toLower", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(gounicode::StringToLower(a[0].AsString()));
  });
  Def(m, "contains", {s, s}, nullptr, Type::Bool(), [](ExecContext&, Args a) -> Result {
    return Value::Bool(a[0].AsString().find(a[1].AsString()) != std::string_view::npos);
  });
  Def(m, "replace", {s, s, s, Type::Int()}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(GoReplace(a[0].AsString(), a[1].AsString(), a[2].AsString(), a[3].AsInt()));
  });
  Def(m, "trimSuffix", {s, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    std::string_view v = a[0].AsString(), suffix = a[1].AsString();
    if (v.size() >= suffix.size() && v.substr(v.size() - suffix.size()) == suffix) {
      v.remove_suffix(suffix.size());
    }
    return Value::String(std::string(v));
  });
  // confd's Getenv(key string, v ...string): the default also replaces a
  // variable that is set but empty.
  Def(m, "getenv", {s}, s, s, [env](ExecContext&, Args a) -> Result {
    std::string value = env->Getenv(Str(a[0]));
    if (value.empty() && a.size() > 1) value = Str(a[1]);
    return Value::String(std::move(value));
  });
}

// ------------------------------------------------------------ data/codecs

// confd's CreateMap.
Result CreateMap(Args a) {
  if (a.size() % 2 != 0) return absl::InvalidArgumentError("invalid map call");
  ValueMap entries;
  for (size_t i = 0; i < a.size(); i += 2) {
    // Go's values[i].(string): only the type string itself, not a named one.
    if (!a[i].valid() || a[i].type() != Type::String()) {
      return absl::InvalidArgumentError("map keys must be strings");
    }
    entries.insert_or_assign(Str(a[i]), a[i + 1].valid() ? a[i + 1] : Value::Nil());
  }
  return Value::Map(JsonObjectType(), std::move(entries));
}

}  // namespace

namespace funcs_internal {

absl::StatusOr<std::string> Base64Decode(std::string_view src) {
  auto corrupt = [](size_t at) {
    return absl::InvalidArgumentError(absl::StrCat("illegal base64 data at input byte ", at));
  };
  auto decode = [](unsigned char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  auto newline = [&](size_t i) { return i < src.size() && (src[i] == '\n' || src[i] == '\r'); };
  std::string out;
  size_t si = 0;
  while (si < src.size()) {
    uint32_t quantum[4] = {0, 0, 0, 0};
    int dlen = 4;
    for (int j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return out;
        return corrupt(si - j);
      }
      unsigned char in = static_cast<unsigned char>(src[si++]);
      if (int d = decode(in); d >= 0) {
        quantum[j] = static_cast<uint32_t>(d);
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=' || j < 2) return corrupt(si - 1);
      if (j == 2) {  // "==" expected; the first '=' is consumed
        while (newline(si)) ++si;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (newline(si)) ++si;
      if (si < src.size()) return corrupt(si);  // trailing garbage
      dlen = j;
      break;
    }
    uint32_t val = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
    char bytes[3] = {static_cast<char>(val >> 16), static_cast<char>(val >> 8), static_cast<char>(val)};
    out.append(bytes, dlen - 1);
  }
  return out;
}

}  // namespace funcs_internal

namespace {

using funcs_internal::Base64Decode;

// strconv.ParseBool.
Result ParseBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    return Value::Bool(true);
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return Value::Bool(false);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("strconv.ParseBool: parsing ", gostrconv::Quote(s), ": invalid syntax"));
}

// strconv.Atoi: ParseInt(s, 10, 0) reported under the name Atoi.
Result Atoi(std::string_view s) {
  absl::StatusOr<int64_t> n = gostrconv::ParseInt(s, 10, 64);
  if (n.ok()) return Value::Int(*n);
  std::string msg(n.status().message());
  constexpr std::string_view kFrom = "strconv.ParseInt:";
  if (msg.compare(0, kFrom.size(), kFrom) == 0) msg.replace(0, kFrom.size(), "strconv.Atoi:");
  return absl::InvalidArgumentError(msg);
}

void AddDataFuncs(FuncMap* m) {
  const Type* s = Type::String();
  Def(m, "json", {s}, nullptr, JsonObjectType(), [](ExecContext&, Args a) -> Result {
    return GoJsonUnmarshal(a[0].AsString(), JsonObjectType());
  });
  Def(m, "jsonArray", {s}, nullptr, JsonArrayType(), [](ExecContext&, Args a) -> Result {
    return GoJsonUnmarshal(a[0].AsString(), JsonArrayType());
  });
  Def(m, "map", {}, Type::Any(), JsonObjectType(),
      [](ExecContext&, Args a) -> Result { return CreateMap(a); });
  Def(m, "base64Encode", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(absl::Base64Escape(Absl(a[0].AsString())));
  });
  Def(m, "base64Decode", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::string> out = Base64Decode(a[0].AsString());
    if (!out.ok()) return out.status();
    return Value::String(std::move(*out));
  });
  Def(m, "parseBool", {s}, nullptr, Type::Bool(),
      [](ExecContext&, Args a) -> Result { return ParseBool(a[0].AsString()); });
  Def(m, "atoi", {s}, nullptr, Type::Int(),
      [](ExecContext&, Args a) -> Result { return Atoi(a[0].AsString()); });
}

// ------------------------------------------------------------------ lists

// confd's Reverse: only []string and []memkv.KVPair are reversed; anything
// else, memkv.KVPairs from `gets` included, comes back as it is.
Result Reverse(const Value& v) {
  if (!v.valid() || (v.type() != StringSlice() && v.type() != KVPairSlice()) || v.IsNil()) {
    return v;  // a nil slice stays nil (toJson: null)
  }
  ValueList elems(v.AsList().rbegin(), v.AsList().rend());
  return Value::List(v.type(), std::move(elems));
}

void AddListFuncs(FuncMap* m) {
  Def(m, "reverse", {Type::Any()}, nullptr, Type::Any(),
      [](ExecContext&, Args a) -> Result { return Reverse(a[0]); });
  Def(m, "sortByLength", {StringSlice()}, nullptr, StringSlice(), [](ExecContext&, Args a) -> Result {
    if (a[0].IsNil()) return Value::Zero(StringSlice());
    ValueList elems = a[0].AsList();
    GoSort(&elems, [](const Value& x, const Value& y) { return x.Len() < y.Len(); });
    return Value::List(StringSlice(), std::move(elems));
  });
  Def(m, "sortKVByLength", {KVPairSlice()}, nullptr, KVPairSlice(), [](ExecContext&, Args a) -> Result {
    if (a[0].IsNil()) return Value::Zero(KVPairSlice());
    ValueList elems = a[0].AsList();
    GoSort(&elems, [](const Value& x, const Value& y) {
      return x.AsFields()[0].Len() < y.AsFields()[0].Len();
    });
    return Value::List(KVPairSlice(), std::move(elems));
  });
  // confd's Seq: first..last inclusive; a nil slice when first > last.
  Def(m, "seq", {Type::Int(), Type::Int()}, nullptr, Type::SliceOf(Type::Int()),
      [](ExecContext&, Args a) -> Result {
        int64_t first = a[0].AsInt(), last = a[1].AsInt();
        if (first > last) return Value::Zero(Type::SliceOf(Type::Int()));
        if (static_cast<uint64_t>(last) - static_cast<uint64_t>(first) >= kMaxSeqLength) {
          return absl::InvalidArgumentError(
              absl::StrCat("seq: more than ", kMaxSeqLength, " elements"));
        }
        ValueList out;
        for (int64_t i = first;; ++i) {
          out.push_back(Value::Int(i));
          if (i == last) break;  // last may be the largest int
        }
        return Value::List(Type::SliceOf(Type::Int()), std::move(out));
      });
}

// ------------------------------------------------------------------- math

// Go's int arithmetic wraps around on overflow.
int64_t Wrap(uint64_t v) { return static_cast<int64_t>(v); }

void AddMathFuncs(FuncMap* m) {
  const Type* i = Type::Int();
  auto u = [](const Value& v) { return static_cast<uint64_t>(v.AsInt()); };
  Def(m, "add", {i, i}, nullptr, i, [u](ExecContext&, Args a) -> Result {
    return Value::Int(Wrap(u(a[0]) + u(a[1])));
  });
  Def(m, "sub", {i, i}, nullptr, i, [u](ExecContext&, Args a) -> Result {
    return Value::Int(Wrap(u(a[0]) - u(a[1])));
  });
  Def(m, "mul", {i, i}, nullptr, i, [u](ExecContext&, Args a) -> Result {
    return Value::Int(Wrap(u(a[0]) * u(a[1])));
  });
  // Go panics on a zero divisor; text/template reports the panic.
  Def(m, "div", {i, i}, nullptr, i, [](ExecContext&, Args a) -> Result {
    int64_t x = a[0].AsInt(), y = a[1].AsInt();
    if (y == 0) return absl::InvalidArgumentError("runtime error: integer divide by zero");
    if (y == -1) return Value::Int(Wrap(0 - static_cast<uint64_t>(x)));  // MinInt / -1 wraps
    return Value::Int(x / y);
  });
  Def(m, "mod", {i, i}, nullptr, i, [](ExecContext&, Args a) -> Result {
    int64_t x = a[0].AsInt(), y = a[1].AsInt();
    if (y == 0) return absl::InvalidArgumentError("runtime error: integer divide by zero");
    if (y == -1) return Value::Int(0);
    return Value::Int(x % y);
  });
}

}  // namespace

const Type* KVPairType() {
  static const Type* type =
      Type::NewStruct("memkv.KVPair", {{"Key", Type::String()}, {"Value", Type::String()}});
  return type;
}

const Type* KVPairsType() {
  static const Type* type = Type::NewNamed("memkv.KVPairs", Type::SliceOf(KVPairType()));
  return type;
}

FuncMap ConfdFuncMap(const FuncEnv& env) {
  FuncMap m;
  AddStoreFuncs(&m);
  AddStringFuncs(&m, &env);
  AddDataFuncs(&m);
  AddListFuncs(&m);
  AddMathFuncs(&m);
  funcs_internal::AddSystemFuncs(&m, &env);
  return m;
}

FuncMap ConfwatchFuncMap(const FuncEnv& env) {
  FuncMap m = ConfdFuncMap(env);
  m.Merge(SprigFuncMap(env));
  return m;
}

}  // namespace confwatch
