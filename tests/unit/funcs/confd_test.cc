// confd's functions through the real parser and executor. The table's
// expected outputs and error texts were rendered by Go 1.19's text/template
// with confd's function map and memkv store over the same keys (the
// conformance generator in tests/conformance/gen, run on these cases); the
// functions that touch the system are checked against a FuncEnv fake with
// expectations reasoned from confd's source.
#include "funcs/confd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"
#include "funcs/internal.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using testing::FakeFuncEnv;
using testing::GoCase;
using testing::Renderer;
using testing::Want;

const std::vector<std::pair<std::string, std::string>> kKeys = {
    {"/app/port", "8080"},
    {"/app/host", "db.local"},
    {"/app/empty", ""},
    {"/app/json", R"({"name":"web","port":8080,"tags":["a","b"],"nested":{"z":1}})"},
    {"/svc/b/addr", "10.0.0.2"},
    {"/svc/a/addr", "10.0.0.1"},
    {"/svc/ccc/addr", "10.0.0.3"},
    {"/svc/a/weight", "5"},
    {"/words/1", "pear"},
    {"/words/2", "fig"},
    {"/words/3", "apple"},
};

TEST(ConfdFuncs, MatchGoForEveryFunction) {
  const GoCase cases[] = {
    {"get-value",
     "{{(get \"/app/port\").Value}} {{(get \"/app/port\").Key}}",
     "8080 /app/port", nullptr},
    {"get-print",
     "{{get \"/app/port\"}}",
     "{/app/port 8080}", nullptr},
    {"get-missing",
     "{{get \"/app/nope\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <get \"/app/nope\">: error calling get: key does not exist: /app/nope"},
    {"gets-range",
     "{{range gets \"/svc/*/addr\"}}{{.Key}}={{.Value}};{{end}}",
     "/svc/a/addr=10.0.0.1;/svc/b/addr=10.0.0.2;/svc/ccc/addr=10.0.0.3;", nullptr},
    {"gets-print",
     "{{gets \"/svc/a/*\"}}",
     "[{/svc/a/addr 10.0.0.1} {/svc/a/weight 5}]", nullptr},
    {"gets-none",
     "{{gets \"/none/*\"}} {{len (gets \"/none/*\")}}",
     "[] 0", nullptr},
    {"gets-bad-pattern",
     "{{gets \"/svc/[\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <gets \"/svc/[\">: error calling gets: syntax error in pattern"},
    {"getv-value",
     "{{getv \"/app/host\"}}",
     "db.local", nullptr},
    {"getv-default",
     "{{getv \"/app/nope\" \"fallback\"}}",
     "fallback", nullptr},
    {"getv-default-not-used",
     "{{getv \"/app/port\" \"fallback\"}}",
     "8080", nullptr},
    {"getv-empty-default",
     "[{{getv \"/app/nope\" \"\"}}]",
     "[]", nullptr},
    {"getv-missing",
     "{{getv \"/app/nope\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <getv \"/app/nope\">: error calling getv: key does not exist: /app/nope"},
    {"getvs-sorted-by-value",
     "{{getvs \"/words/*\"}}",
     "[apple fig pear]", nullptr},
    {"ls-basic",
     "{{ls \"/svc\"}}",
     "[a b ccc]", nullptr},
    {"ls-trailing",
     "{{ls \"/app/\"}}",
     "[empty host json port]", nullptr},
    {"lsdir-basic",
     "{{lsdir \"/svc\"}} {{lsdir \"/app\"}}",
     "[a b ccc] []", nullptr},
    {"exists-both",
     "{{exists \"/app/port\"}} {{exists \"/app\"}}",
     "true false", nullptr},
    {"base-dir",
     "{{base \"/a/b/c\"}} {{base \"/a/b/\"}} {{base \"/\"}} [{{base \"\"}}] {{dir \"/a/b/c\"}} {{dir \"/a/b/\"}} {{dir \"a\"}} {{dir \"\"}} {{dir \"//x//y\"}}",
     "c b / [.] /a/b /a/b . . /x", nullptr},
    {"split-basic",
     "{{split \"a,b,,c\" \",\"}} {{len (split \"a,b,,c\" \",\")}}",
     "[a b  c] 4", nullptr},
    {"split-empty-string",
     "{{len (split \"\" \",\")}} {{len (split \"\" \"\")}}",
     "1 0", nullptr},
    {"split-empty-sep",
     "{{range split \"a\303\251\\xffb\" \"\"}}[{{.}}]{{end}}",
     "[a][\303\251][\357\277\275][b]", nullptr},
    {"split-multichar-sep",
     "{{split \"a::b::\" \"::\"}}",
     "[a b ]", nullptr},
    {"join-basic",
     "{{join (split \"a b c\" \" \") \"-\"}}",
     "a-b-c", nullptr},
    {"join-ls",
     "{{join (ls \"/svc\") \",\"}}",
     "a,b,ccc", nullptr},
    {"join-wrong-type",
     "{{join (jsonArray \"[\\\"a\\\"]\") \",\"}}",
     nullptr, "template: t.tmpl:1:18: executing \"t.tmpl\" at <\"[\\\"a\\\"]\">: wrong type for value; expected []string; got []interface {}"},
    {"toUpper-ascii",
     "{{toUpper \"hello World 1\"}} {{toLower \"HeLLo WORLD\"}}",
     "HELLO WORLD 1 hello world", nullptr},
    {"toUpper-unicode",
     "{{toUpper \"stra\303\237e \307\206 \357\254\200 \303\251 \317\211\"}} {{toLower \"\303\200\303\211\303\216 \316\251 \307\205 \304\260\"}}",
     "STRA\303\237E \307\204 \357\254\200 \303\211 \316\251 \303\240\303\251\303\256 \317\211 \307\206 i", nullptr},
    {"toUpper-invalid-utf8",
     "{{toUpper \"a\\xff\303\251\"}}",
     "A\357\277\275\303\211", nullptr},
    {"contains-basic",
     "{{contains \"hello\" \"ell\"}} {{contains \"hello\" \"x\"}} {{contains \"hello\" \"\"}}",
     "true false true", nullptr},
    {"replace-all",
     "{{replace \"a.b.c\" \".\" \"/\" -1}}",
     "a/b/c", nullptr},
    {"replace-n",
     "{{replace \"a.b.c\" \".\" \"/\" 1}} {{replace \"aaa\" \"a\" \"b\" 0}} {{replace \"aaa\" \"a\" \"b\" 5}}",
     "a/b.c aaa bbb", nullptr},
    {"replace-empty-old",
     "{{replace \"ab\303\251\" \"\" \"-\" -1}} {{replace \"ab\" \"\" \"-\" 2}}",
     "-a-b-\303\251- -a-b", nullptr},
    {"trimSuffix-basic",
     "{{trimSuffix \"nginx.conf\" \".conf\"}} {{trimSuffix \"x\" \"yx\"}}",
     "nginx x", nullptr},
    {"json-field",
     "{{$j := json (getv \"/app/json\")}}{{$j.name}} {{$j.port}} {{index $j.tags 1}} {{$j.nested.z}}",
     "web 8080 b 1", nullptr},
    {"json-print",
     "{{json (getv \"/app/json\")}}",
     "map[name:web nested:map[z:1] port:8080 tags:[a b]]", nullptr},
    {"json-error",
     "{{json \"{\\\"a\\\":}\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <json \"{\\\"a\\\":}\">: error calling json: invalid character '}' looking for beginning of value"},
    {"json-array-error",
     "{{json \"[1]\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <json \"[1]\">: error calling json: json: cannot unmarshal array into Go value of type map[string]interface {}"},
    {"json-null",
     "{{json \"null\"}}",
     "map[]", nullptr},
    {"jsonArray-basic",
     "{{range jsonArray \"[1, \\\"two\\\", 3.5, true, null]\"}}{{.}};{{end}}",
     "1;two;3.5;true;<no value>;", nullptr},
    {"jsonArray-object-error",
     "{{jsonArray \"{}\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <jsonArray \"{}\">: error calling jsonArray: json: cannot unmarshal object into Go value of type []interface {}"},
    {"map-basic",
     "{{$m := map \"a\" 1 \"b\" \"x\"}}{{$m.a}} {{$m.b}} {{$m}}",
     "1 x map[a:1 b:x]", nullptr},
    {"map-odd",
     "{{map \"a\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <map \"a\">: error calling map: invalid map call"},
    {"map-nonstring-key",
     "{{map 1 2}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <map 1 2>: error calling map: map keys must be strings"},
    {"map-empty",
     "{{map}}",
     "map[]", nullptr},
    {"base64-roundtrip",
     "{{base64Encode \"hello, world\"}} {{base64Decode \"aGVsbG8sIHdvcmxk\"}}",
     "aGVsbG8sIHdvcmxk hello, world", nullptr},
    {"base64-padding",
     "{{base64Encode \"a\"}} {{base64Encode \"ab\"}} {{base64Decode \"YQ==\"}} {{base64Decode \"YWI=\"}}",
     "YQ== YWI= a ab", nullptr},
    {"base64-newlines",
     "{{base64Decode \"YW\\nJj\\r\\n\"}}",
     "abc", nullptr},
    {"base64-bad-char",
     "{{base64Decode \"ab$c\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <base64Decode \"ab$c\">: error calling base64Decode: illegal base64 data at input byte 2"},
    {"base64-missing-padding",
     "{{base64Decode \"YQ\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <base64Decode \"YQ\">: error calling base64Decode: illegal base64 data at input byte 0"},
    {"base64-bad-padding",
     "{{base64Decode \"Y===\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <base64Decode \"Y===\">: error calling base64Decode: illegal base64 data at input byte 1"},
    {"base64-single-pad",
     "{{base64Decode \"YQ=\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <base64Decode \"YQ=\">: error calling base64Decode: illegal base64 data at input byte 3"},
    {"base64-trailing",
     "{{base64Decode \"YQ==YQ==\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <base64Decode \"YQ==YQ==\">: error calling base64Decode: illegal base64 data at input byte 4"},
    {"base64-short",
     "{{base64Decode \"YWJjZ\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <base64Decode \"YWJjZ\">: error calling base64Decode: illegal base64 data at input byte 4"},
    {"parseBool-values",
     "{{parseBool \"1\"}} {{parseBool \"t\"}} {{parseBool \"TRUE\"}} {{parseBool \"True\"}} {{parseBool \"0\"}} {{parseBool \"F\"}} {{parseBool \"false\"}}",
     "true true true true false false false", nullptr},
    {"parseBool-error",
     "{{parseBool \"yes\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <parseBool \"yes\">: error calling parseBool: strconv.ParseBool: parsing \"yes\": invalid syntax"},
    {"atoi-values",
     "{{atoi \"42\"}} {{atoi \"-7\"}} {{atoi \"+3\"}} {{atoi \"007\"}} {{add (atoi \"9223372036854775807\") 0}}",
     "42 -7 3 7 9223372036854775807", nullptr},
    {"atoi-invalid",
     "{{atoi \"x1\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <atoi \"x1\">: error calling atoi: strconv.Atoi: parsing \"x1\": invalid syntax"},
    {"atoi-empty",
     "{{atoi \"\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <atoi \"\">: error calling atoi: strconv.Atoi: parsing \"\": invalid syntax"},
    {"atoi-range",
     "{{atoi \"9223372036854775808\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <atoi \"9223372036854775808\">: error calling atoi: strconv.Atoi: parsing \"9223372036854775808\": value out of range"},
    {"atoi-underscore",
     "{{atoi \"1_000\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <atoi \"1_000\">: error calling atoi: strconv.Atoi: parsing \"1_000\": invalid syntax"},
    {"atoi-space",
     "{{atoi \" 1\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <atoi \" 1\">: error calling atoi: strconv.Atoi: parsing \" 1\": invalid syntax"},
    {"reverse-ls",
     "{{reverse (ls \"/svc\")}}",
     "[ccc b a]", nullptr},
    {"reverse-getvs",
     "{{reverse (getvs \"/words/*\")}}",
     "[pear fig apple]", nullptr},
    {"reverse-gets-is-noop",
     "{{range reverse (gets \"/svc/*/addr\")}}{{.Value}} {{end}}",
     "10.0.0.1 10.0.0.2 10.0.0.3 ", nullptr},
    {"reverse-sorted-kv",
     "{{range reverse (sortKVByLength (gets \"/svc/*/addr\"))}}{{.Key}} {{end}}",
     "/svc/ccc/addr /svc/b/addr /svc/a/addr ", nullptr},
    {"reverse-other-types",
     "{{reverse (seq 1 3)}} {{reverse (jsonArray \"[1,2]\")}} {{reverse \"abc\"}}",
     "[1 2 3] [1 2] abc", nullptr},
    {"sortByLength-basic",
     "{{sortByLength (split \"ccc,a,bb,dddd,e\" \",\")}}",
     "[a e bb ccc dddd]", nullptr},
    {"sortByLength-unstable-large",
     "{{sortByLength (split \"kk,jj,ii,hh,gg,ff,ee,dd,cc,bb,aa,z,yy,xx,ww,vv,uu,tt,ss,rr,qq,pp\" \",\")}}",
     "[z aa ff jj xx yy ee dd cc bb kk hh ii gg ww vv uu tt ss rr qq pp]", nullptr},
    {"sortByLength-many",
     "{{sortByLength (split \"q8,b,c3,d44,e,f1,g22,h,i0,j333,k,l5,m66,n,o7,p,q,r9,s,t12,u,v4,w,x56,y,z0,aa,bb1,cc,dd\" \",\")}}",
     "[n b y w e u s h q p k o7 f1 l5 q8 dd i0 r9 cc aa z0 v4 c3 x56 d44 m66 t12 bb1 g22 j333]", nullptr},
    {"sortKVByLength-basic",
     "{{range sortKVByLength (gets \"/svc/*/*\")}}{{.Key}} {{end}}",
     "/svc/a/addr /svc/b/addr /svc/a/weight /svc/ccc/addr ", nullptr},
    {"sortKVByLength-wrong-type",
     "{{sortKVByLength (ls \"/svc\")}}",
     nullptr, "template: t.tmpl:1:21: executing \"t.tmpl\" at <\"/svc\">: wrong type for value; expected []memkv.KVPair; got []string"},
    {"math-basic",
     "{{add 2 3}} {{sub 2 3}} {{mul -4 5}} {{div 7 2}} {{div -7 2}} {{mod 7 3}} {{mod -7 3}}",
     "5 -1 -20 3 -3 1 -1", nullptr},
    {"math-overflow-wraps",
     "{{add 9223372036854775807 1}} {{mul 9223372036854775807 2}} {{div -9223372036854775808 -1}} {{mod -9223372036854775808 -1}}",
     "-9223372036854775808 -2 -9223372036854775808 0", nullptr},
    {"div-zero",
     "{{div 1 0}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <div 1 0>: error calling div: runtime error: integer divide by zero"},
    {"mod-zero",
     "{{mod 1 0}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <mod 1 0>: error calling mod: runtime error: integer divide by zero"},
    {"add-string-error",
     "{{add \"1\" 2}}",
     nullptr, "template: t.tmpl:1:6: executing \"t.tmpl\" at <\"1\">: expected integer; found \"1\""},
    {"add-float-error",
     "{{add 1.5 2}}",
     nullptr, "template: t.tmpl:1:6: executing \"t.tmpl\" at <1.5>: expected integer; found 1.5"},
    {"add-json-number-error",
     "{{add (json (getv \"/app/json\")).port 1}}",
     nullptr, "template: t.tmpl:1:18: executing \"t.tmpl\" at <\"/app/json\">: wrong type for value; expected int; got float64"},
    {"seq-basic",
     "{{seq 1 5}} {{seq 3 3}} {{seq 5 1}} {{len (seq 5 1)}} {{seq -2 1}}",
     "[1 2 3 4 5] [3] [] 0 [-2 -1 0 1]", nullptr},
    {"seq-range",
     "{{range seq 1 3}}{{.}},{{end}}",
     "1,2,3,", nullptr},
  };
  FakeFuncEnv env;
  Renderer r(env, kKeys);
  for (const GoCase& c : cases) {
    EXPECT_EQ(Want(c), r.Render(c.text)) << c.name << ": " << c.text;
  }
}

