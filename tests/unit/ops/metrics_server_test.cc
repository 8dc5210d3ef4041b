// Tests of MetricsServer (ops/metrics_server.h) over real HTTP on 127.0.0.1.
#include "ops/metrics_server.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"

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

// Stop() must not wait for an idle keep-alive client (httplib would keep the
// connection, and Stop, for 5 s) and must free the port for a restart.
TEST(MetricsServer, StopIsPromptWithAKeepAliveClientAndFreesThePort) {
  auto server = std::make_unique<MetricsServer>([] { return std::string("x\n"); }, AlwaysReady());
  ASSERT_TRUE(server->Start("127.0.0.1:0").ok());
  const int port = server->port();
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  ASSERT_EQ(200, client.Get("/metrics")->status);

  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(4));  // generous; the bug it guards against takes 5 s
  EXPECT_FALSE(Get(port, "/healthz"));       // nobody listens any more

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
