// See http_server.h.
#include "http/http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "http/addresses.h"
#include "http/byte_stream.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

constexpr char kText[] = "text/plain; charset=utf-8";

HttpResponse Error(int status, absl::string_view why) {
  HttpResponse r;
  r.status = status;
  r.body = absl::StrCat(why, "\n");
  return r;
}

// After an error answer the client may still be sending (an oversized head):
// closing with unread input makes the kernel send a reset, which can destroy
// the answer before the client read it. Read what comes, briefly, first.
void DrainBriefly(ByteStream* stream) {
  const absl::Time until = absl::Now() + absl::Milliseconds(200);
  char sink[4096];
  for (int i = 0; i < 16; ++i) {
    absl::StatusOr<size_t> got = stream->Read(sink, sizeof(sink), until);
    if (!got.ok() || *got == 0) return;
  }
}

// Binds and listens on the first address of host:port that works.
absl::StatusOr<int> Listen(const std::string& host, int port) {
  int last_err = 0;
  absl::StatusOr<int> fd = FirstWorkingAddress(
      host, port, /*passive=*/true, [](const addrinfo& ai, int* err) {
        const int fd = socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC, ai.ai_protocol);
        if (fd < 0) {
          *err = errno;
          return -1;
        }
        int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        if (bind(fd, ai.ai_addr, ai.ai_addrlen) != 0 || listen(fd, 128) != 0) {
          *err = errno;
          close(fd);
          return -1;
        }
        return fd;
      },
      &last_err);
  if (fd.ok() && *fd < 0) return absl::UnavailableError(ErrnoText(last_err));
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

}  // namespace

HttpServer::HttpServer(Handler handler, Options options)
    : handler_(std::move(handler)), options_(options) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start(const std::string& host, int port) {
  absl::StatusOr<int> fd = Listen(host, port);
  if (!fd.ok()) return fd.status();
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    const int err = errno;
    close(*fd);
    return absl::UnavailableError(absl::StrCat("eventfd: ", ErrnoText(err)));
  }
  listen_fd_ = *fd;
  port_ = BoundPort(listen_fd_);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkLoop(); });
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (listen_fd_ < 0) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  const uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof(one));
  acceptor_.join();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  {
    absl::MutexLock lock(&mu_);
    for (int fd : queue_) close(fd);
    queue_.clear();
  }
  close(listen_fd_);
  close(stop_fd_);
  listen_fd_ = -1;
  stop_fd_ = -1;
}

void HttpServer::AcceptLoop() {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) {
      // Only EFAULT/EINVAL/ENOMEM: nothing a retry would mend.
      std::fprintf(stderr, "confwatch: http server: poll: %s\n", ErrnoText(errno).c_str());
      abort();
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      // Out of fds (EMFILE) and the like: the connection waits in the
      // backlog; try again a little later instead of spinning.
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) poll(nullptr, 0, 50);
      continue;
    }
    absl::MutexLock lock(&mu_);
    if (queue_.size() >= kMaxQueued) {
      close(fd);  // a flood: dropping is better than answering minutes late
    } else {
      queue_.push_back(fd);
    }
  }
}

void HttpServer::WorkLoop() {
  for (;;) {
    int fd = -1;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &HttpServer::HasWorkOrStopping));
      if (stopping_) return;
      fd = queue_.front();
      queue_.pop_front();
    }
    Serve(fd);
  }
}

void HttpServer::Serve(int fd) {
  FdStream stream(fd, stop_fd_);
  StreamReader reader(&stream);
  absl::StatusOr<std::string> head =
      reader.ReadHead(options_.max_head_bytes, absl::Now() + options_.io_timeout);
  HttpResponse response;
  bool head_only = false;
  bool drain = false;
  if (!head.ok()) {
    if (absl::IsResourceExhausted(head.status())) {
      response = Error(431, "request head too large");
      drain = true;
    } else if (absl::IsDeadlineExceeded(head.status())) {
      response = Error(408, "request head not received in time");
    } else {
      return;  // closed, reset, or stopping: nobody to answer
    }
  } else if (absl::StatusOr<HttpRequest> request = ParseRequestHead(*head); !request.ok()) {
    response = Error(400, request.status().message());
    drain = true;
  } else if (request->method != "GET" && request->method != "HEAD") {
    response = Error(405, absl::StrCat("method ", request->method, " not allowed"));
    response.headers.emplace_back("Allow", "GET, HEAD");
    drain = true;  // it may come with a body we do not read
  } else {
    head_only = request->method == "HEAD";
    request->method = "GET";
    try {
      response = handler_(*request);
    } catch (const std::exception& e) {
      response = Error(500, absl::StrCat("internal error: ", e.what()));
    } catch (...) {
      response = Error(500, "internal error: unknown exception");
    }
  }
  if (!stream.Write(FormatResponse(response, head_only), absl::Now() + options_.io_timeout).ok()) {
    return;
  }
  shutdown(fd, SHUT_WR);
  if (drain) DrainBriefly(&stream);
}

}  // namespace confwatch
