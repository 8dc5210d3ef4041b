// The functions of issue 19 that templates from Helm, consul-template and
// the confd fork call (sprig_extra.cc, lookupIface* in net.cc).
// Expected outputs of the table were rendered by Go (tests/conformance/gen
// with sprig v3.2.3 and the fork's functions, cases/sprig_extra.txt); the
// host-dependent functions (now, uuidv4, lookupIface*) are checked here
// through the FakeFuncEnv seam or by their properties.
#include <set>
#include <string>

#include "test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::MatchesRegex;
using testing::FakeFuncEnv;
using testing::GoCase;
using testing::Renderer;
using testing::Want;

TEST(SprigExtraFuncs, MatchGo) {
  const GoCase cases[] = {
      {"upper", "{{upper \"straße é ǆ\"}}", "STRAßE É Ǆ", nullptr},
      {"title", "{{title \"hello wORLD foo_bar foo-bar\"}}|{{title \"a.b,c(d)e1f 9g ébc\"}}",
       "Hello WORLD Foo_bar Foo-Bar|A.B,C(D)E1f 9g Ébc", nullptr},
      {"title-digraph", "{{title \"ǆemal ǉ\"}}", "ǅemal ǈ", nullptr},
      {"trim", "[{{trim \"\\u00a0\\u2003x\\u3000\"}}]", "[x]", nullptr},
      {"replaceAll", "{{replaceAll \".\" \"_\" \"a.b.c\"}} {{replaceAll \"\" \"|\" \"ab\"}}",
       "a_b_c |a|b|", nullptr},
      {"int-strings",
       "{{int \"42\"}} {{int \"0x1F\"}} {{int \"012\"}} {{int \"1_000\"}} {{int \"12.00\"}} {{int \"1.5\"}} {{int \"x\"}} {{int \"\"}}",
       "42 31 10 1000 12 0 0 0", nullptr},
      {"int-others", "{{int 3.99}} {{int -3.99}} {{int true}} {{int nil}} {{int (get \"/k\")}} {{int (dict)}}",
       "3 -3 1 0 0 0", nullptr},
      {"b64", "{{b64enc \"hello world\"}} {{b64dec \"aGVsbG8gd29ybGQ=\"}}",
       "aGVsbG8gd29ybGQ= hello world", nullptr},
      {"b64dec-error-is-the-result", "{{b64dec \"not base64!\"}}|{{b64dec \"aGk\"}}",
       "illegal base64 data at input byte 3|illegal base64 data at input byte 0", nullptr},
      {"hashes", "{{sha1sum \"hello\"}} {{md5sum \"hello\"}} {{md5sum \"\"}}",
       "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d 5d41402abc4b2a76b9719d911017c592 "
       "d41d8cd98f00b204e9800998ecf8427e",
       nullptr},
      {"sha1sum-wrong-type", "{{sha1sum 1}}", nullptr,
       "template: t.tmpl:1:10: executing \"t.tmpl\" at <1>: expected string; found 1"},
      {"snakecase",
       "[{{snakecase \"__a--B  c\"}}] [{{snakecase \"ABC\"}}] [{{snakecase \"a1B2\"}}] "
       "[{{snakecase \"getHTTPResponseCode\"}}] [{{snakecase \"ÉtéÀ\"}}]",
       "[a_b_c] [abc] [a1_b2] [get_http_response_code] [été_à]", nullptr},
      {"camelcase", "{{camelcase \"HTTP server\"}} {{camelcase \"ID_number\"}} {{camelcase \"été-été\"}}",
       "httpServer idNumber étéÉté", nullptr},
      {"kebabcase", "{{kebabcase \"HTTPServer\"}} {{kebabcase \"my_var name\"}}", "http-server my-var-name",
       nullptr},
      {"pluck", "{{pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3)}} {{toJson (pluck \"z\" (dict))}}",
       "[1 3] null", nullptr},
      {"pluck-non-map", "{{pluck \"a\" (list 1)}}", nullptr,
       "template: t.tmpl:1:18: executing \"t.tmpl\" at <1>: wrong type for value; expected "
       "map[string]interface {}; got []interface {}"},
      {"lower-prefix-suffix", "{{lower \"ÉTÉ\"}} {{hasPrefix \"We\" \"Web\"}} {{\"a.conf\" | hasSuffix \".conf\"}}",
       "été true true", nullptr},
      {"trimAll", "[{{trimAll \"-_\" \"--_a-b_--\"}}] [{{trimAll \"é \" \"é aé é\"}}]", "[a-b] [a]", nullptr},
      {"splitList-trunc", "{{splitList \",\" \"a,b,,c\"}} [{{trunc -2 \"abcdef\"}}] [{{trunc -10 \"abc\"}}]",
       "[a b  c] [ef] [abc]", nullptr},
      {"add1-toString", "{{add1 \"41\"}} {{add1 1.9}} {{printf \"%T\" (add1 1)}} {{toString (get \"/k\")}}",
       "42 2 int64 {/k 7}", nullptr},
      {"first-last", "{{first (list 1 2 3)}} {{last (split \"a,b\" \",\")}} {{first (list)}}", "1 b <no value>",
       nullptr},
      {"last-of-a-map", "{{last (dict \"a\" 1)}}", nullptr,
       "template: t.tmpl:1:2: executing \"t.tmpl\" at <last (dict \"a\" 1)>: error calling last: Cannot find "
       "last on type map"},
      {"list-shapes", "{{rest (list 1 2 3)}} {{initial (list 1 2 3)}} {{toJson (rest (list))}} {{compact (list 1 0 \"\" \"a\" nil)}}",
       "[2 3] [1 2] null [1 a]", nullptr},
      {"uniq-without-deep-equal",
       "{{uniq (list 1 1.0 (index (jsonArray \"[1]\") 0))}} {{len (uniq (list (dict \"a\" 1) (dict \"a\" 1)))}} "
       "{{without (list \"a\" \"b\" nil) nil \"a\"}}",
       "[1 1] 1 [b]", nullptr},
      {"has", "{{has 2 (list 1 2)}} {{has \"2\" (list 1 2)}} {{has 1 nil}} {{has 1 (jsonArray \"[1]\")}}",
       "true false false false", nullptr},
      {"compact-non-list", "{{compact \"x\"}}", nullptr,
       "template: t.tmpl:1:2: executing \"t.tmpl\" at <compact \"x\">: error calling compact: Cannot compact on type string"},
      {"max-min", "{{max 1 5 3}} {{min 1 5 3}} {{max \"7\" 2.9}} {{printf \"%T\" (min 1 2)}}", "5 1 7 int64", nullptr},
      {"uuidv4-args", "{{uuidv4 1}}", nullptr,
       "template: t.tmpl:1:2: executing \"t.tmpl\" at <uuidv4>: wrong number of args for uuidv4: want 0 got 1"},
  };
  FakeFuncEnv env;
  Renderer r(env, {{"/k", "7"}});
  for (const GoCase& c : cases) EXPECT_EQ(r.Render(c.text), Want(c)) << c.name;
}