TEST(ConfdFuncs, SplitIntoRunesKeepsTheLastOneRaw) {
  // Go's explode turns an invalid byte into U+FFFD except in the last
  // element (Go 1.19 output, base64 "W++/vV1bYV1b/10=").
  FakeFuncEnv env;
  Renderer r(env, {});
  EXPECT_EQ("[\xEF\xBF\xBD][a][\xFF]", r.Render(R"({{range split "\xffa\xff" ""}}[{{.}}]{{end}})"));
}

TEST(ConfdFuncs, GetenvReadsTheEnvironmentWithOptionalDefault) {
  FakeFuncEnv env;
  env.env = {{"NAME", "hello"}, {"EMPTY", ""}};
  Renderer r(env, {});
  EXPECT_EQ("hello", r.Render(R"({{getenv "NAME"}})"));
  EXPECT_EQ("hello", r.Render(R"({{getenv "NAME" "dflt"}})"));
  EXPECT_EQ("[]", r.Render(R"([{{getenv "UNSET"}}])"));
  EXPECT_EQ("dflt", r.Render(R"({{getenv "UNSET" "dflt"}})"));
  // confd's Getenv uses the default for a variable that is set but empty.
  EXPECT_EQ("dflt", r.Render(R"({{getenv "EMPTY" "dflt"}})"));
  EXPECT_EQ("dflt", r.Render(R"({{getenv "EMPTY" "dflt" "ignored"}})"));
  EXPECT_EQ(
      "error: template: t.tmpl:1:9: executing \"t.tmpl\" at <5>: expected string; found 5",
      r.Render("{{getenv 5}}"));
}

