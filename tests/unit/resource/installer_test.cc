// Installer against the fake filesystem and command runner: what is written,
// in which order, with which mode, and what is left on disk when something
// fails. Stage files are named by the fake: ".app.conf.000001", "...002".
#include "resource/installer.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "fake_command_runner.h"
#include "fake_file_system.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kDest[] = "/etc/app/app.conf";
constexpr char kStage[] = "/etc/app/.app.conf.000001";

TemplateResource Resource() {
  TemplateResource r;
  r.name = "app.toml";
  r.src = "/etc/confd/templates/app.tmpl";
  r.dest = kDest;
  return r;
}

class InstallerTest : public ::testing::Test {
 protected:
  InstallerTest() { fs_.AddDir("/etc/app"); }

  absl::StatusOr<InstallResult> Install(const TemplateResource& r,
                                        const std::string& rendered,
                                        InstallOptions options = {}) {
    options.default_uid = 1000;
    options.default_gid = 1000;
    Installer installer(&fs_, &runner_, options);
    return installer.Install(r, rendered);
  }

  std::string Contents(const std::string& path) {
    const FakeFileSystem::File* f = fs_.GetFile(path);
    return f == nullptr ? "<missing>" : f->contents;
  }

  FakeFileSystem fs_;
  FakeCommandRunner runner_;
};

