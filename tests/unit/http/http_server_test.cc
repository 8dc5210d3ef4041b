// Tests of HttpServer (http/http_server.h) over real sockets on 127.0.0.1,
// written byte by byte so that malformed and slow clients can be played.
#include "http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  timeval tv{5, 0};  // a test must not hang on a server that never answers
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(0, connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)));
  return fd;
}

void Send(int fd, const std::string& text) {
  EXPECT_EQ(static_cast<ssize_t>(text.size()), send(fd, text.data(), text.size(), MSG_NOSIGNAL));
}

// Everything the server sends until it closes.
std::string ReadAll(int fd) {
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) answer.append(buf, n);
  return answer;
}

std::string Exchange(int port, const std::string& request) {
  const int fd = Connect(port);
  Send(fd, request);
  std::string answer = ReadAll(fd);
  close(fd);
  return answer;
}

int64_t MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServer::Options options = HttpServer::Options()) {
    server_ = std::make_unique<HttpServer>(
        [this](const HttpRequest& r) {
          ++calls_;
          if (r.path == "/throw") throw std::runtime_error("boom");
          HttpResponse res;
          res.status = r.path == "/hello" ? 200 : 404;
          res.body = absl::StrCat(r.method, " ", r.path, "\n");
          return res;
        },
        options);
    ASSERT_TRUE(server_->Start("127.0.0.1", 0).ok());
    port_ = server_->port();
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> calls_{0};
  int port_ = 0;
};