TEST(ConfdFuncs, DatetimeIsGoTimeNowWithItsMethods) {
  FakeFuncEnv env;
  env.now.unix_sec = 1709622489;  // 2024-03-05 07:08:09 UTC
  env.now.nsec = 120000000;
  env.now.utc = true;
  env.now.has_mono = true;
  env.now.mono_nsec = 1500;
  Renderer r(env, {});
  EXPECT_EQ("2024-03-05 07:08:09.12 +0000 UTC m=+0.000001500", r.Render("{{datetime}}"));
  EXPECT_EQ("2024-03-05", r.Render(R"({{(datetime).Format "2006-01-02"}})"));
  EXPECT_EQ("Mar 5, 2024 at 7:08am (UTC)",
            r.Render(R"t({{datetime.Format "Jan 2, 2006 at 3:04pm (MST)"}})t"));
  EXPECT_EQ("1709622489 2024 March 5 Tuesday 65",
            r.Render("{{datetime.Unix}} {{datetime.Year}} {{datetime.Month}} {{datetime.Day}} "
                     "{{datetime.Weekday}} {{datetime.YearDay}}"));
  // UTC() and Local() drop the monotonic reading, as in Go.
  EXPECT_EQ("2024-03-05 07:08:09.12 +0000 UTC", r.Render("{{datetime.UTC}}"));
  EXPECT_EQ("time.Time", r.Render(R"({{printf "%T" datetime}})"));
}

