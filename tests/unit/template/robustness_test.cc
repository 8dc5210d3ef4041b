// Behaviour at the edges: runaway recursion, values nested deeper than the
// stack, huge templates, invalid UTF-8,
// concurrent executions, missingkey options, output handling, and the
// ExecuteTemplate entry point. Go-derived messages were checked against Go
// 1.19 (template.Option("missingkey=...") etc.).
#include <pthread.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "funcs/confd.h"
#include "template/go_fmt.h"
#include "template/json_value.h"
#include "template/template.h"
#include "test_funcs.h"

namespace confwatch {
namespace {

std::shared_ptr<const Template> MustParse(std::string_view text, const ParseOptions& opt = {}) {
  auto t = Template::Parse("t.tmpl", text, testing_funcs::TestFuncs(), opt);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : nullptr;
}

Value Data(const char* json) { return ValueFromJson(nlohmann::json::parse(json)); }

TEST(Robustness, RunawayRecursionStopsWithGosMessage) {
  auto t = MustParse("{{define \"r\"}}x{{template \"r\" .}}{{end}}{{template \"r\" 1}}");
  ExecContext ctx;
  std::string out = "before";
  absl::Status st = t->Execute(Value(), ctx, &out);
  EXPECT_TRUE(absl::IsResourceExhausted(st)) << st;
  EXPECT_EQ(absl::StrCat("template: t.tmpl:1:26: executing \"r\" at <{{template \"r\" .}}>: "
                         "exceeded maximum template depth (", kMaxExecDepth, ")"),
            st.message());
  EXPECT_EQ("before", out);
  EXPECT_EQ(0, ctx.depth);
}

TEST(Robustness, RecursionBelowTheLimitWorks) {
  auto t = MustParse(
      "{{define \"count\"}}{{if .}}{{len .}} {{template \"count\" slice . 1}}{{end}}{{end}}"
      "{{template \"count\" .}}");
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE(t->Execute(Data(R"(["a","b","c"])"), ctx, &out).ok());
  EXPECT_EQ("3 2 1 ", out);
}

// Sanitizers grow stack frames several times; the 1 MiB promise is for
// normal builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kStackKb = 8192;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr size_t kStackKb = 8192;
#else
constexpr size_t kStackKb = 1024;
#endif
#else
constexpr size_t kStackKb = 1024;
#endif

// Runs fn on a thread with a `kb` KiB stack; false if it could not start.
bool RunWithStack(size_t kb, void (*fn)()) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kb * 1024);
  pthread_t thread;
  auto trampoline = [](void* f) -> void* {
    reinterpret_cast<void (*)()>(f)();
    return nullptr;
  };
  bool ok = pthread_create(&thread, &attr, trampoline, reinterpret_cast<void*>(fn)) == 0;
  if (ok) pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return ok;
}

TEST(Robustness, NestingLimitsFitInOneMegabyteOfStack) {
  // Worker threads may have small stacks: the deepest template the limits
  // allow must parse and run in 1 MiB (a crash here is the failure).
  ASSERT_TRUE(RunWithStack(kStackKb, [] {
    int depth = kMaxParseDepth - 1;
    std::string parens = "{{" + std::string(depth, '(') + "1" + std::string(depth, ')') + "}}";
    std::string ifs;
    for (int i = 0; i < depth; ++i) ifs += "{{if 1}}";
    ifs += "x";
    for (int i = 0; i < depth; ++i) ifs += "{{end}}";
    for (const std::string& text : {parens, ifs}) {
      auto t = Template::Parse("deep", text, FuncMap());
      EXPECT_TRUE(t.ok()) << t.status();
      ExecContext ctx;
      std::string out;
      EXPECT_TRUE(t.ok() && (*t)->Execute(Value(), ctx, &out).ok());
    }
    auto recursive = Template::Parse("main", "{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}",
                                     FuncMap());
    ExecContext ctx;
    std::string out;
    EXPECT_TRUE(absl::IsResourceExhausted((*recursive)->Execute(Value(), ctx, &out)));
  }));
}

