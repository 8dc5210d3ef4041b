// Stand-ins for the two ends of a real nginx in integration tests: a
// loopback HTTP server playing a service instance (TinyHttpServer) and a
// plain HTTP/1.0 GET through nginx (GetRootBody, Answers).
//
// Thread-safety: TinyHttpServer serves on its own thread; construct and
// destroy it on the test thread. The functions are test-thread only.
#ifndef CONFWATCH_TESTS_INTEGRATION_TINY_HTTP_H_
#define CONFWATCH_TESTS_INTEGRATION_TINY_HTTP_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace confwatch {

// A loopback HTTP server that answers every request with `body`; stands in
// for a service instance behind nginx. Serves on its own thread until
// destroyed.
class TinyHttpServer {
 public:
  explicit TinyHttpServer(std::string body) : body_(std::move(body)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, 64) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "TinyHttpServer: cannot listen";
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyHttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  TinyHttpServer(const TinyHttpServer&) = delete;
  TinyHttpServer& operator=(const TinyHttpServer&) = delete;

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string req;
      char buf[1024];
      while (req.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 2000) <= 0) break;
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) break;
        req.append(buf, n);
      }
      std::string resp = absl::StrCat("HTTP/1.1 200 OK\r\nContent-Length: ", body_.size(),
                                      "\r\nConnection: close\r\n\r\n", body_);
      (void)!write(c, resp.data(), resp.size());
      close(c);
    }
  }

  std::string body_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// GET / on 127.0.0.1:port with Host: `host`; the body of a 200 answer, or
// "" when the request failed or was answered otherwise.
inline std::string GetRootBody(int port, const std::string& host = "test") {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  std::string resp;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    std::string req = absl::StrCat("GET / HTTP/1.0\r\nHost: ", host, "\r\n\r\n");
    (void)!write(fd, req.data(), req.size());
    char buf[1024];
    for (;;) {
      pollfd q{fd, POLLIN, 0};
      if (poll(&q, 1, 5000) <= 0) break;
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      resp.append(buf, n);
    }
  }
  close(fd);
  size_t body = resp.find("\r\n\r\n");
  if (resp.rfind("HTTP/1.1 200", 0) != 0 || body == std::string::npos) return "";
  return resp.substr(body + 4);
}

// The bodies answered by `n` requests through nginx, as a sorted set.
inline std::set<std::string> Answers(int port, int n) {
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) seen.insert(GetRootBody(port));
  return seen;
}

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_INTEGRATION_TINY_HTTP_H_