TEST(ConfdFuncs, LookupIPSortsAndFiltersByFamily) {
  FakeFuncEnv env;
  env.ips["db"] = {"10.0.0.9", "::1", "10.0.0.10", "2001:db8::1"};
  env.ips["v4only"] = {"10.0.0.1"};
  Renderer r(env, {});
  // sort.Strings order: "10.0.0.10" < "10.0.0.9".
  EXPECT_EQ("[10.0.0.10 10.0.0.9 2001:db8::1 ::1]", r.Render(R"({{lookupIP "db"}})"));
  EXPECT_EQ("[10.0.0.10 10.0.0.9]", r.Render(R"({{lookupIPV4 "db"}})"));
  EXPECT_EQ("[2001:db8::1 ::1]", r.Render(R"({{lookupIPV6 "db"}})"));
  // Errors and empty results are nil slices: they print [] and marshal to null.
  EXPECT_EQ("[] null", r.Render(R"({{lookupIP "nope"}} {{toJson (lookupIP "nope")}})"));
  EXPECT_EQ("[] null", r.Render(R"({{lookupIPV6 "v4only"}} {{toJson (lookupIPV6 "v4only")}})"));
}

TEST(ConfdFuncs, LookupSRVSortsLikeConfd) {
  FakeFuncEnv env;
  // confd sorts by the string Target+Port+Priority+Weight.
  env.srv["_http._tcp.example.com"] = {{"b.example.com.", 80, 10, 5},
                                       {"a.example.com.", 8080, 20, 1},
                                       {"a.example.com.", 443, 10, 1}};
  Renderer r(env, {});
  EXPECT_EQ("a.example.com.:443/10/1 a.example.com.:8080/20/1 b.example.com.:80/10/5 ",
            r.Render(R"({{range lookupSRV "http" "tcp" "example.com"}})"
                     R"({{.Target}}:{{.Port}}/{{.Priority}}/{{.Weight}} {{end}})"));
  EXPECT_EQ("*net.SRV", r.Render(R"({{printf "%T" (index (lookupSRV "http" "tcp" "example.com") 0)}})"));
  // A failed lookup is an empty, non-nil list.
  EXPECT_EQ("[] []", r.Render(R"({{lookupSRV "x" "udp" "nowhere"}} {{toJson (lookupSRV "x" "udp" "nowhere")}})"));
}

