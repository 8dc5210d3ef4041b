// Go's own path.Match table (src/path/match_test.go, Go 1.19) plus the
// literal-prefix rule the store uses to search only the matching key range.
#include "golang/path_match.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

struct MatchCase {
  std::string pattern;
  std::string name;
  bool match;
  bool bad_pattern;
};

const std::vector<MatchCase>& GoMatchTable() {
  static const auto* table = new std::vector<MatchCase>{
      {"abc", "abc", true, false},
      {"*", "abc", true, false},
      {"*c", "abc", true, false},
      {"a*", "a", true, false},
      {"a*", "abc", true, false},
      {"a*", "ab/c", false, false},
      {"a*/b", "abc/b", true, false},
      {"a*/b", "a/c/b", false, false},
      {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
      {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
      {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
      {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
      {"ab[c]", "abc", true, false},
      {"ab[b-d]", "abc", true, false},
      {"ab[e-g]", "abc", false, false},
      {"ab[^c]", "abc", false, false},
      {"ab[^b-d]", "abc", false, false},
      {"ab[^e-g]", "abc", true, false},
      {"a\\*b", "a*b", true, false},
      {"a\\*b", "ab", false, false},
      {"a?b", "a\u263ab", true, false},
      {"a[^a]b", "a\u263ab", true, false},
      {"a???b", "a\u263ab", false, false},
      {"a[^a][^a][^a]b", "a\u263ab", false, false},
      {"[a-\u03b6]*", "\u03b1", true, false},
      {"*[a-\u03b6]", "A", false, false},
      {"a?b", "a/b", false, false},
      {"a*b", "a/b", false, false},
      {"[\\]a]", "]", true, false},
      {"[\\-]", "-", true, false},
      {"[x\\-]", "x", true, false},
      {"[x\\-]", "-", true, false},
      {"[x\\-]", "z", false, false},
      {"[\\-x]", "x", true, false},
      {"[\\-x]", "-", true, false},
      {"[\\-x]", "a", false, false},
      {"[]a]", "]", false, true},
      {"[-]", "-", false, true},
      {"[x-]", "x", false, true},
      {"[x-]", "-", false, true},
      {"[x-]", "z", false, true},
      {"[-x]", "x", false, true},
      {"[-x]", "-", false, true},
      {"[-x]", "a", false, true},
      {"\\", "a", false, true},
      {"[a-b-c]", "a", false, true},
      {"[", "a", false, true},
      {"[^", "a", false, true},
      {"[^bc", "a", false, true},
      {"a[", "a", false, true},
      {"a[", "ab", false, true},
      {"a[", "x", false, true},
      {"a/b[", "x", false, true},
      {"*x", "xxx", true, false},
  };
  return *table;
}

TEST(GoPathMatch, AgreesWithGoTable) {
  for (const MatchCase& c : GoMatchTable()) {
    absl::StatusOr<bool> got = GoPathMatch(c.pattern, c.name);
    if (c.bad_pattern) {
      ASSERT_FALSE(got.ok()) << c.pattern << " " << c.name;
      EXPECT_EQ("syntax error in pattern", got.status().message());
      EXPECT_EQ(absl::StatusCode::kInvalidArgument, got.status().code());
    } else {
      ASSERT_TRUE(got.ok()) << c.pattern << " " << c.name << ": " << got.status();
      EXPECT_EQ(c.match, *got) << c.pattern << " " << c.name;
    }
  }
}

TEST(GoPathMatch, ValidationDoesNotDependOnTheName) {
  for (const MatchCase& c : GoMatchTable()) {
    EXPECT_EQ(c.bad_pattern, !ValidateGoPattern(c.pattern).ok()) << c.pattern;
  }
}

TEST(GoPathMatch, ConfdKeyPatterns) {
  struct Case {
    const char* pattern;
    const char* name;
    bool match;
  };
  const std::vector<Case> cases = {
      {"/svc/*", "/svc/a", true},
      {"/svc/*", "/svc/a/b", false},  // '*' never crosses '/'
      {"/svc/*", "/svc/", true},      // '*' matches the empty element
      {"/svc/*", "/svcx/a", false},
      {"/app/*/host1", "/app/upstream/host1", true},
      {"/*/*", "/a/b", true},
      {"/a/[/]b", "/a//b", true},  // a class may match '/'
      {"", "", true},
      {"", "/", false},
      {"/a\xff", "/a\xff", true},  // invalid UTF-8 is compared byte by byte
      {"/a?", "/a\xff", true},     // '?' takes one (error) rune
  };
  for (const Case& c : cases) {
    absl::StatusOr<bool> got = GoPathMatch(c.pattern, c.name);
    ASSERT_TRUE(got.ok()) << c.pattern;
    EXPECT_EQ(c.match, *got) << c.pattern << " " << c.name;
  }
}

TEST(GoPathMatch, InvalidUtf8InAClassIsABadPattern) {
  EXPECT_FALSE(GoPathMatch("[\xff]", "a").ok());
}

TEST(GlobLiteralPrefix, StopsAtTheFirstSpecialCharacter) {
  EXPECT_EQ("/svc/", GlobLiteralPrefix("/svc/*"));
  EXPECT_EQ("/svc/a", GlobLiteralPrefix("/svc/a?"));
  EXPECT_EQ("/svc/", GlobLiteralPrefix("/svc/[ab]"));
  EXPECT_EQ("/a", GlobLiteralPrefix("/a\\*"));
  EXPECT_EQ("/exact/key", GlobLiteralPrefix("/exact/key"));
  EXPECT_EQ("", GlobLiteralPrefix("*"));
}

}  // namespace
}  // namespace confwatch
