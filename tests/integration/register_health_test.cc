// The real health checkers: TCP connect against a listener the test opens
// and closes, HTTP GET against an HttpServer answering what the test says, and shell commands through the real PosixCommandRunner.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "process/posix_command_runner.h"
#include "register/health_check.h"
#include "http/http_server.h"
#include "tests/integration/register_test_util.h"

namespace confwatch {
namespace {

std::unique_ptr<HealthChecker> Checker(const std::string& text, CommandRunner* runner = nullptr,
                                       absl::Duration timeout = absl::Seconds(2)) {
  absl::StatusOr<HealthTarget> t = ParseHealthTarget(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return MakeHealthChecker(*t, timeout, runner);
}

TEST(TcpHealthCheck, FollowsTheListener) {
  TestListener service;
  std::string target = "tcp://127.0.0.1:" + std::to_string(service.port());
  auto checker = Checker(target);
  EXPECT_TRUE(checker->Check().ok()) << checker->Check();
  service.Close();
  EXPECT_EQ(target + ": connect: Connection refused", checker->Check().message());
  service.Reopen();
  EXPECT_TRUE(checker->Check().ok());
}

TEST(TcpHealthCheck, UnknownHostIsUnhealthy) {
  auto checker = Checker("tcp://no-such-host.invalid:80");
  absl::Status s = checker->Check();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(0u, s.message().find("tcp://no-such-host.invalid:80: resolve: ")) << s;
}

class HttpHealthCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start("127.0.0.1", 0).ok());
    port_ = server_.port();
  }
  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::atomic<int> status_{200};
  HttpServer server_{[this](const HttpRequest& request) {
                       HttpResponse res;
                       res.status = request.path == "/health" ? status_.load() : 404;
                       res.body = "x";
                       return res;
                     },
                     HttpServer::Options()};
  int port_ = 0;
};

TEST_F(HttpHealthCheck, TwoHundredsAreHealthyOthersAreNot) {
  auto checker = Checker(Url("/health"));
  EXPECT_TRUE(checker->Check().ok()) << checker->Check();
  status_ = 204;
  EXPECT_TRUE(checker->Check().ok());
  status_ = 503;
  EXPECT_EQ(Url("/health") + ": status 503", checker->Check().message());
  status_ = 200;
  EXPECT_TRUE(checker->Check().ok());
  EXPECT_EQ(Url("/missing") + ": status 404", Checker(Url("/missing"))->Check().message());
}

TEST_F(HttpHealthCheck, StoppedServerIsUnhealthy) {
  auto checker = Checker(Url("/health"));
  server_.Stop();
  absl::Status s = checker->Check();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(0u, s.message().find(Url("/health") + ": ")) << s;
}

TEST(CommandHealthCheck, ExitZeroIsHealthy) {
  PosixCommandRunner runner;
  EXPECT_TRUE(Checker("test -d /", &runner)->Check().ok());
  EXPECT_EQ("health command exited 3: not ready",
            Checker("echo not ready; exit 3", &runner)->Check().message());
  EXPECT_EQ("health command timed out after 200ms",
            Checker("sleep 5", &runner, absl::Milliseconds(200))->Check().message());
}

}  // namespace
}  // namespace confwatch