TEST(ConfdFuncs, FileExistsAsksTheEnvironment) {
  FakeFuncEnv env;
  env.existing_files = {"/etc/app.conf"};
  Renderer r(env, {});
  EXPECT_EQ("true false", r.Render(R"({{fileExists "/etc/app.conf"}} {{fileExists "/nope"}})"));
}

TEST(ConfdFuncs, ReverseDoesNotChangeTheVariableItWasGiven) {
  // Go reverses the slice in place, so Go would print "[b a] [b a]" here;
  // our values are immutable (documented difference).
  FakeFuncEnv env;
  Renderer r(env, {{"/a", "1"}, {"/b", "2"}});
  EXPECT_EQ("[b a] [a b]", r.Render(R"({{$l := ls "/"}}{{reverse $l}} {{$l}})"));
}

TEST(ConfdFuncs, ReverseAndSortKeepNilSlicesNil) {
  // lookupIP's nil result stays nil through Go's reverse and sort.Sort.
  FakeFuncEnv env;
  Renderer r(env, {});
  EXPECT_EQ("null null [] []", r.Render(R"({{toJson (reverse (lookupIP "x"))}} )"
                                        R"({{toJson (sortByLength (lookupIP "x"))}} )"
                                        R"({{reverse (lookupIP "x")}} {{sortByLength (lookupIP "x")}})"));
}

TEST(ConfdFuncs, SeqRefusesAbsurdRanges) {
  FakeFuncEnv env;
  Renderer r(env, {});
  EXPECT_EQ("1000000", r.Render("{{len (seq 1 1000000)}}"));
  EXPECT_EQ(
      "error: template: t.tmpl:1:2: executing \"t.tmpl\" at <seq 1 1000001>: error calling seq: "
      "seq: more than 1000000 elements",
      r.Render("{{seq 1 1000001}}"));
}

TEST(ConfdFuncs, StoreFunctionsWithoutAStoreSeeNoKeys) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  ExecContext ctx;  // no store attached
  const Function* get = funcs.Find("get");
  ASSERT_NE(nullptr, get);
  Value key = Value::String("/a");
  EXPECT_EQ("key does not exist: /a", get->Call(ctx, {key}).status().message());
  EXPECT_EQ(0u, funcs.Find("ls")->Call(ctx, {key})->Len());
  EXPECT_FALSE(funcs.Find("exists")->Call(ctx, {key})->AsBool());
}

std::vector<std::string> StringsOfList(const Value& list) {
  std::vector<std::string> out;
  for (const Value& v : list.AsList()) out.emplace_back(v.AsString());
  return out;
}

// getvs hands out the list the Store's cache keeps (values_cache.h) and the
// cache brings it up to date in place: after random changes its answer must
// equal a fresh GetAllValues, and a list still held must not change under
// it (copy-on-write). The list views the Store's records, which a render
// reads before the Store next changes; here a held list is read later, as
// long as the Store's change log reaches back to it -- the log keeps the
// replaced records alive exactly so long, and the cache relies on that when
// it catches a kept list up (ASan would see a read of freed memory).
TEST(ConfdFuncs, GetvsListFollowsChangesAndAHeldListNeverChanges) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  const Function* getvs = funcs.Find("getvs");
  ASSERT_NE(nullptr, getvs);
  std::mt19937 rng(3);
  Store store;
  auto value = [&] { return absl::StrCat(rng() % 40, ".", std::string(rng() % 30, 'v')); };
  for (int i = 0; i < 400; ++i) store.Put(absl::StrCat("/svc/k", i), value());
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  struct Held {
    Value list;
    std::vector<std::string> was;
    uint64_t version;
  };
  std::vector<Held> held;
  for (int step = 0; step < 1500; ++step) {
    const int changes = rng() % 10 == 0 ? 40 : 1;  // 40: more than the cache catches up with
    for (int j = 0; j < changes; ++j) {
      const std::string key = absl::StrCat("/svc/k", rng() % 450);
      if (rng() % 3 == 0) {
        store.Delete(key);
      } else {
        store.Put(key, value());
      }
    }
    StoreView view(store, *scope);
    ExecContext ctx;
    ctx.store = &view;
    const std::string pattern = step % 3 == 0 ? "/svc/k1*" : "/svc/*";
    absl::StatusOr<Value> list = getvs->Call(ctx, {Value::String(pattern)});
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_EQ(funcs_internal::StringSlice(), list->type());
    const std::vector<std::string> fresh = *view.GetAllValues(pattern);
    ASSERT_EQ(fresh, StringsOfList(*list)) << "step " << step;
    if (rng() % 3 == 0) held.push_back({*list, fresh, store.version()});
    if (held.size() > 3) held.erase(held.begin() + static_cast<std::ptrdiff_t>(rng() % held.size()));
    std::vector<const Store::Change*> since;
    for (const Held& h : held) {
      if (!store.ChangesSince(h.version, &since)) continue;  // its records may be gone
      ASSERT_EQ(h.was, StringsOfList(h.list)) << "held, step " << step;
    }
  }
}

