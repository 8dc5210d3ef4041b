// Tests of the HTTP message parsing and formatting (http/http_message.h).
#include "http/http_message.h"

#include <string>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(ParseRequestHead, SplitsTheRequestLinePathQueryAndHeaders) {
  absl::StatusOr<HttpRequest> r =
      ParseRequestHead("GET /metrics?name=x HTTP/1.1\r\nHost: a:1\r\nAccept:  */* \r\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("GET", r->method);
  EXPECT_EQ("/metrics", r->path);
  EXPECT_EQ("name=x", r->query);
  EXPECT_EQ("HTTP/1.1", r->version);
  ASSERT_EQ(2u, r->headers.size());
  EXPECT_EQ("a:1", HeaderValue(r->headers, "host"));
  EXPECT_EQ("*/*", HeaderValue(r->headers, "ACCEPT"));
  EXPECT_EQ("", HeaderValue(r->headers, "Missing"));
}

TEST(ParseRequestHead, BareLineFeedsAndHttp10AreAccepted) {
  absl::StatusOr<HttpRequest> r = ParseRequestHead("HEAD /healthz HTTP/1.0\nX: y\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("HEAD", r->method);
  EXPECT_EQ("y", HeaderValue(r->headers, "x"));
}

TEST(ParseRequestHead, MalformedHeadsAreRefusedSayingWhatIsWrong) {
  const struct {
    const char* head;
    const char* error;
  } cases[] = {
      {"", "empty request"},
      {"GET /\r\n", "request line \"GET /\" has 2 parts, want method, target and version"},
      {"GET  / HTTP/1.1\r\n",
       "request line \"GET  / HTTP/1.1\" has 4 parts, want method, target and version"},
      {"G(T / HTTP/1.1\r\n", "bad method \"G(T\""},
      {"GET / HTTP/2.0\r\n", "unsupported version \"HTTP/2.0\""},
      {"GET metrics HTTP/1.1\r\n", "target \"metrics\" must start with /"},
      {"GET / HTTP/1.1\r\nno colon\r\n", "bad header line \"no colon\""},
      {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n", "bad header line \" folded\""},
      {"GET / HTTP/1.1\r\nBad Name: x\r\n", "bad header line \"Bad Name: x\""},
  };
  for (const auto& c : cases) {
    absl::StatusOr<HttpRequest> r = ParseRequestHead(c.head);
    EXPECT_EQ(absl::StatusCode::kInvalidArgument, r.status().code()) << c.head;
    EXPECT_EQ(c.error, r.status().message()) << c.head;
  }
}

TEST(FormatResponse, CarriesLengthTypeAndConnectionClose) {
  HttpResponse r;
  r.status = 405;
  r.body = "no\n";
  r.headers.emplace_back("Allow", "GET, HEAD");
  EXPECT_EQ(
      "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 3\r\nConnection: close\r\nAllow: GET, HEAD\r\n\r\nno\n",
      FormatResponse(r, false));
}

TEST(FormatResponse, HeadKeepsTheHeadersAndTheLengthButNotTheBody) {
  HttpResponse r;
  r.body = "12345";
  EXPECT_EQ(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 5\r\nConnection: close\r\n\r\n",
      FormatResponse(r, true));
}

TEST(ParseResponseHead, ReadsTheStatusAndHeaders) {
  absl::StatusOr<HttpResponseHead> r =
      ParseResponseHead("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(503, r->status);
  EXPECT_EQ("4", HeaderValue(r->headers, "content-length"));
  EXPECT_EQ(204, ParseResponseHead("HTTP/1.0 204\r\n")->status);
}

TEST(ParseResponseHead, RefusesWhatIsNotAStatusLine) {
  for (const char* head : {"SSH-2.0-OpenSSH_9.2\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/1.1 abc OK\r\n",
                           "HTTP/1.1\r\n", "HTTP/1.1 099 x\r\n"}) {
    absl::StatusOr<HttpResponseHead> r = ParseResponseHead(head);
    EXPECT_EQ(absl::StatusCode::kInvalidArgument, r.status().code()) << head;
    EXPECT_EQ(0u, r.status().message().find("bad status line \"")) << r.status();
  }
}

// Fed one byte at a time and all at once, the scanner must say the same.
RequestHeadScanner::State FeedBytewise(RequestHeadScanner* s, absl::string_view data) {
  RequestHeadScanner::State state = RequestHeadScanner::State::kNeedMore;
  for (char c : data) state = s->Feed(absl::string_view(&c, 1));
  return state;
}

TEST(RequestHeadScanner, FindsTheHeadEndSkippingLeadingEmptyLinesInAnyPieces) {
  using State = RequestHeadScanner::State;
  const struct {
    const char* received;
    State state;
    const char* head;
  } cases[] = {
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", State::kComplete, "GET / HTTP/1.1\r\nHost: h\r\n"},
      {"GET / HTTP/1.1\n\nbody", State::kComplete, "GET / HTTP/1.1\n"},
      {"GET / HTTP/1.1\n\r\n", State::kComplete, "GET / HTTP/1.1\n"},
      {"\r\n\nGET / HTTP/1.1\r\n\r\n", State::kComplete, "GET / HTTP/1.1\r\n"},
      {"\r\rGET / HTTP/1.1\r\n\r\n", State::kComplete, "\r\rGET / HTTP/1.1\r\n"},
      {"GET / HTTP/1.1\r\nHost:", State::kNeedMore, ""},
      {"\r\n\r\n", State::kNeedMore, ""},
      {"GET / HTTP/1.1\r\nX: 0123456789\r\n\r\n", State::kTooLarge, ""},  // 33 bytes
      {"\r\n\r\nGET / HTTP/1.1\r\nX: 01234\r\n\r\n", State::kComplete,
       "GET / HTTP/1.1\r\nX: 01234\r\n"},  // 28 bytes after the skipped lines
      {"\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r", State::kTooLarge, ""},
  };
  for (const auto& c : cases) {
    RequestHeadScanner at_once(30);
    RequestHeadScanner bytewise(30);
    EXPECT_EQ(c.state, at_once.Feed(c.received)) << c.received;
    EXPECT_EQ(c.state, FeedBytewise(&bytewise, c.received)) << c.received;
    if (c.state == State::kComplete) {
      EXPECT_EQ(c.head, at_once.head());
      EXPECT_EQ(c.head, bytewise.head());
    }
  }
}

TEST(RequestHeadScanner, AHeadEndingExactlyAtTheLimitFits) {
  const std::string head = "GET / HTTP/1.1\r\nX: " + std::string(10, 'a') + "\r\n\r\n";
  RequestHeadScanner fits(head.size());
  EXPECT_EQ(RequestHeadScanner::State::kComplete, fits.Feed(head));
  RequestHeadScanner one_short(head.size() - 1);
  EXPECT_EQ(RequestHeadScanner::State::kTooLarge, one_short.Feed(head));
  // Once decided, more bytes change nothing.
  EXPECT_EQ(RequestHeadScanner::State::kComplete, fits.Feed("GET /x HTTP/1.1\r\n\r\n"));
  EXPECT_EQ("GET / HTTP/1.1\r\nX: aaaaaaaaaa\r\n", fits.head());
}

}  // namespace
}  // namespace confwatch
