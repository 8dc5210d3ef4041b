// LoadResources over a real <confdir>/conf.d tree: recursion, name order,
// hidden files and ConfigMap-style "..data" directories skipped, a bad file
// reported alone while the others load.
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resource/resource_loader.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;

std::string Resource(const std::string& dest) {
  return "[template]\nsrc = \"t.tmpl\"\ndest = \"" + dest + "\"\nkeys = [\"/k\"]\n";
}

TEST(InstallConfdir, LoadsGoodResourcesAndReportsBadOnes) {
  TempDir dir;
  namespace fs = std::filesystem;
  fs::create_directories(dir.Path("conf.d/sub"));
  fs::create_directories(dir.Path("conf.d/..2024_01_01"));
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/b.toml"), Resource("/etc/b")).ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/a.toml"), Resource("/etc/a")).ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/sub/c.toml"), Resource("/etc/c")).ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/bad.toml"),
                            "[template]\nsrc = 1\ndest = \"/etc/bad\"\n")
                  .ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/.hidden.toml"), "garbage").ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/readme.txt"), "garbage").ok());
  ASSERT_TRUE(
      WriteTestFile(dir.Path("conf.d/..2024_01_01/a.toml"), Resource("/etc/dup")).ok());

  absl::StatusOr<LoadResult> result = LoadResources(dir.path(), "/prod");
  ASSERT_TRUE(result.ok()) << result.status();
  std::vector<std::string> names, dests;
  for (const TemplateResource& r : result->resources) {
    names.push_back(r.name);
    dests.push_back(r.dest);
  }
  EXPECT_THAT(names, ElementsAre("a.toml", "b.toml", "sub/c.toml"));
  EXPECT_THAT(dests, ElementsAre("/etc/a", "/etc/b", "/etc/c"));
  EXPECT_EQ(dir.Path("templates/t.tmpl"), result->resources[0].src);
  EXPECT_THAT(result->resources[0].keys, ElementsAre("/prod/k"));
  ASSERT_EQ(1u, result->errors.size());
  EXPECT_EQ(dir.Path("conf.d/bad.toml") + ":2:7: src: expected a string, got integer",
            std::string(result->errors[0].status.message()));
}

TEST(InstallConfdir, MissingConfdIsAnError) {
  TempDir dir;
  absl::StatusOr<LoadResult> result = LoadResources(dir.path(), "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ("IO error: " + dir.Path("conf.d") + ": No such file or directory",
            std::string(result.status().message()));
}

TEST(InstallConfdir, UnreadableFileIsAnErrorForThatFileOnly) {
  TempDir dir;
  std::filesystem::create_directories(dir.Path("conf.d"));
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/a.toml"), Resource("/etc/a")).ok());
  std::filesystem::create_symlink(dir.Path("nowhere.toml"), dir.Path("conf.d/z.toml"));
  absl::StatusOr<LoadResult> result = LoadResources(dir.path(), "");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(1u, result->resources.size());
  ASSERT_EQ(1u, result->errors.size());
  EXPECT_EQ("IO error: " + dir.Path("conf.d/z.toml") + ": No such file or directory",
            std::string(result->errors[0].status.message()));
}

}  // namespace
}  // namespace confwatch