// At a million keys a copy of every value in the getvs answer was 16 MB of
// the peak: the list views the Store's own bytes instead.
TEST(ConfdFuncs, GetvsListViewsTheStoresValuesWithoutCopying) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  Store store;
  for (int i = 0; i < 100; ++i) store.Put(absl::StrCat("/svc/k", 100 + i), absl::StrCat("10.0.0.", i));
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  ExecContext ctx;
  ctx.store = &view;
  for (int round = 0; round < 2; ++round) {  // computed, then from the cache
    absl::StatusOr<Value> list = funcs.Find("getvs")->Call(ctx, {Value::String("/svc/k10*")});
    ASSERT_TRUE(list.ok()) << list.status();
    ASSERT_EQ(10u, list->Len());  // k100..k109: 10.0.0.0 .. 10.0.0.9, sorted
    for (size_t i = 0; i < 10; ++i) {
      const std::string_view in_store = *store.Find(absl::StrCat("/svc/k10", i));
      EXPECT_EQ(in_store, list->Index(i).AsString());
      EXPECT_EQ(in_store.data(), list->Index(i).AsString().data()) << i;
      EXPECT_EQ(in_store.data(), list->AsList()[i].AsString().data()) << i;
    }
  }
}

std::vector<std::pair<std::string, std::string>> PairsOfList(const Value& list) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Value& kv : list.AsList()) {
    out.emplace_back(kv.Field(0).AsString(), kv.Field(1).AsString());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> PairsOf(const std::vector<KVPair>& kvs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const KVPair& kv : kvs) out.emplace_back(kv.key, kv.value);
  return out;
}

// gets, like getvs, hands out the list the Store's cache keeps, here views
// of both the names and the values: after random changes it must equal a
// fresh GetAll, and a list still held must not change under it. A held list
// is read after the Store changed, as long as the change log reaches back to
// it: a name or value viewing a record the log no longer keeps (or a copy
// of a key the log frees) is a read of freed memory under ASan.
TEST(ConfdFuncs, GetsListFollowsChangesAndAHeldListNeverChanges) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  const Function* gets = funcs.Find("gets");
  ASSERT_NE(nullptr, gets);
  std::mt19937 rng(5);
  Store store;
  auto value = [&] { return absl::StrCat(rng() % 40, ".", std::string(rng() % 30, 'v')); };
  // Names longer than a short string's inline buffer: a name viewing a
  // copy of the key (the change log's) would view freed heap bytes.
  const std::string svc = "/svc/instance-with-a-long-name-";
  const std::string other = "/other/instance-with-a-long-name-";
  for (int i = 0; i < 400; ++i) store.Put(absl::StrCat(svc, i), value());
  for (int i = 0; i < 50; ++i) store.Put(absl::StrCat(other, i), value());
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc", "/other"});
  ASSERT_TRUE(scope.ok());
  struct Held {
    Value list;
    std::vector<std::pair<std::string, std::string>> was;
    uint64_t version;
  };
  std::vector<Held> held;
  for (int step = 0; step < 1500; ++step) {
    const int changes = rng() % 10 == 0 ? 40 : 1;  // 40: more than the cache catches up with
    for (int j = 0; j < changes; ++j) {
      const std::string key = absl::StrCat(rng() % 5 == 0 ? other : svc, rng() % 450);
      if (rng() % 3 == 0) {
        store.Delete(key);
      } else {
        store.Put(key, value());
      }
    }
    StoreView view(store, *scope);
    ExecContext ctx;
    ctx.store = &view;
    const std::string pattern = step % 3 == 0 ? svc + "1*" : "/svc/*";
    absl::StatusOr<Value> list = gets->Call(ctx, {Value::String(pattern)});
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_EQ(KVPairsType(), list->type());
    const auto fresh = PairsOf(*view.GetAll(pattern));
    ASSERT_EQ(fresh, PairsOfList(*list)) << "step " << step;
    if (rng() % 3 == 0) held.push_back({*list, fresh, store.version()});
    if (held.size() > 3) held.erase(held.begin() + static_cast<std::ptrdiff_t>(rng() % held.size()));
    std::vector<const Store::Change*> since;
    for (const Held& h : held) {
      if (!store.ChangesSince(h.version, &since)) continue;  // its records may be gone
      ASSERT_EQ(h.was, PairsOfList(h.list)) << "held, step " << step;
    }
  }
}

// The names and values of a gets answer are the Store's own bytes, computed
// or from the cache.
TEST(ConfdFuncs, GetsListViewsTheStoresKeysAndValuesWithoutCopying) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  Store store;
  for (int i = 0; i < 100; ++i) store.Put(absl::StrCat("/app/svc/k", 100 + i), absl::StrCat("10.0.0.", i));
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/app", {"/app/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  ExecContext ctx;
  ctx.store = &view;
  for (const char* pattern : {"/svc/k10*", "/svc/*"}) {  // 10 pairs: computed; 100: cached
    for (int round = 0; round < 2; ++round) {
      absl::StatusOr<Value> list = funcs.Find("gets")->Call(ctx, {Value::String(pattern)});
      ASSERT_TRUE(list.ok()) << list.status();
      ASSERT_LE(10u, list->Len());
      for (size_t i = 0; i < 10; ++i) {
        const std::string key = absl::StrCat("/app/svc/k", 100 + i);
        const Store::Iterator in_store = store.LowerBound(key);
        ASSERT_EQ(key, in_store->first);
        for (const Value& kv : {list->Index(i), list->AsList()[i]}) {
          EXPECT_EQ(absl::StrCat("/svc/k", 100 + i), kv.Field(0).AsString());
          EXPECT_EQ(in_store->first.data() + 4, kv.Field(0).AsString().data()) << pattern << i;
          EXPECT_EQ(in_store->second.data(), kv.Field(1).AsString().data()) << pattern << i;
        }
      }
    }
  }
}