TEST(Robustness, TenMegabyteTemplate) {
  std::string text;
  const std::string line = "line {{.a}} {{len .l}}\n";
  size_t lines = 0;
  for (; text.size() < 10 * 1024 * 1024; ++lines) text += line;
  auto t = MustParse(text);
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE(t->Execute(Data(R"({"a":"A","l":[1,2]})"), ctx, &out).ok());
  EXPECT_EQ(lines * 9, out.size());  // "line A 2\n" per line
}

TEST(Robustness, InvalidUtf8PassesThroughTextAndStrings) {
  auto t = MustParse("\xff{{\"\xfe\"}}{{printf \"%q\" \"\xfd\"}}");
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE(t->Execute(Value(), ctx, &out).ok());
  // Text is copied byte for byte; a string literal's invalid byte becomes
  // U+FFFD (strconv.Unquote), which %q keeps as is (it is printable).
  EXPECT_EQ("\xff\xef\xbf\xbd\"\xef\xbf\xbd\"", out);
}

TEST(Robustness, OneTemplateExecutesOnManyThreads) {
  auto t = MustParse("{{range $i, $e := .l}}{{$i}}={{$e}} {{end}}{{printf \"%05.1f\" .f}}");
  Value data = Data(R"({"l":["a","b","c"],"f":3.14159})");
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&, n] {
      for (int i = 0; i < 200; ++i) {
        ExecContext ctx;
        std::string out;
        if (!t->Execute(data, ctx, &out).ok() || out != "0=a 1=b 2=c 003.1") ++bad[n];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::vector<int>(4, 0), bad);
}

TEST(Robustness, MissingKeyZero) {
  ParseOptions opt;
  opt.missing_key = ParseOptions::MissingKey::kZero;
  auto t = MustParse("{{.nope}}|{{.m.nope}}|{{(m).nope}}|", opt);
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE(t->Execute(Data(R"({"m":{"a":1}})"), ctx, &out).ok());
  // The zero value of interface{} prints as <no value>; of string as "".
  EXPECT_EQ("<no value>|<no value>||", out);
}

TEST(Robustness, MissingKeyError) {
  ParseOptions opt;
  opt.missing_key = ParseOptions::MissingKey::kError;
  ExecContext ctx;
  std::string out;
  absl::Status st = MustParse("{{.m.nope}}", opt)->Execute(Data(R"({"m":{"a":1}})"), ctx, &out);
  EXPECT_EQ("template: t.tmpl:1:4: executing \"t.tmpl\" at <.m.nope>: map has no entry for key \"nope\"",
            st.message());
  st = MustParse("{{.x}}", opt)->Execute(Value(), ctx, &out);
  EXPECT_EQ("template: t.tmpl:1:2: executing \"t.tmpl\" at <.x>: nil data; no entry for key \"x\"",
            st.message());
}

TEST(Robustness, ExecuteAppendsAndErrorsLeaveOutputAlone) {
  auto t = MustParse("{{.a}}");
  ExecContext ctx;
  std::string out = "x=";
  ASSERT_TRUE(t->Execute(Data(R"({"a":"1"})"), ctx, &out).ok());
  EXPECT_EQ("x=1", out);
  auto failing = MustParse("partial {{e}}");
  EXPECT_FALSE(failing->Execute(Value(), ctx, &out).ok());
  EXPECT_EQ("x=1", out);
}

TEST(Robustness, ExecuteTemplateByName) {
  auto t = MustParse("main{{define \"sub\"}}sub {{.}}{{end}}");
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE(t->ExecuteTemplate("sub", Value::Int(7), ctx, &out).ok());
  EXPECT_EQ("sub 7", out);
  absl::Status st = t->ExecuteTemplate("nope", Value(), ctx, &out);
  EXPECT_EQ("template: no template \"nope\" associated with template \"t.tmpl\"", st.message());
}

