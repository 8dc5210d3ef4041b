// HttpServer is a small HTTP/1.1 server for a few GET endpoints (the metrics
// server's /metrics, /healthz, /readyz) that idle, slow or hostile clients
// on the same network must not be able to starve.
//
// How it behaves:
//  - One event-loop thread poll()s the listening socket and every
//    connection (non-blocking sockets). It accepts, reads request heads,
//    answers, and writes answers, a piece at a time as each socket allows:
//    no connection ever holds a thread, so a stalled client costs one fd
//    and at most max_head_bytes of memory, never a probe's latency.
//  - Connections are capped: at most `max_connections_per_client` from one
//    peer address and `max_connections` in all. At a cap a new connection
//    closes the one that has been reading its head longest (unanswered),
//    from the same address at the per-address cap, not itself: else whoever
//    fills the cap with stalled connections, from as many addresses as it
//    takes or from the probe's own (every local user connects from
//    127.0.0.1, as a container's HEALTHCHECK does), would lock the probes
//    out. With no such connection reading its head, the oldest whose answer
//    is still being written goes instead (a client that does not read); only
//    when there is none of those either is the new one refused: closed at
//    once, unanswered (closing costs nothing, writing a 503 to a flood
//    would).
//  - The request head (request line and headers) must be complete within
//    `io_timeout` of the accept (not of some thread taking the connection:
//    a deadline that starts late is what let queued probes starve), and
//    fit in `max_head_bytes`; else 408 / 431 and close. A malformed head
//    gets 400; a method other than GET or HEAD 405 (with Allow: GET, HEAD).
//    HEAD gets GET's headers without the body. The handler sees only GET
//    (a HEAD is passed as GET).
//  - The handler runs on the loop thread, where it must be quick and never
//    block, except for paths listed in `worker_paths` (e.g. /metrics,
//    whose provider takes the daemon's locks): those go, in order, to one
//    worker thread, and the loop goes on answering everything else
//    meanwhile.
//  - One request per connection: every answer carries Connection: close and
//    Content-Length. Writing the answer must finish within `io_timeout` of
//    its being ready, else the connection is dropped (a client that never
//    reads costs its buffer until then). After the answer the server shuts
//    down its side and reads (and discards) for up to 200 ms until the
//    client closes: closing with unread input would make the kernel send a
//    reset that can destroy the answer before the client read it.
//  - A handler that throws gets the client a 500 "internal error: <what>".
//
// Why not a library (the binary is mostly static, cmake/static.cmake, and
// small in memory): cpp-httplib (used before) has a thread per connection
// being read, the design that starved probes, and loads OpenSSL at start;
// civetweb too is a thread per connection. libmicrohttpd (Debian 0.9.75)
// has a poll/epoll mode with total and per-IP caps, but its timeout is
// an inactivity timeout that one byte every few seconds keeps open, and
// Debian's build links GnuTLS (a static link then needs GnuTLS, nettle,
// gmp, p11-kit... for a server that never speaks TLS). libevent's evhttp
// (2.1.12, static archive available) is an event loop, but its timeouts
// are per read too, and it has no per-client cap (its connection cap came
// in 2.2): the bookkeeping here would be needed around it anyway. What is
// left here is ~500 lines over poll(), with the head parser fuzzed
// (tests/fuzz/http_request_fuzzer.cc).
//
// Thread-safety: Start(), Stop() and the destructor are called from one
// thread (the owner); port() may be read from any thread after Start()
// returned. The handler runs on the loop thread and, for worker_paths, on
// the worker thread, possibly both at once: it must be thread-safe and
// outlive the server (or Stop() first). The threads inherit the caller's
// signal mask.
#ifndef CONFWATCH_HTTP_HTTP_SERVER_H_
#define CONFWATCH_HTTP_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "http/http_message.h"

namespace confwatch {

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  struct Options {
    size_t max_head_bytes = 8192;
    // From accept to the end of the head; from the answer being ready to
    // its last byte sent.
    absl::Duration io_timeout = absl::Seconds(2);
    int max_connections = 256;
    int max_connections_per_client = 16;
    // Paths whose handler runs on the worker thread; every other request
    // is answered on the loop thread.
    std::vector<std::string> worker_paths;
  };

  HttpServer(Handler handler, Options options);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (a name or address; port 0 picks a free one) with
  // SO_REUSEADDR (not SO_REUSEPORT: a second server on the same port must
  // fail), listens and starts the threads; a request sent after it returned
  // is answered. Errors carry the failing step and the OS's words, e.g.
  // "Address already in use", "resolve: Name or service not known"; the
  // caller names the address. REQUIRES: not started.
  absl::Status Start(const std::string& host, int port);

  // Stops accepting, closes every connection (heads being read and answers
  // being written are cut), waits for a worker handler that runs to
  // return, joins the threads. Idempotent; a no-op if never started.
  void Stop();

  int port() const { return port_; }

 private:
  class Loop;  // the event loop and the worker, http_server.cc

  const Handler handler_;
  const Options options_;
  int port_ = 0;
  std::unique_ptr<Loop> loop_;
};

}  // namespace confwatch

#endif  // CONFWATCH_HTTP_HTTP_SERVER_H_
