// The daemon's counters as Prometheus families, and its readiness.
//
//   confwatch_renders_total            counter  renders attempted (failed ones included)
//   confwatch_render_errors_total      counter  renders that failed
//   confwatch_installs_total           counter  files written (content, mode or owner changed)
//   confwatch_install_errors_total     counter  installs that failed (check_cmd, I/O)
//   confwatch_reloads_total            counter  reload commands/signals run
//   confwatch_reload_errors_total      counter  reloads that failed
//   confwatch_watch_events_total       counter  key changes received from the source
//   confwatch_resyncs_total            counter  prefix re-reads (compaction, lost watch)
//   confwatch_config_reloads_total     counter  conf.d/template reloads (inotify, SIGHUP)
//   confwatch_revision                 gauge    store revision the files reflect
//   confwatch_source_connected         gauge    1 while the key source is reachable
//   confwatch_ready                    gauge    1 when /readyz says ready
//   confwatch_resource_load_errors     gauge    resources of conf.d that failed to load
//   confwatch_resource_load_error{resource="b.toml"}  gauge  1, one series per
//                                      resource failing to load now (none when all load)
//
// Readiness: every resource of conf.d loaded and rendered at least once, and
// (in watch mode) the source connected. A resource that fails to load (bad
// TOML, a template that does not parse, bad keys) was never rendered, so it
// keeps the daemon not ready until a configuration reload loads it. Interval
// mode never sets source_connected (it reads, it does not follow), so it is
// ready once everything loaded and rendered.
//
// Thread-safety: every function reads the DaemonStats atomics and the list of
// load errors it is given (a copy); call them from any thread.
#ifndef CONFWATCH_OPS_DAEMON_METRICS_H_
#define CONFWATCH_OPS_DAEMON_METRICS_H_

#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "daemon/daemon_stats.h"
#include "ops/prometheus_text.h"
#include "resource/resource_loader.h"

namespace confwatch {

// OK when ready; otherwise FailedPrecondition whose message is the reason,
// each that holds in this order, joined by "; ": every load error as
// LoadErrorText() words it ("conf.d/b.toml failed to load: ..."), "waiting for
// the first render of every resource", "the key source is not connected".
// `load_errors` is Daemon::LoadErrors().
absl::Status DaemonReadiness(const DaemonStats& stats,
                             const std::vector<ResourceLoadError>& load_errors, bool watch_mode);

// Appends the families listed above to *out.
void AppendDaemonMetrics(const DaemonStats& stats,
                         const std::vector<ResourceLoadError>& load_errors, bool watch_mode,
                         PrometheusText* out);

// A collector for MetricsRegistry; `load_errors` is called on every scrape
// (Daemon::LoadErrors). REQUIRES: *stats and what `load_errors` reads outlive
// the registry's last Render() (stop the MetricsServer before destroying the
// Daemon).
MetricsCollector DaemonMetricsCollector(
    const DaemonStats* stats, std::function<std::vector<ResourceLoadError>()> load_errors,
    bool watch_mode);

}  // namespace confwatch

#endif  // CONFWATCH_OPS_DAEMON_METRICS_H_
