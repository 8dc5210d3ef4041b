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
//
// Readiness: every resource rendered at least once, and (in watch mode) the
// source connected. Interval mode never sets source_connected (it reads, it
// does not follow), so it is ready once everything rendered.
//
// Thread-safety: every function reads the DaemonStats atomics only; call
// them from any thread.
#ifndef CONFWATCH_OPS_DAEMON_METRICS_H_
#define CONFWATCH_OPS_DAEMON_METRICS_H_

#include "absl/status/status.h"
#include "daemon/daemon.h"
#include "ops/prometheus_text.h"

namespace confwatch {

// OK when ready; otherwise FailedPrecondition whose message is the reason,
// e.g. "not ready: waiting for the first render of every resource; the key
// source is not connected" (both reasons when both hold).
absl::Status DaemonReadiness(const DaemonStats& stats, bool watch_mode);

// Appends the families listed above to *out.
void AppendDaemonMetrics(const DaemonStats& stats, bool watch_mode, PrometheusText* out);

// A collector for MetricsRegistry. REQUIRES: *stats outlives the registry's
// last Render() (stop the MetricsServer before destroying the Daemon).
MetricsCollector DaemonMetricsCollector(const DaemonStats* stats, bool watch_mode);

}  // namespace confwatch

#endif  // CONFWATCH_OPS_DAEMON_METRICS_H_
