// Go's fmt over template Values: Sprintf verbs, flags, widths, precisions,
// argument indexes, bad-verb/missing/extra forms, and composite printing.
// Each expected string is Go 1.19's fmt.Sprintf of the same format and
// arguments (arguments are described as "kind:value", built identically in
// Go and here).
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "template/go_fmt.h"
#include "golang/strconv.h"
#include "test_funcs.h"

namespace confwatch {
namespace {

Value Arg(const std::string& spec) {
  size_t colon = spec.find(':');
  std::string k = spec.substr(0, colon), v = spec.substr(colon + 1);
  auto i64 = [&] { int64_t n = 0; EXPECT_TRUE(absl::SimpleAtoi(v, &n)); return n; };
  auto u64 = [&] { uint64_t n = 0; EXPECT_TRUE(absl::SimpleAtoi(v, &n)); return n; };
  auto f64 = [](const std::string& s) { return *gostrconv::ParseFloat(s); };
  if (k == "i") return Value::Int(i64());
  if (k == "i8") return Value::Integer(Type::Int8(), static_cast<uint64_t>(i64()));
  if (k == "i64") return Value::Integer(Type::Int64(), static_cast<uint64_t>(i64()));
  if (k == "u") return Value::Integer(Type::Uint(), u64());
  if (k == "u8") return Value::Integer(Type::Uint8(), u64());
  if (k == "u16") return Value::Integer(Type::Uint16(), u64());
  if (k == "u64") return Value::Integer(Type::Uint64(), u64());
  if (k == "f") return Value::Float64(f64(v));
  if (k == "f32") return Value::Float(Type::Float32(), f64(v));
  if (k == "s") return Value::String(v);
  if (k == "b") return Value::Bool(v == "true");
  if (k == "n") return Value::Nil();
  if (k == "ss") {
    if (v.empty()) return Value::StringList({});
    return Value::StringList(absl::StrSplit(v, ','));
  }
  if (k == "nilss") return Value::Zero(Type::SliceOf(Type::String()));
  if (k == "bytes") {
    ValueList bytes;
    for (char c : v) bytes.push_back(Value::Integer(Type::Uint8(), static_cast<unsigned char>(c)));
    return Value::List(Type::SliceOf(Type::Uint8()), std::move(bytes));
  }
  if (k == "ai") {
    ValueList elems;
    for (const auto& p : absl::StrSplit(v, ',')) {
      std::string e(p);
      e[e.find('=')] = ':';
      elems.push_back(Arg(e));
    }
    return Value::List(Type::SliceOf(Type::Any()), std::move(elems));
  }
  if (k == "kv" || k == "kvp") {
    std::vector<std::string> kv = absl::StrSplit(v, absl::MaxSplits(',', 1));
    const Type* t = testing_funcs::KVPairType();
    return Value::Struct(k == "kv" ? t : Type::PointerTo(t),
                         {Value::String(kv[0]), Value::String(kv[1])});
  }
  if (k == "m") {
    ValueMap m;
    for (const auto& p : absl::StrSplit(v, ',')) {
      std::vector<std::string> kv = absl::StrSplit(p, absl::MaxSplits('=', 1));
      m[kv[0]] = Value::String(kv[1]);
    }
    return Value::Map(Type::MapOf(Type::String(), Type::String()), std::move(m));
  }
  if (k == "c") {
    std::vector<std::string> re_im = absl::StrSplit(v, ',');
    return Value::Complex(f64(re_im[0]), f64(re_im[1]));
  }
  ADD_FAILURE() << "bad spec " << spec;
  return Value();
}

struct FmtCase {
  std::string format;
  std::vector<std::string> args;
  std::string want;
};

const FmtCase kFmtCases[] = {
    {"%d", {"i:42"},
     "42"},
    {"%5d|%-5d|%05d", {"i:42", "i:42", "i:42"},
     "   42|42   |00042"},
    {"%+d|% d|%+d", {"i:42", "i:42", "i:-42"},
     "+42| 42|-42"},
    {"%x|%X|%#x|%#X|%o|%#o|%O|%b|%#b", {"i:255", "i:255", "i:255", "i:255", "i:8", "i:8", "i:8", "i:5", "i:5"},
     "ff|FF|0xff|0XFF|10|010|0o10|101|0b101"},
    {"%x", {"i:-255"},
     "-ff"},
    {"%08.3d|%.0d|%5.0d|%-08d", {"i:7", "i:0", "i:0", "i:7"},
     "     007||     |7       "},
    {"%d|%d", {"i64:-9223372036854775808", "u64:18446744073709551615"},
     "-9223372036854775808|18446744073709551615"},
    {"%c|%c|%q|%q|%U|%#U|%#U", {"i:65", "i:128512", "i:39", "i:10", "i:128512", "i:128512", "i:7"},
     "A|\360\237\230\200|'\\''|'\\n'|U+1F600|U+1F600 '\360\237\230\200'|U+0007"},
    {"%c", {"i:1114112"},
     "\357\277\275"},
    {"%+q|%q", {"i:233", "i:233"},
     "'\\u00e9'|'\303\251'"},
    {"%d", {"i8:-128"},
     "-128"},
    {"%v|%d", {"u8:255", "u16:65535"},
     "255|65535"},
    {"%#v|%#v", {"u:7", "i:-7"},
     "0x7|-7"},
    {"%.3U|%.8U", {"i:65", "i:65"},
     "U+0041|U+00000041"},
    {"%v|%v|%v|%v|%v|%v", {"f:1e6", "f:100000", "f:1e21", "f:1e-5", "f:0.0001", "f:123456789"},
     "1e+06|100000|1e+21|1e-05|0.0001|1.23456789e+08"},
    {"%e|%E|%f|%F|%g|%G", {"f:1234.5678", "f:1234.5678", "f:1234.5678", "f:1234.5678", "f:1234.5678", "f:1234.5678"},
     "1.234568e+03|1.234568E+03|1234.567800|1234.567800|1234.5678|1234.5678"},
    {"%.2e|%.0e|%.3f|%.0f|%.0f|%.0f|%.3g|%.10g", {"f:1234.5678", "f:5", "f:2.0005", "f:0.5", "f:1.5", "f:2.5", "f:1234.5678", "f:1"},
     "1.23e+03|5e+00|2.001|0|2|2|1.23e+03|1"},
    {"%8.3f|%-8.3f|%08.3f|%+.2f|% .2f|%+08.2f", {"f:3.14159", "f:3.14159", "f:-3.14159", "f:2", "f:2", "f:-2"},
     "   3.142|3.142   |-003.142|+2.00| 2.00|-0002.00"},
    {"%#g|%#.3g|%#e|%#.0f|%#v|%#g", {"f:1", "f:1", "f:1", "f:3", "f:1", "f:123456789"},
     "1.00000|1.00|1.000000e+00|3.|1|1.23456789e+08"},
    {"%v|%v|%v|%5v|%-6v|%06v|%+v", {"f:+Inf", "f:-Inf", "f:NaN", "f:NaN", "f:+Inf", "f:-Inf", "f:NaN"},
     "+Inf|-Inf|NaN|  NaN|+Inf  |  -Inf|NaN"},
    {"%v|%v|%.1f|%g", {"f:-0", "f32:0.1", "f32:0.1", "f32:1e20"},
     "-0|0.1|0.1|1e+20"},
    {"%b|%x|%X|%.2x|%#x", {"f:1", "f:1", "f:-0.5", "f:3.14159", "f:1"},
     "4503599627370496p-52|0x1p+00|-0X1P-01|0x1.92p+01|0x1.0000p+00"},
    {"%x|%.0x|%x", {"f:0", "f:1.5", "f:1e-320"},
     "0x0p+00|0x1p+01|0x1.fap-1064"},
    {"%v|%.3v|%10.4v", {"f:3.14159265", "f:3.14159265", "f:3.14159265"},
     "3.14159265|3.14|     3.142"},
    {"%v|%+.2v|%v", {"c:1,2", "c:1,-2", "c:0,0"},
     "(1+2i)|(1-2i)|(0+0i)"},
    {"%s|%q|%v|%x|%X|% x|%#x|% #X", {"s:hi", "s:hi", "s:hi", "s:hi", "s:hi", "s:hi", "s:hi", "s:hi"},
     "hi|\"hi\"|hi|6869|6869|68 69|0x6869|0X68 0X69"},
    {"%5s|%-5s|%.2s|%5.1s|%05s", {"s:h\303\251llo", "s:ab", "s:h\303\251llo", "s:xyz", "s:ab"},
     "h\303\251llo|ab   |h\303\251|    x|000ab"},
    {"%q|%+q|%#q|%#q", {"s:\303\251\n\"", "s:\303\251\n", "s:a`b", "s:plain"},
     "\"\303\251\\n\\\"\"|\"\\u00e9\\n\"|\"a`b\"|`plain`"},
    {"%q|%x", {"s:\377", "s:\377"},
     "\"\\xff\"|ff"},
    {"%.3q|%10q|%-10q|", {"s:abcdef", "s:a", "s:a"},
     "\"abc\"|       \"a\"|\"a\"       |"},
    {"%.1x|%8x|%-8x|", {"s:abc", "s:ab", "s:ab"},
     "61|    6162|6162    |"},
    {"%t|%v|%5t|%d", {"b:true", "b:false", "b:true", "b:true"},
     "true|false| true|%!d(bool=true)"},
    {"%d|%s|%x", {"s:x", "i:1", "b:true"},
     "%!d(string=x)|%!s(int=1)|%!x(bool=true)"},
    {"%z|%!|%\303\244", {"i:1", "i:2", "i:3"},
     "%!z(int=1)|%!!(int=2)|%!\303\244(int=3)"},
    {"%", {},
     "%!(NOVERB)"},
    {"%d %d", {"i:1"},
     "1 %!d(MISSING)"},
    {"%d", {"i:1", "i:2", "s:x"},
     "1%!(EXTRA int=2, string=x)"},
    {"%d", {"i:1", "n:"},
     "1%!(EXTRA <nil>)"},
    {"%[2]d %[1]d", {"i:1", "i:2"},
     "2 1"},
    {"%[3]d", {"i:1"},
     "%!d(BADINDEX)"},
    {"%[0]d|%[x]d|%[1]", {"i:1"},
     "%!d(BADINDEX)|%!d(BADINDEX)|%!(NOVERB)"},
    {"%[2]*[1]d", {"i:12", "i:5"},
     "   12"},
    {"%*d|%-*d|%.*f|%*d", {"i:5", "i:1", "i:5", "i:1", "i:2", "f:3.14159", "s:x", "i:1"},
     "    1|1    |3.14|%!(BADWIDTH)1"},
    {"%.*d", {"i:-1", "i:5"},
     "%!(BADPREC)5"},
    {"%*d", {"i:10000000", "i:1"},
     "%!(BADWIDTH)1"},
    {"%v|%d|%s", {"n:", "n:", "n:"},
     "<nil>|%!d(<nil>)|%!s(<nil>)"},
    {"%T|%T|%T|%T|%T|%T", {"n:", "i:1", "ss:a", "kvp:a,b", "m:a=1", "ai:i=1,s=x"},
     "<nil>|int|[]string|*memkv.KVPair|map[string]string|[]interface {}"},
    {"%w", {"s:x"},
     "%!w(string=x)"},
    {"%-010d|%+-5d|%0-5d", {"i:5", "i:5", "i:5"},
     "5         |+5   |5    "},
    {"%.d|%.f|%.s", {"i:0", "f:2.5", "s:abc"},
     "|2|"},
    {"%3.2%|%%|%5%", {},
     "%|%|%"},
    {"%v|%+v|%#v|%s|%d", {"ss:a,b", "ss:a,b", "ss:a,b", "ss:a,b", "ss:a,b"},
     "[a b]|[a b]|[]string{\"a\", \"b\"}|[a b]|[%!d(string=a) %!d(string=b)]"},
    {"%v|%#v|%v", {"nilss:", "nilss:", "ss:"},
     "[]|[]string(nil)|[]"},
    {"%v|%+v|%#v|%s|%d|%T", {"kv:/k,v", "kv:/k,v", "kv:/k,v", "kv:/k,v", "kv:/k,v", "kv:/k,v"},
     "{/k v}|{Key:/k Value:v}|memkv.KVPair{Key:\"/k\", Value:\"v\"}|{/k v}|{%!d(string=/k) %!d(string=v)}|memkv.KVPair"},
    {"%v|%+v|%s", {"kvp:/k,v", "kvp:/k,v", "kvp:/k,v"},
     "&{/k v}|&{Key:/k Value:v}|&{/k v}"},
    {"%v|%#v|%x|%q|%s", {"m:b=2,a=1", "m:b=2,a=1", "m:b=2,a=1", "m:b=2,a=1", "m:b=2,a=1"},
     "map[a:1 b:2]|map[string]string{\"a\":\"1\", \"b\":\"2\"}|map[61:31 62:32]|map[\"a\":\"1\" \"b\":\"2\"]|map[a:1 b:2]"},
    {"%v|%#v|%d|%s|%q|%x", {"ai:i=1,s=x,n=,b=true,f=2.5", "ai:i=1,s=x,n=,b=true,f=2.5", "ai:i=1,s=x,n=,b=true,f=2.5", "ai:i=1,s=x,n=,b=true,f=2.5", "ai:i=1,s=x,n=,b=true,f=2.5", "ai:i=1,s=x,n=,b=true,f=2.5"},
     "[1 x <nil> true 2.5]|[]interface {}{1, \"x\", interface {}(nil), true, 2.5}|[1 %!d(string=x) <nil> %!d(bool=true) %!d(float64=2.5)]|[%!s(int=1) x <nil> %!s(bool=true) %!s(float64=2.5)]|['\\x01' \"x\" <nil> %!q(bool=true) %!q(float64=2.5)]|[1 78 <nil> %!x(bool=true) 0x1.4p+01]"},
    {"%v|%s|%x|%X|%q|%d|%#v", {"bytes:hi", "bytes:hi", "bytes:hi", "bytes:hi", "bytes:hi", "bytes:hi", "bytes:hi"},
     "[104 105]|hi|6869|6869|\"hi\"|[104 105]|[]byte{0x68, 0x69}"},
    {"%6v|%-8v|%06v", {"ss:a,b", "kv:k,v", "ai:i=1,s=x"},
     "[     a      b]|{k        v       }|[000001 00000x]"},
    {"%x|%X|% x", {"ss:ab,cd", "ss:ab,cd", "ai:s=ab,i=255"},
     "[6162 6364]|[6162 6364]|[61 62  ff]"},
    {"%s", {"ai:i=1,f=2.5"},
     "[%!s(int=1) %!s(float64=2.5)]"},
};

TEST(GoFmt, SprintfMatchesGo) {
  for (const FmtCase& c : kFmtCases) {
    std::vector<Value> args;
    for (const auto& a : c.args) args.push_back(Arg(a));
    EXPECT_EQ(c.want, gofmt::Sprintf(c.format, args)) << "format " << c.format;
  }
}

TEST(GoFmt, SprintAddsSpacesOnlyBetweenNonStrings) {
  EXPECT_EQ("1 2ab3", gofmt::Sprint({Value::Int(1), Value::Int(2), Value::String("a"),
                                     Value::String("b"), Value::Int(3)}));
  EXPECT_EQ("a1 <nil>", gofmt::Sprint({Value::String("a"), Value::Int(1), Value::Nil()}));
}

TEST(GoFmt, SprintlnSeparatesEveryOperand) {
  EXPECT_EQ("a b 1\n", gofmt::Sprintln({Value::String("a"), Value::String("b"), Value::Int(1)}));
  EXPECT_EQ("\n", gofmt::Sprintln({}));
}

TEST(GoFmt, StringMethodFormatsTheValue) {
  // A type with a String() method prints through it for %v and %s, not %d
  // or %#v, as fmt's Stringer handling does.
  static Type* named = [] {
    Type* t = Type::NewStruct("main.T", {{"N", Type::Int()}});
    t->AddMethod("String", std::make_shared<const Function>(
                               "String", Signature{{t}},
                               [](ExecContext&, absl::Span<const Value> a) {
                                 return Value::String("T!");
                               }));
    return t;
  }();
  Value v = Value::Struct(named, {Value::Int(7)});
  EXPECT_EQ("T!|T!|{7}|main.T{N:7}|[T!]",
            gofmt::Sprintf("%v|%s|%d|%#v|%v",
                           {v, v, v, v, Value::List(Type::SliceOf(named), {v})}));
}

TEST(GoFmt, FailingStringMethodIsReportedInline) {
  static Type* named = [] {
    Type* t = Type::NewStruct("main.Bad", {});
    t->AddMethod("String", std::make_shared<const Function>(
                               "String", Signature{{t}},
                               [](ExecContext&, absl::Span<const Value>) -> absl::StatusOr<Value> {
                                 return absl::InternalError("oops");
                               }));
    return t;
  }();
  EXPECT_EQ("%!v(PANIC=String method: oops)", gofmt::Sprintf("%v", {Value::Struct(named, {})}));
}

}  // namespace
}  // namespace confwatch
