// CheckTrustedPath (base/path_trust.h): the rules over a fake file system
// (other users' files cannot be made in a test), and the real probe on a
// temp dir.
#include "base/path_trust.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

constexpr uid_t kMe = 0;
constexpr uid_t kOther = 1001;

struct FakeEntry {
  mode_t mode;
  uid_t uid;
  std::string target;  // symlinks
  bool read_only_fs = false;
};

class FakeProbe : public PathProbe {
 public:
  FakeProbe() {
    Dir("/", 0755);
    Dir("/etc", 0755);
    Dir("/etc/confd", 0755);
    Dir("/etc/confd/conf.d", 0755);
    File("/etc/confd/conf.d/app.toml", 0644);
    Dir("/tmp", 01777);
  }
  void Dir(const std::string& p, mode_t m, uid_t uid = kMe) { e_[p] = {S_IFDIR | m, uid, ""}; }
  void File(const std::string& p, mode_t m, uid_t uid = kMe) { e_[p] = {S_IFREG | m, uid, ""}; }
  void Link(const std::string& p, const std::string& to, uid_t uid = kMe) {
    e_[p] = {S_IFLNK | 0777, uid, to};
  }
  FakeEntry& At(const std::string& p) { return e_.at(p); }

  int Lstat(const std::string& path, PathFacts* f) const override {
    auto it = e_.find(path);
    if (it == e_.end()) return ENOENT;
    *f = PathFacts{it->second.mode, it->second.uid, it->second.read_only_fs};
    return 0;
  }
  int ReadLink(const std::string& path, std::string* target) const override {
    auto it = e_.find(path);
    if (it == e_.end()) return ENOENT;
    if (!S_ISLNK(it->second.mode)) return EINVAL;
    *target = it->second.target;
    return 0;
  }
  uid_t Euid() const override { return euid; }
  uid_t euid = kMe;
  std::string Cwd() const override { return "/etc/confd"; }

 private:
  std::map<std::string, FakeEntry> e_;
};

std::string Refusal(const std::string& path, uid_t uid, mode_t mode, const std::string& why) {
  char m[8];
  snprintf(m, sizeof m, "%04o", static_cast<unsigned>(mode));
  return "untrusted path " + path + " (owner uid " + std::to_string(uid) + ", mode " + m +
         "): " + why +
         "; confwatch runs as root, so it and every directory above it must be owned by root "
         "and not writable by group or others (chown root, chmod go-w)";
}

TEST(CheckTrustedPath, RootOwnedPathNotWritableByOthersIsTrusted) {
  FakeProbe fs;
  EXPECT_TRUE(CheckTrustedPath("/etc/confd/conf.d/app.toml", fs).ok());
  EXPECT_TRUE(CheckTrustedPath("conf.d/app.toml", fs).ok());  // from the working directory
}

TEST(CheckTrustedPath, NamesTheFirstUntrustedStepItsOwnerModeAndWhy) {
  struct Case {
    const char* name;
    void (*plant)(FakeProbe*);
    std::string want;
    std::string path = "/etc/confd/conf.d/app.toml";
  };
  const Case cases[] = {
      {"file owned by another user",
       [](FakeProbe* fs) { fs->File("/etc/confd/conf.d/app.toml", 0644, kOther); },
       Refusal("/etc/confd/conf.d/app.toml", kOther, 0644, "owned by another user")},
      {"file writable by group",
       [](FakeProbe* fs) { fs->File("/etc/confd/conf.d/app.toml", 0664); },
       Refusal("/etc/confd/conf.d/app.toml", kMe, 0664, "writable by group or others")},
      {"conf.d writable by others",
       [](FakeProbe* fs) { fs->Dir("/etc/confd/conf.d", 0777); },
       Refusal("/etc/confd/conf.d", kMe, 0777, "writable by group or others")},
      {"parent owned by another user",
       [](FakeProbe* fs) { fs->Dir("/etc/confd", 0755, kOther); },
       Refusal("/etc/confd", kOther, 0755, "owned by another user")},
      {"sticky conf.d is refused when it is the path checked",
       [](FakeProbe* fs) { fs->Dir("/etc/confd/conf.d", 01777); },
       Refusal("/etc/confd/conf.d", kMe, 01777, "writable by group or others"),
       "/etc/confd/conf.d"},
      {"symlink into a directory another user owns",
       [](FakeProbe* fs) {
         fs->Dir("/tmp/evil", 0755, kOther);
         fs->File("/tmp/evil/app.toml", 0644);
         fs->Link("/etc/confd/conf.d/app.toml", "/tmp/evil/app.toml");
       },
       Refusal("/tmp/evil", kOther, 0755, "owned by another user")},
      {"symlink another user planted in a sticky directory",
       [](FakeProbe* fs) {
         fs->Link("/tmp/confd", "/etc/confd", kOther);
       },
       Refusal("/tmp/confd", kOther, 0777,
               "a symlink owned by another user in a directory others can write"),
       "/tmp/confd/conf.d/app.toml"},
  };
  for (const Case& c : cases) {
    FakeProbe fs;
    c.plant(&fs);
    absl::Status s = CheckTrustedPath(c.path, fs);
    EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code()) << c.name;
    EXPECT_EQ(c.want, s.message()) << c.name;
  }
}