TEST_F(HttpServerTest, AnswersGetWithLengthAndConnectionCloseThenCloses) {
  Start();
  EXPECT_EQ(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\n"
      "Connection: close\r\n\r\nGET /hello\n",
      Exchange(port_, "GET /hello?x=1 HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_EQ(0u, Exchange(port_, "GET /other HTTP/1.1\r\n\r\n").find("HTTP/1.1 404 Not Found\r\n"));
}

TEST_F(HttpServerTest, HeadGetsTheHeadersOfGetWithoutTheBody) {
  Start();
  EXPECT_EQ(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\n"
      "Connection: close\r\n\r\n",
      Exchange(port_, "HEAD /hello HTTP/1.1\r\n\r\n"));
}

TEST_F(HttpServerTest, OtherMethodsAre405WithAllowAndNeverReachTheHandler) {
  Start();
  const std::string answer =
      Exchange(port_, "POST /hello HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(0u, answer.find("HTTP/1.1 405 Method Not Allowed\r\n")) << answer;
  EXPECT_TRUE(absl::StrContains(answer, "\r\nAllow: GET, HEAD\r\n")) << answer;
  EXPECT_TRUE(absl::EndsWith(answer, "\r\n\r\nmethod POST not allowed\n")) << answer;
  EXPECT_EQ(0, calls_.load());
}

TEST_F(HttpServerTest, MalformedRequestLineIs400SayingWhy) {
  Start();
  const std::string answer = Exchange(port_, "GET /hello\r\n\r\n");
  EXPECT_EQ(0u, answer.find("HTTP/1.1 400 Bad Request\r\n")) << answer;
  EXPECT_TRUE(absl::EndsWith(
      answer, "request line \"GET /hello\" has 2 parts, want method, target and version\n"))
      << answer;
  EXPECT_EQ(0, calls_.load());
}

TEST_F(HttpServerTest, EmptyLinesBeforeTheRequestLineAreIgnored) {
  Start();
  EXPECT_EQ(0u, Exchange(port_, "\r\n\r\nGET /hello HTTP/1.1\r\n\r\n").find("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(0u, Exchange(port_, "\nGET /hello HTTP/1.1\n\n").find("HTTP/1.1 200 OK\r\n"));
  // Sent in pieces: a CR alone, then the rest.
  const int fd = Connect(port_);
  Send(fd, "\r");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Send(fd, "\nGET /hello HTTP/1.1\r\n\r\n");
  EXPECT_EQ(0u, ReadAll(fd).find("HTTP/1.1 200 OK\r\n"));
  close(fd);
  EXPECT_EQ(3, calls_.load());
}

TEST_F(HttpServerTest, OversizedHeadIs431) {
  HttpServer::Options options;
  options.max_head_bytes = 1024;
  Start(options);
  const std::string answer = Exchange(
      port_, absl::StrCat("GET /hello HTTP/1.1\r\nX-Big: ", std::string(2000, 'a'), "\r\n\r\n"));
  EXPECT_EQ(0u, answer.find("HTTP/1.1 431 Request Header Fields Too Large\r\n")) << answer;
  EXPECT_EQ(0, calls_.load());
  // Just under the limit is fine.
  const std::string fits = absl::StrCat("GET /hello HTTP/1.1\r\nX: ", std::string(990, 'a'), "\r\n\r\n");
  ASSERT_LE(fits.size(), 1024u);
  EXPECT_EQ(0u, Exchange(port_, fits).find("HTTP/1.1 200 OK\r\n"));
}

TEST_F(HttpServerTest, AClientTooSlowWithItsHeadGets408AtTheDeadline) {
  HttpServer::Options options;
  options.io_timeout = absl::Milliseconds(300);
  Start(options);
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = Exchange(port_, "GET /hello HTTP/1.1\r\nHost:");
  const int64_t took = MsSince(start);
  EXPECT_EQ(0u, answer.find("HTTP/1.1 408 Request Timeout\r\n")) << answer;
  EXPECT_GE(took, 280);
  EXPECT_LT(took, 2000);
  EXPECT_EQ(0, calls_.load());
}

TEST_F(HttpServerTest, AThrowingHandlerIs500AndTheServerGoesOn) {
  Start();
  const std::string answer = Exchange(port_, "GET /throw HTTP/1.1\r\n\r\n");
  EXPECT_EQ(0u, answer.find("HTTP/1.1 500 Internal Server Error\r\n")) << answer;
  EXPECT_TRUE(absl::EndsWith(answer, "\r\n\r\ninternal error: boom\n")) << answer;
  EXPECT_EQ(0u, Exchange(port_, "GET /hello HTTP/1.1\r\n\r\n").find("HTTP/1.1 200 OK\r\n"));
}

// A client that stalls mid-request holds nothing but its connection.
TEST_F(HttpServerTest, ConcurrentRequestsAreAnsweredWhileOneClientStalls) {
  Start();  // 2 s deadline
  const int stalled = Connect(port_);
  Send(stalled, "GET /hello HTTP/1.1\r\n");
  absl::SleepFor(absl::Milliseconds(50));  // a thread has taken it
  const auto start = std::chrono::steady_clock::now();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        if (Exchange(port_, "GET /hello HTTP/1.1\r\n\r\n").find("HTTP/1.1 200 OK\r\n") == 0) ++ok;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(20, ok.load());
  EXPECT_LT(MsSince(start), 1500) << "the requests waited for the stalled client";
  close(stalled);
}

TEST_F(HttpServerTest, StopAbortsAHeadBeingReadAndFreesThePort) {
  Start();
  const int stalled = Connect(port_);
  Send(stalled, "GET /hello HTTP/1.1\r\n");
  absl::SleepFor(absl::Milliseconds(50));
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(MsSince(start), 1000);
  EXPECT_EQ("", ReadAll(stalled));  // closed without an answer
  close(stalled);
  server_->Stop();  // idempotent

  HttpServer again([](const HttpRequest&) { return HttpResponse(); }, HttpServer::Options());
  EXPECT_TRUE(again.Start("127.0.0.1", port_).ok());
}

// worker_paths run on the worker: the loop answers the rest meanwhile, and
// Stop() waits for the handler that runs, then cuts its answer.
TEST(HttpServer, AWorkerPathHandlerDelaysNeitherOtherPathsNorStopBeyondItself) {
  std::atomic<bool> release{false};
  std::atomic<bool> slow_running{false};
  HttpServer::Options options;
  options.worker_paths = {"/slow"};
  HttpServer server(
      [&release, &slow_running](const HttpRequest& r) {
        if (r.path == "/slow") slow_running = true;
        while (r.path == "/slow" && !release) absl::SleepFor(absl::Milliseconds(5));
        HttpResponse res;
        res.body = r.path;
        return res;
      },
      options);
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  const int slow = Connect(server.port());
  Send(slow, "GET /slow HTTP/1.1\r\n\r\n");
  // The worker has taken it (not a fixed sleep: under TSan on a loaded
  // machine 50 ms was not always enough, and Stop() then had nothing to wait for).
  for (int i = 0; i < 2000 && !slow_running; ++i) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(slow_running) << "the /slow handler never started";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(absl::EndsWith(Exchange(server.port(), "GET /fast HTTP/1.1\r\n\r\n"), "\r\n\r\n/fast"));
  EXPECT_LT(MsSince(start), 1000);
  std::thread releaser([&release] {
    absl::SleepFor(absl::Milliseconds(300));
    release = true;
  });
  const auto stop_start = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_GE(MsSince(stop_start), 250) << "Stop() returned while the handler still ran";
  releaser.join();
  EXPECT_EQ("", ReadAll(slow));  // closed without the answer
  close(slow);
}

TEST(HttpServer, BindErrorsCarryTheOsWords) {
  HttpServer first([](const HttpRequest&) { return HttpResponse(); }, HttpServer::Options());
  ASSERT_TRUE(first.Start("127.0.0.1", 0).ok());
  HttpServer second([](const HttpRequest&) { return HttpResponse(); }, HttpServer::Options());
  EXPECT_EQ("Address already in use", second.Start("127.0.0.1", first.port()).message());
  EXPECT_EQ(0, second.port());
}

}  // namespace
}  // namespace confwatch
