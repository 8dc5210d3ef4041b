// Go's encoding/json as used by json, jsonArray, fromJson, toJson and
// toPrettyJson. Every expected string below was produced by Go 1.19's
// json.Unmarshal / json.Marshal / json.MarshalIndent on the same input.
#include "funcs/json.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "funcs/confd.h"
#include "funcs/time.h"
#include "template/json_value.h"

namespace confwatch {
namespace {

struct DecodeCase {
  const char* input;
  const char* map_result;    // error text, or the re-encoded value
  const char* array_result;
  const char* any_result;
};

// Decodes into the three targets and re-encodes successes with Marshal.
std::string Decode(std::string_view input, const Type* target) {
  absl::StatusOr<Value> v = GoJsonUnmarshal(input, target);
  if (!v.ok()) return "error: " + std::string(v.status().message());
  absl::StatusOr<std::string> text = GoJsonMarshal(*v);
  return text.ok() ? *text : "marshal error: " + std::string(text.status().message());
}

TEST(GoJsonUnmarshal, SyntaxErrorsUseGoScannerMessages) {
  const std::pair<const char*, const char*> cases[] = {  // input, error
      {"", "unexpected end of JSON input"},
      {" ", "unexpected end of JSON input"},
      {"{", "unexpected end of JSON input"},
      {"[1,", "unexpected end of JSON input"},
      {"[1,]", "invalid character ']' looking for beginning of value"},
      {"{\"a\":1,}", "invalid character '}' looking for beginning of object key string"},
      {"{,}", "invalid character ',' looking for beginning of object key string"},
      {"{1:2}", "invalid character '1' looking for beginning of object key string"},
      {"{\"a\" 1}", "invalid character '1' after object key"},
      {"{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair"},
      {"[1 2]", "invalid character '2' after array element"},
      {"tru", "invalid character ' ' in literal true (expecting 'e')"},
      {"trUe", "invalid character 'U' in literal true (expecting 'u')"},
      {"nul", "invalid character ' ' in literal null (expecting 'l')"},
      {"fals", "invalid character ' ' in literal false (expecting 'e')"},
      {"-", "invalid character ' ' in numeric literal"},
      {"-a", "invalid character 'a' in numeric literal"},
      {"01", "invalid character '1' after top-level value"},
      {"1.", "invalid character ' ' after decimal point in numeric literal"},
      {"1.x", "invalid character 'x' after decimal point in numeric literal"},
      {"1e", "invalid character ' ' in exponent of numeric literal"},
      {"1e+", "invalid character ' ' in exponent of numeric literal"},
      {"1ex", "invalid character 'x' in exponent of numeric literal"},
      {"\"abc", "unexpected end of JSON input"},
      {"\"a\\", "invalid character ' ' in string escape code"},
      {"\"a\\x\"", "invalid character 'x' in string escape code"},
      {"\"a\\u12\"", "invalid character '\"' in \\u hexadecimal character escape"},
      {"\"a\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape"},
      {"\"\x01\"", "invalid character '\\x01' in string literal"},
      {"x", "invalid character 'x' looking for beginning of value"},
      {"\xc3\xa9", "invalid character '\xc3\x83' looking for beginning of value"},  // byte C3 shows as U+00C3
      {"'a'", "invalid character '\\'' looking for beginning of value"},
      {"1 2", "invalid character '2' after top-level value"},
      {"[1] x", "invalid character 'x' after top-level value"},
      {"\x80", "invalid character '\\u0080' looking for beginning of value"},
      {"\x7f", "invalid character '\\x7f' looking for beginning of value"},
      {"[1]]", "invalid character ']' after top-level value"},
  };
  for (const auto& [input, error] : cases) {
    SCOPED_TRACE(input);
    std::string want = std::string("error: ") + error;
    // A syntax error is the same whatever the target.
    EXPECT_EQ(want, Decode(input, JsonObjectType()));
    EXPECT_EQ(want, Decode(input, JsonArrayType()));
    EXPECT_EQ(want, Decode(input, Type::Any()));
  }
}

TEST(GoJsonUnmarshal, TypeErrorsNameTheTargetType) {
  const DecodeCase cases[] = {
      {"[1,2]", "error: json: cannot unmarshal array into Go value of type map[string]interface {}",
       "[1,2]", "[1,2]"},
      {"\"s\"", "error: json: cannot unmarshal string into Go value of type map[string]interface {}",
       "error: json: cannot unmarshal string into Go value of type []interface {}", "\"s\""},
      {"true", "error: json: cannot unmarshal bool into Go value of type map[string]interface {}",
       "error: json: cannot unmarshal bool into Go value of type []interface {}", "true"},
      {"3", "error: json: cannot unmarshal number into Go value of type map[string]interface {}",
       "error: json: cannot unmarshal number into Go value of type []interface {}", "3"},
      {"{\"a\":1,\"a\":2}", "{\"a\":2}",
       "error: json: cannot unmarshal object into Go value of type []interface {}", "{\"a\":2}"},
      {"null", "null", "null", "null"},
      {"1e400", "error: json: cannot unmarshal number into Go value of type map[string]interface {}",
       "error: json: cannot unmarshal number into Go value of type []interface {}",
       "error: json: cannot unmarshal number 1e400 into Go value of type float64"},
      {"[1e400, 2]", "error: json: cannot unmarshal array into Go value of type map[string]interface {}",
       "error: json: cannot unmarshal number 1e400 into Go value of type float64",
       "error: json: cannot unmarshal number 1e400 into Go value of type float64"},
  };
  for (const DecodeCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(c.map_result, Decode(c.input, JsonObjectType()));
    EXPECT_EQ(c.array_result, Decode(c.input, JsonArrayType()));
    EXPECT_EQ(c.any_result, Decode(c.input, Type::Any()));
  }
}

TEST(GoJsonUnmarshal, StringsAreUnquotedAndCoercedToUtf8) {
  const std::pair<const char*, const char*> cases[] = {
      {"\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\""},  // surrogate pair joins
      {"\"\\ud800x\"", "\"\xef\xbf\xbdx\""},          // lone surrogate: U+FFFD
      {"\"\\udc00\\ud800\"", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
      {"\"\xff\"", "\"\xef\xbf\xbd\""},  // invalid UTF-8 byte: U+FFFD
      {"\"a\\/b\\b\\f\"", "\"a/b\\u0008\\u000c\""},
  };
  for (const auto& [input, want] : cases) {
    SCOPED_TRACE(input);
    EXPECT_EQ(want, Decode(input, Type::Any()));
  }
}

TEST(GoJsonUnmarshal, NumbersAreFloat64AndNestedValuesBoxed) {
  absl::StatusOr<Value> v = GoJsonUnmarshal(R"({"port": 8080, "tags": ["a"]})", JsonObjectType());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(JsonObjectType(), v->type());
  Value port = v->MapIndex("port");
  EXPECT_EQ(Kind::kFloat64, port.kind());
  EXPECT_EQ(8080.0, port.AsFloat());
  EXPECT_TRUE(port.boxed());
  EXPECT_EQ(JsonArrayType(), v->MapIndex("tags").type());
}

TEST(GoJsonUnmarshal, PartialResultIsWhatGoLeavesBehind) {
  Value partial;
  EXPECT_FALSE(GoJsonUnmarshal("[1e400, 2]", Type::Any(), &partial).ok());
  EXPECT_EQ("[null,2]", *GoJsonMarshal(partial));  // Go: [<nil> 2]
  EXPECT_FALSE(GoJsonUnmarshal("{bad", Type::Any(), &partial).ok());
  EXPECT_TRUE(partial.IsNil());
}

TEST(GoJsonUnmarshal, DeepNestingStopsAtGoLimit) {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  EXPECT_TRUE(GoJsonUnmarshal(deep, Type::Any()).ok());
  // The deepest value JSON can give marshals back without exhausting the
  // stack either.
  absl::StatusOr<Value> v = GoJsonUnmarshal(deep, Type::Any());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(deep, *GoJsonMarshal(*v));
  std::string deeper(10001, '[');
  EXPECT_EQ("invalid character '[' exceeded max depth",
            GoJsonUnmarshal(deeper, Type::Any()).status().message());
}

TEST(GoJsonMarshal, FloatsFollowGoFormatting) {
  const std::pair<double, const char*> cases[] = {
      {0, "0"}, {1, "1"}, {-1.5, "-1.5"}, {0.1, "0.1"}, {1e-6, "0.000001"}, {1e-7, "1e-7"},
      {123456789, "123456789"}, {1e20, "100000000000000000000"}, {1e21, "1e+21"},
      {1.5e300, "1.5e+300"}, {5e-324, "5e-324"}, {0.000001234, "0.000001234"},
      {3.14159265358979, "3.14159265358979"},
  };
  for (const auto& [f, want] : cases) {
    EXPECT_EQ(want, *GoJsonMarshal(Value::Float64(f))) << f;
  }
  EXPECT_EQ("0.1", *GoJsonMarshal(Value::Float(Type::Float32(), 0.1f)));
  EXPECT_EQ("1e+21", *GoJsonMarshal(Value::Float(Type::Float32(), 1e21f)));
}

TEST(GoJsonMarshal, NonFiniteFloatsFail) {
  EXPECT_EQ("json: unsupported value: NaN",
            GoJsonMarshal(Value::Float64(std::nan(""))).status().message());
  EXPECT_EQ("json: unsupported value: -Inf",
            GoJsonMarshal(Value::Float64(-INFINITY)).status().message());
  ValueMap m;
  m["k"] = Value::Float64(INFINITY);
  EXPECT_EQ("json: unsupported value: +Inf",
            GoJsonMarshal(Value::Map(JsonObjectType(), m)).status().message());
}

TEST(GoJsonMarshal, StringsEscapeHtmlControlAndLineSeparators) {
  Value s = Value::String("a\"b\\c\n\r\t\x01\x08\x0c<>&'\u2028\u2029\x7f \xc3\xa9 \xff end");
  EXPECT_EQ(
      "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u0008\\u000c\\u003c\\u003e\\u0026'\\u2028\\u2029\x7f "
      "\xc3\xa9 \\ufffd end\"",
      *GoJsonMarshal(s));
}

TEST(GoJsonMarshal, CompositesSortKeysAndIndent) {
  absl::StatusOr<Value> v = GoJsonUnmarshal(
      R"({"b": [1, "x", null, true, {}], "a": {"z": []}, "": 2})", JsonObjectType());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(R"({"":2,"a":{"z":[]},"b":[1,"x",null,true,{}]})", *GoJsonMarshal(*v));
  EXPECT_EQ(
      "{\n  \"\": 2,\n  \"a\": {\n    \"z\": []\n  },\n  \"b\": [\n    1,\n    \"x\",\n"
      "    null,\n    true,\n    {}\n  ]\n}",
      *GoJsonMarshal(*v, "  "));
}

TEST(GoJsonMarshal, NilSlicesAndMapsAreNull) {
  EXPECT_EQ("null", *GoJsonMarshal(Value::Zero(Type::SliceOf(Type::String()))));
  EXPECT_EQ("[]", *GoJsonMarshal(Value::StringList({})));
  EXPECT_EQ("null", *GoJsonMarshal(Value::Zero(JsonObjectType())));
  EXPECT_EQ("null", *GoJsonMarshal(Value::Zero(Type::SliceOf(Type::Int()))));
  EXPECT_EQ("null", *GoJsonMarshal(Value::Nil()));
  EXPECT_EQ("null", *GoJsonMarshal(Value()));
}

TEST(GoJsonMarshal, StructsEncodeTheirFieldsInOrder) {
  Value kv = Value::Struct(KVPairType(), {Value::String("/a"), Value::String("1")});
  EXPECT_EQ(R"({"Key":"/a","Value":"1"})", *GoJsonMarshal(kv));
  EXPECT_EQ("{\n  \"Key\": \"/a\",\n  \"Value\": \"1\"\n}", *GoJsonMarshal(kv, "  "));
  Value srv = Value::Struct(SrvPointerType(),
                            {Value::String("a.example."), Value::Integer(Type::Uint16(), 80),
                             Value::Integer(Type::Uint16(), 1), Value::Integer(Type::Uint16(), 5)});
  EXPECT_EQ(R"([{"Target":"a.example.","Port":80,"Priority":1,"Weight":5}])",
            *GoJsonMarshal(Value::List(Type::SliceOf(SrvPointerType()), {srv})));
  EXPECT_EQ("-5", *GoJsonMarshal(Value::Integer(Type::Int64(), static_cast<uint64_t>(-5))));
  EXPECT_EQ("65535", *GoJsonMarshal(Value::Integer(Type::Uint16(), 65535)));
}

TEST(GoJsonMarshal, TimeIsRfc3339) {
  GoTime t;
  t.unix_sec = 1709622489;  // 2024-03-05 07:08:09 UTC
  t.nsec = 120000000;
  t.utc = true;
  EXPECT_EQ("\"2024-03-05T07:08:09.12Z\"", *GoJsonMarshal(MakeTimeValue(t)));
  t.unix_sec = 253402300800;  // year 10000
  EXPECT_EQ(
      "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of "
      "range [0,9999]",
      GoJsonMarshal(MakeTimeValue(t)).status().message());
}

}  // namespace
}  // namespace confwatch
