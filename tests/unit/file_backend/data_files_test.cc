// DataFiles over real files in a temp dir: which directories are watched and
// which events count as a change of what the file backend reads, including a
// Kubernetes ConfigMap update (the "..data" symlink swapped by rename).
#include "file_backend/data_files.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

void Write(const std::string& path, const std::string& text) {
  ASSERT_TRUE(WriteTestFile(path, text).ok()) << path;
}

std::vector<std::string> Dirs(const std::vector<WatchRoot>& roots, bool recursive) {
  std::vector<std::string> out;
  for (const WatchRoot& r : roots) {
    if (r.recursive == recursive) out.push_back(r.dir);
  }
  return out;
}

// The layout the kubelet writes for a ConfigMap volume mounted at `dir`.
void ConfigMapVersion(const TempDir& dir, const std::string& version, const std::string& text) {
  ASSERT_EQ(0, mkdir(dir.Path(version).c_str(), 0755));
  Write(dir.Path(version + "/data.yaml"), text);
  ASSERT_EQ(0, symlink(version.c_str(), dir.Path("..data_tmp").c_str()));
  ASSERT_EQ(0, rename(dir.Path("..data_tmp").c_str(), dir.Path("..data").c_str()));
}

TEST(DataFiles, WatchesADirectoryWholeAndAFileThroughItsDirectory) {
  TempDir dir;
  ASSERT_EQ(0, mkdir(dir.Path("conf").c_str(), 0755));
  Write(dir.Path("a.yaml"), "a: 1\n");
  Write(dir.Path("b.yaml"), "b: 1\n");
  DataFiles files({dir.Path("conf/"), dir.Path("a.yaml"), dir.Path("b.yaml")});
  std::vector<WatchRoot> roots = files.Roots();
  EXPECT_EQ(std::vector<std::string>{dir.Path("conf")}, Dirs(roots, true));
  EXPECT_EQ(std::vector<std::string>{dir.path()}, Dirs(roots, false)) << "once, not per file";
}

TEST(DataFiles, AFileAtTheRootIsWatchedThroughTheRoot) {
  DataFiles files({"/nonexistent-confwatch-data.yaml"});
  std::vector<WatchRoot> roots = files.Roots();
  EXPECT_EQ(std::vector<std::string>{"/"}, Dirs(roots, false));
}

TEST(DataFiles, EventsNamingAFileOrBelowADirectoryAreChanges) {
  TempDir dir;
  ASSERT_EQ(0, mkdir(dir.Path("conf").c_str(), 0755));
  Write(dir.Path("a.yaml"), "a: 1\n");
  DataFiles files({dir.Path("conf"), dir.Path("a.yaml")});
  files.Mark();
  EXPECT_TRUE(files.Changed(dir.Path("a.yaml")));
  EXPECT_TRUE(files.Changed(dir.Path("conf/sub/x.yaml")));
  EXPECT_FALSE(files.Changed(dir.Path("a.yaml.swp"))) << "a neighbour, a.yaml untouched";
  EXPECT_FALSE(files.Changed(dir.Path("conference")));
}

TEST(DataFiles, AFileReplacedOrRewrittenIsAChangeWhateverTheEventNames) {
  TempDir dir;
  Write(dir.Path("a.yaml"), "a: 1\n");
  DataFiles files({dir.Path("a.yaml")});
  files.Mark();
  EXPECT_FALSE(files.Changed(dir.Path("other")));
  Write(dir.Path("new"), "a: 2\n");
  ASSERT_EQ(0, rename(dir.Path("new").c_str(), dir.Path("a.yaml").c_str()));
  EXPECT_TRUE(files.Changed(dir.Path("other"))) << "a new inode";
  files.Mark();
  EXPECT_FALSE(files.Changed(dir.Path("other")));
  Write(dir.Path("a.yaml"), "a: 333\n");
  EXPECT_TRUE(files.Changed(dir.Path("other"))) << "rewritten in place: a new size";
  files.Mark();
  ASSERT_EQ(0, unlink(dir.Path("a.yaml").c_str()));
  EXPECT_TRUE(files.Changed(dir.Path("other"))) << "gone";
  files.Mark();
  EXPECT_FALSE(files.Changed(dir.Path("other"))) << "still gone";
}

TEST(DataFiles, AConfigMapUpdateIsAChangeThoughNoEventNamesTheFile) {
  TempDir dir;
  ConfigMapVersion(dir, "..2026_12_03_10_00_00.1", "v: 1\n");
  ASSERT_EQ(0, symlink("..data/data.yaml", dir.Path("data.yaml").c_str()));
  DataFiles files({dir.Path("data.yaml")});
  std::vector<WatchRoot> roots = files.Roots();
  EXPECT_EQ((std::vector<std::string>{dir.path(), dir.Path("..2026_12_03_10_00_00.1")}),
            Dirs(roots, false))
      << "the link's directory and its target's";
  files.Mark();
  EXPECT_FALSE(files.Changed(dir.Path("..data")));
  ConfigMapVersion(dir, "..2026_12_03_10_05_00.2", "v: 2\n");
  EXPECT_TRUE(files.Changed(dir.Path("..data")));
  files.Mark();
  EXPECT_FALSE(files.Changed(dir.Path("..2026_12_03_10_00_00.1")))
      << "the old version removed later: nothing new to read";
}

}  // namespace
}  // namespace confwatch