TEST(Robustness, DefinesOnlyRendersNothing) {
  auto t = MustParse("{{define \"x\"}}X{{end}}");
  ExecContext ctx;
  std::string out;
  ASSERT_TRUE(t->Execute(Value(), ctx, &out).ok());
  EXPECT_EQ("", out);
}

// Go's goroutine stacks grow, so Go prints, compares and frees a value of any
// depth. These values are nested far deeper than kStackKb allows frames per
// level: each test crashes if the code walks them by recursion.
constexpr int kBeyondTheStack = 100000;

// `depth` []interface{} around `leaf`, as fromJson builds them.
Value NestedLists(int depth, Value leaf) {
  Value v = std::move(leaf);
  for (int i = 0; i < depth; ++i) v = Value::List(JsonArrayType(), ValueList{v});
  return v;
}

Value NestedMaps(int depth, Value leaf) {
  Value v = std::move(leaf);
  for (int i = 0; i < depth; ++i) v = Value::Map(JsonObjectType(), ValueMap{{"a", v}});
  return v;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Robustness, ValuesNestedBeyondTheStackPrintAsGoPrintsThem) {
  ASSERT_TRUE(RunWithStack(kStackKb, [] {
    const int n = kBeyondTheStack;
    const Value one = Value::Float64(1);
    EXPECT_EQ(Repeat("[", n) + "1" + Repeat("]", n), gofmt::Sprint({NestedLists(n, one)}));
    EXPECT_EQ(Repeat("map[a:", n) + "1" + Repeat("]", n), gofmt::Sprint({NestedMaps(n, one)}));
    EXPECT_EQ("[]interface {}{" + Repeat("[]interface {}{", n - 1) + "1" + Repeat("}", n),
              gofmt::Sprintf("%#v", {NestedLists(n, one)}));
  }));
}

TEST(Robustness, ValuesNestedBeyondTheStackAreFreedWithoutRecursion) {
  ASSERT_TRUE(RunWithStack(kStackKb, [] {
    { Value lists = NestedLists(kBeyondTheStack, Value::String("leaf")); }
    { Value maps = NestedMaps(kBeyondTheStack, Value::Nil()); }
    Value reassigned = NestedLists(kBeyondTheStack, Value::Nil());
    reassigned = Value::Int(1);  // frees through operator=, not ~Value
    EXPECT_EQ(1, reassigned.AsInt());
  }));
}

TEST(Robustness, ValuesNestedBeyondTheStackCompareDeeply) {
  ASSERT_TRUE(RunWithStack(kStackKb, [] {
    auto t = Template::Parse("t.tmpl", "{{has .a .l}} {{has .b .l}}", ConfwatchFuncMap());
    ASSERT_TRUE(t.ok()) << t.status();
    const int n = kBeyondTheStack;
    // Separately built, so equal by content only; .b differs at the bottom.
    Value data = Value::Map(
        JsonObjectType(),
        ValueMap{{"a", NestedMaps(n, Value::Float64(1))},
                 {"b", NestedMaps(n, Value::Float64(2))},
                 {"l", Value::List(JsonArrayType(), ValueList{NestedMaps(n, Value::Float64(1))})}});
    ExecContext ctx;
    std::string out;
    ASSERT_TRUE((*t)->Execute(data, ctx, &out).ok());
    EXPECT_EQ("true false", out);
  }));
}

TEST(Robustness, TheDeepestJsonConvertsToYaml) {
  ASSERT_TRUE(RunWithStack(kStackKb, [] {
    auto t = Template::Parse("t.tmpl", "{{toYaml .}}", ConfwatchFuncMap());
    ASSERT_TRUE(t.ok()) << t.status();
    const int n = 10000;  // toYaml reads its JSON back: Go's json depth limit
    ExecContext ctx;
    std::string out;
    absl::Status s = (*t)->Execute(NestedLists(n, Value::Float64(1)), ctx, &out);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(Repeat("- ", n) + "1", out);
  }));
}

}  // namespace
}  // namespace confwatch
