// StartTls turns a connected socket into a TLS client ByteStream (OpenSSL),
// for https:// in the HTTP client. The server certificate must chain to the
// system's CAs (or those in `ca_file`) and match `host` (a DNS name, sent
// as SNI, or an IP address). OpenSSL initializes itself on the first call,
// so a confwatch without https checks never initializes it.
//
// Thread-safety: the returned stream is used by one thread at a time;
// StartTls itself is thread-safe.
#ifndef CONFWATCH_HTTP_TLS_STREAM_H_
#define CONFWATCH_HTTP_TLS_STREAM_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http/byte_stream.h"

namespace confwatch {

// Errors (Unavailable) begin with "tls: ", e.g.
//   "tls: certificate verify failed: self-signed certificate"
//   "tls: handshake: ..." (OpenSSL's reason), DeadlineExceeded "timed out".
absl::StatusOr<std::unique_ptr<ByteStream>> StartTls(std::unique_ptr<FdStream> transport,
                                                     const std::string& host,
                                                     const std::string& ca_file,
                                                     absl::Time deadline);

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_TLS_STREAM_H_
