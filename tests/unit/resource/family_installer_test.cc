// FamilyInstaller against the fake file system: the files of a for_each
// resource go in together or not at all, and a file is removed only when
// the manifest names it and it is still exactly what confwatch wrote. The
// dest directory is treated as hostile: planted, edited or replaced files
// and a forged manifest never lead to a removal.
#include "resource/family_installer.h"

#include <sys/stat.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "fake_command_runner.h"
#include "fake_file_system.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "resource/for_each.h"

namespace confwatch {
namespace family_installer_test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kDir[] = "/etc/nginx/conf.d";
constexpr char kManifest[] = "/etc/nginx/conf.d/.confwatch-services.toml.manifest";
constexpr char kHeader[] =
    "# confwatch: files this for_each resource created (hash name); do not edit\n";

TemplateResource Family() {
  TemplateResource r;
  r.name = "services.toml";
  r.dest = "/etc/nginx/conf.d/{{.name}}.conf";
  r.for_each = "/services/*";
  r.reload_cmd = "nginx -s reload";
  return r;
}

RenderedChild Child(const std::string& name, const std::string& rendered) {
  return RenderedChild{name, ChildDest(Family().dest, name), rendered};
}

std::string ManifestOf(const Manifest& m) { return FormatManifest(m); }

class FamilyInstallerTest : public ::testing::Test {
 protected:
  FamilyInstallerTest() { fs_.AddDir(kDir); }

  absl::StatusOr<FamilyResult> Install(const std::vector<RenderedChild>& children,
                                       InstallOptions options = {}) {
    options.default_uid = 1000;
    options.default_gid = 1000;
    Installer installer(&fs_, &runner_, options);
    FamilyInstaller family(&installer);
    return family.Install(family_, children);
  }

  // A file the family wrote earlier, listed in a manifest it wrote.
  void AddOurs(const std::string& file, const std::string& contents) {
    fs_.AddFile(absl::StrCat(kDir, "/", file), contents, 0644, 1000, 1000);
    owned_[file] = ContentHash(contents);
    fs_.AddFile(kManifest, ManifestOf(owned_), 0600, 1000, 1000);
  }

  std::string Contents(const std::string& path) {
    const FakeFileSystem::File* f = fs_.GetFile(path);
    return f == nullptr ? "<missing>" : f->contents;
  }

