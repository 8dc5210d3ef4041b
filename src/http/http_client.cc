// See http_client.h.
#include "http/http_client.h"

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "http/byte_stream.h"
#include "http/tcp_connect.h"
#include "http/tls_stream.h"

namespace confwatch {
namespace {

constexpr size_t kMaxHeadBytes = 64 << 10;

struct Url {
  bool tls = false;
  std::string host;  // without brackets
  int port = 0;
  std::string authority;  // as written, for the Host header
  std::string path;
};

absl::StatusOr<Url> ParseUrl(absl::string_view text) {
  const absl::Status bad =
      absl::InvalidArgumentError("want http://host[:port]/path or https://host[:port]/path");
  Url u;
  const size_t sep = text.find("://");
  if (sep == absl::string_view::npos) return bad;
  const std::string scheme = absl::AsciiStrToLower(text.substr(0, sep));
  if (scheme != "http" && scheme != "https") return bad;
  u.tls = scheme == "https";
  u.port = u.tls ? 443 : 80;
  absl::string_view rest = text.substr(sep + 3);
  const size_t slash = rest.find('/');
  u.authority = std::string(rest.substr(0, slash));
  u.path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  absl::string_view host = u.authority;
  absl::string_view port;
  if (absl::ConsumePrefix(&host, "[")) {  // [v6] or [v6]:port
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return bad;
    port = host.substr(close + 1);
    host = host.substr(0, close);
    if (!port.empty() && !absl::ConsumePrefix(&port, ":")) return bad;
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return bad;
  if (!port.empty() && (!absl::SimpleAtoi(port, &u.port) || u.port < 1 || u.port > 65535)) return bad;
  u.host = std::string(host);
  return u;
}

absl::Status ReadChunkedBody(StreamReader* reader, size_t limit, absl::Time deadline,
                             std::string* body) {
  for (;;) {
    absl::StatusOr<std::string> line = reader->ReadLine(1024, deadline);
    if (!line.ok()) return line.status();
    const absl::string_view size_text = absl::StripAsciiWhitespace(
        absl::string_view(*line).substr(0, line->find(';')));
    uint64_t size = 0;
    if (!absl::SimpleHexAtoi(size_text, &size)) {
      return absl::DataLossError(absl::StrCat("bad chunk size \"", absl::CHexEscape(*line), "\""));
    }
    if (size == 0) break;
    if (body->size() + size > limit) {
      return absl::ResourceExhaustedError(absl::StrCat("body longer than ", limit, " bytes"));
    }
    if (absl::Status s = reader->ReadExact(size, deadline, body); !s.ok()) return s;
    if (absl::StatusOr<std::string> crlf = reader->ReadLine(2, deadline); !crlf.ok()) {
      return crlf.status();
    }
  }
  for (;;) {  // trailer fields up to the empty line
    absl::StatusOr<std::string> line = reader->ReadLine(8192, deadline);
    if (!line.ok()) return line.status();
    if (line->empty()) return absl::OkStatus();
  }
}

absl::Status ReadBody(StreamReader* reader, const HttpReply& reply, size_t limit,
                      absl::Time deadline, std::string* body) {
  if (reply.status < 200 || reply.status == 204 || reply.status == 304) return absl::OkStatus();
  if (absl::StrContains(absl::AsciiStrToLower(HeaderValue(reply.headers, "Transfer-Encoding")), "chunked")) {
    return ReadChunkedBody(reader, limit, deadline, body);
  }
  const std::string length = HeaderValue(reply.headers, "Content-Length");
  if (length.empty()) return reader->ReadToEnd(limit, deadline, body);
  uint64_t n = 0;
  if (!absl::SimpleAtoi(length, &n)) {
    return absl::DataLossError(absl::StrCat("bad Content-Length \"", absl::CHexEscape(length), "\""));
  }
  if (n > limit) return absl::ResourceExhaustedError(absl::StrCat("body longer than ", limit, " bytes"));
  return reader->ReadExact(n, deadline, body);
}

absl::StatusOr<HttpReply> Exchange(ByteStream* stream, const Url& url, const HttpGetOptions& options,
                                   absl::Time deadline) {
  const std::string request =
      absl::StrCat("GET ", url.path, " HTTP/1.1\r\nHost: ", url.authority,
                   "\r\nUser-Agent: confwatch\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  if (absl::Status s = stream->Write(request, deadline); !s.ok()) return s;
  StreamReader reader(stream);
  absl::StatusOr<std::string> head = reader.ReadHead(kMaxHeadBytes, deadline);
  if (!head.ok()) return head.status();
  absl::StatusOr<HttpResponseHead> parsed = ParseResponseHead(*head);
  if (!parsed.ok()) return absl::DataLossError(parsed.status().message());
  HttpReply reply;
  reply.status = parsed->status;
  reply.headers = std::move(parsed->headers);
  absl::Status body = ReadBody(&reader, reply, options.max_body_bytes, deadline, &reply.body);
  if (absl::IsFailedPrecondition(body)) {
    return absl::DataLossError("connection closed before the end of the body");
  }
  if (!body.ok()) return body;
  return reply;
}

}  // namespace

absl::StatusOr<HttpReply> HttpGet(absl::string_view url_text, const HttpGetOptions& options) {
  absl::StatusOr<Url> url = ParseUrl(url_text);
  if (!url.ok()) return url.status();
  const absl::Time deadline = absl::Now() + options.timeout;
  absl::StatusOr<HttpReply> reply = [&]() -> absl::StatusOr<HttpReply> {
    absl::StatusOr<int> fd = TcpConnect(url->host, url->port, deadline);
    if (!fd.ok()) return fd.status();
    auto plain = std::make_unique<FdStream>(*fd);
    if (!url->tls) return Exchange(plain.get(), *url, options, deadline);
    absl::StatusOr<std::unique_ptr<ByteStream>> tls =
        StartTls(std::move(plain), url->host, options.ca_file, deadline);
    if (!tls.ok()) return tls.status();
    return Exchange(tls->get(), *url, options, deadline);
  }();
  if (absl::IsDeadlineExceeded(reply.status())) {
    return absl::DeadlineExceededError(
        absl::StrCat("timed out after ", absl::FormatDuration(options.timeout)));
  }
  if (absl::IsFailedPrecondition(reply.status())) {
    return absl::DataLossError("connection closed before the answer");
  }
  return reply;
}

}  // namespace confwatch
