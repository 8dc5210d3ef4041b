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

// RequestHeadScanner finds the end of a request head in bytes that arrive
// in pieces (the server's event loop feeds it what each read() returned),
// looking at each byte once, so a client sending one byte at a time costs
// O(head) in all, not O(head^2). The rules, the same as for a head read in
// one go:
//  - empty lines before the request line are skipped (RFC 9112 2.2: some
//    clients send a CRLF after a previous request's body); a CR not
//    followed by LF there is kept and belongs to the head;
//  - the head ends at the first empty line, "\n\n" or "\n\r\n";
//  - the head and its ending empty line must fit in `limit` bytes, counted
//    from the first byte not skipped: kTooLarge once `limit` bytes came
//    without the end.
// Bytes after the end (a body) are not looked at.
//
// Thread-safety: a plain value; one thread at a time.
class RequestHeadScanner {
 public:
  enum class State { kNeedMore, kComplete, kTooLarge };

  explicit RequestHeadScanner(size_t limit) : limit_(limit) {}

  // Takes the next bytes received and says where the head stands. Once it
  // returned kComplete or kTooLarge, later calls change nothing.
  State Feed(absl::string_view data);

  // The head, request line and header lines each with its line ending,
  // without the empty line that ended it: what ParseRequestHead() takes.
  // REQUIRES: Feed() returned kComplete.
  const std::string& head() const { return head_; }

 private:
  State Take(char c);

  size_t limit_;
  State state_ = State::kNeedMore;
  bool started_ = false;      // a byte other than CR/LF came
  size_t leading_crs_ = 0;    // CRs seen before the head, since the last LF
  std::string head_;
};

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
