// EtcdKeySource::CoveringGroups: which prefixes one etcd watch covers so that
// a resource's prefixes arrive together (no etcd involved).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/etcd_key_source.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

// "label: [key, end) p1 p2" per group, "; " between groups.
std::string Print(const std::vector<std::string>& prefixes,
                  const std::vector<PrefixGroup>& together) {
  std::vector<std::string> out;
  for (const EtcdKeySource::Group& g : EtcdKeySource::CoveringGroups(prefixes, together)) {
    std::string end = g.range.range_end == std::string(1, '\0') ? "<end>" : g.range.range_end;
    out.push_back(absl::StrCat(g.label, ": [", g.range.key, ", ", end, ") ",
                               absl::StrJoin(g.prefixes, " ")));
  }
  return absl::StrJoin(out, "; ");
}

TEST(CoveringGroups, TableOfCases) {
  struct Case {
    const char* name;
    std::vector<std::string> prefixes;
    std::vector<PrefixGroup> together;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"no group", {"/a", "/b"}, {}, ""},
      {"one group", {"/c", "/d"}, {{"cd", {"/c", "/d"}}}, "cd: [/c, /e) /c /d"},
      {"a prefix between joins it",
       {"/c", "/cc", "/d", "/x"},
       {{"cd", {"/c", "/d"}}},
       "cd: [/c, /e) /c /cc /d"},
      {"overlapping groups merge",
       {"/a", "/b", "/c", "/d"},
       {{"ac", {"/a", "/c"}}, {"bd", {"/b", "/d"}}},
       "ac, bd: [/a, /e) /a /b /c /d"},
      {"disjoint groups stay apart",
       {"/a", "/b", "/c", "/d"},
       {{"ab", {"/a", "/b"}}, {"cd", {"/c", "/d"}}},
       "ab: [/a, /c) /a /b; cd: [/c, /e) /c /d"},
      {"a group inside another's range merges",
       {"/a", "/b", "/c", "/z"},
       {{"az", {"/a", "/z"}}, {"bc", {"/b", "/c"}}},
       "az, bc: [/a, /{) /a /b /c /z"},
      {"a last prefix of 0xff bytes runs to the end",
       {"/a", "\xff\xff"},
       {{"a", {"/a", "\xff\xff"}}},
       "a: [/a, <end>) /a \xff\xff"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Print(c.prefixes, c.together), c.want) << c.name;
  }
}

}  // namespace
}  // namespace confwatch
