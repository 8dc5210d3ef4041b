#include "process/file_path.h"

#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(FilePath, DirNameIsEverythingBeforeTheLastSlash) {
  EXPECT_EQ("/etc/nginx", DirName("/etc/nginx/nginx.conf"));
  EXPECT_EQ("/etc/nginx", DirName("/etc/nginx/"));
  EXPECT_EQ("/", DirName("/x"));
  EXPECT_EQ("/", DirName("/"));
  EXPECT_EQ(".", DirName("x"));
  EXPECT_EQ("a", DirName("a/b"));
}

TEST(FilePath, BaseNameIsEverythingAfterTheLastSlash) {
  EXPECT_EQ("nginx.conf", BaseName("/etc/nginx/nginx.conf"));
  EXPECT_EQ("x", BaseName("x"));
  EXPECT_EQ("", BaseName("/etc/nginx/"));
}

TEST(FilePath, HiddenNamesStartWithADot) {
  EXPECT_TRUE(IsHiddenName("..data"));
  EXPECT_TRUE(IsHiddenName("..2026_12_04_10_00_00.1"));
  EXPECT_TRUE(IsHiddenName(".app.yaml.swp"));
  EXPECT_TRUE(IsHiddenName("."));
  EXPECT_FALSE(IsHiddenName("app.yaml"));
  EXPECT_FALSE(IsHiddenName("a.b"));
  EXPECT_FALSE(IsHiddenName(""));
}

}  // namespace
}  // namespace confwatch
