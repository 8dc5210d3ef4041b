#include "process/signals.h"

#include <signal.h>
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
  EXPECT_EQ("pid file " + path_ + ": no such file", pid.status().message());
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
  ASSERT_TRUE(SignalPidFile(path_, SIGUSR1).ok());
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
  absl::Status s = SignalPidFile(path_, SIGHUP);
  EXPECT_EQ(absl::StatusCode::kNotFound, s.code());
  EXPECT_EQ(absl::StrCat("kill ", child, ": no such process"), s.message());
}

}  // namespace
}  // namespace confwatch
