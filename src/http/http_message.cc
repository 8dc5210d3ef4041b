// See http_message.h.
#include "http/http_message.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"

namespace confwatch {
namespace {

// RFC 9110 token characters (method and header names).
bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (absl::ascii_isalnum(c)) continue;
    if (absl::string_view("!#$%&'*+-.^_`|~").find(c) == absl::string_view::npos) return false;
  }
  return true;
}

std::vector<absl::string_view> Lines(absl::string_view head) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, '\n');
  for (absl::string_view& l : lines) absl::ConsumeSuffix(&l, "\r");
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Header lines after the first one. Obsolete line folding (a line starting
// with blank space) is refused, as RFC 9112 allows a server to.
absl::Status ParseHeaders(const std::vector<absl::string_view>& lines, HttpHeaders* out) {
  for (size_t i = 1; i < lines.size(); ++i) {
    const absl::string_view line = lines[i];
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon))) {
      return absl::InvalidArgumentError(absl::StrCat("bad header line \"", absl::CHexEscape(line), "\""));
    }
    out->emplace_back(std::string(line.substr(0, colon)),
                      std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return absl::OkStatus();
}

}  // namespace

std::string HeaderValue(const HttpHeaders& headers, absl::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

absl::StatusOr<HttpRequest> ParseRequestHead(absl::string_view head) {
  const std::vector<absl::string_view> lines = Lines(head);
  if (lines.empty()) return absl::InvalidArgumentError("empty request");
  const std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("request line \"", absl::CHexEscape(lines[0]), "\" has ", parts.size(),
                     " parts, want method, target and version"));
  }
  HttpRequest r;
  if (!IsToken(parts[0])) {
    return absl::InvalidArgumentError(absl::StrCat("bad method \"", absl::CHexEscape(parts[0]), "\""));
  }
  if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported version \"", absl::CHexEscape(parts[2]), "\""));
  }
  if (!absl::StartsWith(parts[1], "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("target \"", absl::CHexEscape(parts[1]), "\" must start with /"));
  }
  r.method = std::string(parts[0]);
  r.version = std::string(parts[2]);
  const size_t q = parts[1].find('?');
  r.path = std::string(parts[1].substr(0, q));
  if (q != absl::string_view::npos) r.query = std::string(parts[1].substr(q + 1));
  if (absl::Status s = ParseHeaders(lines, &r.headers); !s.ok()) return s;
  return r;
}

RequestHeadScanner::State RequestHeadScanner::Feed(absl::string_view data) {
  for (char c : data) {
    if (state_ != State::kNeedMore) break;
    state_ = Take(c);
  }
  return state_;
}

RequestHeadScanner::State RequestHeadScanner::Take(char c) {
  if (!started_) {
    if (c == '\n') {
      leading_crs_ = 0;  // an empty line: skipped
      return State::kNeedMore;
    }
    if (c == '\r') return ++leading_crs_ >= limit_ ? State::kTooLarge : State::kNeedMore;
    started_ = true;
    head_.assign(leading_crs_, '\r');
  }
  head_.push_back(c);
  const size_t n = head_.size();
  if (c == '\n' && n >= 2 && head_[n - 2] == '\n') {
    head_.pop_back();  // "\n\n": keep the first LF, the last line's ending
    return State::kComplete;
  }
  if (c == '\n' && n >= 3 && head_[n - 2] == '\r' && head_[n - 3] == '\n') {
    head_.resize(n - 2);
    return State::kComplete;
  }
  return n >= limit_ ? State::kTooLarge : State::kNeedMore;
}

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string FormatResponse(const HttpResponse& response, bool head_only) {
  std::string out = absl::StrCat("HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status),
                                 "\r\nContent-Type: ", response.content_type,
                                 "\r\nContent-Length: ", response.body.size(),
                                 "\r\nConnection: close\r\n");
  for (const auto& [key, value] : response.headers) absl::StrAppend(&out, key, ": ", value, "\r\n");
  out += "\r\n";
  if (!head_only) out += response.body;
  return out;
}

absl::StatusOr<HttpResponseHead> ParseResponseHead(absl::string_view head) {
  const std::vector<absl::string_view> lines = Lines(head);
  HttpResponseHead r;
  // "HTTP/1.1 200 OK": version, a 3-digit code, an optional reason.
  const absl::string_view first = lines.empty() ? "" : lines[0];
  const std::vector<absl::string_view> parts = absl::StrSplit(first, absl::MaxSplits(' ', 2));
  if (parts.size() < 2 || !absl::StartsWith(parts[0], "HTTP/1.") || parts[1].size() != 3 ||
      !absl::SimpleAtoi(parts[1], &r.status) || r.status < 100) {
    return absl::InvalidArgumentError(absl::StrCat("bad status line \"", absl::CHexEscape(first), "\""));
  }
  if (absl::Status s = ParseHeaders(lines, &r.headers); !s.ok()) return s;
  return r;
}

}  // namespace confwatch
