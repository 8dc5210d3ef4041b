// Reload and ReloadKey with a fake runner and a fake signaller.
#include "resource/reloader.h"

#include <csignal>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fake_command_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FakeSignaller : public ProcessSignaller {
 public:
  absl::StatusOr<pid_t> SignalPidFile(const std::string& pid_file, int signal,
                                      const PidFileOwners& owners) override {
    sent.push_back(absl::StrCat(pid_file, " ", signal, " owners ", owners.self, ",",
                                owners.dest_owner));
    if (!status.ok()) return status;
    return pid;
  }
  absl::Status SignalPid(pid_t pid, int signal) override {
    sent.push_back(absl::StrCat("pid ", pid, " ", signal));
    return status;
  }
  std::vector<std::string> sent;
  absl::Status status;
  pid_t pid = 1234;
};

TemplateResource NginxResource() {
  TemplateResource r;
  r.name = "nginx.toml";
  r.dest = "/etc/nginx/conf.d/upstream.conf";
  return r;
}

class ReloaderTest : public ::testing::Test {
 protected:
  // `exec_mode`: with a supervised child, which records what it gets as
  // "child <signal>" in signaller_.sent and answers child_status_.
  ReloadContext Context(bool exec_mode = false) {
    ReloadContext ctx;
    ctx.runner = &runner_;
    ctx.signaller = &signaller_;
    ctx.self_uid = 0;
    if (exec_mode) {
      ctx.signal_child = [this](int signal) {
        signaller_.sent.push_back(absl::StrCat("child ", signal));
        return child_status_;
      };
    }
    return ctx;
  }
  absl::Status child_status_;
  FakeCommandRunner runner_;
  FakeSignaller signaller_;
};

TEST_F(ReloaderTest, RunsReloadCmdWithDestSubstitutedAndItsTimeout) {
  TemplateResource r = NginxResource();
  r.reload_cmd = "nginx -s reload # {{.dest}} {{ .src }}";
  r.reload_cmd_timeout = absl::Seconds(9);
  ASSERT_TRUE(Reload(r, Context()).ok());
  EXPECT_THAT(runner_.commands,
              ElementsAre("nginx -s reload # /etc/nginx/conf.d/upstream.conf "
                          "/etc/nginx/conf.d/upstream.conf"));
  EXPECT_THAT(runner_.timeouts, ElementsAre(absl::Seconds(9)));
  EXPECT_THAT(signaller_.sent, IsEmpty());
}

TEST_F(ReloaderTest, FailedReloadCmdNamesResourceAndOutput) {
  TemplateResource r = NginxResource();
  r.reload_cmd = "nginx -s reload";
  runner_.result = CommandResult{1, 0, false, "nginx: [error] invalid PID number\n"};
  absl::Status s = Reload(r, Context());
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(
      "reload_cmd \"nginx -s reload\" exited with status 1: "
      "nginx: [error] invalid PID number",
      std::string(s.message()));
}

TEST_F(ReloaderTest, SignalsPidFile) {
  TemplateResource r = NginxResource();
  r.reload_signal = SIGHUP;
  r.pid_file = "/run/nginx.pid";
  std::string sent;
  ASSERT_TRUE(Reload(r, Context(/*exec_mode=*/true), &sent).ok());  // pid_file wins
  EXPECT_THAT(signaller_.sent, ElementsAre(absl::StrCat("/run/nginx.pid ", SIGHUP, " owners 0,0")));
  EXPECT_THAT(runner_.commands, IsEmpty());
  EXPECT_EQ("sent SIGHUP to pid 1234 (from /run/nginx.pid)", sent);
}

TEST_F(ReloaderTest, PidFileMayBelongToUsOrToTheDestsOwner) {
  TemplateResource r = NginxResource();
  r.reload_signal = SIGHUP;
  r.pid_file = "/run/nginx.pid";
  r.uid = 33;
  ASSERT_TRUE(Reload(r, Context()).ok());
  EXPECT_THAT(signaller_.sent, ElementsAre(absl::StrCat("/run/nginx.pid ", SIGHUP, " owners 0,33")));
}

TEST_F(ReloaderTest, RefusedPidFileIsAnErrorNamingTheReasonAndNothingIsSent) {
  TemplateResource r = NginxResource();
  r.reload_signal = SIGHUP;
  r.pid_file = "/run/app.pid";
  signaller_.status = absl::FailedPreconditionError(
      "pid_file /run/app.pid is writable by others (mode 0666); not signalling");
  std::string sent = "stale";
  absl::Status s = Reload(r, Context(), &sent);
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(
      "reload_signal SIGHUP: pid_file /run/app.pid is writable by others (mode 0666); "
      "not signalling",
      std::string(s.message()));
  EXPECT_EQ("", sent);
}