TEST_F(InstallerTest, UnchangedFileIsNotRewritten) {
  fs_.AddFile(kDest, "same\n", 0644, 1000, 1000);
  TemplateResource r = Resource();
  r.check_cmd = "check {{.src}}";
  r.reload_cmd = "reload";
  absl::StatusOr<InstallResult> result = Install(r, "same\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kUnchanged, result->outcome);
  EXPECT_FALSE(result->reload_needed);
  EXPECT_THAT(result->changes, IsEmpty());
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf", "read /etc/app/app.conf"));
  EXPECT_THAT(runner_.commands, IsEmpty());
}

TEST_F(InstallerTest, SizeChangeIsSeenWithoutReadingTheOldFile) {
  fs_.AddFile(kDest, "old\n", 0644, 1000, 1000);
  absl::StatusOr<InstallResult> result = Install(Resource(), "longer\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->changes, ElementsAre("content"));
  EXPECT_EQ("lstat /etc/app/app.conf", fs_.calls[0]);
  EXPECT_EQ("create /etc/app/.app.conf.000001 0600", fs_.calls[1]);
}

TEST_F(InstallerTest, UnreadableDestOfSameSizeIsRewritten) {
  fs_.AddFile(kDest, "same\n", 0644, 1000, 1000);
  fs_.fail_next_read = EACCES;
  absl::StatusOr<InstallResult> result = Install(Resource(), "same\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kInstalled, result->outcome);
  EXPECT_THAT(result->changes, ElementsAre("content"));
}

struct MetadataCase {
  const char* name;
  mode_t old_mode;
  uid_t old_uid;
  gid_t old_gid;
  std::optional<mode_t> mode;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::vector<std::string> changes;  // empty: unchanged
  mode_t final_mode;
};

TEST_F(InstallerTest, ModeOrOwnerChangeAloneRewrites) {
  const MetadataCase cases[] = {
      {"mode only", 0600, 1000, 1000, 0644, {}, {}, {"mode 0600 -> 0644"}, 0644},
      {"unset mode keeps the existing one", 0600, 1000, 1000, {}, {}, {}, {}, 0600},
      {"owner differs from the process",
       0644,
       0,
       0,
       {},
       {},
       {},
       {"owner 0:0 -> 1000:1000"},
       0644},
      {"explicit gid", 0644, 1000, 1000, {}, {}, 4, {"owner 1000:1000 -> 1000:4"}, 0644},
      {"mode and owner",
       0640,
       1000,
       33,
       0644,
       {},
       {},
       {"mode 0640 -> 0644", "owner 1000:33 -> 1000:1000"},
       0644},
  };
  for (const MetadataCase& c : cases) {
    fs_ = FakeFileSystem();
    fs_.AddFile(kDest, "same\n", c.old_mode, c.old_uid, c.old_gid);
    fs_.process_uid = 0;  // root: any chown works
    TemplateResource r = Resource();
    r.mode = c.mode;
    r.uid = c.uid;
    r.gid = c.gid;
    absl::StatusOr<InstallResult> result = Install(r, "same\n");
    ASSERT_TRUE(result.ok()) << c.name << ": " << result.status();
    EXPECT_EQ(c.changes, result->changes) << c.name;
    EXPECT_EQ(c.changes.empty() ? InstallOutcome::kUnchanged : InstallOutcome::kInstalled,
              result->outcome)
        << c.name;
    const FakeFileSystem::File* f = fs_.GetFile(kDest);
    ASSERT_NE(nullptr, f);
    EXPECT_EQ(c.final_mode, f->mode) << c.name;
    EXPECT_EQ("same\n", f->contents) << c.name;
  }
}

TEST_F(InstallerTest, StageCreated0600BeforeWriteThenRenamedAndDirSynced) {
  TemplateResource r = Resource();
  r.mode = 0644;
  absl::StatusOr<InstallResult> result = Install(r, "hello\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kInstalled, result->outcome);
  EXPECT_THAT(result->changes, ElementsAre("new file"));
  EXPECT_THAT(
      fs_.calls,
      ElementsAre("lstat /etc/app/app.conf", "create /etc/app/.app.conf.000001 0600",
                  "write /etc/app/.app.conf.000001 mode=0600 6 bytes",
                  "fchown /etc/app/.app.conf.000001 1000:1000",
                  "fchmod /etc/app/.app.conf.000001 0644",
                  "fsync /etc/app/.app.conf.000001", "fstat /etc/app/.app.conf.000001",
                  // once per device: are timestamps fine-grained?
                  "fchmod /etc/app/.app.conf.000001 0644", "fstat /etc/app/.app.conf.000001",
                  "fchmod /etc/app/.app.conf.000001 0644", "fstat /etc/app/.app.conf.000001",
                  "fchmod /etc/app/.app.conf.000001 0644", "fstat /etc/app/.app.conf.000001",
                  "close /etc/app/.app.conf.000001",
                  "rename /etc/app/.app.conf.000001 /etc/app/app.conf",
                  "fsyncdir /etc/app",
                  // the file in place is the one written: remembered
                  "lstat /etc/app/app.conf"));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
  EXPECT_EQ("hello\n", Contents(kDest));
  EXPECT_EQ(0644u, fs_.GetFile(kDest)->mode);
}

// ---- what the installer remembers of the files it wrote ----

class RememberingInstallerTest : public InstallerTest {
 protected:
  RememberingInstallerTest() : installer_(&fs_, &runner_, Options()) {}
  static InstallOptions Options() {
    InstallOptions options;
    options.default_uid = 1000;
    options.default_gid = 1000;
    return options;
  }
  // Installs with the one long-lived Installer; fs_.calls holds this
  // install's calls only.
  InstallOutcome InstallAgain(const std::string& rendered) {
    fs_.calls.clear();
    absl::StatusOr<InstallResult> result = installer_.Install(Resource(), rendered);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->outcome : InstallOutcome::kUnchanged;
  }
  bool ReadDest() const {
    return std::find(fs_.calls.begin(), fs_.calls.end(), std::string("read ") + kDest) !=
           fs_.calls.end();
  }

  Installer installer_;
};

TEST_F(RememberingInstallerTest, FileItInstalledIsNotReadBackToCompare) {
  ASSERT_EQ(InstallOutcome::kInstalled, InstallAgain("one\n"));
  // Same size, other bytes: the remembered hash tells them apart.
  EXPECT_EQ(InstallOutcome::kInstalled, InstallAgain("two\n"));
  EXPECT_FALSE(ReadDest());
  EXPECT_EQ("two\n", Contents(kDest));
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("two\n"));
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf"));
}

// What a reload's resource set still installs is remembered; the rest is
// forgotten: a removed resource's dest, a family whose directory is gone.
TEST_F(RememberingInstallerTest, DestsNoResourceInstallsAreForgotten) {
  fs_.AddDir("/etc/web");
  fs_.AddDir("/etc/old");
  TemplateResource app = Resource();
  TemplateResource db = Resource();
  db.name = "db.toml";
  db.dest = "/etc/app/db.conf";
  TemplateResource family = Resource();
  family.name = "web.toml";
  family.for_each = "/services/*";
  family.dest = "/etc/web/{{.name}}.conf";
  TemplateResource old_family = family;
  old_family.name = "old.toml";
  old_family.dest = "/etc/old/{{.name}}.conf";
  TemplateResource web_a = app;
  web_a.dest = "/etc/web/a.conf";
  TemplateResource old_a = app;
  old_a.dest = "/etc/old/a.conf";
  for (const TemplateResource* r : {&app, &db, &web_a, &old_a}) {
    ASSERT_TRUE(installer_.Install(*r, "x\n").ok()) << r->dest;
  }
  ASSERT_EQ(4u, installer_.remembered_dests());

  installer_.ForgetDestsNotIn({&app, &db, &family, &old_family});
  EXPECT_EQ(4u, installer_.remembered_dests()) << "every one is still installed";
  installer_.ForgetDestsNotIn({&app, &family});
  EXPECT_EQ(2u, installer_.remembered_dests()) << "db.conf and the old family forgotten";
  fs_.calls.clear();
  EXPECT_EQ(InstallOutcome::kUnchanged, installer_.Install(app, "x\n")->outcome);
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf")) << "app.conf still known";
  installer_.ForgetDestsNotIn({});
  EXPECT_EQ(0u, installer_.remembered_dests());
}

TEST_F(RememberingInstallerTest, FileFoundEqualByReadingIsNotReadAgain) {
  fs_.AddFile(kDest, "same\n");
  ASSERT_EQ(InstallOutcome::kUnchanged, InstallAgain("same\n"));
  EXPECT_TRUE(ReadDest());
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("same\n"));
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf"));
}

TEST_F(RememberingInstallerTest, OutsideEditOfTheSameSizeIsReadAndRewritten) {
  ASSERT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  fs_.EditInPlace(kDest, "edit\n");  // same inode and size, new mtime/ctime
  EXPECT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  EXPECT_TRUE(ReadDest());
  EXPECT_EQ("ours\n", Contents(kDest));
}

TEST_F(RememberingInstallerTest, OutsideEditBackToOurBytesIsReadAndLeftAlone) {
  ASSERT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  fs_.EditInPlace(kDest, "ours\n");
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("ours\n"));
  EXPECT_TRUE(ReadDest());
}

TEST_F(RememberingInstallerTest, OutsideReplacementIsReadAndRewritten) {
  ASSERT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  fs_.AddFile(kDest, "them\n");  // a new inode, as an editor's rename gives
  EXPECT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  EXPECT_TRUE(ReadDest());
  EXPECT_EQ("ours\n", Contents(kDest));
}

// Multigrain timestamps (the fake's default): a file remembered right after
// its change is trusted at once.
TEST_F(RememberingInstallerTest, FileRememberedRightAfterItChangedIsTrustedWithFineTimestamps) {
  fs_.set_clock_ns(absl::GetCurrentTimeNanos());
  ASSERT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("ours\n"));
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf"));
}

