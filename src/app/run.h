// Run: turns parsed Options into a running confwatch — logging, the key
// source (etcd, file or env), the daemon in its mode, signal handling — and
// returns the process exit code.
//
// Exit codes (documented in the README):
//   0  everything rendered, installed and reloaded (onetime), or a clean
//      stop after SIGTERM/SIGINT (watch/interval)
//   1  at least one resource failed (each failure is logged, naming it)
//   2  bad command line, configuration file or confdir
//   3  the key source could not be read (onetime, --preflight), or the
//      SRV record (-srv-domain/-srv-record) gave no etcd node
// In exec mode (`-- command`) confwatch exits with the command's code
// instead (128+n when a signal killed it; 126/127 when it cannot start), 1
// when the templates did not all render within -exec-wait-timeout.
//
// Thread-safety: call once, from main.
#ifndef CONFWATCH_APP_RUN_H_
#define CONFWATCH_APP_RUN_H_

#include <memory>

#include "absl/status/statusor.h"
#include "app/options.h"
#include "daemon/key_source.h"

namespace confwatch {

inline constexpr int kExitOk = 0;
inline constexpr int kExitResourceFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSourceUnavailable = 3;

// The key source the options describe. Errors name the bad option.
absl::StatusOr<std::unique_ptr<KeySource>> MakeKeySource(const Options& options);

// Runs confwatch as the options say; returns the exit code. Watch, interval
// and exec modes go in three steps: build the dependencies (key source,
// registrations, supervisor, daemon), serve metrics and health, then run
// with a thread dispatching the signals.
int Run(const Options& options);

}  // namespace confwatch

#endif  // CONFWATCH_APP_RUN_H_