TEST_F(ReloaderTest, SignalsSupervisedChildWithoutPidFile) {
  TemplateResource r = NginxResource();
  r.reload_signal = SIGUSR2;
  ASSERT_TRUE(Reload(r, Context(/*exec_mode=*/true)).ok());
  EXPECT_THAT(signaller_.sent, ElementsAre(absl::StrCat("child ", SIGUSR2)));
  EXPECT_TRUE(SignalsChild(r));
}

TEST_F(ReloaderTest, ChildSignalErrorNamesResourceAndSignal) {
  TemplateResource r = NginxResource();
  r.reload_signal = SIGUSR2;
  child_status_ = absl::UnavailableError("child is gone");
  absl::Status s = Reload(r, Context(/*exec_mode=*/true));
  EXPECT_EQ(absl::StatusCode::kUnavailable, s.code());
  EXPECT_EQ("reload_signal SIGUSR2: child is gone", std::string(s.message()));
}

TEST(SignalsChild, OnlyAReloadSignalWithoutPidFileOrCommand) {
  TemplateResource r = NginxResource();
  EXPECT_FALSE(SignalsChild(r));
  r.reload_signal = SIGHUP;
  EXPECT_TRUE(SignalsChild(r));
  r.pid_file = "/run/nginx.pid";
  EXPECT_FALSE(SignalsChild(r));
  r.pid_file.clear();
  r.reload_cmd = "nginx -s reload";
  EXPECT_FALSE(SignalsChild(r));
}

TEST_F(ReloaderTest, SignalErrorsNameResourceAndSignal) {
  TemplateResource r = NginxResource();
  r.reload_signal = SIGHUP;
  absl::Status s = Reload(r, Context(/*exec_mode=*/false));
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(
      "reload_signal SIGHUP: no pid_file and no supervised child "
      "to signal (set pid_file, or run confwatch in exec mode: confwatch [flags] -- command)",
      std::string(s.message()));
  EXPECT_THAT(signaller_.sent, IsEmpty());

  r.pid_file = "/run/nginx.pid";
  signaller_.status = absl::NotFoundError("pid file /run/nginx.pid: No such file or directory");
  s = Reload(r, Context());
  EXPECT_EQ(absl::StatusCode::kNotFound, s.code());
  EXPECT_EQ(
      "reload_signal SIGHUP: pid file /run/nginx.pid: No such file or directory",
      std::string(s.message()));
}

TEST_F(ReloaderTest, NoReloadIsOk) {
  EXPECT_TRUE(Reload(NginxResource(), Context()).ok());
  EXPECT_THAT(runner_.commands, IsEmpty());
  EXPECT_THAT(signaller_.sent, IsEmpty());
}

TEST(ReloadKey, EqualForTheSameActionOnly) {
  TemplateResource a = NginxResource(), b = NginxResource();
  a.reload_cmd = b.reload_cmd = "nginx -s reload";
  b.dest = "/etc/nginx/conf.d/other.conf";
  EXPECT_EQ("cmd:nginx -s reload", ReloadKey(a));
  EXPECT_EQ(ReloadKey(a), ReloadKey(b));  // shared by both: run once

  a.reload_cmd = b.reload_cmd = "touch {{.dest}}.reloaded";
  EXPECT_EQ("cmd:touch /etc/nginx/conf.d/upstream.conf.reloaded", ReloadKey(a));
  EXPECT_NE(ReloadKey(a), ReloadKey(b));  // expands differently: run both

  TemplateResource s = NginxResource();
  s.reload_signal = SIGHUP;
  EXPECT_EQ("signal:SIGHUP:child", ReloadKey(s));
  s.pid_file = "/run/nginx.pid";
  EXPECT_EQ("signal:SIGHUP:pid_file:/run/nginx.pid", ReloadKey(s));
  EXPECT_EQ("", ReloadKey(NginxResource()));
}

TEST(ExpandCommand, SubstitutesOnlySrcAndDest) {
  EXPECT_EQ(
      "check /s /d /s {{.Src}} {{ .src}x {{.dest",
      ExpandCommand("check {{.src}} {{.dest}} {{  .src  }} {{.Src}} {{ .src}x {{.dest",
                    "/s", "/d"));
  EXPECT_EQ("", ExpandCommand("", "/s", "/d"));
  EXPECT_EQ("{{", ExpandCommand("{{", "/s", "/d"));
}

}  // namespace
}  // namespace confwatch
