// Tests of HttpGet (http/http_client.h) against real servers on 127.0.0.1:
// HttpServer, and a one-shot server that sends canned bytes (over TLS with
// a throw-away CA for https) so that odd answers can be played.
#include "http/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "http/http_server.h"
#include "tests/support/test_certs.h"

namespace confwatch {
namespace {

int ListenLoopback(int* port, const char* ip = "127.0.0.1") {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, ip, &addr.sin_addr);
  EXPECT_EQ(0, bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)));
  EXPECT_EQ(0, listen(fd, 16));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

struct Canned {
  const TestCerts* certs = nullptr;  // speak TLS with the test server certificate
  bool answer_at_once = false;       // do not wait for the request
  const char* ip = "127.0.0.1";
};

// Accepts one connection, reads the request head, sends `answer`, closes.
class CannedServer {
 public:
  explicit CannedServer(std::string answer, Canned how = Canned())
      : answer_(std::move(answer)), answer_at_once_(how.answer_at_once), ip_(how.ip) {
    const TestCerts* certs = how.certs;
    listen_fd_ = ListenLoopback(&port_, ip_);
    thread_ = std::thread([this, certs] { certs ? ServeTls(*certs) : ServePlain(); });
  }
  ~CannedServer() {
    Join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  std::string url(const std::string& scheme = "http") const {
    return absl::StrCat(scheme, "://", ip_, ":", port_, "/p");
  }
  // What the client sent. Waits for the server thread (the socket orders
  // its writes before the client's return, but ThreadSanitizer cannot see that).
  const std::string& request() {
    Join();
    return request_;
  }

 private:
  void Join() {
    if (!thread_.joinable()) return;
    shutdown(listen_fd_, SHUT_RDWR);  // wakes accept() if no client came
    thread_.join();
  }
  void ServePlain() {
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    char buf[4096];
    while (!answer_at_once_ && !absl::StrContains(request_, "\r\n\r\n")) {
      const ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      request_.append(buf, n);
    }
    (void)!write(fd, answer_.data(), answer_.size());
    close(fd);
  }
  void ServeTls(const TestCerts& certs) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx, certs.server_cert_file().c_str());
    SSL_CTX_use_PrivateKey_file(ctx, certs.server_key_file().c_str(), SSL_FILETYPE_PEM);
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd >= 0) {
      SSL* ssl = SSL_new(ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        char buf[4096];
        while (!absl::StrContains(request_, "\r\n\r\n")) {
          const int n = SSL_read(ssl, buf, sizeof(buf));
          if (n <= 0) break;
          request_.append(buf, n);
        }
        SSL_write(ssl, answer_.data(), static_cast<int>(answer_.size()));
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      close(fd);
    }
    SSL_CTX_free(ctx);
  }

  const std::string answer_;
  const bool answer_at_once_;
  const char* const ip_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(HttpGet, ReadsStatusHeadersAndBodyFromHttpServer) {
  HttpServer server(
      [](const HttpRequest& r) {
        HttpResponse res;
        res.status = r.path == "/ok" ? 200 : 503;
        res.body = "body of " + r.path;
        return res;
      },
      HttpServer::Options());
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  absl::StatusOr<HttpReply> ok = HttpGet(absl::StrCat("http://127.0.0.1:", server.port(), "/ok"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(200, ok->status);
  EXPECT_EQ("body of /ok", ok->body);
  EXPECT_EQ("close", HeaderValue(ok->headers, "connection"));
  absl::StatusOr<HttpReply> down = HttpGet(absl::StrCat("http://localhost:", server.port(), "/x"));
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(503, down->status);  // a status is an answer, not an error
}

TEST(HttpGet, SendsOneGetWithHostAndConnectionClose) {
  CannedServer server("HTTP/1.1 204 No Content\r\n\r\n");
  absl::StatusOr<HttpReply> r = HttpGet(server.url());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(204, r->status);
  EXPECT_EQ(absl::StrCat("GET /p HTTP/1.1\r\nHost: 127.0.0.1:", server.port(),
                         "\r\nUser-Agent: confwatch\r\nAccept: */*\r\nConnection: close\r\n\r\n"),
            server.request());
}

TEST(HttpGet, ReadsChunkedAndUntilCloseBodies) {
  {
    CannedServer server(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n");
    absl::StatusOr<HttpReply> r = HttpGet(server.url());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ("hello, world", r->body);
  }
  {
    CannedServer server("HTTP/1.0 200 OK\r\n\r\nuntil the end");
    absl::StatusOr<HttpReply> r = HttpGet(server.url());
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ("until the end", r->body);
  }
}

TEST(HttpGet, TruncatedOrOddAnswersAreErrorsSayingWhat) {
  const struct {
    const char* answer;
    const char* error;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
       "connection closed before the end of the body"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size \"zz\""},
      {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "bad status line \"SSH-2.0-OpenSSH_9.2\""},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1", "connection closed before the answer"},
      {"", "connection closed before the answer"},
  };
  for (const auto& c : cases) {
    CannedServer server(c.answer);
    absl::StatusOr<HttpReply> r = HttpGet(server.url());
    EXPECT_FALSE(r.ok()) << c.answer;
    EXPECT_EQ(c.error, r.status().message()) << c.answer;
  }
}

TEST(HttpGet, BodyOverTheLimitIsAnError) {
  CannedServer server(absl::StrCat("HTTP/1.1 200 OK\r\n\r\n", std::string(2000, 'x')));
  HttpGetOptions options;
  options.max_body_bytes = 1000;
  absl::StatusOr<HttpReply> r = HttpGet(server.url(), options);
  EXPECT_EQ(absl::StatusCode::kResourceExhausted, r.status().code()) << r.status();
}

TEST(HttpGet, ConnectionRefusedSaysSo) {
  int port = 0;
  close(ListenLoopback(&port));
  absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, "/"));
  EXPECT_EQ(absl::StatusCode::kUnavailable, r.status().code());
  EXPECT_EQ("connect: Connection refused", r.status().message());
}

