// Tests of the daemon's metrics and readiness (ops/daemon_metrics.h), read
// back through the strict Prometheus reader, and of the whole /metrics page
// as the daemon will serve it.
#include "ops/daemon_metrics.h"

#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "ops/metrics_server.h"
#include "tests/support/prometheus_text_check.h"

namespace confwatch {
namespace {

void SetEveryCounter(DaemonStats* stats) {
  stats->renders = 11;
  stats->render_errors = 1;
  stats->installs = 7;
  stats->install_errors = 2;
  stats->reloads = 5;
  stats->reload_errors = 3;
  stats->watch_events = 1000;
  stats->resyncs = 4;
  stats->config_reloads = 6;
  stats->revision = 123456789012;
}

TEST(DaemonMetrics, EveryCounterUnderItsNameAndType) {
  DaemonStats stats;
  SetEveryCounter(&stats);
  PrometheusText text;
  AppendDaemonMetrics(stats, /*load_errors=*/{}, /*watch_mode=*/true, &text);
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(text.str());
  ASSERT_TRUE(samples.ok()) << samples.status() << "\n" << text.str();
  const struct {
    const char* name;
    const char* type;
    double value;
  } want[] = {
      {"confwatch_renders_total", "counter", 11},
      {"confwatch_render_errors_total", "counter", 1},
      {"confwatch_installs_total", "counter", 7},
      {"confwatch_install_errors_total", "counter", 2},
      {"confwatch_reloads_total", "counter", 5},
      {"confwatch_reload_errors_total", "counter", 3},
      {"confwatch_watch_events_total", "counter", 1000},
      {"confwatch_resyncs_total", "counter", 4},
      {"confwatch_config_reloads_total", "counter", 6},
      {"confwatch_revision", "gauge", 123456789012},
      {"confwatch_source_connected", "gauge", 0},
      {"confwatch_ready", "gauge", 0},
      {"confwatch_resource_load_errors", "gauge", 0},
  };
  ASSERT_EQ(std::size(want), samples->size());
  for (size_t i = 0; i < samples->size(); ++i) {
    EXPECT_EQ(want[i].name, (*samples)[i].name);
    EXPECT_EQ(want[i].type, (*samples)[i].type) << want[i].name;
    EXPECT_EQ(want[i].value, (*samples)[i].value) << want[i].name;
    EXPECT_TRUE((*samples)[i].labels.empty());
  }
  EXPECT_NE(std::string::npos, text.str().find("\nconfwatch_revision 123456789012\n"));
}

TEST(DaemonMetrics, ReadyOnlyWhenEverythingRenderedAndTheWatchIsConnected) {
  DaemonStats stats;
  EXPECT_EQ(
      "not ready: waiting for the first render of every resource; the key source is not "
      "connected",
      DaemonReadiness(stats, {}, true).message());
  stats.all_rendered = true;
  EXPECT_EQ("not ready: the key source is not connected", DaemonReadiness(stats, {}, true).message());
  stats.all_rendered = false;
  stats.source_connected = true;
  EXPECT_EQ("not ready: waiting for the first render of every resource",
            DaemonReadiness(stats, {}, true).message());
  stats.all_rendered = true;
  EXPECT_TRUE(DaemonReadiness(stats, {}, true).ok());

  PrometheusText text;
  AppendDaemonMetrics(stats, {}, true, &text);
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(text.str());
  ASSERT_TRUE(samples.ok());
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_ready"));
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_source_connected"));
}

// Interval mode reads and never follows, so source_connected stays false.
TEST(DaemonMetrics, IntervalModeIsReadyOnceEverythingRendered) {
  DaemonStats stats;
  EXPECT_EQ("not ready: waiting for the first render of every resource",
            DaemonReadiness(stats, {}, false).message());
  stats.all_rendered = true;
  EXPECT_TRUE(DaemonReadiness(stats, {}, false).ok());
}

// A resource that failed to load was never rendered: not ready, naming each
// one, even when every resource that loaded rendered and the watch is up.
TEST(DaemonMetrics, AResourceThatFailedToLoadKeepsItNotReadyAndIsNamed) {
  DaemonStats stats;
  stats.all_rendered = true;
  stats.source_connected = true;
  const std::vector<ResourceLoadError> load_errors = {
      {"b.toml", absl::InvalidArgumentError("/etc/confd/conf.d/b.toml:3:7: expected a value")},
      {"app/c.toml", absl::InvalidArgumentError("app/c.toml: template: c.tmpl:1: unexpected EOF")},
  };
  EXPECT_EQ(
      "not ready: conf.d/b.toml failed to load: /etc/confd/conf.d/b.toml:3:7: expected a value; "
      "conf.d/app/c.toml failed to load: app/c.toml: template: c.tmpl:1: unexpected EOF",
      DaemonReadiness(stats, load_errors, true).message());
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition,
            DaemonReadiness(stats, load_errors, false).code());
  stats.all_rendered = false;
  EXPECT_EQ(
      "not ready: conf.d/b.toml failed to load: /etc/confd/conf.d/b.toml:3:7: expected a value; "
      "conf.d/app/c.toml failed to load: app/c.toml: template: c.tmpl:1: unexpected EOF; "
      "waiting for the first render of every resource",
      DaemonReadiness(stats, load_errors, true).message());

