// FirstWorkingAddress: resolves host:port for a TCP socket and tries each
// address getaddrinfo gives, in order, until one yields a socket: the loop
// shared by TcpConnect (connect) and HttpServer (bind and listen).
//
// Thread-safety: thread-safe (no shared state).
#ifndef CONFWATCH_HTTP_ADDRESSES_H_
#define CONFWATCH_HTTP_ADDRESSES_H_

#include <netdb.h>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace confwatch {

// `attempt` returns a socket (>= 0) or -1 with the errno in *err. The result
// is the first socket, -1 when every address failed (*err is then the last
// attempt's errno, EADDRNOTAVAIL if there was none), or Unavailable
// "resolve: <gai_strerror>". `passive` resolves for bind (AI_PASSIVE).
absl::StatusOr<int> FirstWorkingAddress(const std::string& host, int port, bool passive,
                                        absl::FunctionRef<int(const addrinfo& ai, int* err)> attempt,
                                        int* err);

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_ADDRESSES_H_