// A Put or Delete outside a cached gets answer's pattern leaves the answer
// as it is (the same list, even while a render holds it); one inside brings
// a copy of the held answer up to date.
TEST(ConfdFuncs, GetsAnswerIsChangedOnlyByAChangeInsideItsPattern) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  Store store;
  for (int i = 0; i < 100; ++i) {
    store.Put(absl::StrCat("/svc/web/n", i), absl::StrCat("10.0.0.", i, ":80"));
    store.Put(absl::StrCat("/svc/db/n", i), absl::StrCat("10.1.0.", i, ":5432"));
  }
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  auto gets = [&] {
    StoreView view(store, *scope);
    ExecContext ctx;
    ctx.store = &view;
    return *funcs.Find("gets")->Call(ctx, {Value::String("/svc/web/*")});
  };
  const Value held = gets();
  const auto was = PairsOfList(held);
  store.Put("/svc/db/n1", "10.9.9.9:5432");
  store.Delete("/svc/db/n2");
  store.Put("/svc/web/n1/deeper", "not matched by /svc/web/*");
  Value now = gets();
  EXPECT_EQ(held.storage(), now.storage()) << "a change outside the pattern touched the answer";
  store.Put("/svc/web/n1", "10.9.9.9:80");
  store.Delete("/svc/web/n2");
  now = gets();
  EXPECT_NE(held.storage(), now.storage()) << "a held answer was changed in place";
  EXPECT_EQ(was, PairsOfList(held));
  StoreView view(store, *scope);
  EXPECT_EQ(PairsOf(*view.GetAll("/svc/web/*")), PairsOfList(now));
}

// Every consumer of gets' list -- printing it or a pair, len, index, range
// with and without variables, functions taking it -- renders the same bytes
// from the cached views as from a list of copied pairs.
TEST(ConfdFuncs, GetsListRendersAsAListOfCopiedPairs) {
  Store store;
  for (int i = 0; i < 120; ++i) {
    store.Put(absl::StrCat("/svc/n", i), std::string(static_cast<size_t>(i % 7) + 1, static_cast<char>('a' + i % 26)));
  }
  store.Put("/other", "x");
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  FakeFuncEnv env;
  FuncMap funcs = ConfwatchFuncMap(env);
  funcs.Add("copiedGets", {{Type::String()}, nullptr, KVPairsType()},
            [&](ExecContext&, absl::Span<const Value> a) -> absl::StatusOr<Value> {
              absl::StatusOr<std::vector<KVPair>> all = view.GetAll(a[0].AsString());
              if (!all.ok()) return all.status();
              ValueList pairs;
              for (const KVPair& kv : *all) {
                pairs.push_back(Value::Struct(KVPairType(), {Value::String(kv.key),
                                                             Value::String(kv.value)}));
              }
              return Value::List(KVPairsType(), std::move(pairs));
            });
  for (const std::string body : {
           R"({{range @}}server {{.Value}}; # {{.Key}}{{end}})",
           R"({{range @}}{{.Key}}{{.Key}}={{.Value}}{{"\n"}}{{end}})",
           R"({{range @}}{{.}}{{end}})",
           R"({{range @}}{{base .Key}}:{{.Value}};{{end}})",
           R"({{range $i, $kv := @}}{{$i}}={{$kv.Key}},{{end}})",
           R"({{range $kv := @}}{{$kv.Value}}{{end}})",
           R"({{@}})",
           R"({{printf "%v|%+v|%q" @ (index @ 3) (index @ 4).Value}})",
           R"({{len @}} {{(index @ 7).Key}} {{index @ 8}})",
           R"({{range sortKVByLength @}}{{.Key}},{{end}})",
           R"({{reverse @}})",
           R"({{toJson @}})",
           R"({{range @}}{{if eq .Value "aa"}}{{.Key}}{{break}}{{end}}{{end}})",
           R"({{with $l := @}}{{(slice $l 2 4)}}{{end}})",
       }) {
    std::string cached_text = body, copied_text = body;
    for (size_t at; (at = cached_text.find('@')) != std::string::npos;) {
      cached_text.replace(at, 1, "(gets \"/svc/*\")");
    }
    for (size_t at; (at = copied_text.find('@')) != std::string::npos;) {
      copied_text.replace(at, 1, "(copiedGets \"/svc/*\")");
    }
    std::string outs[2];
    for (int copied = 0; copied < 2; ++copied) {
      absl::StatusOr<std::shared_ptr<const Template>> t =
          Template::Parse("t.tmpl", copied ? copied_text : cached_text, funcs);
      ASSERT_TRUE(t.ok()) << t.status() << " " << body;
      ExecContext ctx;
      ctx.store = &view;
      for (int round = 0; round < 2; ++round) {  // computed, then from the cache
        std::string out;
        absl::Status st = (*t)->Execute(Value::Nil(), ctx, &out);
        ASSERT_TRUE(st.ok()) << st << " " << body;
        if (round == 1) {
          EXPECT_EQ(outs[copied], out) << body;
        }
        outs[copied] = out;
      }
    }
    EXPECT_EQ(outs[1], outs[0]) << body;
    EXPECT_FALSE(outs[0].empty()) << body;
  }
}

