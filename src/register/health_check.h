// Health checks of a self-registered service: is the thing we advertise in
// etcd actually serving? A check target is written as
//   tcp://host:port        healthy when a TCP connect succeeds
//   http://host[:port]/p   healthy on a 2xx answer to GET (https:// too)
//   anything else          a shell command (/bin/sh -c), healthy on exit 0
// and every check is bounded by a timeout. The Registrar only sees the
// HealthChecker interface, so its unit tests use a fake; the real checkers
// are tested against real listeners and commands in tests/integration.
//
// Thread-safety: ParseHealthTarget is pure. A HealthChecker is used by one
// thread at a time (the Registrar's).
#ifndef CONFWATCH_REGISTER_HEALTH_CHECK_H_
#define CONFWATCH_REGISTER_HEALTH_CHECK_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "process/command_runner.h"

namespace confwatch {

struct HealthTarget {
  enum class Kind { kTcp, kHttp, kCommand };
  Kind kind = Kind::kCommand;
  std::string text;     // as written, for logs
  std::string host;     // kTcp
  int port = 0;         // kTcp
  std::string command;  // kCommand
};

// Parses a target as described above. Errors (InvalidArgument):
//   `health check "tcp://web": expected tcp://host:port`
//   `health check "tcp://web:x": port must be a number 1-65535`
//   `health check "http://": expected http://host[:port]/path`
//   `health check "udp://x:1": unsupported scheme "udp" (use tcp://, http://, https:// or a command)`
//   `health check must not be empty`
absl::StatusOr<HealthTarget> ParseHealthTarget(absl::string_view text);

class HealthChecker {
 public:
  virtual ~HealthChecker() = default;
  // OK when healthy; otherwise why not, e.g. "tcp://127.0.0.1:8080: connect:
  // Connection refused", "http://h/health: status 503", "command exited 1".
  // Returns within about the checker's timeout.
  virtual absl::Status Check() = 0;
};

// The real checker for `target`, each check bounded by `timeout`. `runner`
// runs command checks and must outlive the checker (unused for tcp/http).
std::unique_ptr<HealthChecker> MakeHealthChecker(const HealthTarget& target,
                                                 absl::Duration timeout,
                                                 CommandRunner* runner);

}  // namespace confwatch

#endif  // CONFWATCH_REGISTER_HEALTH_CHECK_H_
