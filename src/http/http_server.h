// HttpServer is a small HTTP/1.1 server for a few cheap GET endpoints (the
// metrics server's /metrics, /healthz, /readyz). Replaces cpp-httplib, whose
// Debian build loads and initializes OpenSSL at start (3 MB resident) for a
// server that never speaks TLS.
//
// How it behaves:
//  - One accept thread polls the listening socket; accepted connections
//    queue (at most kMaxQueued, beyond that they are closed at once) for
//    `threads` request threads.
//  - One request per connection: every response carries Connection: close
//    and Content-Length, and the server closes after it. An idle client can
//    never hold a request thread beyond one request.
//  - The request head (request line and headers) must arrive within
//    `io_timeout` and fit in `max_head_bytes`, else 408 / 431 and close.
//    A malformed head gets 400; a method other than GET or HEAD 405 (with
//    Allow: GET, HEAD). HEAD gets GET's headers without the body. The
//    handler sees only GET (a HEAD is passed as GET).
//  - A handler that throws gets the client a 500 "internal error: <what>".
//
// Thread-safety: Start(), Stop() and the destructor are called from one
// thread (the owner); port() may be read from any thread after Start()
// returned. The handler runs on the request threads, up to `threads` at
// once: it must be thread-safe and outlive the server (or Stop() first).
// The threads inherit the caller's signal mask.
#ifndef CONFWATCH_HTTP_HTTP_SERVER_H_
#define CONFWATCH_HTTP_HTTP_SERVER_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "http/http_message.h"

namespace confwatch {

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  struct Options {
    int threads = 2;
    size_t max_head_bytes = 8192;
    absl::Duration io_timeout = absl::Seconds(2);  // reading the head; writing the answer
  };
  static constexpr size_t kMaxQueued = 64;

  HttpServer(Handler handler, Options options);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (a name or address; port 0 picks a free one) with
  // SO_REUSEADDR (not SO_REUSEPORT: a second server on the same port must
  // fail), listens and starts the threads; a request sent after it returned
  // is answered. Errors carry the failing step and the OS's words, e.g.
  // "address already in use", "resolve: Name or service not known"; the
  // caller names the address. REQUIRES: not started.
  absl::Status Start(const std::string& host, int port);

  // Stops accepting, aborts heads still being read, lets handlers that run
  // finish and write their answer (bounded by io_timeout), closes queued
  // connections, joins the threads. Idempotent; a no-op if never started.
  void Stop();

  int port() const { return port_; }

 private:
  void AcceptLoop();
  void WorkLoop();
  void Serve(int fd);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }

  const Handler handler_;
  const Options options_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd, readable once Stop() began
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> workers_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<int> queue_ ABSL_GUARDED_BY(mu_);  // accepted, not yet served
};

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_HTTP_SERVER_H_
