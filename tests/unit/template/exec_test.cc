// Executor: output and error text for fields, control flow, functions,
// builtins and value printing. Every expected output and message was
// produced by Go 1.19's text/template executing the same template (named
// "t.tmpl", with the test function map of test_funcs.h) on the same JSON
// data decoded into interface{}.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "template/json_value.h"
#include "template/template.h"
#include "test_funcs.h"

namespace confwatch {
namespace {

struct ExecCase {
  const char* name;
  std::string input;
  std::string output;  // Go's output when execution succeeds
  std::string error;   // Go's error text otherwise
};

// The data every case runs on (Go: json.Unmarshal into interface{}).
const char kData[] = "{\"a\": \"A\", \"b\": 2, \"c\": [1, \"two\", null, true, 2.5], \"m\": {\"x\": \"X\", \"y\": [1, 2], \"z\": null}, \"l\": [\"p\", \"q\", \"r\"], \"n\": null, \"s\": \"h\303\251llo\", \"f\": 1234567.125, \"e\": [], \"em\": {}, \"t\": true, \"zero\": 0}";

void Check(const ExecCase& c) {
  auto t = Template::Parse("t.tmpl", c.input, testing_funcs::TestFuncs());
  ASSERT_TRUE(t.ok()) << t.status();
  Value dot = ValueFromJson(nlohmann::json::parse(kData));
  ExecContext ctx;
  std::string out;
  absl::Status st = (*t)->Execute(dot, ctx, &out);
  if (!c.error.empty()) {
    ASSERT_FALSE(st.ok()) << "rendered: " << out;
    EXPECT_EQ(c.error, st.message());
    EXPECT_EQ("", out) << "no partial output on error";
    return;
  }
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(c.output, out);
}

std::string CaseName(const ::testing::TestParamInfo<ExecCase>& info) { return info.param.name; }

const ExecCase kFieldsCases[] = {
    {"MapKey", "{{.a}}",
     "A", ""},
    {"NestedMapKey", "{{.m.x}}",
     "X", ""},
    {"MissingKeyPrintsNoValue", "{{.nope}}",
     "<no value>", ""},
    {"MissingNestedKeyIsNoValue", "{{.nope.deeper}}",
     "<no value>", ""},
    {"JsonNullPrintsNoValue", "{{.n}}",
     "<no value>", ""},
    {"JsonNullInListPrintsNil", "{{.c}}",
     "[1 two <nil> true 2.5]", ""},
    {"FieldOfBoxedStringNamesInterface", "{{.a.b}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.a.b>: can't evaluate field b in type interface {}"},
    {"FieldOfStringVariableNamesString", "{{$s := .a}}{{$s.b}}",
     "", "template: t.tmpl:1:16: executing \"t.tmpl\" at <$s.b>: can't evaluate field b in type string"},
    {"FieldOfInterfaceElementNamesInterface", "{{.m.x.y}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.m.x.y>: can't evaluate field y in type interface {}"},
    {"FieldOfNullIsNilPointerError", "{{.m.z.y}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.m.z.y>: nil pointer evaluating interface {}.y"},
    {"FieldOfParenthesizedValueNamesDynamicType", "{{(index .m \"x\").y}}",
     "", "template: t.tmpl:1:12: executing \"t.tmpl\" at <\"x\">: can't evaluate field y in type string"},
    {"DollarIsTheData", "{{with .m}}{{$.a}}{{end}}",
     "A", ""},
    {"ChainOnVariable", "{{$v := .m}}{{$v.x}}",
     "X", ""},
    {"StructFields", "{{(kv \"k\" \"v\").Key}}={{(kv \"k\" \"v\").Value}}",
     "k=v", ""},
    {"PointerFields", "{{(kvp \"k\" \"v\").Key}}",
     "k", ""},
    {"MissingStructField", "{{(kv \"k\" \"v\").Nope}}",
     "", "template: t.tmpl:1:10: executing \"t.tmpl\" at <\"v\">: can't evaluate field Nope in type memkv.KVPair"},
    {"MethodOnNamedSlice", "{{(kvs).Len}}",
     "2", ""},
    {"MethodWithArgumentsCountChecked", "{{(kvs).Len 1}}",
     "", "template: t.tmpl:1:3: executing \"t.tmpl\" at <kvs>: wrong number of args for Len: want 0 got 1"},
    {"FieldWithArguments", "{{(kv \"k\" \"v\").Key 1}}",
     "", "template: t.tmpl:1:10: executing \"t.tmpl\" at <\"v\">: Key has arguments but cannot be invoked as function"},
    {"MapKeyWithArguments", "{{.m.x 1}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.m.x>: x is not a method but has arguments"},
    {"ArgumentToNonFunction", "{{$x := 1}}{{$x 2}}",
     "", "template: t.tmpl:1:13: executing \"t.tmpl\" at <$x>: can't give argument to non-function $x"},
    {"FinalArgumentToNonFunction", "{{1 | $}}",
     "", "template: t.tmpl:1:6: executing \"t.tmpl\" at <$>: can't give argument to non-function $"},
    {"NilIsNotACommand", "{{nil}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <nil>: nil is not a command"},
    {"IndirectionThroughNil", "{{(nil).X}}",
     "", "template: t.tmpl:1:3: executing \"t.tmpl\" at <nil>: nil is not a command"},
};

class ExecFieldsTest : public ::testing::TestWithParam<ExecCase> {};
TEST_P(ExecFieldsTest, MatchesGo) { Check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Go, ExecFieldsTest, ::testing::ValuesIn(kFieldsCases), CaseName);

const ExecCase kControlCases[] = {
    {"IfElseChain", "{{if .nope}}1{{else if .zero}}2{{else if .e}}3{{else}}4{{end}}",
     "4", ""},
    {"Truthiness", "{{if .e}}e{{end}}{{if .em}}em{{end}}{{if .t}}t{{end}}{{if .zero}}z{{end}}{{if .n}}n{{end}}{{if (kv \"\" \"\")}}s{{end}}{{if .a}}a{{end}}{{if 0.0}}f{{end}}{{if nilf}}nil{{end}}",
     "tsa", ""},
    {"WithSetsDot", "{{with .m}}{{.x}}{{end}}",
     "X", ""},
    {"WithElse", "{{with .nope}}x{{else}}{{.a}}{{end}}",
     "A", ""},
    {"RangeList", "{{range .l}}[{{.}}]{{end}}",
     "[p][q][r]", ""},
    {"RangeIndexAndElement", "{{range $i, $e := .l}}{{$i}}={{$e}} {{end}}",
     "0=p 1=q 2=r ", ""},
    {"RangeMapInKeyOrder", "{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}",
     "x:X y:[1 2] z:<no value> ", ""},
    {"RangeOneVariableIsElement", "{{range $v := .l}}{{$v}}{{end}}",
     "pqr", ""},
    {"RangeEmptyRunsElse", "{{range .e}}x{{else}}empty{{end}}",
     "empty", ""},
    {"RangeMissingRunsElse", "{{range .nope}}x{{else}}none{{end}}",
     "none", ""},
    {"RangeOverIntIsAnError", "{{range 3}}{{.}}{{end}}",
     "", "template: t.tmpl:1:8: executing \"t.tmpl\" at <3>: range can't iterate over 3"},
    {"RangeOverStringIsAnError", "{{range .a}}{{.}}{{end}}",
     "", "template: t.tmpl:1:8: executing \"t.tmpl\" at <.a>: range can't iterate over A"},
    {"RangeBreakAndContinue", "{{range $i, $e := .c}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 3}}{{break}}{{end}}{{$e}};{{end}}",
     "1;<no value>;", ""},
    {"BreakStopsOnlyTheInnerRange", "{{range .l}}{{range $.l}}{{break}}{{end}}{{.}}{{end}}",
     "pqr", ""},
    {"VariablesAreScopedToBlocks", "{{$x := 1}}{{if true}}{{$x = 2}}{{$y := 3}}{{$y}}{{end}}{{$x}}",
     "32", ""},
    {"AssignmentInRangeUpdatesOuter", "{{$sum := 0}}{{range .l}}{{$sum = .}}{{end}}{{$sum}}",
     "r", ""},
    {"DeclarationInsideRangeIsPerIteration", "{{range .l}}{{$x := .}}{{$x}}{{end}}",
     "pqr", ""},
    {"DefineAndTemplate", "{{define \"a\"}}<{{.}}>{{end}}{{template \"a\" .a}}{{template \"a\"}}",
     "<A><<no value>>", ""},
    {"BlockRendersInPlace", "{{block \"b\" .l}}{{len .}}{{end}}",
     "3", ""},
    {"TemplateHasItsOwnDollar", "{{define \"a\"}}{{$}}{{end}}{{template \"a\" 5}}",
     "5", ""},
    {"UndefinedTemplate", "{{template \"nope\"}}",
     "", "template: t.tmpl:1:11: executing \"t.tmpl\" at <{{template \"nope\"}}>: template \"nope\" not defined"},
    {"ErrorInsideTemplateNamesIt", "{{define \"a\"}}\n {{.a.y}}{{end}}{{template \"a\" .}}",
     "", "template: t.tmpl:2:5: executing \"a\" at <.a.y>: can't evaluate field y in type interface {}"},
    {"CommentsProduceNothing", "a{{/* c */}}b{{- /* c */ -}} c",
     "abc", ""},
    {"TrimMarkers", "a  {{- .a -}}  b\n{{.b}}  {{- \"\" }}",
     "aAb\n2", ""},
    {"NumbersPrintAsGo", "{{1}} {{-1}} {{1.5}} {{1e3}} {{0x10}} {{0o17}} {{0b101}} {{1_000}} {{'a'}} {{.5}} {{1e21}} {{1e-5}} {{1234567.0}} {{100000.0}}",
     "1 -1 1.5 1000 16 15 5 1000 97 0.5 1e+21 1e-05 1.234567e+06 100000", ""},
    {"JsonNumbersAreFloat64", "{{.b}} {{.f}} {{printf \"%T\" .b}}",
     "2 1.234567125e+06 float64", ""},
    {"ComplexConstants", "{{1i}} {{1+2i}} {{printf \"%T\" 2i}}",
     "(0+1i) (1+2i) complex128", ""},
    {"StringEscapes", "{{\"\\x41\\u00e9\\101\\t\"}}|{{`raw\\n`}}",
     "A\303\251A\t|raw\\n", ""},
    {"UintOverflowsInt", "{{18446744073709551615}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <18446744073709551615>: 18446744073709551615 overflows int"},
};

class ExecControlTest : public ::testing::TestWithParam<ExecCase> {};
TEST_P(ExecControlTest, MatchesGo) { Check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Go, ExecControlTest, ::testing::ValuesIn(kControlCases), CaseName);

const ExecCase kFunctionsCases[] = {
    {"TypedArguments", "{{s \"x\"}} {{i 3}} {{u8 255}} {{f 3}} {{b true}} {{v \"a\" 1 2}} {{v \"a\"}}",
     "<x> 6 0 1.5 false a[1 2] a[]", ""},
    {"PipelineValueIsTheLastArgument", "{{\"a\" | s}} {{3 | i}} {{4 | v \"y\" 3}} {{4 | v \"y\"}}",
     "<a> 6 y[3 4] y[4]", ""},
    {"PipelineValueTypeChecked", "{{\"x\" | v \"y\"}}",
     "", "template: t.tmpl:1:10: executing \"t.tmpl\" at <\"y\">: wrong type for value; expected int; got string"},
    {"WrongArgumentCount", "{{s}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <s>: wrong number of args for s: want 1 got 0"},
    {"TooManyArguments", "{{s \"a\" \"b\"}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <s>: wrong number of args for s: want 1 got 2"},
    {"VariadicNeedsFixedArguments", "{{v}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <v>: wrong number of args for v: want at least 1 got 0"},
    {"StringConstantWhereIntExpected", "{{i \"x\"}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <\"x\">: expected integer; found \"x\""},
    {"FloatConstantWhereIntExpected", "{{i 1.5}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <1.5>: expected integer; found 1.5"},
    {"NegativeConstantWhereUintExpected", "{{u8 -1}}",
     "", "template: t.tmpl:1:5: executing \"t.tmpl\" at <-1>: expected unsigned integer; found -1"},
    {"IntConstantWhereStringExpected", "{{s 1}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <1>: expected string; found 1"},
    {"NumberWhereBoolExpected", "{{b 1}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <1>: expected bool; found 1"},
    {"ValueOfWrongType", "{{s .b}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.b>: wrong type for value; expected string; got float64"},
    {"BoxedValueIsUnwrapped", "{{s .m.x}}",
     "<X>", ""},
    {"MissingValueForString", "{{s .nope}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.nope>: invalid value; expected string"},
    {"MissingValueForSliceIsNil", "{{sl .nope}}",
     "0", ""},
    {"NilForSlice", "{{sl nil}}",
     "0", ""},
    {"NilForString", "{{s nil}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <nil>: cannot assign nil to string"},
    {"NullForString", "{{s .n}}",
     "", "template: t.tmpl:1:4: executing \"t.tmpl\" at <.n>: wrong type for value; expected string; got interface {}"},
    {"PointerDereferencedForStruct", "{{kvf (kvp \"k\" \"v\")}}",
     "k", ""},
    {"NamedSliceAssignableToUnnamed", "{{index kvs 0 | kvf}}",
     "/a", ""},
    {"FunctionError", "{{e}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <e>: error calling e: boom"},
    {"FunctionErrorOnLaterLine", "x\n  {{e}}",
     "", "template: t.tmpl:2:4: executing \"t.tmpl\" at <e>: error calling e: boom"},
    {"FunctionErrorInArgument", "{{s (e)}}",
     "", "template: t.tmpl:1:5: executing \"t.tmpl\" at <e>: error calling e: boom"},
    {"InterfaceResultIsUnwrappedAfterThePipeline", "{{printf \"%T\" (any 1)}}",
     "int", ""},
    {"NotAFunction", "{{\"x\" 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <\"x\">: can't give argument to non-function \"x\""},
    {"ParenthesizedPipelineWithFinal", "{{1 | (2)}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <1>: can't give argument to non-function 2"},
};

class ExecFunctionsTest : public ::testing::TestWithParam<ExecCase> {};
TEST_P(ExecFunctionsTest, MatchesGo) { Check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Go, ExecFunctionsTest, ::testing::ValuesIn(kFunctionsCases), CaseName);

const ExecCase kBuiltinsCases[] = {
    {"AndOrReturnOperands", "{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 \"\"}} {{and .l .a}}",
     "0 2 3  A", ""},
    {"AndOrShortCircuit", "{{or 1 (e)}} {{and 0 (e)}}",
     "1 0", ""},
    {"AndEvaluatesUntilFalse", "{{and 1 (e)}}",
     "", "template: t.tmpl:1:9: executing \"t.tmpl\" at <e>: error calling e: boom"},
    {"AndWithPipelineValue", "{{0 | and 1}} {{2 | or 0}}",
     "0 2", ""},
    {"Not", "{{not 0}} {{not .l}} {{not .nope}}",
     "true false true", ""},
    {"Eq", "{{eq 1 1}} {{eq 1 2 1}} {{eq \"a\" \"a\"}} {{eq .a \"A\"}} {{eq .b 2.0}} {{eq (u8 1) 2}} {{eq 2 (u8 1)}}",
     "true true true true true true true", ""},
    {"EqNeedsTwoArguments", "{{eq 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <eq 1>: error calling eq: missing argument for comparison"},
    {"EqIncompatibleTypes", "{{eq 1 \"a\"}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison"},
    {"EqIntAndFloat", "{{eq 1 1.0}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <eq 1 1.0>: error calling eq: incompatible types for comparison"},
    {"EqMissingValues", "{{eq .nope .nope}} {{eq .nope 1}} {{eq .n .nope}}",
     "true false true", ""},
    {"EqStructs", "{{eq (kv \"a\" \"b\") (kv \"a\" \"b\")}} {{eq (kv \"a\" \"b\") (kv \"a\" \"c\")}}",
     "true false", ""},
    {"EqSlicesNotComparable", "{{eq .l .l}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <eq .l .l>: error calling eq: non-comparable type [p q r]: []interface {}"},
    {"EqMixedNonBasicKinds", "{{eq .l .m}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <eq .l .m>: error calling eq: non-comparable types [p q r]: []interface {}, map[string]interface {}: map[x:X y:[1 2] z:<nil>]"},
    {"Ordering", "{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}} {{lt -1 (u8 1)}} {{ne 1 2}}",
     "true true true false true true", ""},
    {"OrderingBools", "{{lt true false}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <lt true false>: error calling lt: invalid type for comparison"},
    {"OrderingMixedKinds", "{{lt 1 \"a\"}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <lt 1 \"a\">: error calling lt: incompatible types for comparison"},
    {"OrderingMissing", "{{lt .nope 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <lt .nope 1>: error calling lt: invalid type for comparison"},
    {"Len", "{{len .l}} {{len .s}} {{len .m}} {{len .e}} {{len (m)}}",
     "3 6 3 0 2", ""},
    {"LenOfNumber", "{{len 3}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <len 3>: error calling len: len of type int"},
    {"LenOfMissing", "{{len .nope}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <len .nope>: error calling len: reflect: call of reflect.Value.Type on zero Value"},
    {"Index", "{{index .l 1}} {{index .m \"x\"}} {{index .m \"y\" 1}} {{index .s 1}} {{index . \"c\" 1}}",
     "q X 2 195 two", ""},
    {"IndexMissingMapKey", "{{index .m \"nope\"}}|{{index (m) \"nope\"}}|{{index (mi) \"nope\"}}",
     "<no value>||0", ""},
    {"IndexOutOfRange", "{{index .l 5}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index .l 5>: error calling index: index out of range: 5"},
    {"IndexAtLength", "{{index .l 3}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index .l 3>: error calling index: reflect: slice index out of range"},
    {"IndexNegative", "{{index .l -1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index .l -1>: error calling index: index out of range: -1"},
    {"IndexWithString", "{{index .l \"x\"}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index .l \"x\">: error calling index: cannot index slice/array with type string"},
    {"IndexMapWithNumber", "{{index (m) 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index (m) 1>: error calling index: value has type int; should be string"},
    {"IndexOfNil", "{{index nil 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index nil 1>: error calling index: index of untyped nil"},
    {"IndexOfNumber", "{{index 1 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index 1 1>: error calling index: can't index item of type int"},
    {"IndexStringAtLength", "{{index \"abc\" 3}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <index \"abc\" 3>: error calling index: reflect: string index out of range"},
    {"Slice", "{{slice .s 1 3}} {{slice .l}} {{slice .l 1}} {{slice .l 0 1}} {{slice \"abc\" 3}}",
     "\303\251 [p q r] [q r] [p] ", ""},
    {"SliceReversedIndexes", "{{slice .l 2 1}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <slice .l 2 1>: error calling slice: invalid slice index: 2 > 1"},
    {"SliceThreeIndexString", "{{slice \"abc\" 1 2 3}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <slice \"abc\" 1 2 3>: error calling slice: cannot 3-index slice a string"},
    {"SliceBeyondLength", "{{slice .l 0 5}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <slice .l 0 5>: error calling slice: index out of range: 5"},
    {"SliceWithBoxedIndex", "{{slice .l .b}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <slice .l .b>: error calling slice: cannot index slice/array with type interface {}"},
    {"SliceOfNumber", "{{slice 1 2}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <slice 1 2>: error calling slice: can't slice item of type int"},
    {"Print", "{{print 1 2 \"a\" \"b\" 3 nil .nope}}|{{println 1 \"a\"}}|{{print}}",
     "1 2ab3 <nil> <nil>|1 a\n|", ""},
    {"Html", "{{html \"<a href='x'>&\\\"\"}} {{html .nope}} {{html 1 \"x\" 2}}",
     "&lt;a href=&#39;x&#39;&gt;&amp;&#34; &lt;no value&gt; 1x2", ""},
    {"Js", "{{js \"<a href='x'>&=\\\"\\\\\\n\\u2028\303\251\\u0001\"}}",
     "\\u003Ca href\\u003D\\'x\\'\\u003E\\u0026\\u003D\\\"\\\\\\u000A\\u2028\303\251\\u0001", ""},
    {"UrlQuery", "{{urlquery \"a b&c=d/\303\251~-_.\"}} {{urlquery 1 2}}",
     "a+b%26c%3Dd%2F%C3%A9~-_. 1+2", ""},
    {"Call", "{{call .a}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <call .a>: error calling call: non-function of type string"},
    {"CallOfNil", "{{call .nope}}",
     "", "template: t.tmpl:1:2: executing \"t.tmpl\" at <call .nope>: error calling call: call of nil"},
};

class ExecBuiltinsTest : public ::testing::TestWithParam<ExecCase> {};
TEST_P(ExecBuiltinsTest, MatchesGo) { Check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Go, ExecBuiltinsTest, ::testing::ValuesIn(kBuiltinsCases), CaseName);

const ExecCase kValuesCases[] = {
    {"ListOfInterfaces", "{{.c}}",
     "[1 two <nil> true 2.5]", ""},
    {"Map", "{{.m}}",
     "map[x:X y:[1 2] z:<nil>]", ""},
    {"EmptyListAndMap", "{{.e}} {{.em}}",
     "[] map[]", ""},
    {"StringSlice", "{{ss \"a\" \"b\"}}",
     "[a b]", ""},
    {"NilSlice", "{{nilf}}",
     "[]", ""},
    {"StructValue", "{{kv \"/k\" \"v\"}}",
     "{/k v}", ""},
    {"PointerToStructPrintsTheStruct", "{{kvp \"/k\" \"v\"}}",
     "{/k v}", ""},
    {"NamedSliceOfStructs", "{{kvs}}",
     "[{/a 1} {/b 2}]", ""},
    {"MapOfInts", "{{mi}}",
     "map[x:1 y:-2]", ""},
    {"Bools", "{{true}} {{false}} {{.t}}",
     "true false true", ""},
    {"Byte", "{{index \"a\" 0}}",
     "97", ""},
    {"WholeData", "{{.}}",
     "map[a:A b:2 c:[1 two <nil> true 2.5] e:[] em:map[] f:1.234567125e+06 l:[p q r] m:map[x:X y:[1 2] z:<nil>] n:<nil> s:h\303\251llo t:true zero:0]", ""},
};

class ExecValuesTest : public ::testing::TestWithParam<ExecCase> {};
TEST_P(ExecValuesTest, MatchesGo) { Check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Go, ExecValuesTest, ::testing::ValuesIn(kValuesCases), CaseName);

// A range over plain strings whose body is only text and {{.}} takes a
// shorter path (exec.cc RangeOverPlainStrings); declaring the index and
// element forces the general path, whose output must be the same. Bodies,
// lists (empty, empty strings, multi-byte) and an else branch are varied;
// the same over a named string type, which never takes the short path, and
// over a list of views (StringViews, as getvs hands out), which does.
TEST(ExecRangeTest, PlainStringBodyPrintsWhatTheGeneralPathPrints) {
  const std::vector<std::string> bodies = {
      "server {{.}};\n", "{{.}}", "{{.}}{{.}}", "a{{.}}b{{.}}c", "", "x",
      "{{- . -}} ", "{{.}}{{else}}none",
  };
  const std::vector<std::vector<std::string>> lists = {
      {}, {""}, {"10.0.0.1:80"}, {"b", "", "h\303\251llo", "a long value with spaces"},
  };
  const Type* named = Type::NewNamed("main.Host", Type::String());
  for (const std::string& body : bodies) {
    auto fast = Template::Parse("t.tmpl", "<{{range .}}" + body + "{{end}}>", testing_funcs::TestFuncs());
    auto general = Template::Parse("t.tmpl", "<{{range $i, $e := .}}" + body + "{{end}}>",
                                   testing_funcs::TestFuncs());
    ASSERT_TRUE(fast.ok() && general.ok()) << body;
    for (const std::vector<std::string>& list : lists) {
      ValueList named_elems;
      for (const std::string& e : list) named_elems.push_back(Value::StringOf(named, e));
      auto views = std::make_shared<StringViews>(std::vector<std::string_view>(list.begin(), list.end()));
      for (const Value& dot : {Value::StringList(list),
                               Value::List(Type::SliceOf(named), named_elems),
                               Value::ViewList(Type::SliceOf(Type::String()), views)}) {
        ExecContext ctx;
        std::string want, got;
        ASSERT_TRUE((*general)->Execute(dot, ctx, &want).ok());
        ASSERT_TRUE((*fast)->Execute(dot, ctx, &got).ok());
        EXPECT_EQ(want, got) << "body " << body << ", " << list.size() << " elements";
        std::string expected = "<";  // and what it is, spelled out
        for (const std::string& e : list) {
          if (body == "server {{.}};\n") expected += "server " + e + ";\n";
          if (body == "a{{.}}b{{.}}c") expected += "a" + e + "b" + e + "c";
        }
        if (body == "server {{.}};\n" || body == "a{{.}}b{{.}}c") {
          EXPECT_EQ(expected + ">", got);
        }
      }
    }
  }
}

// An upstream list is one big range followed by a little text. The output
// must not end up in a buffer twice its size (the text after {{end}} used to
// move a 27.5 MB output into a 55 MB one, both live during the copy).
TEST(ExecRangeTest, TextAfterABigRangeDoesNotDoubleTheOutputBuffer) {
  auto t = Template::Parse("t.tmpl", "# upstreams\n{{range .}}server {{.}};\n{{end}}# end\n",
                           testing_funcs::TestFuncs());
  ASSERT_TRUE(t.ok()) << t.status();
  const std::vector<std::string> hosts(100000, "10.0.0.1:8080");
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE((*t)->Execute(Value::StringList(hosts), ctx, &out).ok());
  ASSERT_EQ(12 + 100000 * 22 + 6, out.size());
  EXPECT_LT(out.capacity(), out.size() + out.size() / 32 + 8192);
}

}  // namespace
}  // namespace confwatch
