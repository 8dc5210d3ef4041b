// MetricsServer serves what an operator or an orchestrator asks a running
// confwatch over HTTP (-metrics-addr host:port):
//
//   GET /metrics  200, the provider's text, Content-Type
//                 "text/plain; version=0.0.4; charset=utf-8" (Prometheus)
//   GET /healthz  200 "ok\n" while the process is alive (liveness)
//   GET /readyz   200 "ready\n" when the readiness check returns OK, else 503
//                 with the check's message as the body (readiness), e.g.
//                 "not ready: waiting for the first render of every resource"
//   anything else 404; HEAD like GET without the body; other methods 405
//
// Usage (see ops/daemon_metrics.h for the daemon's provider and check):
//
//   MetricsRegistry registry;
//   registry.Add(DaemonMetricsCollector(&daemon.stats(),
//                                       [&daemon] { return daemon.LoadErrors(); }, true));
//   MetricsServer server([&registry] { return registry.Render(); }, [&daemon] {
//     return DaemonReadiness(daemon.stats(), daemon.LoadErrors(), true);
//   });
//   if (absl::Status s = server.Start(options.metrics_addr); !s.ok()) ...exit 2
//   ... run the daemon ...
//   server.Stop();  // or let the destructor do it
//
// The server (http/http_server.h) is one event-loop thread, which accepts,
// reads every request head and answers /healthz, /readyz and 404s itself,
// and one worker thread that renders /metrics. Idle or slow clients cost a
// file descriptor each, never a thread, so they cannot delay a probe. Each
// connection carries one request (Connection: close). A request head must
// arrive within 2 s of the connect (8 KB at most), else 408 / 431; writing
// the answer is bounded by 2 s, else the connection is dropped. At most 16
// connections from one client address (more are closed at once) and 256 in
// all (at the cap a new connection closes the one that stalled longest).
// Stop() does not wait for a client that stalls.
//
// Start() after blocking the daemon's signals (run.cc does it first thing):
// the server's threads inherit the mask and must not take SIGHUP/SIGTERM.
//
// Thread-safety: Start(), Stop() and the destructor are called from one
// thread (the owner). port() and address() may be read from any thread
// after Start() returned. The provider runs on the server's worker thread
// and the readiness check on its loop thread (so it must be quick and never
// block), possibly at once: both must be thread-safe and must outlive the
// server (or Stop() must come first).
#ifndef CONFWATCH_OPS_METRICS_SERVER_H_
#define CONFWATCH_OPS_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace confwatch {

class HttpServer;
struct HttpRequest;
struct HttpResponse;

class MetricsServer {
 public:
  // The body of /metrics, in the Prometheus text format.
  using MetricsProvider = std::function<std::string()>;
  // OK when ready; otherwise the status message is /readyz's 503 body.
  using ReadinessCheck = std::function<absl::Status()>;

  MetricsServer(MetricsProvider metrics, ReadinessCheck readiness);
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds `addr` ("host:port", "[::1]:port"; port 0 picks a free port, see
  // port()) and starts serving. When it returns OK the socket is already
  // listening: a request sent right after is answered. Errors name the
  // address, e.g.
  //   `metrics address "localhost": want host:port such as 127.0.0.1:9100`
  //   `metrics address 127.0.0.1:9100: cannot listen: Address already in use`
  //   `metrics address nosuchhost:9100: cannot listen: ...`
  // REQUIRES: not started.
  absl::Status Start(absl::string_view addr);

  // Stops accepting, closes every connection (an answer being written is
  // cut), waits for a /metrics render in progress, joins the threads.
  // Idempotent; a no-op when never started.
  void Stop();

  // The bound port (the real one when Start() was given port 0); 0 before
  // Start() succeeded.
  int port() const { return port_; }
  // host:port as bound, e.g. "127.0.0.1:41234".
  const std::string& address() const { return address_; }

 private:
  HttpResponse Route(const HttpRequest& request) const;

  MetricsProvider metrics_;
  ReadinessCheck readiness_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::string address_;
};

// Splits "host:port" / "[v6]:port" into its parts; the error names `addr`.
// Exposed for the tests and for option checking.
absl::Status SplitHostPort(absl::string_view addr, std::string* host, int* port);

}  // namespace confwatch

#endif  // CONFWATCH_OPS_METRICS_SERVER_H_
