// The installer on a real filesystem in a temp dir, with the real
// PosixFileSystem and /bin/sh check commands: real rename, real mode bits
// (also under a restrictive umask), real inode replacement, real chown.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "process/posix_command_runner.h"
#include "resource/file_system.h"
#include "resource/installer.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;


struct stat StatOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(0, stat(path.c_str(), &st)) << path;
  return st;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class InstallPosixTest : public ::testing::Test {
 protected:
  TemplateResource Resource() {
    TemplateResource r;
    r.name = "app.toml";
    r.dest = dir_.Path("app.conf");
    return r;
  }
  absl::StatusOr<InstallResult> Install(const TemplateResource& r,
                                        const std::string& rendered,
                                        InstallOptions options = {}) {
    Installer installer(&fs_, &runner_, options);
    return installer.Install(r, rendered);
  }

  TempDir dir_;
  PosixFileSystem fs_;
  PosixCommandRunner runner_;
};

TEST_F(InstallPosixTest, InstallsWithExactModeEvenUnderRestrictiveUmask) {
  const mode_t old_umask = umask(0077);
  TemplateResource r = Resource();
  r.mode = 0644;
  absl::StatusOr<InstallResult> result = Install(r, "hello\n");
  umask(old_umask);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kInstalled, result->outcome);
  EXPECT_EQ("hello\n", ReadFile(r.dest).value_or(""));
  EXPECT_EQ(0644u, StatOf(r.dest).st_mode & 07777);
  EXPECT_THAT(Entries(dir_.path()), ElementsAre("app.conf"));
}

TEST_F(InstallPosixTest, UnchangedKeepsInodeChangedReplacesIt) {
  TemplateResource r = Resource();
  r.mode = 0640;
  ASSERT_TRUE(Install(r, "v1\n").ok());
  const ino_t first = StatOf(r.dest).st_ino;
  // A reader holding the old file keeps seeing the complete old version.
  std::ifstream reader(r.dest);

  absl::StatusOr<InstallResult> again = Install(r, "v1\n");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(InstallOutcome::kUnchanged, again->outcome);
  EXPECT_EQ(first, StatOf(r.dest).st_ino);

  ASSERT_TRUE(Install(r, "v2\n").ok());
  EXPECT_NE(first, StatOf(r.dest).st_ino);
  EXPECT_EQ("v2\n", ReadFile(r.dest).value_or(""));
  std::string old_line;
  std::getline(reader, old_line);
  EXPECT_EQ("v1", old_line);
}

// One long-lived Installer, as the daemon has: it remembers what it wrote,
// yet an edit by someone else, made at once and of the same size (so that
// only the real file's timestamps can show it), is found and undone.
TEST_F(InstallPosixTest, OutsideEditOfTheSameSizeRightAfterAnInstallIsUndone) {
  Installer installer(&fs_, &runner_, InstallOptions{});
  const TemplateResource r = Resource();
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE(installer.Install(r, "ours\n").ok());
    {
      std::fstream edit(r.dest, std::ios::in | std::ios::out | std::ios::binary);
      edit << "them\n";
    }
    absl::StatusOr<InstallResult> again = installer.Install(r, "ours\n");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(InstallOutcome::kInstalled, again->outcome) << "round " << round;
    EXPECT_EQ("ours\n", ReadFile(r.dest).value_or(""));
  }
}

TEST_F(InstallPosixTest, RealCheckCommandSeesStageAndCanReject) {
  TemplateResource r = Resource();
  ASSERT_TRUE(Install(r, "listen 80;\n").ok());
  r.check_cmd = "grep -q '^listen' {{.src}} && test {{.dest}} = " + r.dest +
                " || { echo \"bad config in {{.src}}\"; exit 3; }";
  absl::StatusOr<InstallResult> ok = Install(r, "listen 8080;\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ("listen 8080;\n", ReadFile(r.dest).value_or(""));

  absl::StatusOr<InstallResult> rejected = Install(r, "oops\n");
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, rejected.status().code());
  const std::string message(rejected.status().message());
  EXPECT_THAT(message, ::testing::HasSubstr("exited with status 3: bad config in " +
                                            dir_.Path(".app.conf.")));
  EXPECT_EQ("listen 8080;\n", ReadFile(r.dest).value_or(""));
  EXPECT_THAT(Entries(dir_.path()), ElementsAre("app.conf"));
}