TEST(ConfdFuncs, MapHasConfdsNamesAndTypes) {
  FakeFuncEnv env;
  FuncMap funcs = ConfdFuncMap(env);
  for (const char* name : {"get", "gets", "getv", "getvs", "ls", "lsdir", "exists", "getenv",
                           "base", "dir", "split", "join", "toUpper", "toLower", "contains",
                           "replace", "trimSuffix", "json", "jsonArray", "map", "datetime",
                           "lookupIP", "lookupIPV4", "lookupIPV6", "lookupSRV", "fileExists",
                           "base64Encode", "base64Decode", "parseBool", "reverse",
                           "sortByLength", "sortKVByLength", "add", "sub", "mul", "div", "mod",
                           "seq", "atoi"}) {
    EXPECT_NE(nullptr, funcs.Find(name)) << name;
  }
  EXPECT_EQ(nullptr, funcs.Find("toJson"));  // an addition, not confd's
  EXPECT_EQ("memkv.KVPair", KVPairType()->name());
  EXPECT_EQ("memkv.KVPairs", KVPairsType()->name());
  EXPECT_EQ("*net.SRV", SrvPointerType()->name());
}

TEST(SystemFuncEnv, SrvAnswersAreDecodedWithCompressedNames) {
  // A response to _http._tcp.example.com SRV with two answers: one whose
  // target reuses "example.com" from the question through a compression
  // pointer, one with the root as target. RDATA is priority, weight, port.
  const unsigned char msg[] = {
      0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,  // header: 1 question, 2 answers
      5, '_', 'h', 't', 't', 'p', 4, '_', 't', 'c', 'p',  // offset 12
      7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,  // "example.com" at 23
      0, 33, 0, 1,  // QTYPE SRV, QCLASS IN
      0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 12,  // name -> question, TTL 60, RDLENGTH 12
      0, 10, 0, 5, 0x1F, 0x90, 3, 'w', 'e', 'b', 0xC0, 23,  // prio 10 weight 5 port 8080 web.example.com
      0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 7,
      0, 1, 0, 2, 0, 53, 0,  // prio 1 weight 2 port 53, target "."
  };
  absl::StatusOr<std::vector<SrvRecord>> records =
      funcs_internal::ParseSrvAnswer(msg, static_cast<int>(sizeof(msg)));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(2u, records->size());
  EXPECT_EQ("web.example.com.", (*records)[0].target);
  EXPECT_EQ(8080, (*records)[0].port);
  EXPECT_EQ(10, (*records)[0].priority);
  EXPECT_EQ(5, (*records)[0].weight);
  EXPECT_EQ(".", (*records)[1].target);
  EXPECT_EQ(53, (*records)[1].port);
  // Truncated answers are errors, not reads past the end.
  EXPECT_FALSE(funcs_internal::ParseSrvAnswer(msg, static_cast<int>(sizeof(msg)) - 3).ok());
}

// SystemFuncEnv against the real system, with inputs that need no network.
TEST(SystemFuncEnv, LookupIPOfLiteralsPrintsLikeGo) {
  const FuncEnv& env = SystemFuncEnv();
  EXPECT_EQ(std::vector<std::string>{"1.2.3.4"}, *env.LookupIP("1.2.3.4"));
  EXPECT_EQ(std::vector<std::string>{"2001:db8::1"}, *env.LookupIP("2001:db8:0:0:0:0:0:1"));
  // Go prints IPv4-mapped addresses dotted, and does not use inet_ntop's
  // "::1.2.3.4" form for IPv4-compatible ones.
  EXPECT_EQ(std::vector<std::string>{"1.2.3.4"}, *env.LookupIP("::ffff:1.2.3.4"));
  EXPECT_EQ(std::vector<std::string>{"::102:304"}, *env.LookupIP("::1.2.3.4"));
  EXPECT_EQ(std::vector<std::string>{"1:0:0:1::1"}, *env.LookupIP("1:0:0:1:0:0:0:1"));
  EXPECT_EQ(std::vector<std::string>{"1::1:0:0:1"}, *env.LookupIP("1:0:0:0:1:0:0:1"));
  EXPECT_EQ(std::vector<std::string>{"1:0:1:0:1:0:1:0"}, *env.LookupIP("1:0:1:0:1:0:1:0"));
}

TEST(SystemFuncEnv, FileExistsFollowsGosIsNotExist) {
  const FuncEnv& env = SystemFuncEnv();
  char dir[] = "/tmp/funcs_confd_testXXXXXX";
  ASSERT_NE(nullptr, mkdtemp(dir));
  std::string file = std::string(dir) + "/f";
  int fd = open(file.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_TRUE(env.FileExists(file));
  EXPECT_TRUE(env.FileExists(dir));
  EXPECT_FALSE(env.FileExists(std::string(dir) + "/missing"));
  EXPECT_FALSE(env.FileExists(""));
  // ENOTDIR is not "does not exist" for Go's os.IsNotExist.
  EXPECT_TRUE(env.FileExists(file + "/x"));
  unlink(file.c_str());
  rmdir(dir);
}

TEST(SystemFuncEnv, GetenvAndHostname) {
  const FuncEnv& env = SystemFuncEnv();
  setenv("CONFWATCH_FUNCS_TEST", "v", 1);
  EXPECT_EQ("v", env.Getenv("CONFWATCH_FUNCS_TEST"));
  unsetenv("CONFWATCH_FUNCS_TEST");
  EXPECT_EQ("", env.Getenv("CONFWATCH_FUNCS_TEST"));
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  EXPECT_EQ(host, *env.Hostname());
}

}  // namespace
}  // namespace confwatch