TEST(SprigExtraFuncs, ToYamlMatchesGoYamlForSimpleValues) {
  const GoCase cases[] = {
      {"scalars", "{{toYaml \"web\"}}|{{toYaml 8080}}|{{toYaml 1e21}}|{{toYaml nil}}|{{toYaml \"\"}}",
       "web|8080|1e+21|null|\"\"", nullptr},
      {"quoted-when-plain-reads-back-as-another-type",
       "{{toYaml (list \"true\" \"yes\" \"1_000\" \".5\" \"0b101\" \"1.2.3\")}}",
       "- \"true\"\n- \"yes\"\n- \"1_000\"\n- \".5\"\n- \"0b101\"\n- 1.2.3", nullptr},
      {"natural-key-order", "{{toYaml (dict \"a10\" 1 \"a9\" 2 \"a01\" 3 \"B\" 4 \"_x\" 5 \"10\" 6 \"2\" 7)}}",
       "_x: 5\n\"2\": 7\n\"10\": 6\nB: 4\na01: 3\na9: 2\na10: 1", nullptr},
      {"nested", "{{toYaml (dict \"s\" (dict \"p\" (list 80 443)) \"l\" (list (dict \"a\" 1 \"b\" 2) (list 1 2)))}}",
       "l:\n- a: 1\n  b: 2\n- - 1\n  - 2\ns:\n  p:\n  - 80\n  - 443", nullptr},
      {"kvpair", "{{toYaml (get \"/k\")}}", "Key: /k\nValue: \"7\"", nullptr},
  };
  FakeFuncEnv env;
  Renderer r(env, {{"/k", "7"}});
  for (const GoCase& c : cases) EXPECT_EQ(r.Render(c.text), Want(c)) << c.name;
}