TEST_F(InstallPosixTest, CreatesDestDirsAndKeepsBackup) {
  TemplateResource r = Resource();
  r.dest = dir_.Path("a/b/app.conf");
  r.create_dest_dirs = true;
  r.backup = true;
  ASSERT_TRUE(Install(r, "one\n").ok());
  ASSERT_TRUE(Install(r, "two\n").ok());
  EXPECT_EQ("two\n", ReadFile(r.dest).value_or(""));
  EXPECT_EQ("one\n", ReadFile(r.dest + ".bak").value_or(""));
  EXPECT_THAT(Entries(dir_.Path("a/b")), ElementsAre("app.conf", "app.conf.bak"));
}

TEST_F(InstallPosixTest, MissingDirWithoutCreateDestDirsFails) {
  TemplateResource r = Resource();
  r.dest = dir_.Path("missing/app.conf");
  absl::StatusOr<InstallResult> result = Install(r, "x\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ("IO error: " + dir_.Path("missing") +
                ": No such file or directory (set create_dest_dirs = true to create it)",
            std::string(result.status().message()));
}

TEST_F(InstallPosixTest, OwnerIsAppliedWhenRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  TemplateResource r = Resource();
  r.uid = 65534;
  r.gid = 65534;
  r.mode = 0600;
  ASSERT_TRUE(Install(r, "secret\n").ok());
  struct stat st = StatOf(r.dest);
  EXPECT_EQ(65534u, st.st_uid);
  EXPECT_EQ(65534u, st.st_gid);
  EXPECT_EQ(0600u, st.st_mode & 07777);
  absl::StatusOr<InstallResult> again = Install(r, "secret\n");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(InstallOutcome::kUnchanged, again->outcome);
}

// Another user (nobody, 65534) plants things at dest in a sticky
// world-writable directory before confwatch, running as root, installs
// there. Each case is an attack seen in a probe (issue 17).
class PlantedDestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "planting as another user needs root";
    ASSERT_EQ(0, chmod(shared_.path().c_str(), 01777));
    // A root-only file the other user must never see the contents of.
    secret_ = private_.Path("secret");
    std::ofstream(secret_) << "root only\n";
    ASSERT_EQ(0, chmod(secret_.c_str(), 0600));
  }

  // Runs `script` through /bin/sh as nobody:nogroup with no other groups.
  void AsNobody(const std::string& script) {
    const std::string command =
        "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '" + script + "'";
    ASSERT_EQ(0, std::system(command.c_str())) << command;
  }

  TemplateResource Resource() {
    TemplateResource r;
    r.name = "app.toml";
    r.dest = shared_.Path("app.conf");
    return r;
  }

  absl::StatusOr<InstallResult> Install(const TemplateResource& r,
                                        const std::string& rendered,
                                        InstallOptions options = {}) {
    Installer installer(&fs_, &runner_, options);
    return installer.Install(r, rendered);
  }

  TempDir shared_;
  TempDir private_;
  std::string secret_;
  PosixFileSystem fs_;
  PosixCommandRunner runner_;
};

