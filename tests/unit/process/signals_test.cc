#include "process/signals.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(ParseSignal, AcceptsNamesInEveryCaseWithOrWithoutSigAndNumbers) {
  const struct {
    const char* text;
    int signo;
  } cases[] = {
      {"SIGHUP", SIGHUP}, {"HUP", SIGHUP},       {"hup", SIGHUP},   {"sighup", SIGHUP},
      {"SigHup", SIGHUP}, {"1", SIGHUP},         {"USR1", SIGUSR1}, {"sigusr2", SIGUSR2},
      {"TERM", SIGTERM},  {"15", SIGTERM},       {"WINCH", SIGWINCH}, {"QUIT", SIGQUIT},
      {"KILL", SIGKILL},  {" INT ", SIGINT},     {"64", 64},
  };
  for (const auto& c : cases) {
    absl::StatusOr<int> got = ParseSignal(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(c.signo, *got) << c.text;
  }
}

TEST(ParseSignal, RejectsUnknownNamesAndNumbersOutOfRange) {
  for (const char* text : {"FOO", "SIG", "", "0", "65", "-1", "SIGHUPX", "1.5"}) {
    absl::StatusOr<int> got = ParseSignal(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(absl::StrCat("invalid signal \"", text,
                           "\": use a name such as HUP or SIGUSR1, or a number 1-64"),
              got.status().message());
  }
}

TEST(SignalName, NamesKnownSignalsAndNumbersOthers) {
  EXPECT_EQ("SIGHUP", SignalName(SIGHUP));
  EXPECT_EQ("SIGUSR1", SignalName(SIGUSR1));
  EXPECT_EQ("signal 40", SignalName(40));
}

class PidFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/confwatch-signals-XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(dir));
    dir_ = dir;
    path_ = dir_ + "/app.pid";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  void Write(const std::string& content) { std::ofstream(path_) << content; }
  static PidFileOwners Us() { return {geteuid(), geteuid()}; }

  std::string dir_;
  std::string path_;
};

TEST_F(PidFileTest, ReadsPidIgnoringSurroundingWhitespace) {
  Write("  1234\n");
  absl::StatusOr<pid_t> pid = ReadPidFile(path_);
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(1234, *pid);
}

TEST_F(PidFileTest, MissingFileNamesTheFile) {
  absl::StatusOr<pid_t> pid = ReadPidFile(path_);
  EXPECT_EQ(absl::StatusCode::kNotFound, pid.status().code());
  EXPECT_EQ("pid file " + path_ + ": No such file or directory", pid.status().message());
}

TEST_F(PidFileTest, ContentThatIsNotAPidIsQuoted) {
  const struct {
    const char* content;
    const char* quoted;
  } cases[] = {
      {"abc\n", "abc"}, {"", ""},         {"0", "0"},       {"1", "1"},
      {"-5", "-5"},     {"+42", "+42"},   {"12 34", "12 34"}, {"99999999999", "99999999999"},
      {"0123456789012345678901234567890123456789", "01234567890123456789012345678901..."},
  };
  for (const auto& c : cases) {
    Write(c.content);
    absl::StatusOr<pid_t> pid = ReadPidFile(path_);
    ASSERT_FALSE(pid.ok()) << c.content;
    EXPECT_EQ(absl::StatusCode::kInvalidArgument, pid.status().code());
    EXPECT_EQ(absl::StrCat("pid file ", path_, ": not a pid: \"", c.quoted, "\""),
              pid.status().message());
  }
}

TEST_F(PidFileTest, SignalsTheProcessNamedInTheFile) {
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(child, 0);
  Write(absl::StrCat(child, "\n"));
  absl::StatusOr<pid_t> sent = SignalPidFile(path_, SIGUSR1, Us());
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(child, *sent);
  int status = 0;
  ASSERT_EQ(child, waitpid(child, &status, 0));
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(SIGUSR1, WTERMSIG(status));
}

TEST_F(PidFileTest, ProcessThatIsGoneIsReported) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(child, waitpid(child, nullptr, 0));  // its pid is now free
  Write(absl::StrCat(child));
  absl::Status s = SignalPidFile(path_, SIGHUP, Us()).status();
  EXPECT_EQ(absl::StatusCode::kNotFound, s.code());
  EXPECT_EQ(absl::StrCat("kill ", child, ": No such process"), s.message());
}

// A pid file another user could have written may name any process (root's
// sshd): it is refused, with the reason, before anything is read from it.
TEST_F(PidFileTest, PidFileOthersCanWriteIsRefused) {
  const struct {
    mode_t mode;
    const char* why;
  } cases[] = {
      {0666, "is writable by others (mode 0666)"},
      {0620, "is writable by others (mode 0620)"},
      {0602, "is writable by others (mode 0602)"},
  };
  for (const auto& c : cases) {
    Write("1234\n");
    ASSERT_EQ(0, chmod(path_.c_str(), c.mode));
    absl::StatusOr<pid_t> pid = ReadTrustedPidFile(path_, Us());
    ASSERT_FALSE(pid.ok()) << c.why;
    EXPECT_EQ(absl::StatusCode::kFailedPrecondition, pid.status().code());
    EXPECT_EQ(absl::StrCat("pid_file ", path_, " ", c.why, "; not signalling"),
              pid.status().message());
  }
  ASSERT_EQ(0, chmod(path_.c_str(), 0644));
  absl::StatusOr<pid_t> pid = ReadTrustedPidFile(path_, Us());
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(1234, *pid);
}

TEST_F(PidFileTest, PidFileInADirectoryAnyoneCanWriteIsRefusedUnlessSticky) {
  Write("1234\n");
  ASSERT_EQ(0, chmod(dir_.c_str(), 0777));
  absl::StatusOr<pid_t> pid = ReadTrustedPidFile(path_, Us());
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(absl::StrCat("pid_file ", path_,
                         " is in a directory anyone can write (mode 0777); not signalling"),
            pid.status().message());
  ASSERT_EQ(0, chmod(dir_.c_str(), 01777));  // only the file's owner can replace it
  EXPECT_TRUE(ReadTrustedPidFile(path_, Us()).ok());
}

TEST_F(PidFileTest, PidFileOwnedByAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  Write("1234\n");
  ASSERT_EQ(0, chown(path_.c_str(), 65534, 65534));
  absl::StatusOr<pid_t> pid = ReadTrustedPidFile(path_, {0, 33});
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(absl::StrCat("pid_file ", path_,
                         " is owned by uid 65534, not by 0 (confwatch) or 33 (the dest's "
                         "owner); not signalling"),
            pid.status().message());
  pid = ReadTrustedPidFile(path_, {0, 65534});  // the dest's owner wrote it
  ASSERT_TRUE(pid.ok()) << pid.status();

  // A link another user made to a root-owned pid file (another daemon's).
  ASSERT_EQ(0, chown(path_.c_str(), 0, 0));
  const std::string link = dir_ + "/link.pid";
  ASSERT_EQ(0, symlink(path_.c_str(), link.c_str()));
  ASSERT_EQ(0, lchown(link.c_str(), 65534, 65534));
  pid = ReadTrustedPidFile(link, {0, 0});
  std::remove(link.c_str());
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(absl::StrCat("pid_file ", link,
                         " is a symlink owned by uid 65534, not by 0 (confwatch); not "
                         "signalling"),
            pid.status().message());
}

}  // namespace
}  // namespace confwatch
