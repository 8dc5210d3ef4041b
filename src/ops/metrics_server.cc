// See metrics_server.h.
#include "ops/metrics_server.h"

#include <netdb.h>
#include <sys/socket.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "http/http_server.h"

namespace confwatch {
namespace {

constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr int kIoTimeoutSeconds = 2;
// A scraper and a few probes need a handful; a host that opens more is
// refused rather than let grow the server's fds and memory.
constexpr int kMaxConnections = 256;
constexpr int kMaxConnectionsPerClient = 16;

std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

// Resolved first, so that a bad host is a configuration error
// (InvalidArgument, exit 2) with the resolver's own words.
absl::Status CheckResolves(const std::string& host, int port, absl::string_view addr) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* result = nullptr;
  const std::string service = absl::StrCat(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
  if (rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address ", addr, ": cannot resolve ", host, ": ", gai_strerror(rc)));
  }
  freeaddrinfo(result);
  return absl::OkStatus();
}

}  // namespace

absl::Status SplitHostPort(absl::string_view addr, std::string* host, int* port) {
  const absl::Status bad = absl::InvalidArgumentError(
      absl::StrCat("metrics address \"", addr, "\": want host:port such as 127.0.0.1:9100"));
  absl::string_view host_part;
  absl::string_view port_part;
  if (!addr.empty() && addr.front() == '[') {
    const size_t close = addr.find("]:");
    if (close == absl::string_view::npos) return bad;
    host_part = addr.substr(1, close - 1);
    port_part = addr.substr(close + 2);
  } else {
    const size_t colon = addr.rfind(':');
    if (colon == absl::string_view::npos) return bad;
    host_part = addr.substr(0, colon);
    port_part = addr.substr(colon + 1);
    // An unbracketed IPv6 literal ("::1:9100") is ambiguous.
    if (host_part.find(':') != absl::string_view::npos) return bad;
  }
  int p = 0;
  if (!absl::SimpleAtoi(port_part, &p) || p < 0 || p > 65535 ||
      port_part.find_first_not_of("0123456789") != absl::string_view::npos) {
    return bad;
  }
  // Go's convention: ":9100" listens on every interface.
  *host = host_part.empty() ? "0.0.0.0" : std::string(host_part);
  *port = p;
  return absl::OkStatus();
}

MetricsServer::MetricsServer(MetricsProvider metrics, ReadinessCheck readiness)
    : metrics_(std::move(metrics)), readiness_(std::move(readiness)) {}

MetricsServer::~MetricsServer() { Stop(); }

// A provider or check that throws is answered 500 by HttpServer, and the
// daemon carries on.
HttpResponse MetricsServer::Route(const HttpRequest& request) const {
  HttpResponse res;
  if (request.path == "/metrics") {
    res.body = metrics_();
    res.content_type = kMetricsContentType;
  } else if (request.path == "/healthz") {
    res.body = "ok\n";
  } else if (request.path == "/readyz") {
    const absl::Status ready = readiness_();
    res.status = ready.ok() ? 200 : 503;
    res.body = ready.ok() ? "ready\n" : absl::StrCat(ready.message(), "\n");
  } else {
    res.status = 404;
    res.body = "not found\n";
  }
  return res;
}

absl::Status MetricsServer::Start(absl::string_view addr) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(addr, &host, &port); !s.ok()) return s;
  if (absl::Status s = CheckResolves(host, port, addr); !s.ok()) return s;

  HttpServer::Options options;
  options.io_timeout = absl::Seconds(kIoTimeoutSeconds);
  options.max_connections = kMaxConnections;
  options.max_connections_per_client = kMaxConnectionsPerClient;
  // The provider takes the daemon's locks and its text grows with the
  // resources: it runs on the worker, and /healthz and /readyz (atomics
  // only) are answered by the loop at once, even while it renders.
  options.worker_paths = {"/metrics"};
  auto server = std::make_unique<HttpServer>(
      [this](const HttpRequest& request) { return Route(request); }, options);
  if (absl::Status s = server->Start(host, port); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("metrics address ", addr, ": cannot listen: ", s.message()));
  }
  server_ = std::move(server);
  port_ = server_->port();
  address_ = JoinHostPort(host, port_);
  return absl::OkStatus();
}

void MetricsServer::Stop() {
  if (!server_) return;
  server_->Stop();
  server_.reset();
}

}  // namespace confwatch
