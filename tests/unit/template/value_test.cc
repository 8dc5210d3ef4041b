// The value model: Go type names, identity and assignability, integer
// wrap-around, zero values, zero-copy strings, interface boxing and the JSON
// conversion (Go's json.Unmarshal into interface{}).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "template/go_fmt.h"
#include "template/json_value.h"
#include "template/type.h"
#include "template/value.h"
#include "test_funcs.h"

namespace confwatch {
namespace {

TEST(Type, NamesAreReflectTypeStrings) {
  const Type* kv = testing_funcs::KVPairType();
  EXPECT_EQ("[]interface {}", Type::SliceOf(Type::Any())->name());
  EXPECT_EQ("map[string]interface {}", Type::MapOf(Type::String(), Type::Any())->name());
  EXPECT_EQ("[]memkv.KVPair", Type::SliceOf(kv)->name());
  EXPECT_EQ("*memkv.KVPair", Type::PointerTo(kv)->name());
  EXPECT_EQ("memkv.KVPairs", testing_funcs::KVPairsType()->name());
  EXPECT_EQ("map[string][]string", Type::MapOf(Type::String(), Type::SliceOf(Type::String()))->name());
  EXPECT_EQ("uint8", Type::Uint8()->name());
}

TEST(Type, UnnamedCompositesAreInterned) {
  EXPECT_EQ(Type::SliceOf(Type::String()), Type::SliceOf(Type::String()));
  EXPECT_EQ(Type::MapOf(Type::String(), Type::Int()), Type::MapOf(Type::String(), Type::Int()));
  EXPECT_NE(Type::SliceOf(Type::String()), Type::SliceOf(Type::Int()));
}

TEST(Type, AssignabilityFollowsGo) {
  const Type* kvs = testing_funcs::KVPairsType();
  const Type* kv_slice = Type::SliceOf(testing_funcs::KVPairType());
  EXPECT_TRUE(kvs->AssignableTo(kv_slice));      // named to identical unnamed
  EXPECT_TRUE(kv_slice->AssignableTo(kvs));      // and back
  EXPECT_TRUE(Type::Int()->AssignableTo(Type::Any()));
  EXPECT_FALSE(Type::Int()->AssignableTo(Type::Int64()));  // distinct named types
  EXPECT_FALSE(Type::String()->AssignableTo(Type::SliceOf(Type::String())));
  static Type* my_string = Type::NewNamed("main.S", Type::String());  // types are immortal
  EXPECT_FALSE(my_string->AssignableTo(Type::String()));
  EXPECT_TRUE(Type::String()->AssignableTo(Type::ReflectValue()));
}

TEST(Value, IntegersWrapToTheirType) {
  EXPECT_EQ(-56, Value::Integer(Type::Int8(), 200).AsInt());
  EXPECT_EQ(0u, Value::Integer(Type::Uint8(), 256).AsUint());
  EXPECT_EQ(65535u, Value::Integer(Type::Uint16(), static_cast<uint64_t>(-1)).AsUint());
  EXPECT_EQ(-1, Value::Int(-1).AsInt());
}

TEST(Value, ZeroValuesAreGos) {
  Value nil_slice = Value::Zero(Type::SliceOf(Type::String()));
  EXPECT_TRUE(nil_slice.IsNil());
  EXPECT_EQ(0u, nil_slice.Len());
  EXPECT_EQ("[]", gofmt::Sprint({nil_slice}));
  EXPECT_EQ("map[]", gofmt::Sprint({Value::Zero(Type::MapOf(Type::String(), Type::Int()))}));
  EXPECT_EQ("{ }", gofmt::Sprint({Value::Zero(testing_funcs::KVPairType())}));
  EXPECT_EQ("<nil>", gofmt::Sprint({Value::Zero(Type::Any())}));
  EXPECT_EQ("0 false", gofmt::Sprint({Value::Zero(Type::Float64()), Value::Zero(Type::Bool()),
                                       Value::Zero(Type::String())}));
}

TEST(Value, StringRefSharesItsOwnersBytes) {
  auto owner = std::make_shared<const std::string>("key=value");
  std::shared_ptr<const char> bytes(owner, owner->data() + 4);
  Value v = Value::StringRef(bytes, 5);
  EXPECT_EQ("value", v.AsString());
  EXPECT_EQ(owner->data() + 4, v.AsString().data());
  Value copy = v;
  EXPECT_EQ(v.storage(), copy.storage());  // copies share, never duplicate
}

TEST(Value, ElementsOfInterfaceContainersAreBoxed) {
  Value list = ValueFromJson(nlohmann::json::parse(R"([1, "x", null])"));
  EXPECT_EQ("[]interface {}", list.type()->name());
  Value first = list.Index(0);
  EXPECT_TRUE(first.boxed());
  EXPECT_EQ("float64", first.type()->name());
  EXPECT_EQ("interface {}", first.static_type()->name());
  EXPECT_EQ(Kind::kInterface, list.Index(2).kind());
  Value strings = Value::StringList({"a"});
  EXPECT_FALSE(strings.Index(0).boxed());
}

TEST(Value, SharedStringsOwnTheirBytes) {
  std::vector<std::string> source = {"b", "", "10.0.0.1:80"};
  Value list = Value::List(
      Type::SliceOf(Type::String()),
      Value::SharedStrings(std::vector<std::string_view>(source.begin(), source.end())));
  source.assign({"xxxxxxxxxxxxxxxxxxxxxxxx", "yyy", "zzz"});  // the views now dangle
  EXPECT_EQ("[]string", list.type()->name());
  EXPECT_EQ("[b  10.0.0.1:80]", gofmt::Sprint({list}));
  EXPECT_EQ(3u, list.Len());
}

TEST(Value, JsonConvertsLikeGoUnmarshalIntoInterface) {
  Value v = ValueFromJson(nlohmann::json::parse(
      R"({"port": 8080, "big": 12345678901234567890, "f": 0.5, "ok": true, "n": null,
          "list": [{"a": "b"}], "s": "x"})"));
  EXPECT_EQ("map[string]interface {}", v.type()->name());
  EXPECT_EQ("map[big:1.2345678901234567e+19 f:0.5 list:[map[a:b]] n:<nil> ok:true port:8080 s:x]",
            gofmt::Sprint({v}));
  EXPECT_EQ("float64", v.MapIndex("port").type()->name());
  EXPECT_FALSE(v.MapIndex("missing").valid());
}

TEST(Value, PointerPrintsWithAmpersandOnlyAtTopLevel) {
  const Type* p = Type::PointerTo(testing_funcs::KVPairType());
  Value v = Value::Struct(p, {Value::String("/k"), Value::String("v")});
  EXPECT_EQ("&{/k v}", gofmt::Sprint({v}));
  std::string nested = gofmt::Sprint({Value::List(Type::SliceOf(p), {v})});
  EXPECT_EQ("[0x", nested.substr(0, 3));  // Go prints the address
}

}  // namespace
}  // namespace confwatch
