// The HTTP/1.1 messages confwatch's small server and client exchange: the
// parsed head of a request or a response, and the text of a response.
// Only what they need: no bodies in requests, no keep-alive, no chunked
// responses from us (the client can read chunked ones).
//
// Thread-safety: plain values and pure functions.
#ifndef CONFWATCH_HTTP_HTTP_MESSAGE_H_
#define CONFWATCH_HTTP_HTTP_MESSAGE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confwatch {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Value of the first header named `name` (case-insensitive), "" if none.
std::string HeaderValue(const HttpHeaders& headers, absl::string_view name);

struct HttpRequest {
  std::string method;   // "GET"
  std::string path;     // "/metrics", without the query
  std::string query;    // after '?', "" if none
  std::string version;  // "HTTP/1.1"
  HttpHeaders headers;
};

// Parses a request head (request line and header lines, CRLF or LF, without
// the empty line). Errors (InvalidArgument) say what is wrong:
//   `request line "GET /" has 2 parts, want method, target and version`
//   `unsupported version "HTTP/2.0"`, `target "x" must start with /`,
//   `bad header line "foo"`
absl::StatusOr<HttpRequest> ParseRequestHead(absl::string_view head);

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  HttpHeaders headers;  // extra ones, e.g. Allow
};

// The whole response: status line, Content-Type, Content-Length,
// Connection: close, the extra headers, then the body unless `head_only`
// (HEAD: the same headers, no body).
std::string FormatResponse(const HttpResponse& response, bool head_only);

// "OK", "Not Found" ...; "Unknown" for codes we never send.
absl::string_view ReasonPhrase(int status);

struct HttpResponseHead {
  int status = 0;
  HttpHeaders headers;
};

// Parses a response head ("HTTP/1.1 200 OK" and header lines). Errors
// (InvalidArgument): `bad status line "..."`, `bad header line "..."`.
absl::StatusOr<HttpResponseHead> ParseResponseHead(absl::string_view head);

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_HTTP_MESSAGE_H_