TEST(SprigExtraFuncs, ToYamlQuotesFoldsAndWritesBlocksAsGoYaml) {
  const GoCase cases[] = {
      {"plain-with-space", "{{toYaml (dict \"msg\" \"hello world\")}}", "msg: hello world", nullptr},
      {"single-quoted-indicator", "{{toYaml (list \"a: b\" \"- x\" \"it's\" \"#x\")}}",
       "- 'a: b'\n- '- x'\n- it's\n- '#x'", nullptr},
      {"double-quoted-escapes", "{{toYaml (list \"a\\tb\" \"\\u0007\" \"\\ufeffx\")}}",
       "- \"a\\tb\"\n- \"\\a\"\n- \"\\uFEFF\\x78\"", nullptr},
      {"dates-and-base60-quoted",
       "{{toYaml (list \"2024-01-02\" \"2023-02-29\" \"2024-01-02T10:00:00Z\" \"2024-01-02T24:00:00Z\" \"1:20\" "
       "\"<<\")}}",
       "- \"2024-01-02\"\n- 2023-02-29\n- \"2024-01-02T10:00:00Z\"\n- 2024-01-02T24:00:00Z\n- \"1:20\"\n- <<",
       nullptr},
      {"literal-block", "{{toYaml (dict \"a\" \"x\\ny\\n\" \"b\" \"p\\nq\" \"c\" \" k\\n\\n\")}}",
       "a: |\n  x\n  y\nb: |-\n  p\n  q\nc: |2+\n   k\n", nullptr},
      {"fold-past-column-80",
       "{{toYaml (dict \"k\" \"aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg hhhhhhhhh iii jjj\")}}",
       "k: aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff ggggggggg hhhhhhhhh\n  iii jjj",
       nullptr},
      {"unreadable-by-go-yaml-renders-empty", "[{{toYaml \"x\\u007fy\"}}]", "[]", nullptr},
  };
  FakeFuncEnv env;
  Renderer r(env, {});
  for (const GoCase& c : cases) EXPECT_EQ(r.Render(c.text), Want(c)) << c.name;
}

// What confwatch does not reproduce of go-yaml it refuses instead of
// guessing: integers the float64 round trip loses, U+0085 (which go-yaml
// folds while reading the JSON), keys go-yaml writes as complex keys.
TEST(SprigExtraFuncs, ToYamlRefusesWhatItCannotReproduce) {
  FakeFuncEnv env;
  Renderer r(env, {});
  EXPECT_EQ(r.Render("{{toYaml 9007199254740993}}"),
            "error: template: t.tmpl:1:2: executing \"t.tmpl\" at <toYaml 9007199254740993>: "
            "error calling toYaml: toYaml: an integer beyond 2^53 is not supported yet (confwatch "
            "reproduces go-yaml's bytes only for scalars, maps and lists it has ported the rules of)");
  EXPECT_THAT(r.Render("{{toYaml \"a\\u0085b\"}}"), ::testing::HasSubstr("U+0085"));
  EXPECT_THAT(r.Render("{{toYaml (fromYaml \"a: 12345678901234567890\")}}"), ::testing::HasSubstr("beyond 2^53"));
  EXPECT_THAT(r.Render("{{toYaml (dict (repeat 129 \"k\") 1)}}"), ::testing::HasSubstr("longer than 128"));
}

TEST(SprigExtraFuncs, FromYamlDecodesAsSigsK8sYaml) {
  const GoCase cases[] = {
      {"numbers-are-float64", "{{$m := fromYaml \"a: 1\\nb: 0x1F\\nc: yes\\nd: '1'\"}}"
       "{{printf \"%T %v %T %v %T %T\" $m.a $m.a $m.b $m.b $m.c $m.d}}",
       "float64 1 float64 31 bool string", nullptr},
      {"merge-and-aliases", "{{toJson (fromYaml \"b: &b {x: 1}\\nd:\\n  <<: *b\\n  z: 2\\n\")}}",
       "{\"b\":{\"x\":1},\"d\":{\"x\":1,\"z\":2}}", nullptr},
      {"non-string-keys", "{{toJson (fromYaml \"1: a\\n1.5: b\\ntrue: c\\n\")}}",
       "{\"1\":\"a\",\"1.5\":\"b\",\"true\":\"c\"}", nullptr},
      {"list-is-an-error", "{{(fromYaml \"- a\").Error}}",
       "error unmarshaling JSON: json: cannot unmarshal array into Go value of type map[string]interface {}",
       nullptr},
      {"syntax-error-text-is-yaml-cpps", "{{(fromYaml \"a: [1, 2\").Error}}",
       "error converting YAML to JSON: error converting YAML to JSON: yaml: line 1: end of sequence flow not "
       "found",
       nullptr},
  };
  FakeFuncEnv env;
  Renderer r(env, {});
  for (const GoCase& c : cases) EXPECT_EQ(r.Render(c.text), Want(c)) << c.name;
}

