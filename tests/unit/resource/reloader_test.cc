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
  absl::Status SignalPidFile(const std::string& pid_file, int signal) override {
    sent.push_back(absl::StrCat(pid_file, " ", signal));
    return status;
  }
  absl::Status SignalPid(pid_t pid, int signal) override {
    sent.push_back(absl::StrCat("pid ", pid, " ", signal));
    return status;
  }
  std::vector<std::string> sent;
  absl::Status status;
};

TemplateResource Resource() {
  TemplateResource r;
  r.name = "nginx.toml";
  r.dest = "/etc/nginx/conf.d/upstream.conf";
  return r;
}

class ReloaderTest : public ::testing::Test {
 protected:
  ReloadContext Context(pid_t child = 0) {
    ReloadContext ctx;
    ctx.runner = &runner_;
    ctx.signaller = &signaller_;
    ctx.child_pid = child;
    return ctx;
  }
  FakeCommandRunner runner_;
  FakeSignaller signaller_;
};

TEST_F(ReloaderTest, RunsReloadCmdWithDestSubstitutedAndItsTimeout) {
  TemplateResource r = Resource();
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
  TemplateResource r = Resource();
  r.reload_cmd = "nginx -s reload";
  runner_.result = CommandResult{1, 0, false, "nginx: [error] invalid PID number\n"};
  absl::Status s = Reload(r, Context());
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(
      "resource nginx.toml: reload_cmd \"nginx -s reload\" exited with status 1: "
      "nginx: [error] invalid PID number",
      std::string(s.message()));
}

TEST_F(ReloaderTest, SignalsPidFile) {
  TemplateResource r = Resource();
  r.reload_signal = SIGHUP;
  r.pid_file = "/run/nginx.pid";
  ASSERT_TRUE(Reload(r, Context(/*child=*/77)).ok());
  EXPECT_THAT(signaller_.sent, ElementsAre(absl::StrCat("/run/nginx.pid ", SIGHUP)));
  EXPECT_THAT(runner_.commands, IsEmpty());
}

TEST_F(ReloaderTest, SignalsSupervisedChildWithoutPidFile) {
  TemplateResource r = Resource();
  r.reload_signal = SIGUSR2;
  ASSERT_TRUE(Reload(r, Context(/*child=*/77)).ok());
  EXPECT_THAT(signaller_.sent, ElementsAre(absl::StrCat("pid 77 ", SIGUSR2)));
}

TEST_F(ReloaderTest, SignalErrorsNameResourceAndSignal) {
  TemplateResource r = Resource();
  r.reload_signal = SIGHUP;
  absl::Status s = Reload(r, Context(/*child=*/0));
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(
      "resource nginx.toml: reload_signal SIGHUP: no pid_file and no supervised child "
      "to signal",
      std::string(s.message()));

  r.pid_file = "/run/nginx.pid";
  signaller_.status = absl::NotFoundError("pid file /run/nginx.pid: no such file");
  s = Reload(r, Context());
  EXPECT_EQ(absl::StatusCode::kNotFound, s.code());
  EXPECT_EQ(
      "resource nginx.toml: reload_signal SIGHUP: pid file /run/nginx.pid: no such file",
      std::string(s.message()));
}

TEST_F(ReloaderTest, NoReloadIsOk) {
  EXPECT_TRUE(Reload(Resource(), Context()).ok());
  EXPECT_THAT(runner_.commands, IsEmpty());
  EXPECT_THAT(signaller_.sent, IsEmpty());
}

TEST(ReloadKey, EqualForTheSameActionOnly) {
  TemplateResource a = Resource(), b = Resource();
  a.reload_cmd = b.reload_cmd = "nginx -s reload";
  b.dest = "/etc/nginx/conf.d/other.conf";
  EXPECT_EQ("cmd:nginx -s reload", ReloadKey(a));
  EXPECT_EQ(ReloadKey(a), ReloadKey(b));  // shared by both: run once

  a.reload_cmd = b.reload_cmd = "touch {{.dest}}.reloaded";
  EXPECT_EQ("cmd:touch /etc/nginx/conf.d/upstream.conf.reloaded", ReloadKey(a));
  EXPECT_NE(ReloadKey(a), ReloadKey(b));  // expands differently: run both

  TemplateResource s = Resource();
  s.reload_signal = SIGHUP;
  EXPECT_EQ("signal:SIGHUP:child", ReloadKey(s));
  s.pid_file = "/run/nginx.pid";
  EXPECT_EQ("signal:SIGHUP:pid_file:/run/nginx.pid", ReloadKey(s));
  EXPECT_EQ("", ReloadKey(Resource()));
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
