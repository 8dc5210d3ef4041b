// The functions confwatch adds beyond confd (sprig v3.2 names and
// behaviour). The table's expected outputs and error texts were rendered by
// Go 1.19's text/template with sprig's implementations of these functions
// (as reproduced by tests/conformance/gen) on the same cases; include and
// hostname follow the maintained confd fork and are reasoned from its
// source.
#include "funcs/sprig.h"

#include <map>
#include <memory>
#include <string>

#include "test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::HasSubstr;
using testing::FakeFuncEnv;
using testing::GoCase;
using testing::Renderer;
using testing::Want;

const std::vector<std::pair<std::string, std::string>> kSprigKeys = {
    {"/app/port", "8080"},
    {"/app/empty", ""},
    {"/app/json", R"({"name":"web","port":8080,"html":"<a&b>","list":[1,2.5,null]})"},
};

TEST(SprigFuncs, MatchGoForEveryFunction) {
  const GoCase cases[] = {
    {"default-variants",
     "{{default \"d\" \"\"}}|{{default \"d\" \"x\"}}|{{default 5 0}}|{{default \"d\" false}}|{{default \"d\" nil}}|{{default \"d\" (ls \"/none\")}}|{{default \"only\"}}|{{default \"d\" (list)}}|{{default \"d\" 0.0}}",
     "d|x|5|d|d|d|only|d|d", nullptr},
    {"default-struct-kept",
     "{{default \"d\" (get \"/app/port\")}}",
     "{/app/port 8080}", nullptr},
    {"default-typed",
     "{{printf \"%T %T\" (default 1 2) (default 1 0)}}",
     "int int", nullptr},
    {"empty-variants",
     "{{empty \"\"}} {{empty \"x\"}} {{empty 0}} {{empty -1}} {{empty nil}} {{empty (list)}} {{empty (dict)}} {{empty false}} {{empty true}} {{empty (get \"/app/port\")}} {{empty (seq 2 1)}} {{empty 0.0}}",
     "true false true false true true true true false false true true", nullptr},
    {"coalesce-variants",
     "{{coalesce \"\" 0 \"x\" \"y\"}} {{coalesce \"\" false}} {{coalesce}} {{coalesce (getv \"/app/empty\") (getv \"/app/port\")}}",
     "x <no value> <no value> 8080", nullptr},
    {"ternary-variants",
     "{{ternary \"y\" \"n\" true}} {{ternary \"y\" \"n\" false}} {{ternary 1 nil false}} {{true | ternary \"a\" \"b\"}}",
     "y n <no value> a", nullptr},
    {"ternary-nonbool",
     "{{ternary \"a\" \"b\" 1}}",
     nullptr, "template: t.tmpl:1:18: executing \"t.tmpl\" at <1>: expected bool; found 1"},
    {"toJson-variants",
     "{{toJson \"a<b>&\\\"c\\\"\"}} {{toJson (dict \"b\" 1 \"a\" (list 1 \"x\" nil))}} {{toJson (get \"/app/port\")}} {{toJson (gets \"/app/p*\")}} {{toJson 2.50}} {{toJson (seq 2 1)}} {{toJson (split \"a\" \",\")}} {{toJson nil}} {{toJson true}}",
     "\"a\\u003cb\\u003e\\u0026\\\"c\\\"\" {\"a\":[1,\"x\",null],\"b\":1} {\"Key\":\"/app/port\",\"Value\":\"8080\"} [{\"Key\":\"/app/port\",\"Value\":\"8080\"}] 2.5 null [\"a\"] null true", nullptr},
    {"toJson-json-roundtrip",
     "{{toJson (json (getv \"/app/json\"))}}",
     "{\"html\":\"\\u003ca\\u0026b\\u003e\",\"list\":[1,2.5,null],\"name\":\"web\",\"port\":8080}", nullptr},
    {"toPrettyJson-nested",
     "{{toPrettyJson (json (getv \"/app/json\"))}}",
     "{\n  \"html\": \"\\u003ca\\u0026b\\u003e\",\n  \"list\": [\n    1,\n    2.5,\n    null\n  ],\n  \"name\": \"web\",\n  \"port\": 8080\n}", nullptr},
    {"toPrettyJson-empty",
     "{{toPrettyJson (dict)}} {{toPrettyJson (list)}} {{toPrettyJson \"s\"}}",
     "{} [] \"s\"", nullptr},
    {"fromJson-variants",
     "{{(fromJson (getv \"/app/json\")).name}} {{index (fromJson \"[1,2]\") 0}} {{fromJson \"3.25\"}} {{fromJson \"null\"}} [{{fromJson \"{bad\"}}] {{fromJson \"[1e400,2]\"}}",
     "web 1 3.25 <no value> [<no value>] [<nil> 2]", nullptr},
    {"indent-variants",
     "[{{indent 2 \"a\\nb\"}}] [{{indent 3 \"\"}}] [{{nindent 2 \"a\"}}] [{{indent 1 \"\\n\"}}]",
     "[  a\n  b] [   ] [\n  a] [ \n ]", nullptr},
    {"indent-negative",
     "{{nindent -2 \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <nindent -2 \"x\">: error calling nindent: strings: negative Repeat count"},
    {"quote-variants",
     "{{quote \"a\\\"b\"}} {{quote 1 2.5 true}} [{{quote nil}}] {{quote \"\303\251\\t\\x00\"}} {{quote (list 1 2)}} {{quote (get \"/app/port\")}}",
     "\"a\\\"b\" \"1\" \"2.5\" \"true\" [] \"\303\251\\t\\x00\" \"[1 2]\" \"{/app/port 8080}\"", nullptr},
    {"squote-variants",
     "{{squote \"a\" 1}} [{{squote nil \"b\"}}] {{squote (dict \"k\" \"v\")}}",
     "'a' '1' ['b'] 'map[k:v]'", nullptr},
    {"regexMatch-variants",
     "{{regexMatch \"^web[0-9]+$\" \"web01\"}} {{regexMatch \"^web$\" \"web01\"}} {{regexMatch \"(\" \"x\"}} {{regexMatch \"(?i)WEB\" \"web\"}} {{regexMatch \"a.c\" \"a\\nc\"}} {{regexMatch \"(?s)a.c\" \"a\\nc\"}} {{regexMatch \"^b\" \"a\\nb\"}} {{regexMatch \"(?m)^b\" \"a\\nb\"}}",
     "true false false true false true false true", nullptr},
    {"regexFind-variants",
     "{{regexFind \"[0-9]+\" \"ab12cd345\"}} [{{regexFind \"x\" \"abc\"}}] {{regexFind \"a+?\" \"aaa\"}} {{regexFind \"(a|ab)(c|bcd)\" \"abcd\"}} {{regexFind \"\\\\pL+\" \"123h\303\251llo456\"}}",
     "12 [] a abcd h\303\251llo", nullptr},
    {"regexFind-bad",
     "{{regexFind \"a)\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"a)\" \"x\">: error calling regexFind: regexp: Compile(`a)`): error parsing regexp: unexpected ): `a)`"},
    {"regexFind-bad-backquote",
     "{{regexFind \"`(\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"`(\" \"x\">: error calling regexFind: regexp: Compile(\"`(\"): error parsing regexp: missing closing ): ``(`"},
    {"regexReplaceAll-variants",
     "{{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\"}} {{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\"}} {{regexReplaceAll \"(?P<first>\\\\w+) (?P<last>\\\\w+)\" \"John Smith\" \"$last, $first\"}} {{regexReplaceAll \"\" \"abc\" \"-\"}} {{regexReplaceAll \"b*\" \"abc\" \"X\"}} {{regexReplaceAll \"\303\251\" \"a\303\251b\" \"e\"}} {{regexReplaceAll \"(a)\" \"a\" \"$2|$0|${10}|$$|$\"}}",
     "-W-xxW- --- Smith, John -a-b-c- XaXcX aeb |a||$|$", nullptr},
    {"regexReplaceAll-brace",
     "{{regexReplaceAll \"(a)\" \"a\" \"${1|${x}|$!\"}}",
     "${1||$!", nullptr},
    {"regexReplaceAll-anchor",
     "{{regexReplaceAll \"^a\" \"aaa\" \"b\"}} {{regexReplaceAll \"a$\" \"aaa\" \"b\"}} {{regexReplaceAll \"\\\\b\" \"ab cd\" \"|\"}}",
     "baa aab |ab| |cd|", nullptr},
    {"regex-errors-codes",
     "{{regexFind \"[a\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"[a\" \"x\">: error calling regexFind: regexp: Compile(`[a`): error parsing regexp: missing closing ]: `[a`"},
    {"regex-errors-repeat",
     "{{regexFind \"a**\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"a**\" \"x\">: error calling regexFind: regexp: Compile(`a**`): error parsing regexp: invalid nested repetition operator: `**`"},
    {"regex-errors-missing-arg",
     "{{regexFind \"*a\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"*a\" \"x\">: error calling regexFind: regexp: Compile(`*a`): error parsing regexp: missing argument to repetition operator: `*`"},
    {"regex-errors-escape",
     "{{regexFind \"\\\\8\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"\\\\8\" \"x\">: error calling regexFind: regexp: Compile(`\\8`): error parsing regexp: invalid escape sequence: `\\8`"},
    {"regex-errors-range",
     "{{regexFind \"[z-a]\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"[z-a]\" \"x\">: error calling regexFind: regexp: Compile(`[z-a]`): error parsing regexp: invalid character class range: `z-a`"},
    {"regex-errors-count",
     "{{regexFind \"a{1001}\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"a{1001}\" \"x\">: error calling regexFind: regexp: Compile(`a{1001}`): error parsing regexp: invalid repeat count: `{1001}`"},
    {"regex-errors-perl",
     "{{regexFind \"(?<n>a)\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"(?<n>a)\" \"x\">: error calling regexFind: regexp: Compile(`(?<n>a)`): error parsing regexp: invalid or unsupported Perl syntax: `(?<`"},
    {"regex-errors-trailing",
     "{{regexFind \"a\\\\\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"a\\\\\" \"x\">: error calling regexFind: regexp: Compile(`a\\`): error parsing regexp: trailing backslash at end of expression: ``"},
    {"regex-errors-class",
     "{{regexFind \"[[:foo:]]\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"[[:foo:]]\" \"x\">: error calling regexFind: regexp: Compile(`[[:foo:]]`): error parsing regexp: invalid character class range: `[:foo:]`"},
    {"regex-errors-unexpected-paren",
     "{{regexFind \"())\" \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <regexFind \"())\" \"x\">: error calling regexFind: regexp: Compile(`())`): error parsing regexp: unexpected ): `())`"},
    {"regex-errors-named",
     "{{regexFind \"(?P<1a>x)\" \"x\"}}",
     "x", nullptr},
    {"trimPrefix-variants",
     "{{trimPrefix \"/app/\" \"/app/db\"}} {{trimPrefix \"x\" \"abc\"}} {{\"v1.2\" | trimPrefix \"v\"}} [{{trimPrefix \"abc\" \"abc\"}}]",
     "db abc 1.2 []", nullptr},
    {"repeat-variants",
     "{{repeat 3 \"ab\"}} [{{repeat 0 \"x\"}}] {{\"-\" | repeat 4}}",
     "ababab [] ----", nullptr},
    {"repeat-negative",
     "{{repeat -1 \"x\"}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <repeat -1 \"x\">: error calling repeat: strings: negative Repeat count"},
    {"nospace-variants",
     "{{nospace \" a b\\tc\\nd\\re\\vf\\fg \"}} {{nospace \"abc\"}} {{nospace \"\303\251 x\"}} {{nospace \"\303\251x\"}} {{nospace \"\302\240x\"}}",
     "abcdefg abc \303\203\302\251x \303\251x \303\202x", nullptr},
    {"dict-variants",
     "{{dict \"a\" 1 \"b\"}} {{dict 1 \"one\" true \"t\" nil \"n\"}} {{(dict \"a\" 1 \"a\" 2).a}} {{dict}} {{dict (list 1) 2}}",
     "map[a:1 b:] map[1:one <nil>:n true:t] 2 map[] map[[1]:2]", nullptr},
    {"list-variants",
     "{{list 1 \"two\" 3.0 nil}} {{len (list)}} {{index (list \"a\" \"b\") 1}} {{printf \"%T\" (list)}}",
     "[1 two 3 <nil>] 0 b []interface {}", nullptr},
    {"hasKey-variants",
     "{{hasKey (dict \"a\" 1) \"a\"}} {{hasKey (dict \"a\" 1) \"b\"}} {{hasKey (dict \"a\" nil) \"a\"}} {{hasKey (json (getv \"/app/json\")) \"name\"}}",
     "true false true true", nullptr},
    {"hasKey-wrong-type",
     "{{hasKey (list 1) \"a\"}}",
     nullptr, "template: t.tmpl:1:15: executing \"t.tmpl\" at <1>: wrong type for value; expected map[string]interface {}; got []interface {}"},
    {"keys-variants",
     "{{keys (dict \"b\" 1)}} {{keys (dict)}} {{keys}} {{keys (dict \"k\" 1) (dict \"k\" 2)}}",
     "[b] [] [] [k k]", nullptr},
    {"values-variants",
     "{{values (dict \"b\" 1)}} {{values (dict)}}",
     "[1] []", nullptr},
    {"append-variants",
     "{{append (list 1 2) 3}} {{append (split \"a,b\" \",\") \"c\"}} {{append (seq 2 1) 1}} {{append (ls \"/none\") nil}} {{printf \"%T\" (append (split \"a\" \",\") \"b\")}}",
     "[1 2 3] [a b c] [1] [<nil>] []interface {}", nullptr},
    {"append-string",
     "{{append \"abc\" 1}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <append \"abc\" 1>: error calling append: Cannot push on type string"},
    {"append-map",
     "{{append (dict) 1}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <append (dict) 1>: error calling append: Cannot push on type map"},
    {"append-int",
     "{{append 5 1}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <append 5 1>: error calling append: Cannot push on type int"},
    {"append-nil",
     "{{append nil 1}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <append nil 1>: error calling append: runtime error: invalid memory address or nil pointer dereference"},
    {"append-struct",
     "{{append (get \"/app/port\") 1}}",
     nullptr, "template: t.tmpl:1:2: executing \"t.tmpl\" at <append (get \"/app/port\") 1>: error calling append: Cannot push on type struct"},
    {"sha256sum-variants",
     "{{sha256sum \"\"}} {{sha256sum \"abc\"}} {{sha256sum \"The quick brown fox jumps over the lazy dog\"}}",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592", nullptr},
    {"sha256sum-long",
     "{{sha256sum \"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq\"}} {{sha256sum (repeat 1000 \"a\")}}",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1 41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3", nullptr},
  };
  FakeFuncEnv env;
  Renderer r(env, kSprigKeys);
  for (const GoCase& c : cases) {
    EXPECT_EQ(Want(c), r.Render(c.text)) << c.name << ": " << c.text;
  }
}

TEST(SprigFuncs, HostnameComesFromTheEnvironment) {
  FakeFuncEnv env;
  env.hostname = "web-7";
  Renderer r(env, {});
  EXPECT_EQ("web-7", r.Render("{{hostname}}"));
}

// include: templates come from the context's loader, parsed with the same
// function map.
class IncludeTest : public ::testing::Test {
 protected:
  IncludeTest() : renderer_(env_, {{"/app/port", "8080"}}) {}

  void Add(const std::string& name, const std::string& text) { files_[name] = text; }

  std::string Render(const std::string& text) {
    ExecContext ctx;
    ctx.load_template = [this](std::string_view name)
        -> absl::StatusOr<std::shared_ptr<const Template>> {
      loaded_.emplace_back(name);
      auto it = files_.find(std::string(name));
      if (it == files_.end()) {
        return absl::NotFoundError("open /etc/confd/templates/" + std::string(name) +
                                   ": no such file or directory");
      }
      return Template::Parse(std::string(name), it->second, renderer_.funcs());
    };
    return renderer_.Render(text, &ctx);
  }

  FakeFuncEnv env_;
  Renderer renderer_;
  std::map<std::string, std::string> files_;
  std::vector<std::string> loaded_;
};

TEST_F(IncludeTest, RendersAnotherTemplateWithDataAndTheStore) {
  Add("upstream.tmpl", R"(server {{.}}:{{getv "/app/port"}};)");
  EXPECT_EQ("[server web:8080;]", Render(R"([{{include "upstream.tmpl" "web"}}])"));
  Add("nodata.tmpl", "[{{.}}]");
  EXPECT_EQ("[<no value>]", Render(R"({{include "nodata.tmpl"}})"));
}

TEST_F(IncludeTest, NamesAreCleanedInsideTheTemplateDirectory) {
  Add("sub/part.tmpl", "part");
  EXPECT_EQ("part part part", Render(R"({{include "sub/part.tmpl"}} {{include "/sub/part.tmpl"}} )"
                                     R"({{include "sub/../sub/./part.tmpl"}})"));
  EXPECT_EQ((std::vector<std::string>{"sub/part.tmpl", "sub/part.tmpl", "sub/part.tmpl"}), loaded_);
}

TEST_F(IncludeTest, PathsOutsideTheTemplateDirectoryAreRefused) {
  for (const char* name : {"../secret", "a/../../secret", "", ".hidden"}) {
    SCOPED_TRACE(name);
    std::string text = std::string("{{include \"") + name + "\"}}";
    EXPECT_THAT(Render(text), HasSubstr(std::string("error calling include: include path \"") +
                                        name + "\" is outside template directory"));
  }
  EXPECT_TRUE(loaded_.empty());
}

TEST_F(IncludeTest, LoaderErrorsNameTheTemplate) {
  EXPECT_EQ(
      "error: template: t.tmpl:1:2: executing \"t.tmpl\" at <include \"missing.tmpl\">: error "
      "calling include: include missing.tmpl: open /etc/confd/templates/missing.tmpl: no such "
      "file or directory",
      Render(R"({{include "missing.tmpl"}})"));
}

TEST_F(IncludeTest, ExecutionErrorsAreWrapped) {
  Add("bad.tmpl", R"({{getv "/nope"}})");
  EXPECT_EQ(
      "error: template: t.tmpl:1:2: executing \"t.tmpl\" at <include \"bad.tmpl\">: error "
      "calling include: execute include bad.tmpl: template: bad.tmpl:1:2: executing \"bad.tmpl\" "
      "at <getv \"/nope\">: error calling getv: key does not exist: /nope",
      Render(R"({{include "bad.tmpl"}})"));
}

TEST_F(IncludeTest, CyclesAreErrors) {
  Add("a.tmpl", R"({{include "b.tmpl"}})");
  Add("b.tmpl", R"({{include "a.tmpl"}})");
  EXPECT_THAT(Render(R"({{include "a.tmpl"}})"),
              HasSubstr("error calling include: include cycle detected: a.tmpl is already being "
                        "processed"));
}

TEST_F(IncludeTest, NestingStopsAtTheLimit) {
  // level<i> includes level<i+1>; the chain below is 11 includes deep.
  for (int i = 0; i <= kMaxIncludeDepth; ++i) {
    Add("level" + std::to_string(i) + ".tmpl",
        i < kMaxIncludeDepth ? "{{include \"level" + std::to_string(i + 1) + ".tmpl\"}}" : "leaf");
  }
  EXPECT_THAT(Render(R"({{include "level0.tmpl"}})"),
              HasSubstr("error calling include: maximum include depth (10) exceeded"));
  // Ten nested includes are fine, and the stack unwinds after an error.
  EXPECT_EQ("leaf", Render(R"({{include "level1.tmpl"}})"));
}

TEST(SprigFuncs, MapHasTheAdditions) {
  FakeFuncEnv env;
  FuncMap funcs = SprigFuncMap(env);
  for (const char* name :
       {"default", "ternary", "coalesce", "empty", "toJson", "fromJson", "toPrettyJson", "indent",
        "nindent", "quote", "squote", "regexMatch", "regexFind", "regexReplaceAll", "trimPrefix",
        "repeat", "nospace", "dict", "list", "hasKey", "keys", "values", "append", "sha256sum",
        "hostname", "include"}) {
    EXPECT_NE(nullptr, funcs.Find(name)) << name;
  }
  EXPECT_EQ(nullptr, funcs.Find("getv"));
}

}  // namespace
}  // namespace confwatch
