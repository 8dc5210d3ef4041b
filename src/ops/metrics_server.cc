// See metrics_server.h.
#include "ops/metrics_server.h"

#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ops/httplib_abi.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr int kRequestThreads = 2;
constexpr int kIoTimeoutSeconds = 2;

// httplib's default sets SO_REUSEPORT, which lets a second confwatch bind the
// same port and silently take half the scrapes. SO_REUSEADDR alone still
// lets a restarted confwatch bind while old connections sit in TIME_WAIT.
void ListenSocketOptions(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

// Resolved ahead of httplib, which only says "failed": this way a bad host
// gets the resolver's own words.
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

void MetricsServer::InstallHandlers() {
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_(), kMetricsContentType);
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain; charset=utf-8");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const absl::Status ready = readiness_();
    if (ready.ok()) {
      res.set_content("ready\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content(absl::StrCat(ready.message(), "\n"), "text/plain; charset=utf-8");
    }
  });
  // Collectors are ours and should not throw; if one does, the scrape fails
  // with a 500 and the daemon carries on.
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        res.status = 500;
        res.set_content(absl::StrCat("internal error: ", what, "\n"), "text/plain; charset=utf-8");
      });
}

absl::Status MetricsServer::Start(absl::string_view addr) {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(addr, &host, &port); !s.ok()) return s;
  if (absl::Status s = CheckResolves(host, port, addr); !s.ok()) return s;

  auto server = std::make_unique<httplib::Server>();
  server->set_socket_options(ListenSocketOptions);
  server->new_task_queue = [] { return new httplib::ThreadPool(kRequestThreads); };
  server->set_keep_alive_max_count(1);
  server->set_read_timeout(kIoTimeoutSeconds, 0);
  server->set_write_timeout(kIoTimeoutSeconds, 0);
  server_ = std::move(server);
  InstallHandlers();

  errno = 0;
  const int bound = port == 0                           ? server_->bind_to_any_port(host)
                    : server_->bind_to_port(host, port) ? port
                                                        : -1;
  if (bound < 0) {
    // httplib closes the socket after the failed bind(); close() keeps errno.
    const int err = errno;
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "metrics address ", addr, ": cannot listen: ", err ? ErrnoText(err) : "bind failed"));
  }
  port_ = bound;
  address_ = JoinHostPort(host, bound);
  loop_done_ = false;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    loop_done_ = true;
  });
  // httplib's stop() does nothing until the accept loop has set is_running,
  // so a Stop() right after Start() would hang the join: wait for it here
  // (it takes microseconds; the socket is already listening meanwhile).
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!server_->is_running() && !loop_done_ && absl::Now() < deadline) {
    absl::SleepFor(absl::Microseconds(100));
  }
  return absl::OkStatus();
}

void MetricsServer::Stop() {
  if (!server_) return;
  if (thread_.joinable()) {
    // stop() only acts once the accept loop runs (see Start()), and must be
    // called once: a second call asserts in httplib.
    while (!server_->is_running() && !loop_done_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!loop_done_) server_->stop();
    thread_.join();
  }
  server_.reset();
}

}  // namespace confwatch