// Before Linux 6.13 an edit in the clock tick of our own write keeps mtime and
// ctime: a file remembered right after its change is read once more.
TEST_F(RememberingInstallerTest, FileRememberedRightAfterItChangedIsReadWithCoarseTimestamps) {
  fs_.set_clock_ns(absl::GetCurrentTimeNanos());
  fs_.coarse_timestamps = true;
  ASSERT_EQ(InstallOutcome::kInstalled, InstallAgain("ours\n"));
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("ours\n"));
  EXPECT_TRUE(ReadDest());
  // Read again more than 50 ms after the change: trusted from now on.
  absl::SleepFor(absl::Milliseconds(60));
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("ours\n"));
  EXPECT_TRUE(ReadDest());
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("ours\n"));
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf"));
}

TEST_F(RememberingInstallerTest, InPlaceRewriteIsNotRemembered) {
  fs_.AddFile(kDest, "old\n");
  fs_.fail_next_rename = EBUSY;
  ASSERT_EQ(InstallOutcome::kInstalledInPlace, InstallAgain("new\n"));
  EXPECT_EQ(InstallOutcome::kUnchanged, InstallAgain("new\n"));
  EXPECT_TRUE(ReadDest());
}

TEST_F(InstallerTest, SecretResourceIsNever0644) {
  TemplateResource r = Resource();
  r.mode = 0600;
  ASSERT_TRUE(Install(r, "password=x\n").ok());
  for (const std::string& call : fs_.calls) {
    EXPECT_EQ(std::string::npos, call.find("0644")) << call;
  }
  EXPECT_EQ(0600u, fs_.GetFile(kDest)->mode);
}

TEST_F(InstallerTest, NewFileWithoutModeGets0644) {
  ASSERT_TRUE(Install(Resource(), "x\n").ok());
  EXPECT_EQ(0644u, fs_.GetFile(kDest)->mode);
  EXPECT_EQ(1000u, fs_.GetFile(kDest)->uid);
}

TEST_F(InstallerTest, CheckFailureKeepsOldFileAndShowsOutput) {
  fs_.AddFile(kDest, "old\n");
  TemplateResource r = Resource();
  r.check_cmd = "nginx -t -c {{.src}}";
  runner_.result = CommandResult{1, 0, false, "nginx: [emerg] unexpected \"}\"\n"};
  absl::StatusOr<InstallResult> result = Install(r, "new\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, result.status().code());
  EXPECT_EQ(
      "check_cmd \"nginx -t -c /etc/app/.app.conf.000001\" exited "
      "with status 1: nginx: [emerg] unexpected \"}\"",
      result.status().message());
  EXPECT_EQ("old\n", Contents(kDest));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));  // stage removed
}

TEST_F(InstallerTest, CheckFailureWithKeepStageFileKeepsStage) {
  TemplateResource r = Resource();
  r.check_cmd = "false";
  runner_.result = CommandResult{1, 0, false, ""};
  InstallOptions options;
  options.keep_stage_file = true;
  absl::StatusOr<InstallResult> result = Install(r, "new\n", options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ("check_cmd \"false\" exited with status 1",
            result.status().message());
  EXPECT_EQ("new\n", Contents(kStage));
  EXPECT_EQ(nullptr, fs_.GetFile(kDest));
}

TEST_F(InstallerTest, CheckTimeoutSignalAndStartFailureMessages) {
  struct {
    absl::StatusOr<CommandResult> result;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {CommandResult{0, 0, true, "still checking"}, absl::StatusCode::kFailedPrecondition,
       "check_cmd \"check\" timed out after 5s: still checking"},
      {CommandResult{0, 9, false, ""}, absl::StatusCode::kFailedPrecondition,
       "check_cmd \"check\" was killed by SIGKILL"},
      {absl::ResourceExhaustedError("fork: Resource temporarily unavailable"),
       absl::StatusCode::kResourceExhausted,
       "check_cmd \"check\": fork: Resource temporarily unavailable"},
  };
  for (const auto& c : cases) {
    fs_ = FakeFileSystem();
    fs_.AddFile(kDest, "old\n");
    runner_.result = c.result;
    TemplateResource r = Resource();
    r.check_cmd = "check";
    r.check_cmd_timeout = absl::Seconds(5);
    absl::StatusOr<InstallResult> result = Install(r, "new\n");
    ASSERT_FALSE(result.ok()) << c.message;
    EXPECT_EQ(c.code, result.status().code());
    EXPECT_EQ(c.message, result.status().message());
    EXPECT_EQ("old\n", Contents(kDest));
    EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
  }
}

TEST_F(InstallerTest, SrcAndDestSubstitutedInCheckCommand) {
  TemplateResource r = Resource();
  r.mode = 0640;
  r.check_cmd = "test -s {{.src}} && diff {{ .dest }} {{.src}} || {{.other}}";
  r.check_cmd_timeout = absl::Seconds(7);
  std::string staged_at_check;
  mode_t mode_at_check = 0;
  runner_.on_run = [&](const std::string&) -> absl::StatusOr<CommandResult> {
    // The check sees the complete file with its final mode.
    staged_at_check = Contents(kStage);
    mode_at_check = fs_.GetFile(kStage)->mode;
    return CommandResult{};
  };
  ASSERT_TRUE(Install(r, "content\n").ok());
  EXPECT_THAT(runner_.commands,
              ElementsAre("test -s /etc/app/.app.conf.000001 && diff /etc/app/app.conf "
                          "/etc/app/.app.conf.000001 || {{.other}}"));
  EXPECT_THAT(runner_.timeouts, ElementsAre(absl::Seconds(7)));
  EXPECT_EQ("content\n", staged_at_check);
  EXPECT_EQ(0640u, mode_at_check);
}

TEST_F(InstallerTest, ReloadNeededOnlyWhenInstalledWithAReload) {
  TemplateResource r = Resource();
  absl::StatusOr<InstallResult> result = Install(r, "a\n");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->reload_needed);  // no reload configured

  r.reload_cmd = "systemctl reload app";
  result = Install(r, "b\n");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->reload_needed);
  EXPECT_THAT(runner_.commands, IsEmpty());  // Install never reloads

  result = Install(r, "b\n");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->reload_needed);  // unchanged
}