  PrometheusText text;
  AppendDaemonMetrics(stats, load_errors, true, &text);
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(text.str());
  ASSERT_TRUE(samples.ok()) << samples.status() << "\n" << text.str();
  EXPECT_EQ(0, SampleValue(*samples, "confwatch_ready"));
  EXPECT_EQ(2, SampleValue(*samples, "confwatch_resource_load_errors"));
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_resource_load_error", {{"resource", "b.toml"}}));
  EXPECT_EQ(1,
            SampleValue(*samples, "confwatch_resource_load_error", {{"resource", "app/c.toml"}}));
}

// An error listing conf.d itself belongs to no one file.
TEST(DaemonMetrics, ConfdListingErrorIsNamedConfd) {
  DaemonStats stats;
  stats.all_rendered = true;
  const std::vector<ResourceLoadError> load_errors = {
      {"", absl::PermissionDeniedError("IO error: /etc/confd/conf.d: Permission denied")}};
  EXPECT_EQ("not ready: conf.d failed to load: IO error: /etc/confd/conf.d: Permission denied",
            DaemonReadiness(stats, load_errors, false).message());
  PrometheusText text;
  AppendDaemonMetrics(stats, load_errors, false, &text);
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(text.str());
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_resource_load_error", {{"resource", "conf.d"}}));
}

// The page as run.cc will serve it: the daemon's families plus families the
// lead adds (a per-resource label whose value needs escaping), scraped over
// HTTP and read back strictly.
TEST(DaemonMetrics, WholeMetricsPageIsValidPrometheusText) {
  DaemonStats stats;
  SetEveryCounter(&stats);
  stats.all_rendered = true;
  stats.source_connected = true;
  MetricsRegistry registry;
  registry.Add(DaemonMetricsCollector(&stats, [] { return std::vector<ResourceLoadError>(); }, true));
  registry.Add([](PrometheusText* out) {
    for (const char* resource : {"nginx.toml", "odd \"name\"\\.toml"}) {
      out->Gauge("confwatch_resource_last_sync_timestamp_seconds",
                 "Unix time of the resource's last successful sync.", 1764684000.25,
                 {{"resource", resource}});
    }
  });
  MetricsServer server([&registry] { return registry.Render(); },
                       [&stats] { return DaemonReadiness(stats, {}, true); });
  ASSERT_TRUE(server.Start("127.0.0.1:0").ok());
  absl::StatusOr<HttpReply> res =
      HttpGet(absl::StrCat("http://127.0.0.1:", server.port(), "/metrics"));
  ASSERT_TRUE(res.ok()) << res.status();
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(res->body);
  ASSERT_TRUE(samples.ok()) << samples.status() << "\n" << res->body;
  EXPECT_EQ(15u, samples->size());
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_ready"));
  EXPECT_EQ(1764684000.25, SampleValue(*samples, "confwatch_resource_last_sync_timestamp_seconds",
                                       {{"resource", "odd \"name\"\\.toml"}}));
  EXPECT_EQ(200, HttpGet(absl::StrCat("http://127.0.0.1:", server.port(), "/readyz"))->status);
}

}  // namespace
}  // namespace confwatch