// The kernel completes the connection (backlog) but nobody ever answers.
TEST(HttpGet, TheTimeoutBoundsTheWholeExchange) {
  int port = 0;
  const int fd = ListenLoopback(&port);
  HttpGetOptions options;
  options.timeout = absl::Milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, "/"), options);
  const auto took = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(absl::StatusCode::kDeadlineExceeded, r.status().code());
  EXPECT_EQ("timed out after 300ms", r.status().message());
  EXPECT_GE(took, std::chrono::milliseconds(290));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST(HttpGet, MalformedUrlsAreRefused) {
  for (const char* url : {"127.0.0.1:80/x", "ftp://h/x", "http:///x", "http://h:0/", "http://h:x/",
                          "http://[::1/", "http://[::1]x/"}) {
    absl::StatusOr<HttpReply> r = HttpGet(url);
    EXPECT_EQ(absl::StatusCode::kInvalidArgument, r.status().code()) << url;
    EXPECT_EQ("want http://host[:port]/path or https://host[:port]/path", r.status().message()) << url;
  }
}

TEST(HttpGet, HttpsVerifiesTheServerCertificate) {
  absl::StatusOr<std::unique_ptr<TestCerts>> certs = TestCerts::Generate();
  ASSERT_TRUE(certs.ok()) << certs.status();
  const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret";
  {
    CannedServer server(answer, {certs->get()});
    HttpGetOptions options;
    options.ca_file = (*certs)->ca_file();
    absl::StatusOr<HttpReply> r = HttpGet(server.url("https"), options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ("secret", r->body);
    EXPECT_TRUE(absl::StartsWith(server.request(), "GET /p HTTP/1.1\r\n")) << server.request();
  }
  {  // the system's CAs do not know the test CA
    CannedServer server(answer, {certs->get()});
    absl::StatusOr<HttpReply> r = HttpGet(server.url("https"));
    EXPECT_EQ(absl::StatusCode::kUnavailable, r.status().code());
    EXPECT_TRUE(absl::StartsWith(r.status().message(), "tls: certificate verify failed: "))
        << r.status();
  }
  {  // a certificate for 127.0.0.1/localhost, served on another address
    CannedServer server(answer, {certs->get(), false, "127.0.0.2"});
    HttpGetOptions options;
    options.ca_file = (*certs)->ca_file();
    absl::StatusOr<HttpReply> r = HttpGet(server.url("https"), options);
    EXPECT_EQ("tls: certificate verify failed: IP address mismatch", r.status().message());
  }
  {  // https to a plain HTTP server (which answers the ClientHello's bytes)
    CannedServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                        {nullptr, /*answer_at_once=*/true});
    absl::StatusOr<HttpReply> r = HttpGet(server.url("https"));
    EXPECT_EQ(absl::StatusCode::kUnavailable, r.status().code());
    EXPECT_EQ("tls: handshake: wrong version number", r.status().message());
  }
}

}  // namespace
}  // namespace confwatch