TEST_F(PlantedDestTest, NoopDiffOfLinkToRootOnlyFileDoesNotShowIt) {
  TemplateResource r = Resource();
  AsNobody("ln -s " + secret_ + " " + r.dest);
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  absl::StatusOr<InstallResult> result = Install(r, "rendered\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kWouldChange, result->outcome);
  EXPECT_THAT(result->diff, ::testing::Not(::testing::HasSubstr("root only")));
  EXPECT_THAT(result->diff, ::testing::HasSubstr("+rendered\n"));
  struct stat st {};
  ASSERT_EQ(0, lstat(r.dest.c_str(), &st));
  EXPECT_TRUE(S_ISLNK(st.st_mode));  // noop changed nothing
}

TEST_F(PlantedDestTest, LinkToRootOnlyFileIsReplacedNotBackedUpNorCopiedForMode) {
  TemplateResource r = Resource();
  r.backup = true;
  AsNobody("ln -s " + secret_ + " " + r.dest);
  absl::StatusOr<InstallResult> result = Install(r, "rendered\n");
  ASSERT_TRUE(result.ok()) << result.status();
  struct stat st {};
  ASSERT_EQ(0, lstat(r.dest.c_str(), &st));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(0644u, st.st_mode & 07777);  // not the target's 0600
  EXPECT_EQ(0u, st.st_uid);
  EXPECT_EQ("rendered\n", ReadFile(r.dest).value_or(""));
  EXPECT_THAT(Entries(shared_.path()), ElementsAre("app.conf"));  // no app.conf.bak
  EXPECT_EQ("root only\n", ReadFile(secret_).value_or(""));
  EXPECT_EQ(0600u, StatOf(secret_).st_mode & 07777);
}

TEST_F(PlantedDestTest, LinkToUserOwnedSetuidFileGivesNoSetuid) {
  TemplateResource r = Resource();
  const std::string theirs = shared_.Path("theirs");
  AsNobody("echo mine > " + theirs + " && chmod 06777 " + theirs + " && ln -s " + theirs +
           " " + r.dest);
  ASSERT_EQ(06777u, StatOf(theirs).st_mode & 07777);
  absl::StatusOr<InstallResult> result = Install(r, "rendered\n");
  ASSERT_TRUE(result.ok()) << result.status();
  struct stat st {};
  ASSERT_EQ(0, lstat(r.dest.c_str(), &st));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(0644u, st.st_mode & 07777);
  EXPECT_EQ(0u, st.st_uid);
  EXPECT_EQ("mine\n", ReadFile(theirs).value_or(""));  // not written through the link
}

TEST_F(PlantedDestTest, WorldWritableFilePlantedByAnotherUserBecomesRoots0644) {
  TemplateResource r = Resource();
  AsNobody("echo planted > " + r.dest + " && chmod 0666 " + r.dest);
  absl::StatusOr<InstallResult> result = Install(r, "rendered\n");
  ASSERT_TRUE(result.ok()) << result.status();
  struct stat st = StatOf(r.dest);
  EXPECT_EQ(0644u, st.st_mode & 07777);
  EXPECT_EQ(0u, st.st_uid);
  EXPECT_EQ(0u, st.st_gid);
  EXPECT_EQ("rendered\n", ReadFile(r.dest).value_or(""));
  // The other user can no longer change what root's consumer reads.
  const std::string append = "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'echo x >> " +
                             r.dest + "' 2>/dev/null";
  EXPECT_NE(0, std::system(append.c_str()));
  EXPECT_EQ("rendered\n", ReadFile(r.dest).value_or(""));
}

TEST(PosixFileSystem, ReadFileNeverFollowsASymlink) {
  TempDir dir;
  PosixFileSystem fs;
  std::ofstream(dir.Path("target")) << "target\n";
  ASSERT_EQ(0, symlink(dir.Path("target").c_str(), dir.Path("link").c_str()));
  std::string contents;
  EXPECT_EQ(ELOOP, fs.ReadFile(dir.Path("link"), &contents));
  EXPECT_EQ("", contents);
  int fd = -1;
  EXPECT_EQ(ELOOP, fs.OpenTruncate(dir.Path("link"), &fd));
  FileInfo info;
  ASSERT_EQ(0, fs.Lstat(dir.Path("link"), &info));
  EXPECT_TRUE(info.is_symlink);
  EXPECT_FALSE(info.is_regular);
  EXPECT_EQ("target\n", ReadFile(dir.Path("target")).value_or(""));
}

TEST(PosixFileSystem, CreateUniqueNeverReusesAName) {
  TempDir dir;
  PosixFileSystem fs;
  std::vector<std::string> paths;
  for (int i = 0; i < 50; ++i) {
    int fd = -1;
    std::string path;
    ASSERT_EQ(0, fs.CreateUnique(dir.path(), ".x.", 0600, &fd, &path));
    EXPECT_EQ(0, fs.Close(fd));
    EXPECT_EQ(0600u, StatOf(path).st_mode & 07777);
    paths.push_back(path);
  }
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths.end(), std::adjacent_find(paths.begin(), paths.end()));
}

TEST(PosixFileSystem, ErrorsAreErrnoValues) {
  TempDir dir;
  PosixFileSystem fs;
  FileInfo info;
  EXPECT_EQ(ENOENT, fs.Lstat(dir.Path("nope"), &info));
  int fd = -1;
  std::string path;
  EXPECT_EQ(ENOENT, fs.CreateUnique(dir.Path("nope"), ".x.", 0600, &fd, &path));
  EXPECT_EQ(ENOENT, fs.OpenTruncate(dir.Path("nope"), &fd));
  EXPECT_EQ(ENOENT, fs.Rename(dir.Path("nope"), dir.Path("other")));
  EXPECT_EQ(0, fs.MkdirAll(dir.Path("x/y/z"), 0755));
  EXPECT_EQ(0, fs.MkdirAll(dir.Path("x/y/z"), 0755));
  EXPECT_EQ(0, fs.FsyncDir(dir.Path("x/y")));
}

}  // namespace
}  // namespace confwatch
