// DaemonStats: the daemon's counters, read by metrics and tests from any
// thread while the event loop and the install worker update them.
//
// Thread-safety: every field is atomic; read them one at a time.
#ifndef CONFWATCH_DAEMON_DAEMON_STATS_H_
#define CONFWATCH_DAEMON_DAEMON_STATS_H_

#include <atomic>
#include <cstdint>

namespace confwatch {

struct DaemonStats {
  std::atomic<int64_t> renders{0};
  std::atomic<int64_t> render_errors{0};
  std::atomic<int64_t> installs{0};
  std::atomic<int64_t> install_errors{0};
  std::atomic<int64_t> reloads{0};        // reload runs that succeeded (a shared one counts once)
  std::atomic<int64_t> reload_errors{0};  // reload runs that failed
  std::atomic<int64_t> watch_events{0};
  std::atomic<int64_t> resyncs{0};
  std::atomic<int64_t> config_reloads{0};
  std::atomic<int64_t> revision{0};
  std::atomic<bool> source_connected{false};
  // Every resource of conf.d loaded and rendered at least once: false while
  // one fails to load (Daemon::LoadErrors() names it).
  std::atomic<bool> all_rendered{false};
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_DAEMON_STATS_H_