// yaml-cpp makes an alias the node itself, so an anchor inside its own
// value is a cycle; go-yaml refuses it, and so does this (by depth).
TEST(SprigExtraFuncs, FromYamlRefusesAnAnchorInsideItself) {
  FakeFuncEnv env;
  Renderer r(env, {});
  const std::string want =
      "error converting YAML to JSON: error converting YAML to JSON: yaml: nesting deeper than 1000 levels, or an "
      "anchor that contains itself";
  EXPECT_EQ(r.Render("{{(fromYaml \"a: &a [*a]\").Error}}"), want);
  EXPECT_EQ(r.Render("{{(fromYaml \"b: &b\\n  <<: *b\\n  y: 1\").Error}}"), want);
}

// A document of nested aliases expands exponentially; it is refused like
// go-yaml refuses it, not expanded.
TEST(SprigExtraFuncs, FromYamlRefusesExcessiveAliasing) {
  std::string doc = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) doc += (j ? ", *a" : "*a") + std::to_string(i - 1);
    doc += "]\n";
  }
  FakeFuncEnv env;
  Renderer r(env, {{"/doc", doc}});
  EXPECT_EQ(r.Render("{{(fromYaml (getv \"/doc\")).Error}}"),
            "error converting YAML to JSON: error converting YAML to JSON: yaml: document contains excessive "
            "aliasing");
}

TEST(SprigExtraFuncs, NowReadsTheEnvironmentsClock) {
  FakeFuncEnv env;
  env.now = GoTime{1700000000, 0, true};
  Renderer r(env, {});
  EXPECT_EQ(r.Render("{{now.Unix}} {{printf \"%T\" now}}"), "1700000000 time.Time");
}

TEST(SprigExtraFuncs, Uuidv4IsRandomVersion4) {
  FakeFuncEnv env;
  Renderer r(env, {});
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string id = r.Render("{{uuidv4}}");
    EXPECT_THAT(id, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(SprigExtraFuncs, LookupIfaceTakesTheFirstAddressOfTheFamily) {
  FakeFuncEnv env;
  env.ifaces["eth0"] = {"fe80::1", "10.0.0.5", "10.0.0.6", "2001:db8::5"};
  env.ifaces["v6only"] = {"fe80::2"};
  // An IPv4-mapped IPv6 address, as net.IP.String prints it: IPv4 for the fork.
  env.ifaces["mapped"] = {"1.2.3.4"};
  Renderer r(env, {});
  EXPECT_EQ(r.Render("{{lookupIfaceIPV4 \"eth0\"}} {{lookupIfaceIPV6 \"eth0\"}}"), "10.0.0.5 fe80::1");
  EXPECT_EQ(r.Render("[{{lookupIfaceIPV4 \"v6only\"}}] {{lookupIfaceIPV6 \"v6only\"}}"), "[] fe80::2");
  EXPECT_EQ(r.Render("{{lookupIfaceIPV4 \"mapped\"}} [{{lookupIfaceIPV6 \"mapped\"}}]"), "1.2.3.4 []");
  EXPECT_EQ(r.Render("[{{lookupIfaceIPV4 \"nope\"}}] [{{lookupIfaceIPV6 \"nope\"}}]"), "[] []");
}

TEST(SprigExtraFuncs, SystemLoopbackHasTheIPv4LoopbackAddress) {
  std::vector<std::string> addrs = SystemFuncEnv().InterfaceAddrs("lo");
  if (addrs.empty()) GTEST_SKIP() << "no interface lo here";
  EXPECT_EQ(addrs.front(), "127.0.0.1");
  EXPECT_TRUE(SystemFuncEnv().InterfaceAddrs("confwatch-no-such0").empty());
}

}  // namespace
}  // namespace confwatch
