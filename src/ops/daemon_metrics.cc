// See daemon_metrics.h.
#include "ops/daemon_metrics.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace confwatch {

absl::Status DaemonReadiness(const DaemonStats& stats,
                             const std::vector<ResourceLoadError>& load_errors, bool watch_mode) {
  std::vector<std::string> reasons;
  for (const ResourceLoadError& e : load_errors) reasons.push_back(LoadErrorText(e));
  if (!stats.all_rendered.load()) {
    reasons.push_back("waiting for the first render of every resource");
  }
  if (watch_mode && !stats.source_connected.load()) {
    reasons.push_back("the key source is not connected");
  }
  if (reasons.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("not ready: ", absl::StrJoin(reasons, "; ")));
}

void AppendDaemonMetrics(const DaemonStats& stats,
                         const std::vector<ResourceLoadError>& load_errors, bool watch_mode,
                         PrometheusText* out) {
  struct CounterSpec {
    const char* name;
    const char* help;
    const std::atomic<int64_t>& value;
  };
  const CounterSpec counters[] = {
      {"confwatch_renders_total", "Template renders attempted, failed ones included.",
       stats.renders},
      {"confwatch_render_errors_total", "Template renders that failed.", stats.render_errors},
      {"confwatch_installs_total",
       "Files written at their destination (content, mode or owner changed).", stats.installs},
      {"confwatch_install_errors_total",
       "Installs that failed (check_cmd refused the file, or an I/O error).", stats.install_errors},
      {"confwatch_reloads_total", "Reload commands run or reload signals sent.", stats.reloads},
      {"confwatch_reload_errors_total", "Reloads that failed.", stats.reload_errors},
      {"confwatch_watch_events_total", "Key changes received from the key source.",
       stats.watch_events},
      {"confwatch_resyncs_total",
       "Prefixes re-read from the key source after a compaction or a lost watch.", stats.resyncs},
      {"confwatch_config_reloads_total", "Reloads of conf.d and templates (inotify or SIGHUP).",
       stats.config_reloads},
  };
  for (const CounterSpec& c : counters) out->Counter(c.name, c.help, c.value.load());
  out->Gauge("confwatch_revision", "Key source revision the rendered files reflect.",
             stats.revision.load());
  out->Gauge("confwatch_source_connected", "1 while the key source is reachable, else 0.",
             stats.source_connected.load());
  out->Gauge("confwatch_ready",
             "1 when every resource loaded and rendered at least once (and, in watch mode, "
             "the source is connected), else 0.",
             DaemonReadiness(stats, load_errors, watch_mode).ok());
  out->Gauge("confwatch_resource_load_errors",
             "Resources of conf.d that failed to load (bad TOML, template or keys).",
             static_cast<int64_t>(load_errors.size()));
  for (const ResourceLoadError& e : load_errors) {
    out->Gauge("confwatch_resource_load_error",
               "1 for each resource that failed to load; absent once it loads.", int64_t{1},
               {{"resource", e.name.empty() ? "conf.d" : e.name}});
  }
}

MetricsCollector DaemonMetricsCollector(
    const DaemonStats* stats, std::function<std::vector<ResourceLoadError>()> load_errors,
    bool watch_mode) {
  return [stats, load_errors = std::move(load_errors), watch_mode](PrometheusText* out) {
    AppendDaemonMetrics(*stats, load_errors(), watch_mode, out);
  };
}

}  // namespace confwatch
