// PrescanToml: the nesting, key-part and key-length limits (and UTF-8) that
// keep toml11 from recursing off the stack or going quadratic, checked on
// the text before toml11 sees it. That documents within the limits still
// reach toml11 and parse fast is tested with the file backend's TOML reader
// (tests/unit/file_backend/file_source_test.cc).
#include "store/toml_prescan.h"

#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

// "line:col: message", or "ok".
std::string Scan(absl::string_view text) {
  std::optional<TomlErrorInfo> e = PrescanToml(text);
  if (!e) return "ok";
  return std::to_string(e->line) + ":" + std::to_string(e->column) + ": " + e->message;
}

struct Case {
  std::string name;
  std::string text;
  std::string want;
};

TEST(TomlPrescan, RefusesPastTheLimitsAtThePlaceTheyArePassed) {
  const std::string deep = "nested too deep (limit 64)";
  const std::string parts = "key has too many dotted parts (limit 32)";
  const std::vector<Case> cases = {
      {"plain resource", "[template]\nsrc = \"a.tmpl\"\nkeys = [\"/a\", \"/b\"]\n", "ok"},
      {"64 nested arrays", "k = " + Repeat("[", 64) + "1" + Repeat("]", 64), "ok"},
      {"65 nested arrays", "k = " + Repeat("[", 65) + "1" + Repeat("]", 65), "1:69: " + deep},
      {"6000 nested arrays", "keys = " + Repeat("[", 6000) + "\"/app\"" + Repeat("]", 6000),
       "1:72: " + deep},
      {"unclosed arrays", "keys = " + Repeat("[", 6000), "1:72: " + deep},
      {"arrays on later lines", "a = 1\nk = [\n" + Repeat("[", 70), "3:64: " + deep},
      {"inline tables", "x = " + Repeat("{a = ", 4000) + "1" + Repeat("}", 4000),
       "1:" + std::to_string(5 + 64 * 5) + ": " + deep},
      {"mixed", "x = " + Repeat("{a = [", 40), "1:" + std::to_string(5 + 32 * 6) + ": " + deep},
      {"brackets in strings do not count",
       "a = \"" + Repeat("[", 100) + "\"\nb = '" + Repeat("{", 100) + "'\n", "ok"},
      {"brackets in multi-line strings do not count",
       "a = \"\"\"\n" + Repeat("[", 100) + "\\\"\"\"\n\"\"\"\nb = '''" + Repeat("[", 100) +
           "''''\n",
       "ok"},
      {"brackets in comments do not count", "# " + Repeat("[", 100) + "\na = 1\n", "ok"},
      {"escaped quote stays in string", "a = \"\\\"" + Repeat("[", 100) + "\"", "ok"},
      {"32 key parts", Repeat("a.", 31) + "a = 1", "ok"},
      {"33 key parts", Repeat("a.", 32) + "a = 1", "1:64: " + parts},
      {"50000 key parts", "x" + Repeat(".a", 50000) + " = 1", "1:64: " + parts},
      {"spaced and quoted parts", Repeat("\"a.b\" . ", 33) + "= 1", "1:" +
       std::to_string(1 + 31 * 8 + 6) + ": " + parts},
      {"table header parts", "[[" + Repeat("x.", 500000) + "y]]", "1:66: " + parts},
      {"inline table key parts", "t = {" + Repeat("a.", 40) + "a = 1}", "1:69: " + parts},
      {"dots in values are not key parts", "a = 1.5\nb = [1.5, 2.5, 3.5]\nc = 1979-05-27T07:32:00.999\n",
       "ok"},
      {"key of 4096 bytes", std::string(4096, 'k') + " = 1", "ok"},
      {"key of 4097 bytes", std::string(4097, 'k') + " = 1",
       "1:1: key too long (limit 4096 bytes)"},
      {"quoted header name too long", "[\"" + std::string(5000, 'k') + "\"]",
       "1:2: key too long (limit 4096 bytes)"},
      {"long values are fine", "a = \"" + std::string(100000, 'v') + "\"\nb = [\"" +
       std::string(100000, 'v') + "\"]\n", "ok"},
      {"invalid UTF-8 first", "a = '\xff'", "1:6: invalid UTF-8 (byte 0xff)"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.want, Scan(c.text)) << c.name;
}

TEST(TomlPrescan, ScanIsLinear) {
  // 2 MB of each hostile shape: a quadratic scan would take minutes.
  const std::vector<std::string> texts = {
      "k = " + Repeat("[", 2000000), Repeat("a.", 1000000) + "a = 1",
      "a = \"" + std::string(2000000, '[') + "\"", Repeat("#[[[\n", 500000)};
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& t : texts) (void)PrescanToml(t);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace confwatch