TEST_F(InstallerTest, SyncOnlyInstallsWithoutCheckOrReload) {
  TemplateResource r = Resource();
  r.check_cmd = "check {{.src}}";
  r.reload_cmd = "reload";
  InstallOptions options;
  options.sync_only = true;
  absl::StatusOr<InstallResult> result = Install(r, "a\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kInstalled, result->outcome);
  EXPECT_FALSE(result->reload_needed);
  EXPECT_THAT(runner_.commands, IsEmpty());
  EXPECT_EQ("a\n", Contents(kDest));
}

TEST_F(InstallerTest, ExdevOrEbusyFallsBackToInPlace) {
  struct Case {
    int err;
    std::string text;  // the C library's, as every message words an errno
  };
  for (const Case& c : {Case{EXDEV, "Invalid cross-device link"},
                        Case{EBUSY, "Device or resource busy"}}) {
    fs_ = FakeFileSystem();
    fs_.AddFile(kDest, "old contents\n", 0644, 1000, 1000);
    fs_.fail_next_rename = c.err;
    TemplateResource r = Resource();
    r.reload_cmd = "reload";
    absl::StatusOr<InstallResult> result = Install(r, "new\n");
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(InstallOutcome::kInstalledInPlace, result->outcome);
    EXPECT_TRUE(result->reload_needed);
    EXPECT_THAT(result->warnings,
                ElementsAre("rename /etc/app/.app.conf.000001 -> /etc/app/app.conf: " + c.text +
                            "; rewrote /etc/app/app.conf in place, which is not atomic"));
    EXPECT_EQ("new\n", Contents(kDest));
    EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
    const std::vector<std::string> tail(fs_.calls.end() - 7, fs_.calls.end());
    EXPECT_THAT(
        tail, ElementsAre("open-truncate /etc/app/app.conf",
                          "write /etc/app/app.conf mode=0644 4 bytes",
                          "fchown /etc/app/app.conf 1000:1000",
                          "fchmod /etc/app/app.conf 0644", "fsync /etc/app/app.conf",
                          "close /etc/app/app.conf", "unlink /etc/app/.app.conf.000001"));
  }
}

TEST_F(InstallerTest, OnlyAFailedInPlaceRewriteMayLeaveDestPartial) {
  fs_.AddFile(kDest, "old contents\n");
  fs_.fail_next_rename = EXDEV;
  fs_.fail_next_write_to[kDest] = ENOSPC;
  absl::StatusOr<InstallResult> result = Install(Resource(), "new contents\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ("IO error: /etc/app/app.conf (rewritten in place, may be incomplete): No space left "
            "on device",
            result.status().message());
  EXPECT_TRUE(DestMayBePartial(result.status()));
  EXPECT_EQ("new co", Contents(kDest)) << "half written, as the message says";

  // Every other failure leaves dest as it was, and says so.
  fs_ = FakeFileSystem();
  fs_.AddFile(kDest, "old\n");
  fs_.fail_next_write = ENOSPC;  // the stage's write
  result = Install(Resource(), "new\n");
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(DestMayBePartial(result.status()));
  EXPECT_EQ("old\n", Contents(kDest));

  TemplateResource r = Resource();
  r.check_cmd = "false";
  runner_.result = CommandResult{1, 0, false, ""};
  result = Install(r, "new\n");
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(DestMayBePartial(result.status()));
  EXPECT_FALSE(DestMayBePartial(absl::OkStatus()));
}

TEST_F(InstallerTest, InPlaceWithKeepStageFileReportsIt) {
  fs_.AddFile(kDest, "old\n");
  fs_.fail_next_rename = EXDEV;
  InstallOptions options;
  options.keep_stage_file = true;
  absl::StatusOr<InstallResult> result = Install(Resource(), "new\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(kStage, result->kept_stage_file);
  EXPECT_EQ("new\n", Contents(kStage));
}

TEST_F(InstallerTest, OtherRenameErrorFailsAndKeepsOldFile) {
  fs_.AddFile(kDest, "old\n");
  fs_.fail_next_rename = EACCES;
  absl::StatusOr<InstallResult> result = Install(Resource(), "new\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(absl::StatusCode::kPermissionDenied, result.status().code());
  EXPECT_EQ("IO error: /etc/app/.app.conf.000001 -> /etc/app/app.conf: Permission denied "
            "(/etc/app/app.conf is a regular file owned by uid 1000)",
            result.status().message());
  EXPECT_EQ("old\n", Contents(kDest));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
}

struct IoFailureCase {
  const char* name;
  int FakeFileSystem::*field;
  int err;
  absl::StatusCode code;
  std::string message;
};

TEST_F(InstallerTest, EnospcAndOtherIoErrorsLeaveOldFileAndRemoveStage) {
  const IoFailureCase cases[] = {
      {"write", &FakeFileSystem::fail_next_write, ENOSPC,
       absl::StatusCode::kResourceExhausted,
       "IO error: /etc/app/.app.conf.000001: No space left on device"},
      {"fsync", &FakeFileSystem::fail_next_fsync, EIO, absl::StatusCode::kUnknown,
       "IO error: /etc/app/.app.conf.000001: Input/output error"},
      {"close", &FakeFileSystem::fail_next_close, EDQUOT,
       absl::StatusCode::kResourceExhausted,
       "IO error: /etc/app/.app.conf.000001: Disk quota exceeded"},
      {"fchown", &FakeFileSystem::fail_next_fchown, EPERM,
       absl::StatusCode::kPermissionDenied,
       "IO error: /etc/app/.app.conf.000001: Operation not permitted"},
      {"create", &FakeFileSystem::fail_next_create, EACCES,
       absl::StatusCode::kPermissionDenied, "IO error: /etc/app: Permission denied"},
      {"lstat", &FakeFileSystem::fail_next_lstat, EACCES,
       absl::StatusCode::kPermissionDenied,
       "IO error: /etc/app/app.conf: Permission denied"},
  };
  for (const IoFailureCase& c : cases) {
    fs_ = FakeFileSystem();
    fs_.AddFile(kDest, "old\n");
    fs_.*(c.field) = c.err;
    absl::StatusOr<InstallResult> result = Install(Resource(), "new contents\n");
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(c.code, result.status().code()) << c.name;
    EXPECT_EQ(c.message, result.status().message()) << c.name;
    EXPECT_EQ("old\n", Contents(kDest)) << c.name;
    EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest)) << c.name;
  }
}

TEST_F(InstallerTest, MissingDestDirIsAnErrorUnlessCreateDestDirs) {
  TemplateResource r = Resource();
  r.dest = "/srv/new/app.conf";
  absl::StatusOr<InstallResult> result = Install(r, "x\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(absl::StatusCode::kNotFound, result.status().code());
  EXPECT_EQ(
      "IO error: /srv/new: No such file or directory (set create_dest_dirs = true to "
      "create it)",
      result.status().message());

  r.create_dest_dirs = true;
  result = Install(r, "x\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(fs_.HasDir("/srv/new"));
  EXPECT_EQ("x\n", Contents("/srv/new/app.conf"));
  EXPECT_NE(fs_.calls.end(),
            std::find(fs_.calls.begin(), fs_.calls.end(), "mkdir -p /srv/new 0755"));
}

TEST_F(InstallerTest, BackupKeepsPrevious) {
  fs_.AddFile(kDest, "version 1\n", 0640, 1000, 33);
  fs_.AddFile("/etc/app/app.conf.bak", "version 0\n", 0600, 1000, 1000);
  TemplateResource r = Resource();
  r.backup = true;
  r.mode = 0644;
  absl::StatusOr<InstallResult> result = Install(r, "version 2\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ("version 2\n", Contents(kDest));
  const FakeFileSystem::File* bak = fs_.GetFile("/etc/app/app.conf.bak");
  ASSERT_NE(nullptr, bak);
  EXPECT_EQ("version 1\n", bak->contents);
  EXPECT_EQ(0640u, bak->mode);  // the old file's mode and owner
  EXPECT_EQ(33u, bak->gid);
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest, "/etc/app/app.conf.bak"));
  // The backup is complete before dest is replaced.
  auto at = [&](const std::string& call) {
    return std::find(fs_.calls.begin(), fs_.calls.end(), call) - fs_.calls.begin();
  };
  EXPECT_LT(at("rename /etc/app/.app.conf.bak.000002 /etc/app/app.conf.bak"),
            at("rename /etc/app/.app.conf.000001 /etc/app/app.conf"));
}

TEST_F(InstallerTest, BackupOfForeignFileWhenNotRootBelongsToUs) {
  fs_.AddFile(kDest, "old\n", 0640, 0, 0);  // root's, we are uid 1000
  TemplateResource r = Resource();
  r.backup = true;
  absl::StatusOr<InstallResult> result = Install(r, "new\n");
  ASSERT_TRUE(result.ok()) << result.status();
  const FakeFileSystem::File* bak = fs_.GetFile("/etc/app/app.conf.bak");
  ASSERT_NE(nullptr, bak);
  EXPECT_EQ("old\n", bak->contents);
  EXPECT_EQ(0640u, bak->mode);
  EXPECT_EQ(1000u, bak->uid);
}

TEST_F(InstallerTest, NoBackupForANewFile) {
  TemplateResource r = Resource();
  r.backup = true;
  ASSERT_TRUE(Install(r, "new\n").ok());
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
}

TEST_F(InstallerTest, BackupFailureKeepsOldFile) {
  fs_.AddFile(kDest, "old\n");
  fs_.fail_next_rename = EIO;  // the first rename is the backup's
  TemplateResource r = Resource();
  r.backup = true;
  absl::StatusOr<InstallResult> result = Install(r, "new\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      "IO error: /etc/app/.app.conf.bak.000002 -> /etc/app/app.conf.bak: "
      "Input/output error",
      result.status().message());
  EXPECT_EQ("old\n", Contents(kDest));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
}

TEST_F(InstallerTest, NoopProducesDiffAndWritesNothing) {
  fs_.AddFile(kDest, "a\nb\nc\n");
  TemplateResource r = Resource();
  r.check_cmd = "check";
  r.reload_cmd = "reload";
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  absl::StatusOr<InstallResult> result = Install(r, "a\nB\nc\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kWouldChange, result->outcome);
  EXPECT_FALSE(result->reload_needed);
  EXPECT_EQ(
      "--- /etc/app/app.conf\n+++ /etc/app/app.conf (rendered)\n@@ -1,3 +1,3 @@\n a\n"
      "-b\n+B\n c\n",
      result->diff);
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf", "read /etc/app/app.conf"));
  EXPECT_THAT(runner_.commands, IsEmpty());
}

TEST_F(InstallerTest, NoopDiffOfASizeChangeShowsTheOldLines) {
  fs_.AddFile(kDest, "a\nb\n");
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  absl::StatusOr<InstallResult> result = Install(Resource(), "a\nb\nc\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(
      "--- /etc/app/app.conf\n+++ /etc/app/app.conf (rendered)\n@@ -1,2 +1,3 @@\n a\n b\n"
      "+c\n",
      result->diff);
}

// README: -noop alone says what would change; -diff is needed for the diff.
TEST_F(InstallerTest, NoopWithoutDiffShowsNoDiff) {
  fs_.AddFile(kDest, "a\nb\nc\n");
  InstallOptions options;
  options.noop = true;
  absl::StatusOr<InstallResult> result = Install(Resource(), "a\nB\nc\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kWouldChange, result->outcome);
  EXPECT_THAT(result->changes, ElementsAre("content"));
  EXPECT_EQ("", result->diff);
}

TEST_F(InstallerTest, NoopOnNewFileAndOnModeOnlyChange) {
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  absl::StatusOr<InstallResult> result = Install(Resource(), "x\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(
      "--- /etc/app/app.conf\n+++ /etc/app/app.conf (rendered)\n@@ -0,0 +1 @@\n+x\n",
      result->diff);
  EXPECT_THAT(result->changes, ElementsAre("new file"));

  fs_.AddFile(kDest, "x\n", 0666, 1000, 1000);
  TemplateResource r = Resource();
  r.mode = 0644;
  result = Install(r, "x\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kWouldChange, result->outcome);
  EXPECT_EQ("", result->diff);
  EXPECT_THAT(result->changes, ElementsAre("mode 0666 -> 0644"));
  EXPECT_EQ(0666u, fs_.GetFile(kDest)->mode);
}

TEST_F(InstallerTest, NoopDiffOfAFileNotWorldReadableShowsOnlyHowManyLines) {
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  TemplateResource r = Resource();
  r.mode = 0600;
  fs_.AddFile(kDest, "user=app\npassword=old\n", 0600, 1000, 1000);
  absl::StatusOr<InstallResult> result = Install(r, "user=app\npassword=new\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ("/etc/app/app.conf: 2 lines changed (content not shown: mode 0600)\n",
            result->diff);

  // Made world-readable now: the old content was private, so still hidden.
  r.mode = 0644;
  fs_.AddFile(kDest, "user=app\npassword=old\n", 0640, 1000, 1000);
  result = Install(r, "user=app\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ("/etc/app/app.conf: 1 line changed (content not shown: mode 0640)\n",
            result->diff);

  // -diff-secrets shows it.
  r.mode = 0600;
  options.diff_secrets = true;
  result = Install(r, "user=app\npassword=new\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(
      "--- /etc/app/app.conf\n+++ /etc/app/app.conf (rendered)\n@@ -1,2 +1,2 @@\n"
      " user=app\n-password=old\n+password=new\n",
      result->diff);
}

TEST_F(InstallerTest, OutputFormatIsValidatedBeforeAnythingIsWritten) {
  fs_.AddFile(kDest, "{}\n");
  TemplateResource r = Resource();
  r.output_format = OutputFormat::kJson;
  r.check_cmd = "check";
  absl::StatusOr<InstallResult> result = Install(r, "{\"a\": 1,}\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, result.status().code());
  EXPECT_EQ(
      "output for /etc/app/app.conf: not valid json: "
      "[json.exception.parse_error.101] parse error at line 1, column 9: syntax "
      "error while parsing object key - unexpected '}'; expected string literal",
      result.status().message());
  EXPECT_THAT(runner_.commands, IsEmpty());
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
  EXPECT_EQ("{}\n", Contents(kDest));

  result = Install(r, "{\"a\": 1}\n");
  ASSERT_TRUE(result.ok()) << result.status();
}

TEST_F(InstallerTest, DestThatIsADirectoryIsRefused) {
  fs_.AddDir(kDest);
  absl::StatusOr<InstallResult> result = Install(Resource(), "x\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ("IO error: /etc/app/app.conf: is a directory owned by uid 0, not a regular file",
            result.status().message());
}

TEST_F(InstallerTest, DirectoryFsyncFailureIsAWarning) {
  fs_.fail_next_fsync_dir = EIO;
  absl::StatusOr<InstallResult> result = Install(Resource(), "x\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kInstalled, result->outcome);
  EXPECT_THAT(result->warnings, ElementsAre("IO error: /etc/app: Input/output error"));
}

// Another user in a shared (sticky, world-writable) directory replaced dest
// with a link to a root-only file. Its target is never read, compared,
// copied or used for the mode.
constexpr char kSecret[] = "/root/secret";

TEST_F(InstallerTest, SymlinkDestIsReplacedNeverReadThrough) {
  fs_.AddFile(kSecret, "root only\n", 0600, 0, 0);
  fs_.AddSymlink(kDest, kSecret, 65534);
  fs_.process_uid = 0;
  // Same bytes as the target: still replaced, the link is not "unchanged".
  absl::StatusOr<InstallResult> result = Install(Resource(), "root only\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kInstalled, result->outcome);
  EXPECT_THAT(result->changes, ElementsAre("symlink replaced by a regular file"));
  EXPECT_FALSE(fs_.HasSymlink(kDest));
  EXPECT_EQ(0644u, fs_.GetFile(kDest)->mode);  // not the target's 0600
  EXPECT_EQ(1000u, fs_.GetFile(kDest)->uid);
  EXPECT_EQ("root only\n", Contents(kSecret));
  for (const std::string& call : fs_.calls) {
    EXPECT_EQ(std::string::npos, call.find(kSecret)) << call;
    EXPECT_NE("read /etc/app/app.conf", call);
  }
}

TEST_F(InstallerTest, NoopDiffOfSymlinkDestNeverShowsTheTarget) {
  fs_.AddFile(kSecret, "root only\n", 0600, 0, 0);
  fs_.AddSymlink(kDest, kSecret, 65534);
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  absl::StatusOr<InstallResult> result = Install(Resource(), "new\n", options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(InstallOutcome::kWouldChange, result->outcome);
  EXPECT_EQ(
      "--- /etc/app/app.conf (symlink, not followed: replaced)\n"
      "+++ /etc/app/app.conf (rendered)\n@@ -0,0 +1 @@\n+new\n",
      result->diff);
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/app.conf"));
  EXPECT_TRUE(fs_.HasSymlink(kDest));
}

TEST_F(InstallerTest, BackupOfSymlinkDestCopiesNothing) {
  fs_.AddFile(kSecret, "root only\n", 0600, 0, 0);
  fs_.AddSymlink(kDest, kSecret, 65534);
  fs_.process_uid = 0;
  TemplateResource r = Resource();
  r.backup = true;
  absl::StatusOr<InstallResult> result = Install(r, "new\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ("new\n", Contents(kDest));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest, kSecret));  // no app.conf.bak
}

struct InheritCase {
  const char* name;
  bool symlink;
  mode_t old_mode;
  uid_t old_uid;
  std::optional<mode_t> mode;  // the resource's
  mode_t want;
};

TEST_F(InstallerTest, ModeIsInheritedOnlyFromOurOwnRegularFileWithoutSpecialBits) {
  const InheritCase cases[] = {
      {"our regular file keeps its mode", false, 0640, 1000, {}, 0640},
      {"our file loses setuid, setgid, sticky", false, 07755, 1000, {}, 0755},
      {"another user's 0666 file gives nothing", false, 0666, 65534, {}, 0644},
      {"root's 0600 file gives nothing to a uid 1000 file", false, 0600, 0, {}, 0644},
      {"a symlink gives nothing", true, 0, 1000, {}, 0644},
      {"the resource's mode wins", false, 0640, 1000, 0600, 0600},
      {"the resource's mode wins over a symlink", true, 0, 65534, 0600, 0600},
  };
  for (const InheritCase& c : cases) {
    fs_ = FakeFileSystem();
    fs_.process_uid = 0;
    fs_.AddFile("/home/other/file", "x\n", 06777, 65534, 65534);
    if (c.symlink) {
      fs_.AddSymlink(kDest, "/home/other/file", c.old_uid);
    } else {
      fs_.AddFile(kDest, "old\n", c.old_mode, c.old_uid, c.old_uid);
    }
    TemplateResource r = Resource();
    r.mode = c.mode;
    absl::StatusOr<InstallResult> result = Install(r, "new\n");
    ASSERT_TRUE(result.ok()) << c.name << ": " << result.status();
    EXPECT_EQ(c.want, fs_.GetFile(kDest)->mode) << c.name;
    EXPECT_EQ(1000u, fs_.GetFile(kDest)->uid) << c.name;
  }
}

TEST_F(InstallerTest, BackupNeverKeepsSetIdBits) {
  fs_.AddFile(kDest, "old\n", 06755, 1000, 1000);
  TemplateResource r = Resource();
  r.backup = true;
  ASSERT_TRUE(Install(r, "new\n").ok());
  ASSERT_NE(nullptr, fs_.GetFile("/etc/app/app.conf.bak"));
  EXPECT_EQ(0755u, fs_.GetFile("/etc/app/app.conf.bak")->mode);
}

// -preflight's check: a stage file is created 0600 in dest's directory and
// removed again; dest is never touched.
TEST_F(InstallerTest, CheckCanStageCreatesAndRemovesAStageFileOnly) {
  fs_.AddFile(kDest, "old\n", 0644, 1000, 1000);
  Installer installer(&fs_, &runner_, InstallOptions());
  ASSERT_TRUE(installer.CheckCanStage(Resource()).ok());
  EXPECT_THAT(fs_.calls, ElementsAre("create /etc/app/.app.conf.000001 0600",
                                     "close /etc/app/.app.conf.000001",
                                     "unlink /etc/app/.app.conf.000001"));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
  EXPECT_EQ("old\n", Contents(kDest));
}

TEST_F(InstallerTest, CheckCanStageReportsWhatInstallWouldHit) {
  const struct {
    const char* name;
    const char* dest;
    bool create_dest_dirs;
    int fail_create;
    int fail_unlink;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"not writable", kDest, false, EACCES, 0, absl::StatusCode::kPermissionDenied,
       "IO error: /etc/app: Permission denied"},
      {"read-only fs", kDest, false, EROFS, 0, absl::StatusCode::kPermissionDenied,
       "IO error: /etc/app: Read-only file system"},
      {"missing dir", "/srv/new/app.conf", false, 0, 0, absl::StatusCode::kNotFound,
       "IO error: /srv/new: No such file or directory (set create_dest_dirs = true to "
       "create it)"},
      {"missing dir, create_dest_dirs, ancestor not writable", "/etc/app/new/sub/app.conf", true,
       EACCES, 0, absl::StatusCode::kPermissionDenied, "IO error: /etc/app: Permission denied"},
      {"stage not removable", kDest, false, 0, EPERM, absl::StatusCode::kPermissionDenied,
       "IO error: /etc/app/.app.conf.000001: Operation not permitted"},
  };
  for (const auto& c : cases) {
    FakeFileSystem fs;
    fs.AddDir("/etc/app");
    fs.fail_next_create = c.fail_create;
    fs.fail_next_unlink = c.fail_unlink;
    TemplateResource r = Resource();
    r.dest = c.dest;
    r.create_dest_dirs = c.create_dest_dirs;
    absl::Status s = Installer(&fs, &runner_, InstallOptions()).CheckCanStage(r);
    EXPECT_EQ(c.code, s.code()) << c.name;
    EXPECT_EQ(c.message, s.message()) << c.name;
  }
}

// create_dest_dirs: Install() would mkdir in the nearest existing ancestor,
// so that is where the stage file is tried; nothing is created.
TEST_F(InstallerTest, CheckCanStageWithCreateDestDirsTriesTheNearestExistingAncestor) {
  TemplateResource r = Resource();
  r.dest = "/etc/app/new/sub/app.conf";
  r.create_dest_dirs = true;
  ASSERT_TRUE(Installer(&fs_, &runner_, InstallOptions()).CheckCanStage(r).ok());
  EXPECT_THAT(fs_.calls, ElementsAre("lstat /etc/app/new/sub", "lstat /etc/app/new", "lstat /etc/app",
                                     "create /etc/app/.app.conf.000001 0600",
                                     "close /etc/app/.app.conf.000001",
                                     "unlink /etc/app/.app.conf.000001"));
  EXPECT_FALSE(fs_.HasDir("/etc/app/new"));
}

// Prepare() stages and checks; only Commit() touches dest, and a prepared
// install that is dropped leaves no stage behind (a for_each batch whose
// other file failed its check).
TEST_F(InstallerTest, PreparedInstallTouchesDestOnlyOnCommit) {
  fs_.AddFile(kDest, "old\n", 0644, 1000, 1000);
  TemplateResource r = Resource();
  r.check_cmd = "check {{.src}}";
  InstallOptions options;
  options.default_uid = 1000;
  options.default_gid = 1000;
  Installer installer(&fs_, &runner_, options);
  {
    absl::StatusOr<PreparedInstall> dropped = installer.Prepare(r, "new\n");
    ASSERT_TRUE(dropped.ok()) << dropped.status();
    EXPECT_TRUE(dropped->pending());
    EXPECT_EQ("new\n", Contents(kStage));
    EXPECT_THAT(runner_.commands, ElementsAre("check /etc/app/.app.conf.000001"));
  }
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
  EXPECT_EQ("old\n", Contents(kDest));
  absl::StatusOr<PreparedInstall> kept = installer.Prepare(r, "new\n");
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ("old\n", Contents(kDest));
  absl::StatusOr<InstallResult> done = kept->Commit();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(InstallOutcome::kInstalled, done->outcome);
  EXPECT_EQ("new\n", Contents(kDest));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kDest));
  // Nothing to rename: not pending, and Commit() just returns the result.
  absl::StatusOr<PreparedInstall> same = installer.Prepare(r, "new\n");
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_FALSE(same->pending());
  EXPECT_EQ(InstallOutcome::kUnchanged, same->Commit()->outcome);
}

}  // namespace
}  // namespace confwatch
