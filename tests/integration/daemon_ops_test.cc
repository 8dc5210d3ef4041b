// The confwatch binary's service side, against a real etcd: /metrics,
// /healthz and /readyz (-metrics-addr), and the [[register]] tables of its
// config file (key present with a lease while it runs, gone at once after
// SIGTERM).
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/prometheus_text_check.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
};

HttpAnswer Get(int port, const std::string& path) {
  HttpGetOptions options;
  options.timeout = absl::Seconds(5);
  absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, path), options);
  if (!r.ok()) return {};
  return {r->status, r->body};
}

using OpsTest = BinaryEtcdTest;

TEST_F(OpsTest, MetricsCountWhatHappenedAndReadyzFollowsTheFirstRender) {
  Confdir c;
  c.AddTemplate("t.tmpl", "{{getv \"/app/v\"}}\n");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"", "reload_cmd = \"true\"\n");
  const int port = FreePort();
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-metrics-addr",
                         absl::StrCat("127.0.0.1:", port)});
  ASSERT_TRUE(PollUntil([&] { return Get(port, "/healthz").status == 200; })) << p.Log();
  // /app/v does not exist yet: the render fails, so confwatch is not ready.
  // The put waits until that failed render happened (slow builds, e.g. under
  // a sanitizer, may serve /healthz before the first render ran).
  ASSERT_TRUE(PollUntil([&] {
    absl::StatusOr<std::vector<PrometheusSample>> m = ParsePrometheusText(Get(port, "/metrics").body);
    return m.ok() && SampleValue(*m, "confwatch_render_errors_total") >= 1;
  })) << p.Log();
  HttpAnswer not_ready = Get(port, "/readyz");
  EXPECT_EQ(503, not_ready.status) << not_ready.body;

  ASSERT_TRUE(client_->Put("/app/v", "1").ok());
  ASSERT_TRUE(FileBecomes(c.Out("t.conf"), "1\n")) << p.Log();
  ASSERT_TRUE(PollUntil([&] { return Get(port, "/readyz").status == 200; })) << p.Log();
  ASSERT_TRUE(client_->Put("/app/v", "2").ok());
  ASSERT_TRUE(FileBecomes(c.Out("t.conf"), "2\n")) << p.Log();

  std::optional<std::vector<PrometheusSample>> samples;
  ASSERT_TRUE(PollUntil([&] {
    HttpAnswer m = Get(port, "/metrics");
    absl::StatusOr<std::vector<PrometheusSample>> parsed = ParsePrometheusText(m.body);
    EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << m.body;
    if (!parsed.ok()) return true;
    samples = *parsed;
    return SampleValue(*samples, "confwatch_reloads_total") >= 2;
  })) << p.Log();
  ASSERT_TRUE(samples.has_value());
  EXPECT_GE(SampleValue(*samples, "confwatch_renders_total"), 3) << "failed, 1, 2";
  EXPECT_GE(SampleValue(*samples, "confwatch_render_errors_total"), 1);
  EXPECT_EQ(2, SampleValue(*samples, "confwatch_installs_total"));
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_ready"));
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_source_connected"));
  EXPECT_GT(SampleValue(*samples, "confwatch_resource_last_sync_timestamp_seconds",
                        {{"resource", "t.toml"}}),
            1.6e9);
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

TEST_F(OpsTest, MetricsAddressInUseIsAStartupError) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"");
  HttpServer holder([](const HttpRequest&) { return HttpResponse(); }, HttpServer::Options());
  ASSERT_TRUE(holder.Start("127.0.0.1", 0).ok());
  const int port = holder.port();
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-metrics-addr",
                         absl::StrCat("127.0.0.1:", port)});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(2, *code) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), absl::StrCat("127.0.0.1:", port))) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "address already in use")) << p.Log();
}

TEST_F(OpsTest, RegisterTablesOfTheConfigFileLiveWithTheProcess) {
  Confdir c;
  c.AddTemplate("t.tmpl", "{{range getvs \"/services/web/*\"}}{{.}}\n{{end}}");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/services/web\"");
  const std::string config = c.Scratch("confwatch.toml");
  WriteFile(config,
            "[[register]]\nkey = \"/services/web/{{getenv \\\"HOSTNAME\\\"}}:8080\"\n"
            "value = \"{{getenv \\\"HOSTNAME\\\"}}:8080\"\nttl = \"5s\"\n");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-config-file", config});
  // The process registers itself, and its own template sees the key.
  ASSERT_TRUE(FileBecomes(c.Out("t.conf"), "localhost:8080\n")) << p.Log();
  absl::StatusOr<std::optional<KeyValue>> got = client_->Get("/services/web/localhost:8080");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ("localhost:8080", (*got)->value);
  EXPECT_NE(0, (*got)->lease) << "bound to a lease";
  EXPECT_EQ(0, p.Stop()) << p.Log();
  got = client_->Get("/services/web/localhost:8080");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value()) << "SIGTERM revokes the lease: the key is gone at once";
}

TEST_F(OpsTest, BrokenRegisterTemplateStopsStartupAndRegistersNothing) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"");
  const std::string config = c.Scratch("confwatch.toml");
  WriteFile(config, "[[register]]\nkey = \"/services/web/{{hostname\"\nvalue = \"x\"\n");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-config-file", config});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(2, *code) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "[[register]]")) << p.Log();
  absl::StatusOr<Snapshot> all = client_->RangePrefix("/services/");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(all->kvs.empty());
}

// A value is data: rendered into the file, never into a command line and
// never into the log, whatever it contains.
TEST_F(OpsTest, SecretValuesNeverReachAShellOrTheLog) {
  Confdir c;
  const std::string secret = absl::StrCat("$(touch ", c.Scratch("pwned1"), ")`touch ",
                                          c.Scratch("pwned2"), "`;touch ", c.Scratch("pwned3"),
                                          " #s3cr3t-value");
  ASSERT_TRUE(client_->Put("/app/db/password", secret).ok());
  c.AddTemplate("db.tmpl", "password={{getv \"/app/db/password\"}}\n");
  c.AddResource("db.toml", "db.tmpl", "db.ini", "\"/app/db\"",
                "mode = \"0600\"\ncheck_cmd = \"grep -q password= {{.src}}\"\n"
                "reload_cmd = \"cat {{.dest}} > /dev/null\"\n");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-log-level", "debug"});
  ASSERT_TRUE(FileBecomes(c.Out("db.ini"), absl::StrCat("password=", secret, "\n"))) << p.Log();
  struct stat st {};
  ASSERT_EQ(0, stat(c.Out("db.ini").c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 07777);
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p.Log(), "reloaded"); })) << p.Log();
  EXPECT_EQ(0, p.Stop()) << p.Log();
  for (const char* f : {"pwned1", "pwned2", "pwned3"}) {
    EXPECT_FALSE(ReadWholeFile(c.Scratch(f)).has_value()) << f << " was created by a shell";
  }
  EXPECT_FALSE(absl::StrContains(p.Log(), "s3cr3t")) << p.Log();
}

}  // namespace
}  // namespace confwatch
