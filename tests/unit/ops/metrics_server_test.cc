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
#include "gtest/gtest.h"
#include "ops/httplib_abi.h"

namespace confwatch {
namespace {

MetricsServer::ReadinessCheck AlwaysReady() {
  return [] { return absl::OkStatus(); };
}

httplib::Result Get(int port, const char* path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  return client.Get(path);
}

TEST(MetricsServer, MetricsServesTheProviderTextAsPrometheusText) {
  MetricsServer server([] { return std::string("# TYPE a gauge\na 1\n"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(absl::StrCat("127.0.0.1:", server.port()), server.address());
  httplib::Result res = Get(server.port(), "/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(200, res->status);
  EXPECT_EQ("# TYPE a gauge\na 1\n", res->body);
  EXPECT_EQ("text/plain; version=0.0.4; charset=utf-8", res->get_header_value("Content-Type"));
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
  httplib::Result res = Get(server.port(), "/healthz");
  ASSERT_TRUE(res);
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
  httplib::Result before = Get(server.port(), "/readyz");
  ASSERT_TRUE(before);
  EXPECT_EQ(503, before->status);
  EXPECT_EQ("not ready: the key source is not connected\n", before->body);
  ready = true;
  httplib::Result after = Get(server.port(), "/readyz");
  ASSERT_TRUE(after);
  EXPECT_EQ(200, after->status);
  EXPECT_EQ("ready\n", after->body);
}

TEST(MetricsServer, OtherPathsAre404) {
  MetricsServer server([] { return std::string(); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  httplib::Result res = Get(server.port(), "/metricsx");
  ASSERT_TRUE(res);
  EXPECT_EQ(404, res->status);
}

TEST(MetricsServer, AThrowingProviderFailsTheScrapeNotTheProcess) {
  MetricsServer server([]() -> std::string { throw std::runtime_error("boom"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  httplib::Result res = Get(server.port(), "/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(500, res->status);
  EXPECT_EQ("internal error: boom\n", res->body);
  EXPECT_EQ(200, Get(server.port(), "/healthz")->status);
}

// httplib binds with SO_REUSEPORT by default, which would let both servers
// listen and split the scrapes between them.
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
// until the read times out; Stop() waits for it. httplib's default is 5 s,
// ours 2 s.
TEST(MetricsServer, StopWaitsAtMostTheReadTimeoutForAStalledClient) {
  auto server = std::make_unique<MetricsServer>([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server->Start("127.0.0.1:0").ok());
  const int port = server->port();
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(0, connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)));
  const char partial[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(static_cast<ssize_t>(sizeof(partial) - 1), write(fd, partial, sizeof(partial) - 1));
  // A full request on another connection proves the server took the first.
  ASSERT_EQ(200, Get(port, "/healthz")->status);

  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  close(fd);
  EXPECT_LT(took_ms, 4500) << "httplib's default read timeout is 5 s";
  EXPECT_FALSE(Get(port, "/healthz"));  // nobody listens any more
}

// With keep-alive, two idle scrapers would hold both request threads for
// httplib's 5 s keep-alive timeout and a liveness probe would time out.
TEST(MetricsServer, IdleKeepAliveClientsDoNotStarveTheHealthProbe) {
  MetricsServer server([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  httplib::Client a("127.0.0.1", server.port());
  httplib::Client b("127.0.0.1", server.port());
  a.set_keep_alive(true);
  b.set_keep_alive(true);
  ASSERT_EQ(200, a.Get("/metrics")->status);
  ASSERT_EQ(200, b.Get("/metrics")->status);

  const auto start = std::chrono::steady_clock::now();
  httplib::Result probe = Get(server.port(), "/healthz");
  const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  ASSERT_TRUE(probe);
  EXPECT_LT(took_ms, 4000) << "the probe waited for a keep-alive connection to time out";
}

TEST(MetricsServer, StopFreesThePortForARestart) {
  auto server = std::make_unique<MetricsServer>([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server->Start("127.0.0.1:0").ok());
  const int port = server->port();
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  ASSERT_EQ(200, client.Get("/metrics")->status);
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