  FakeFileSystem fs_;
  FakeCommandRunner runner_;
  TemplateResource family_ = Family();
  Manifest owned_;
};

TEST_F(FamilyInstallerTest, NewChildrenAreInstalledAndRecordedInTheManifest) {
  absl::StatusOr<FamilyResult> r = Install({Child("api", "A\n"), Child("web", "W\n")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(InstallOutcome::kInstalled, r->outcome);
  EXPECT_TRUE(r->reload_needed);
  EXPECT_THAT(r->changed, ElementsAre("/etc/nginx/conf.d/api.conf", "/etc/nginx/conf.d/web.conf"));
  EXPECT_THAT(r->log, ElementsAre("/etc/nginx/conf.d/api.conf installed",
                                  "/etc/nginx/conf.d/web.conf installed"));
  EXPECT_EQ("A\n", Contents("/etc/nginx/conf.d/api.conf"));
  EXPECT_EQ("W\n", Contents("/etc/nginx/conf.d/web.conf"));
  EXPECT_EQ(absl::StrFormat("%s%016x api.conf\n%016x web.conf\n", kHeader, ContentHash("A\n"),
                            ContentHash("W\n")),
            Contents(kManifest));
  EXPECT_EQ(0600u, fs_.GetFile(kManifest)->mode);
}

TEST_F(FamilyInstallerTest, UnchangedFamilyWritesNothing) {
  AddOurs("web.conf", "W\n");
  fs_.calls.clear();
  absl::StatusOr<FamilyResult> r = Install({Child("web", "W\n")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(InstallOutcome::kUnchanged, r->outcome);
  EXPECT_FALSE(r->reload_needed);
  EXPECT_THAT(fs_.calls, ElementsAre(absl::StrCat("lstat ", kManifest), absl::StrCat("read ", kManifest),
                                     "lstat /etc/nginx/conf.d/web.conf",
                                     "read /etc/nginx/conf.d/web.conf"));
}

TEST_F(FamilyInstallerTest, FileOfAGoneChildIsRemovedAndReloads) {
  AddOurs("old.conf", "O\n");
  AddOurs("web.conf", "W\n");
  absl::StatusOr<FamilyResult> r = Install({Child("web", "W\n")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(InstallOutcome::kInstalled, r->outcome);
  EXPECT_TRUE(r->reload_needed);
  EXPECT_THAT(r->log, ElementsAre("removed /etc/nginx/conf.d/old.conf (child gone)"));
  EXPECT_EQ("<missing>", Contents("/etc/nginx/conf.d/old.conf"));
  EXPECT_EQ(absl::StrFormat("%s%016x web.conf\n", kHeader, ContentHash("W\n")), Contents(kManifest));
}

TEST_F(FamilyInstallerTest, RemovedChildIsForgottenByTheInstaller) {
  InstallOptions options;
  options.default_uid = 1000;
  options.default_gid = 1000;
  Installer installer(&fs_, &runner_, options);
  FamilyInstaller family(&installer);
  ASSERT_TRUE(family.Install(family_, {Child("api", "A\n"), Child("web", "W\n")}).ok());
  const size_t both = installer.remembered_dests();
  ASSERT_TRUE(family.Install(family_, {Child("web", "W\n")}).ok());
  EXPECT_EQ("<missing>", Contents("/etc/nginx/conf.d/api.conf"));
  EXPECT_EQ(both - 1, installer.remembered_dests()) << "services that come and go leave no entry";
}

TEST_F(FamilyInstallerTest, FileNotInTheManifestIsNeverRemoved) {
  fs_.AddFile("/etc/nginx/conf.d/default.conf", "mine\n");
  absl::StatusOr<FamilyResult> r = Install({});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(InstallOutcome::kUnchanged, r->outcome);
  EXPECT_EQ("mine\n", Contents("/etc/nginx/conf.d/default.conf"));
  EXPECT_EQ("<missing>", Contents(kManifest));
}

// Each way the file a manifest names can stop being ours: it stays, with a
// warning, and the manifest forgets it.
TEST_F(FamilyInstallerTest, GoneChildFileNoLongerOursIsLeftAlone) {
  struct Case {
    const char* name;
    std::function<void(FakeFileSystem*)> change;
    const char* warning;
  } cases[] = {
      {"edited",
       [](FakeFileSystem* fs) { fs->AddFile("/etc/nginx/conf.d/old.conf", "edited\n", 0644, 1000, 1000); },
       "/etc/nginx/conf.d/old.conf not removed: changed since confwatch wrote it"},
      {"replaced by another user",
       [](FakeFileSystem* fs) { fs->AddFile("/etc/nginx/conf.d/old.conf", "O\n", 0644, 2000, 2000); },
       "/etc/nginx/conf.d/old.conf not removed: now owned by uid 2000, not 1000"},
      {"symlink",
       [](FakeFileSystem* fs) {
         ASSERT_EQ(0, fs->Unlink("/etc/nginx/conf.d/old.conf"));
         fs->AddSymlink("/etc/nginx/conf.d/old.conf", "/etc/passwd", 2000);
       },
       "/etc/nginx/conf.d/old.conf not removed: no longer a regular file"},
      {"directory",
       [](FakeFileSystem* fs) {
         ASSERT_EQ(0, fs->Unlink("/etc/nginx/conf.d/old.conf"));
         fs->AddDir("/etc/nginx/conf.d/old.conf");
       },
       "/etc/nginx/conf.d/old.conf not removed: no longer a regular file"},
      {"FIFO",
       [](FakeFileSystem* fs) {
         ASSERT_EQ(0, fs->Unlink("/etc/nginx/conf.d/old.conf"));
         fs->AddSpecial("/etc/nginx/conf.d/old.conf", S_IFIFO, 2000);
       },
       "/etc/nginx/conf.d/old.conf not removed: no longer a regular file"},
      {"lstat error",
       [](FakeFileSystem* fs) { fs->fail_next_lstat_of["/etc/nginx/conf.d/old.conf"] = EIO; },
       "/etc/nginx/conf.d/old.conf not removed: IO error: /etc/nginx/conf.d/old.conf: "
       "Input/output error"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    fs_ = FakeFileSystem();
    fs_.AddDir(kDir);
    owned_.clear();
    AddOurs("old.conf", "O\n");
    c.change(&fs_);
    // The rest of the family is not held up by it.
    absl::StatusOr<FamilyResult> r = Install({Child("web", "W\n")});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(r->warnings, ElementsAre(c.warning));
    EXPECT_THAT(r->changed, ElementsAre("/etc/nginx/conf.d/web.conf"));
    EXPECT_THAT(r->refused, IsEmpty());
    EXPECT_EQ("W\n", Contents("/etc/nginx/conf.d/web.conf"));
    constexpr char kOld[] = "/etc/nginx/conf.d/old.conf";
    EXPECT_TRUE(fs_.GetFile(kOld) != nullptr || fs_.HasSymlink(kOld) || fs_.HasDir(kOld) ||
                fs_.HasSpecial(kOld));
    EXPECT_EQ(FormatManifest({{"web.conf", ContentHash("W\n")}}), Contents(kManifest));
  }
}

TEST_F(FamilyInstallerTest, ManifestSomeoneElseCouldHaveWrittenIsIgnored) {
  struct Case {
    const char* name;
    uid_t uid;
    mode_t mode;
    const char* why;
  } cases[] = {
      {"other owner", 2000, 0600, "owned by uid 2000, not confwatch's 1000"},
      {"group writable", 1000, 0620, "writable by others (mode 0620)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    fs_ = FakeFileSystem();
    fs_.AddDir(kDir);
    // The forger lists a file of ours with its right hash: still not removed.
    fs_.AddFile("/etc/nginx/conf.d/keep.conf", "K\n", 0644, 1000, 1000);
    fs_.AddFile(kManifest, FormatManifest({{"keep.conf", ContentHash("K\n")}}), c.mode, c.uid, 1000);
    absl::StatusOr<FamilyResult> r = Install({});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(r->warnings, ElementsAre(absl::StrCat("manifest ", kManifest, " ignored (", c.why,
                                                      "): no file of a gone child is removed")));
    EXPECT_EQ("K\n", Contents("/etc/nginx/conf.d/keep.conf"));
  }
}

TEST_F(FamilyInstallerTest, ManifestEntriesOutsideTheDirectoryAreSkipped) {
  std::vector<std::string> warnings;
  Manifest m = ParseManifest(absl::StrFormat("# header\n"
                                             "%016x ../../etc/passwd\n"
                                             "%016x .confwatch-other.manifest\n"
                                             "nothex!!nothex!! a.conf\n"
                                             "%016x web.conf\n",
                                             1, 2, 3),
                             &warnings);
  EXPECT_EQ((Manifest{{"web.conf", 3}}), m);
  EXPECT_THAT(warnings,
              ElementsAre("manifest line 2 is not \"<hash> <file name>\"; skipped",
                          "manifest line 3 is not \"<hash> <file name>\"; skipped",
                          "manifest line 4 is not \"<hash> <file name>\"; skipped"));
}

TEST_F(FamilyInstallerTest, FailedCheckKeepsTheWholeBatchAsItWas) {
  AddOurs("gone.conf", "G\n");
  AddOurs("web.conf", "W1\n");
  const std::string manifest = Contents(kManifest);
  runner_.on_run = [](const std::string& command) -> absl::StatusOr<CommandResult> {
    CommandResult r;
    if (absl::StrContains(command, ".web.conf.")) {
      r.exit_code = 1;
      r.output = "bad upstream\n";
    }
    return r;
  };
  family_.check_cmd = "nginx -t -c {{.src}}";
  absl::StatusOr<FamilyResult> r = Install({Child("api", "A\n"), Child("web", "W2\n")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      "child \"web\": check_cmd \"nginx -t -c /etc/nginx/conf.d/.web.conf.000002\" exited with "
      "status 1: bad upstream; no file of the batch changed",
      r.status().message());
  // api staged and checked fine, but was not installed; gone.conf is kept.
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kManifest, "/etc/nginx/conf.d/gone.conf",
                                           "/etc/nginx/conf.d/web.conf"));
  EXPECT_EQ("W1\n", Contents("/etc/nginx/conf.d/web.conf"));
  EXPECT_EQ(manifest, Contents(kManifest));
}

TEST_F(FamilyInstallerTest, NoopReportsEachChangeAndRemovalAndWritesNothing) {
  AddOurs("gone.conf", "G\n");
  InstallOptions options;
  options.noop = true;
  absl::StatusOr<FamilyResult> r = Install({Child("web", "W\n")}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(InstallOutcome::kWouldChange, r->outcome);
  EXPECT_FALSE(r->reload_needed);
  EXPECT_THAT(r->log, ElementsAre("/etc/nginx/conf.d/web.conf would change (new file)",
                                  "would remove /etc/nginx/conf.d/gone.conf (child gone)"));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kManifest, "/etc/nginx/conf.d/gone.conf"));
}

TEST_F(FamilyInstallerTest, FailedRemovalIsRetriedNextTime) {
  AddOurs("gone.conf", "G\n");
  fs_.fail_next_unlink = EACCES;
  absl::StatusOr<FamilyResult> r = Install({});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->warnings, ElementsAre("IO error: /etc/nginx/conf.d/gone.conf: Permission denied; "
                                       "removed next time"));
  EXPECT_EQ(FormatManifest(owned_), Contents(kManifest));
  r = Install({});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("<missing>", Contents("/etc/nginx/conf.d/gone.conf"));
}

std::vector<std::string> Messages(const std::vector<absl::Status>& errors) {
  std::vector<std::string> out;
  for (const absl::Status& e : errors) out.push_back(std::string(e.message()));
  return out;
}

constexpr char kApi[] = "/etc/nginx/conf.d/api.conf";

// What another user who can write a shared dest directory can put at one
// child's path: that child is refused, naming it, its path and what is
// there; every other child is installed, changed and removed as usual.
TEST_F(FamilyInstallerTest, ChildWhoseDestIsInTheWayIsRefusedAloneAndTheOthersGoOn) {
  struct Case {
    const char* name;
    std::function<void(FakeFileSystem*)> plant;
    const char* refusal;
  } cases[] = {
      {"directory", [](FakeFileSystem* fs) { fs->AddDir(kApi); },
       "IO error: /etc/nginx/conf.d/api.conf: is a directory owned by uid 0, not a regular file"},
      {"FIFO", [](FakeFileSystem* fs) { fs->AddSpecial(kApi, S_IFIFO, 2000); },
       "IO error: /etc/nginx/conf.d/api.conf: is a FIFO owned by uid 2000, not a regular file"},
      {"socket", [](FakeFileSystem* fs) { fs->AddSpecial(kApi, S_IFSOCK, 2000); },
       "IO error: /etc/nginx/conf.d/api.conf: is a socket owned by uid 2000, not a regular file"},
      {"device", [](FakeFileSystem* fs) { fs->AddSpecial(kApi, S_IFCHR, 2000); },
       "IO error: /etc/nginx/conf.d/api.conf: is a character device owned by uid 2000, not a "
       "regular file"},
      {"lstat error", [](FakeFileSystem* fs) { fs->fail_next_lstat_of[kApi] = EIO; },
       "IO error: /etc/nginx/conf.d/api.conf: Input/output error"},
      {"another user's file in a sticky directory",
       [](FakeFileSystem* fs) {
         fs->AddFile(kApi, "theirs\n", 0644, 2000, 2000);
         fs->fail_next_rename_to[kApi] = EPERM;
       },
       "IO error: /etc/nginx/conf.d/.api.conf.000001 -> /etc/nginx/conf.d/api.conf: Operation not "
       "permitted (/etc/nginx/conf.d/api.conf is a regular file owned by uid 2000)"},
      {"another user's symlink in a sticky directory",
       [](FakeFileSystem* fs) {
         fs->AddSymlink(kApi, "/etc/passwd", 2000);
         fs->fail_next_rename_to[kApi] = EPERM;
       },
       "IO error: /etc/nginx/conf.d/.api.conf.000001 -> /etc/nginx/conf.d/api.conf: Operation not "
       "permitted (/etc/nginx/conf.d/api.conf is a symlink owned by uid 2000)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    fs_ = FakeFileSystem();
    fs_.AddDir(kDir);
    owned_.clear();
    AddOurs("gone.conf", "G\n");
    AddOurs("web.conf", "W1\n");
    c.plant(&fs_);
    absl::StatusOr<FamilyResult> r =
        Install({Child("api", "A\n"), Child("new", "N\n"), Child("web", "W2\n")});
    if (!r.ok()) {
      ADD_FAILURE() << r.status();  // and on with the next case
      continue;
    }
    EXPECT_THAT(Messages(r->refused),
                ElementsAre(absl::StrCat("child \"api\" refused: ", c.refusal,
                                         "; the other children go on")));
    EXPECT_TRUE(r->status.ok()) << r->status;
    EXPECT_EQ(InstallOutcome::kInstalled, r->outcome);
    EXPECT_TRUE(r->reload_needed);
    EXPECT_THAT(r->log, ElementsAre("/etc/nginx/conf.d/new.conf installed",
                                    "/etc/nginx/conf.d/web.conf installed",
                                    "removed /etc/nginx/conf.d/gone.conf (child gone)"));
    EXPECT_EQ("N\n", Contents("/etc/nginx/conf.d/new.conf"));
    EXPECT_EQ("W2\n", Contents("/etc/nginx/conf.d/web.conf"));
    EXPECT_EQ("<missing>", Contents("/etc/nginx/conf.d/gone.conf"));
    EXPECT_NE("A\n", Contents(kApi));
    EXPECT_EQ(FormatManifest({{"new.conf", ContentHash("N\n")}, {"web.conf", ContentHash("W2\n")}}),
              Contents(kManifest));
    // No stage left behind.
    for (const std::string& path : fs_.FilePaths()) EXPECT_FALSE(absl::StrContains(path, ".conf.0"));
  }
}

// Refused children are retried as refused names are: the first install
// after the obstacle goes puts the file in place.
TEST_F(FamilyInstallerTest, RefusedChildIsInstalledOnceTheObstacleGoes) {
  fs_.AddDir(kApi);
  absl::StatusOr<FamilyResult> r = Install({Child("api", "A\n"), Child("web", "W\n")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(1u, r->refused.size());
  EXPECT_EQ("W\n", Contents("/etc/nginx/conf.d/web.conf"));
  fs_.RemoveDir(kApi);
  r = Install({Child("api", "A\n"), Child("web", "W\n")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->refused, IsEmpty());
  EXPECT_THAT(r->log, ElementsAre("/etc/nginx/conf.d/api.conf installed"));
  EXPECT_EQ("A\n", Contents(kApi));
  EXPECT_EQ(FormatManifest({{"api.conf", ContentHash("A\n")}, {"web.conf", ContentHash("W\n")}}),
            Contents(kManifest));
}

// A file of ours replaced by a directory (a group-writable dest directory):
// the child is still there, so its entry is kept rather than taken as gone.
TEST_F(FamilyInstallerTest, RefusedChildKeepsItsManifestEntry) {
  AddOurs("api.conf", "A1\n");
  ASSERT_EQ(0, fs_.Unlink(kApi));
  fs_.AddDir(kApi);
  absl::StatusOr<FamilyResult> r = Install({Child("api", "A2\n"), Child("web", "W\n")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(1u, r->refused.size());
  EXPECT_THAT(r->warnings, IsEmpty());
  EXPECT_EQ(FormatManifest({{"api.conf", ContentHash("A1\n")}, {"web.conf", ContentHash("W\n")}}),
            Contents(kManifest));
}

// -noop -diff must read a dest to diff it: one that cannot be read refuses
// that child, not the report of the others.
TEST_F(FamilyInstallerTest, NoopDiffOfAnUnreadableDestRefusesThatChildOnly) {
  fs_.AddFile(kApi, "theirs\n", 0600, 2000, 2000);
  fs_.fail_next_read_of[kApi] = EACCES;
  InstallOptions options;
  options.noop = true;
  options.diff = true;
  absl::StatusOr<FamilyResult> r = Install({Child("api", "A\n"), Child("web", "W\n")}, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Messages(r->refused),
              ElementsAre("child \"api\" refused: IO error: /etc/nginx/conf.d/api.conf: Permission "
                          "denied (/etc/nginx/conf.d/api.conf is a regular file owned by uid 2000); "
                          "the other children go on"));
  EXPECT_EQ(InstallOutcome::kWouldChange, r->outcome);
  EXPECT_THAT(r->log, ElementsAre("/etc/nginx/conf.d/web.conf would change (new file)"));
  EXPECT_THAT(fs_.FilePaths(), ElementsAre(kApi));
}

// check_cmd stays all or nothing, also next to a refused child.
TEST_F(FamilyInstallerTest, FailedCheckFailsTheBatchEvenBesideARefusedChild) {
  fs_.AddDir(kApi);
  runner_.on_run = [](const std::string& command) -> absl::StatusOr<CommandResult> {
    CommandResult r;
    if (absl::StrContains(command, ".web.conf.")) r.exit_code = 1;
    return r;
  };
  family_.check_cmd = "check {{.src}}";
  absl::StatusOr<FamilyResult> r =
      Install({Child("api", "A\n"), Child("new", "N\n"), Child("web", "W\n")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("child \"web\": check_cmd \"check /etc/nginx/conf.d/.web.conf.000002\" exited with "
            "status 1; no file of the batch changed",
            r.status().message());
  EXPECT_THAT(fs_.FilePaths(), IsEmpty());
}

}  // namespace
}  // namespace family_installer_test
}  // namespace confwatch
