// TcpConnect opens a TCP connection to host:port before a deadline: every
// address the name resolves to is tried in turn (non-blocking connect, so a
// black-holed address cannot take longer than the deadline). Used by the
// HTTP client and by the tcp:// health check.
//
// Thread-safety: thread-safe (no shared state).
#ifndef CONFWATCH_HTTP_TCP_CONNECT_H_
#define CONFWATCH_HTTP_TCP_CONNECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace confwatch {

// The connected socket (blocking mode unspecified; the caller owns it).
// Errors begin with the step: Unavailable "resolve: Name or service not
// known", "connect: Connection refused"; DeadlineExceeded "connect: timed
// out" (the deadline, or the kernel gave up); the caller
// names the target. For several addresses the last one's error is returned.
absl::StatusOr<int> TcpConnect(const std::string& host, int port, absl::Time deadline);

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_TCP_CONNECT_H_
