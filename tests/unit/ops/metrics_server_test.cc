// Tests of MetricsServer (ops/metrics_server.h) over real HTTP on 127.0.0.1.
#include "ops/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "http/http_message.h"

namespace confwatch {
namespace {

MetricsServer::ReadinessCheck AlwaysReady() {
  return [] { return absl::OkStatus(); };
}

absl::StatusOr<HttpReply> Get(int port, const char* path) {
  return HttpGet(absl::StrCat("http://127.0.0.1:", port, path));
}

// A connection that sends `text` and then stays open, sending nothing more.
int ConnectAndSend(int port, absl::string_view text) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(0, connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)));
  EXPECT_EQ(static_cast<ssize_t>(text.size()), write(fd, text.data(), text.size()));
  return fd;
}

TEST(MetricsServer, MetricsServesTheProviderTextAsPrometheusText) {
  MetricsServer server([] { return std::string("# TYPE a gauge\na 1\n"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(absl::StrCat("127.0.0.1:", server.port()), server.address());
  absl::StatusOr<HttpReply> res = Get(server.port(), "/metrics");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(200, res->status);
  EXPECT_EQ("# TYPE a gauge\na 1\n", res->body);
  EXPECT_EQ("text/plain; version=0.0.4; charset=utf-8", HeaderValue(res->headers, "Content-Type"));
}

TEST(MetricsServer, ProviderRunsOnEveryScrape) {
  std::atomic<int> scrapes{0};
  MetricsServer server([&scrapes] { return absl::StrCat("n ", ++scrapes, "\n"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  EXPECT_EQ("n 1\n", Get(server.port(), "/metrics")->body);
  EXPECT_EQ("n 2\n", Get(server.port(), "/metrics")->body);
}

TEST(MetricsServer, HealthzIsOkWhileAlive) {
  MetricsServer server([] { return std::string(); },
                       [] { return absl::UnavailableError("not ready: anything"); });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  absl::StatusOr<HttpReply> res = Get(server.port(), "/healthz");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(200, res->status);
  EXPECT_EQ("ok\n", res->body);
}

TEST(MetricsServer, ReadyzIs503WithTheReasonUntilTheCheckPasses) {
  std::atomic<bool> ready{false};
  MetricsServer server(
      [] { return std::string(); },
      [&ready] {
        return ready ? absl::OkStatus()
                     : absl::FailedPreconditionError("not ready: the key source is not connected");
      });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  absl::StatusOr<HttpReply> before = Get(server.port(), "/readyz");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(503, before->status);
  EXPECT_EQ("not ready: the key source is not connected\n", before->body);
  ready = true;
  absl::StatusOr<HttpReply> after = Get(server.port(), "/readyz");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(200, after->status);
  EXPECT_EQ("ready\n", after->body);
}

TEST(MetricsServer, OtherPathsAre404) {
  MetricsServer server([] { return std::string(); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  absl::StatusOr<HttpReply> res = Get(server.port(), "/metricsx");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(404, res->status);
}

TEST(MetricsServer, AThrowingProviderFailsTheScrapeNotTheProcess) {
  MetricsServer server([]() -> std::string { throw std::runtime_error("boom"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  absl::StatusOr<HttpReply> res = Get(server.port(), "/metrics");
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(500, res->status);
  EXPECT_EQ("internal error: boom\n", res->body);
  EXPECT_EQ(200, Get(server.port(), "/healthz")->status);
}

// With SO_REUSEPORT (cpp-httplib's default) both servers would listen and
// split the scrapes between them.
TEST(MetricsServer, ASecondServerOnTheSamePortFailsNamingTheAddress) {
  MetricsServer first([] { return std::string("first\n"); }, AlwaysReady());
  ASSERT_TRUE(first.Start("127.0.0.1:0").ok());
  const std::string addr = absl::StrCat("127.0.0.1:", first.port());
  MetricsServer second([] { return std::string("second\n"); }, AlwaysReady());
  absl::Status s = second.Start(addr);
  EXPECT_EQ(absl::StrCat("metrics address ", addr, ": cannot listen: address already in use"),
            s.message());
  EXPECT_EQ(0, second.port());
  EXPECT_EQ("first\n", Get(first.port(), "/metrics")->body);
}

TEST(MetricsServer, MalformedAddressesAreRejectedNamingThem) {
  for (const char* addr : {"localhost", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:9x",
                           "127.0.0.1:-1", "::1:9100", "[::1]9100", ""}) {
    MetricsServer server([] { return std::string(); }, AlwaysReady());
    EXPECT_EQ(absl::StrCat("metrics address \"", addr, "\": want host:port such as 127.0.0.1:9100"),
              server.Start(addr).message());
  }
}

TEST(MetricsServer, SplitHostPortAcceptsNamesV6AndTheEmptyHost) {
  std::string host;
  int port = -1;
  ASSERT_TRUE(SplitHostPort("localhost:9100", &host, &port).ok());
  EXPECT_EQ("localhost", host);
  EXPECT_EQ(9100, port);
  ASSERT_TRUE(SplitHostPort("[::1]:0", &host, &port).ok());
  EXPECT_EQ("::1", host);
  EXPECT_EQ(0, port);
  ASSERT_TRUE(SplitHostPort(":9100", &host, &port).ok());
  EXPECT_EQ("0.0.0.0", host);
}

// A client that connected and sent half a request holds a request thread
// until its 2 s head deadline; Stop() does not wait for it.
TEST(MetricsServer, StopDoesNotWaitForAStalledClient) {
  auto server = std::make_unique<MetricsServer>([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server->Start("127.0.0.1:0").ok());
  const int port = server->port();
  const int fd = ConnectAndSend(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n");
  // A full request on another connection proves the server took the first.
  ASSERT_EQ(200, Get(port, "/healthz")->status);

  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  close(fd);
  EXPECT_LT(took_ms, 1000) << "Stop() waited for the stalled client's deadline";
  EXPECT_FALSE(Get(port, "/healthz").ok());  // nobody listens any more
}

// With keep-alive, two idle scrapers would hold both request threads and a
// liveness probe would wait for one of them to time out.
TEST(MetricsServer, IdleKeepAliveClientsDoNotStarveTheHealthProbe) {
  MetricsServer server([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  const char request[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";
  const int a = ConnectAndSend(server.port(), request);
  const int b = ConnectAndSend(server.port(), request);
  // Both answered, and the server closed each after its answer.
  for (int fd : {a, b}) {
    std::string answer;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) answer.append(buf, n);
    EXPECT_EQ(0u, answer.find("HTTP/1.1 200 OK\r\n")) << answer;
    EXPECT_NE(std::string::npos, answer.find("\r\nConnection: close\r\n")) << answer;
  }

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<HttpReply> probe = Get(server.port(), "/healthz");
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  close(a);
  close(b);
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_LT(took_ms, 1000) << "the probe waited for a keep-alive connection to time out";
}

// One client that stalls mid-request holds one request thread for up to 2 s;
// the other thread must keep answering the liveness probe meanwhile.
TEST(MetricsServer, AStalledClientDoesNotDelayTheHealthProbe) {
  MetricsServer server([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  const int stalled = ConnectAndSend(server.port(), "GET /metrics HTTP/1.1\r\n");
  absl::SleepFor(absl::Milliseconds(50));  // let a thread take it
  for (int i = 0; i < 5; ++i) {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<HttpReply> probe = Get(server.port(), "/healthz");
    const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    ASSERT_TRUE(probe.ok()) << probe.status();
    EXPECT_EQ(200, probe->status);
    EXPECT_LT(took_ms, 1000);
  }
  close(stalled);
}

TEST(MetricsServer, StopFreesThePortForARestart) {
  auto server = std::make_unique<MetricsServer>([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server->Start("127.0.0.1:0").ok());
  const int port = server->port();
  ASSERT_EQ(200, Get(port, "/metrics")->status);
  server->Stop();

  MetricsServer again([] { return std::string("again\n"); }, AlwaysReady());
  ASSERT_TRUE(again.Start(absl::StrCat("127.0.0.1:", port)).ok());
  EXPECT_EQ("again\n", Get(port, "/metrics")->body);
}

TEST(MetricsServer, StopRightAfterStartDoesNotHang) {
  for (int i = 0; i < 20; ++i) {
    MetricsServer server([] { return std::string(); }, AlwaysReady());
    ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
    server.Stop();
  }
}

TEST(MetricsServer, StopIsIdempotentAndANoOpBeforeStart) {
  MetricsServer never([] { return std::string(); }, AlwaysReady());
  never.Stop();
  MetricsServer server([] { return std::string(); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  server.Stop();
  server.Stop();
}

}  // namespace
}  // namespace confwatch
