#include "test_funcs.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "template/go_fmt.h"

namespace confwatch {
namespace testing_funcs {
namespace {

using Args = absl::Span<const Value>;

Value Kv(std::string k, std::string v, const Type* t) {
  return Value::Struct(t, {Value::String(std::move(k)), Value::String(std::move(v))});
}

FuncMap Make() {
  const Type* str = Type::String();
  const Type* strs = Type::SliceOf(str);
  FuncMap m;
  m.Add("s", {{str}}, [](ExecContext&, Args a) {
    return Value::String(absl::StrCat("<", std::string(a[0].AsString()), ">"));
  });
  m.Add("i", {{Type::Int()}}, [](ExecContext&, Args a) { return Value::Int(a[0].AsInt() * 2); });
  m.Add("u8", {{Type::Uint8()}}, [](ExecContext&, Args a) {
    return Value::Integer(Type::Uint8(), a[0].AsUint() + 1);
  });
  m.Add("f", {{Type::Float64()}},
        [](ExecContext&, Args a) { return Value::Float64(a[0].AsFloat() / 2); });
  m.Add("b", {{Type::Bool()}}, [](ExecContext&, Args a) { return Value::Bool(!a[0].AsBool()); });
  m.Add("v", {{str}, Type::Int()}, [](ExecContext& ctx, Args a) {
    ValueList xs(a.begin() + 1, a.end());
    Value list = Value::List(Type::SliceOf(Type::Int()), std::move(xs));
    return Value::String(gofmt::Sprint({a[0], list}, &ctx));
  });
  m.Add("e", {}, [](ExecContext&, Args) -> absl::StatusOr<Value> {
    return absl::InvalidArgumentError("boom");
  });
  m.Add("kv", {{str, str}}, [](ExecContext&, Args a) {
    return Kv(std::string(a[0].AsString()), std::string(a[1].AsString()), KVPairType());
  });
  m.Add("kvp", {{str, str}}, [](ExecContext&, Args a) {
    return Kv(std::string(a[0].AsString()), std::string(a[1].AsString()),
              Type::PointerTo(KVPairType()));
  });
  m.Add("kvs", {}, [](ExecContext&, Args) {
    return Value::List(KVPairsType(), {Kv("/a", "1", KVPairType()), Kv("/b", "2", KVPairType())});
  });
  m.Add("ss", {{}, str}, [strs](ExecContext&, Args a) {
    return Value::List(strs, ValueList(a.begin(), a.end()));
  });
  m.Add("any", {{Type::Any()}, nullptr, Type::Any()},
        [](ExecContext&, Args a) { return a[0]; });
  m.Add("m", {}, [](ExecContext&, Args) {
    return Value::Map(Type::MapOf(Type::String(), Type::String()),
                      ValueMap{{"b", Value::String("2")}, {"a", Value::String("1")}});
  });
  m.Add("mi", {}, [](ExecContext&, Args) {
    return Value::Map(Type::MapOf(Type::String(), Type::Int()),
                      ValueMap{{"x", Value::Int(1)}, {"y", Value::Int(-2)}});
  });
  m.Add("nilf", {}, [strs](ExecContext&, Args) { return Value::Zero(strs); });
  m.Add("sl", {{strs}}, [](ExecContext&, Args a) {
    return Value::Int(static_cast<int64_t>(a[0].Len()));
  });
  m.Add("kvf", {{KVPairType()}}, [](ExecContext&, Args a) { return a[0].Field(0); });
  m.Add("split", {{str, str}}, [](ExecContext&, Args a) {
    std::vector<std::string> parts =
        absl::StrSplit(std::string(a[0].AsString()), std::string(a[1].AsString()));
    return Value::StringList(std::move(parts));
  });
  return m;
}

}  // namespace

const Type* KVPairType() {
  static const Type* t = Type::NewStruct(
      "memkv.KVPair", {{"Key", Type::String()}, {"Value", Type::String()}});
  return t;
}

const Type* KVPairsType() {
  static const Type* t = [] {
    Type* named = Type::NewNamed("memkv.KVPairs", Type::SliceOf(KVPairType()));
    named->AddMethod("Len", std::make_shared<const Function>(
                                "Len", Signature{{named}},
                                [](ExecContext&, Args a) {
                                  return Value::Int(static_cast<int64_t>(a[0].Len()));
                                }));
    return named;
  }();
  return t;
}

const FuncMap& TestFuncs() {
  static const FuncMap* m = new FuncMap(Make());
  return *m;
}

}  // namespace testing_funcs
}  // namespace confwatch
