// HttpGet fetches one URL with GET over HTTP/1.1 (Connection: close): the
// tiny client behind the http(s):// health check and the tests' and
// benchmark's scrapes of /metrics. http:// on a plain socket, https://
// through OpenSSL (tls_stream.h) with the server certificate verified
// against the system's CAs (or options.ca_file) and the host name; OpenSSL
// is touched only when an https URL is fetched. Reads Content-Length,
// chunked and until-close bodies; no redirects, no keep-alive, no proxies.
//
// Thread-safety: thread-safe (no shared state).
#ifndef CONFWATCH_HTTP_HTTP_CLIENT_H_
#define CONFWATCH_HTTP_HTTP_CLIENT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "http/http_message.h"

namespace confwatch {

struct HttpGetOptions {
  absl::Duration timeout = absl::Seconds(5);  // the whole exchange, connect to last byte
  size_t max_body_bytes = 64 << 20;
  std::string ca_file;  // https: PEM CA bundle instead of the system's
};

struct HttpReply {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// Any status is a reply (the caller judges 404 or 503). Errors say the
// step, the caller names the URL:
//   InvalidArgument: `want http://host[:port]/path or https://...`
//   Unavailable: "connect: Connection refused", "resolve: ...",
//     "read: Connection reset by peer", "tls: certificate verify failed: ..."
//   DeadlineExceeded: "timed out after 2s"
//   DataLoss: `bad status line "..."`, "connection closed before the end of the body"
absl::StatusOr<HttpReply> HttpGet(absl::string_view url, const HttpGetOptions& options = {});

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_HTTP_CLIENT_H_
