// The confwatch binary with the file backend (-backend file -file ...) in
// watch mode: the rendered file follows its data file however that file is
// replaced: by an editor's rename, and by a Kubernetes ConfigMap update, where
// data.yaml is a symlink through "..data" and the kubelet swaps "..data".
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/integration/confwatch_process.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

class FileBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(0, mkdir(dir_.Scratch("data").c_str(), 0755));
    dir_.AddTemplate("app.tmpl", "v={{getv \"/app/v\"}}\n");
    dir_.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app\"");
  }
  std::string Data(const std::string& name) const { return dir_.Scratch("data/" + name); }

  // What the kubelet does for a new version of a ConfigMap volume at data/.
  void ConfigMapVersion(const std::string& version, const std::string& text) {
    ASSERT_EQ(0, mkdir(Data(version).c_str(), 0755));
    WriteFile(Data(version + "/data.yaml"), text);
    ASSERT_EQ(0, symlink(version.c_str(), Data("..data_tmp").c_str()));
    ASSERT_EQ(0, rename(Data("..data_tmp").c_str(), Data("..data").c_str()));
  }

  Confdir dir_;
};

TEST_F(FileBackendTest, ADataFileReplacedByRenameIsRenderedAgain) {
  WriteFile(Data("data.yaml"), "app: {v: 1}\n");
  ConfwatchProcess p(dir_, {"-watch", "-backend", "file", "-file", Data("data.yaml")});
  ASSERT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=1\n")) << p.Log();
  ReplaceFile(Data("data.yaml"), "app: {v: 2}\n");
  EXPECT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=2\n")) << p.Log();
}

TEST_F(FileBackendTest, ABrokenOrMissingDataFileIsReportedAndTheKeysReadBeforeStay) {
  WriteFile(Data("data.yaml"), "app: {v: 1}\nother: {w: 1}\n");
  dir_.AddTemplate("other.tmpl", "w={{getv \"/other/w\"}}\n");
  dir_.AddResource("other.toml", "other.tmpl", "other.conf", "\"/other\"");
  ConfwatchProcess p(dir_, {"-watch", "-backend", "file", "-file", Data("data.yaml")});
  ASSERT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=1\n")) << p.Log();
  ReplaceFile(Data("data.yaml"), "app: {v: 2\n");
  ASSERT_TRUE(PollUntil([&] {
    return p.Log().find(Data("data.yaml") + ":2:1: end of map flow not found; rendering goes on "
                        "from the keys read before") != std::string::npos;
  })) << p.Log();
  ASSERT_EQ(0, unlink(Data("data.yaml").c_str()));
  ASSERT_TRUE(PollUntil([&] {
    return p.Log().find(Data("data.yaml") + ": No such file or directory; rendering goes on") !=
           std::string::npos;
  })) << p.Log();
  // A resource edited meanwhile still renders, from the keys read before.
  dir_.AddTemplate("other.tmpl", "still w={{getv \"/other/w\"}}\n");
  EXPECT_TRUE(FileBecomes(dir_.Out("other.conf"), "still w=1\n")) << p.Log();
  EXPECT_EQ("v=1\n", ReadWholeFile(dir_.Out("app.conf")));
  WriteFile(Data("data.yaml"), "app: {v: 3}\nother: {w: 1}\n");
  EXPECT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=3\n")) << p.Log();
}

TEST_F(FileBackendTest, AConfigMapUpdateIsRenderedAgain) {
  ConfigMapVersion("..2026_12_03_10_00_00.1", "app: {v: 1}\n");
  ASSERT_EQ(0, symlink("..data/data.yaml", Data("data.yaml").c_str()));
  ConfwatchProcess p(dir_, {"-watch", "-backend", "file", "-file", Data("data.yaml")});
  ASSERT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=1\n")) << p.Log();

  ConfigMapVersion("..2026_12_03_10_05_00.2", "app: {v: 2}\n");
  std::filesystem::remove_all(Data("..2026_12_03_10_00_00.1"));
  EXPECT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=2\n")) << p.Log();

  // And the next one: the watch did not end with the first target's directory.
  ConfigMapVersion("..2026_12_03_10_10_00.3", "app: {v: 3}\n");
  std::filesystem::remove_all(Data("..2026_12_03_10_05_00.2"));
  EXPECT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=3\n")) << p.Log();
  EXPECT_EQ(std::string::npos, p.Log().find("ERROR")) << p.Log();
}

// The volume's directory given as -file: its visible names are read, not
// the timestamp directories behind them, so the old version's keys are gone
// as soon as "..data" is swapped, before the kubelet removes the old copy.
TEST_F(FileBackendTest, AConfigMapDirectoryIsReadThroughItsVisibleNames) {
  dir_.AddTemplate("list.tmpl", "{{range gets \"/app/*\"}}{{.Key}}={{.Value}} {{end}}\n");
  dir_.AddResource("list.toml", "list.tmpl", "list.conf", "\"/app\"");
  ConfigMapVersion("..2026_12_04_10_00_00.1", "app: {v: 1, old: 1}\n");
  ASSERT_EQ(0, symlink("..data/data.yaml", Data("data.yaml").c_str()));
  ConfwatchProcess p(dir_, {"-watch", "-backend", "file", "-file", Data("")});
  ASSERT_TRUE(FileBecomes(dir_.Out("list.conf"), "/app/old=1 /app/v=1 \n")) << p.Log();

  ConfigMapVersion("..2026_12_04_10_05_00.2", "app: {v: 2}\n");
  EXPECT_TRUE(FileBecomes(dir_.Out("list.conf"), "/app/v=2 \n")) << p.Log();
  std::filesystem::remove_all(Data("..2026_12_04_10_00_00.1"));
  ConfigMapVersion("..2026_12_04_10_10_00.3", "app: {v: 3}\n");
  EXPECT_TRUE(FileBecomes(dir_.Out("list.conf"), "/app/v=3 \n")) << p.Log();
  EXPECT_EQ(std::string::npos, p.Log().find("ERROR")) << p.Log();
}

TEST_F(FileBackendTest, ASymlinkedFileReplacedInItsTargetsDirectoryIsRenderedAgain) {
  ASSERT_EQ(0, mkdir(dir_.Scratch("shared").c_str(), 0755));
  WriteFile(dir_.Scratch("shared/app.yaml"), "app: {v: 1}\n");
  ASSERT_EQ(0, symlink(dir_.Scratch("shared/app.yaml").c_str(), Data("data.yaml").c_str()));
  ConfwatchProcess p(dir_, {"-watch", "-backend", "file", "-file", Data("data.yaml")});
  ASSERT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=1\n")) << p.Log();
  ReplaceFile(dir_.Scratch("shared/app.yaml"), "app: {v: 2}\n");
  EXPECT_TRUE(FileBecomes(dir_.Out("app.conf"), "v=2\n")) << p.Log();
}

}  // namespace
}  // namespace confwatch