TEST(CheckTrustedPath, StickyDirectoryAboveIsTrustedWhenOurEntryIsOurs) {
  FakeProbe fs;
  fs.Dir("/tmp/confwatch-x", 0700);
  fs.Dir("/tmp/confwatch-x/conf.d", 0755);
  fs.File("/tmp/confwatch-x/conf.d/a.toml", 0644);
  EXPECT_TRUE(CheckTrustedPath("/tmp/confwatch-x/conf.d/a.toml", fs).ok());
  fs.At("/tmp/confwatch-x").uid = kOther;
  EXPECT_EQ(Refusal("/tmp/confwatch-x", kOther, 0700, "owned by another user"),
            CheckTrustedPath("/tmp/confwatch-x/conf.d/a.toml", fs).message());
}

TEST(CheckTrustedPath, SymlinksAreFollowedAndTheirTargetsChecked) {
  FakeProbe fs;  // a ConfigMap mount: conf.d/app.toml -> ..data/app.toml
  fs.Dir("/etc/confd/conf.d/..data", 0755);
  fs.File("/etc/confd/conf.d/..data/app.toml", 0644);
  fs.Link("/etc/confd/conf.d/app.toml", "..data/app.toml", kOther);
  EXPECT_TRUE(CheckTrustedPath("/etc/confd/conf.d/app.toml", fs).ok());
  fs.At("/etc/confd/conf.d/..data/app.toml").mode = S_IFREG | 0666;
  EXPECT_EQ(Refusal("/etc/confd/conf.d/..data/app.toml", kMe, 0666, "writable by group or others"),
            CheckTrustedPath("/etc/confd/conf.d/app.toml", fs).message());
}

TEST(CheckTrustedPath, WriteBitsOnAReadOnlyFileSystemDoNotCount) {
  FakeProbe fs;
  fs.Dir("/etc/confd/conf.d", 0777);
  fs.At("/etc/confd/conf.d").read_only_fs = true;
  EXPECT_TRUE(CheckTrustedPath("/etc/confd/conf.d/app.toml", fs).ok());
}

TEST(CheckTrustedPath, MissingFileDanglingSymlinkAndLoopAreIoErrorsOfThePathAsked) {
  FakeProbe fs;
  EXPECT_EQ(absl::NotFoundError("IO error: /etc/confd/conf.d/b.toml: No such file or directory"),
            CheckTrustedPath("/etc/confd/conf.d/b.toml", fs));
  fs.Link("/etc/confd/conf.d/z.toml", "/nowhere.toml");
  EXPECT_EQ(absl::NotFoundError("IO error: /etc/confd/conf.d/z.toml: No such file or directory"),
            CheckTrustedPath("/etc/confd/conf.d/z.toml", fs));
  fs.Link("/etc/confd/conf.d/app.toml", "app.toml");
  EXPECT_EQ(
      "IO error: /etc/confd/conf.d/app.toml: Too many levels of symbolic links",
      CheckTrustedPath("/etc/confd/conf.d/app.toml", fs).message());
}

// Running as another user, the commands run as that user: nothing to gain.
TEST(CheckTrustedPath, NotRootChecksNothing) {
  FakeProbe fs;
  fs.euid = kOther;
  fs.Dir("/etc/confd/conf.d", 0777);
  EXPECT_TRUE(CheckTrustedPath("/etc/confd/conf.d/app.toml", fs).ok());
}

TEST(CheckTrustedPath, RealTempFilesMadeWithUmask022AreTrusted) {
  if (geteuid() != 0) GTEST_SKIP() << "the check is made only as root";
  TempDir dir;
  ASSERT_TRUE(WriteTestFile(dir.Path("a.toml"), "x").ok());
  EXPECT_TRUE(CheckTrustedPath(dir.Path("a.toml")).ok());
  ASSERT_EQ(0, chmod(dir.Path("a.toml").c_str(), 0646));
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, CheckTrustedPath(dir.Path("a.toml")).code());
}

}  // namespace
}  // namespace confwatch
