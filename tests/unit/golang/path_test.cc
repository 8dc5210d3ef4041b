// Go's own tables from src/path/path_test.go (Go 1.19): Clean, Dir, Base,
// Join must agree byte for byte, since confd's ls/lsdir/base/dir use them.
#include "golang/path.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

struct PathCase {
  std::string path;
  std::string want;
};

TEST(GoPath, CleanMatchesGoTable) {
  const std::vector<PathCase> cases = {
      {"", "."}, {"abc", "abc"}, {"abc/def", "abc/def"}, {"a/b/c", "a/b/c"},
      {".", "."}, {"..", ".."}, {"../..", "../.."}, {"../../abc", "../../abc"},
      {"/abc", "/abc"}, {"/", "/"},
      {"abc/", "abc"}, {"abc/def/", "abc/def"}, {"a/b/c/", "a/b/c"}, {"./", "."},
      {"../", ".."}, {"../../", "../.."}, {"/abc/", "/abc"},
      {"abc//def//ghi", "abc/def/ghi"}, {"//abc", "/abc"}, {"///abc", "/abc"},
      {"//abc//", "/abc"}, {"abc//", "abc"},
      {"abc/./def", "abc/def"}, {"/./abc/def", "/abc/def"}, {"abc/.", "abc"},
      {"abc/def/ghi/../jkl", "abc/def/jkl"}, {"abc/def/../ghi/../jkl", "abc/jkl"},
      {"abc/def/..", "abc"}, {"abc/def/../..", "."}, {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."}, {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
      {"abc/./../def", "def"}, {"abc//./../def", "def"},
      {"abc/../../././../def", "../../def"},
  };
  for (const PathCase& c : cases) {
    EXPECT_EQ(c.want, GoPathClean(c.path)) << c.path;
    EXPECT_EQ(c.want, GoPathClean(c.want)) << "clean is idempotent: " << c.want;
  }
}

TEST(GoPath, DirMatchesGoTable) {
  const std::vector<PathCase> cases = {
      {"", "."}, {".", "."}, {"/.", "/"}, {"/", "/"}, {"////", "/"},
      {"/foo", "/"}, {"x/", "x"}, {"abc", "."}, {"abc/def", "abc"},
      {"abc////def", "abc"}, {"a/b/.x", "a/b"}, {"a/b/c.", "a/b"}, {"a/b/c.x", "a/b"},
  };
  for (const PathCase& c : cases) EXPECT_EQ(c.want, GoPathDir(c.path)) << c.path;
}

TEST(GoPath, BaseMatchesGoTable) {
  const std::vector<PathCase> cases = {
      {"", "."}, {".", "."}, {"/.", "."}, {"/", "/"}, {"////", "/"}, {"x/", "x"},
      {"abc", "abc"}, {"abc/def", "def"}, {"a/b/.x", ".x"}, {"a/b/c.", "c."},
      {"a/b/c.x", "c.x"},
  };
  for (const PathCase& c : cases) EXPECT_EQ(c.want, GoPathBase(c.path)) << c.path;
}

TEST(GoPath, JoinMatchesGoTable) {
  EXPECT_EQ("", GoPathJoin({}));
  EXPECT_EQ("", GoPathJoin({""}));
  EXPECT_EQ("a", GoPathJoin({"a"}));
  EXPECT_EQ("a/b", GoPathJoin({"a", "b"}));
  EXPECT_EQ("a", GoPathJoin({"a", ""}));
  EXPECT_EQ("b", GoPathJoin({"", "b"}));
  EXPECT_EQ("/a", GoPathJoin({"/", "a"}));
  EXPECT_EQ("/", GoPathJoin({"/", ""}));
  EXPECT_EQ("a/b", GoPathJoin({"a/", "b"}));
  EXPECT_EQ("a", GoPathJoin({"a/", ""}));
  EXPECT_EQ("", GoPathJoin({"", ""}));
}

TEST(GoPath, JoinIsHowConfdNamesAKeyBelowItsPrefix) {
  // confd: path.Join("/", strings.TrimPrefix(k, prefix)).
  EXPECT_EQ("/db/host", GoPathJoin({"/", "/db/host"}));
  EXPECT_EQ("/", GoPathJoin({"/", ""}));
  EXPECT_EQ("/db", GoPathJoin({"/", "db/"}));
}

}  // namespace
}  // namespace confwatch
