// See http_server.h. The loop's state lives in HttpServer::Loop: a map of
// connections, each in one phase (reading its head, waiting for the worker,
// writing its answer, lingering for the client's close) with one deadline.
#include "http/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <thread>
#include <exception>
#include <unordered_map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "http/addresses.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

// After the answer: how long, and how many bytes, to read from a client
// that has not closed yet (see the header).
constexpr absl::Duration kLinger = absl::Milliseconds(200);
constexpr size_t kMaxLingerBytes = 64 << 10;
// Accepts per loop turn, so that a flood of connects cannot keep the loop
// from reading and writing the connections it has.
constexpr int kMaxAcceptsPerTurn = 64;
// Bytes written to one connection per loop turn.
constexpr size_t kMaxSendPerTurn = 256 << 10;
// Out of fds or memory at accept: the connection waits in the backlog;
// retry after this instead of spinning on a listening socket that stays
// readable.
constexpr absl::Duration kAcceptPause = absl::Milliseconds(50);

HttpResponse Error(int status, absl::string_view why) {
  HttpResponse r;
  r.status = status;
  r.body = absl::StrCat(why, "\n");
  return r;
}

[[noreturn]] void Die(const char* what, int err) {
  // Only EFAULT/EINVAL/ENOMEM and the like: nothing a retry would mend.
  std::fprintf(stderr, "confwatch: http server: %s: %s\n", what, ErrnoText(err).c_str());
  std::abort();
}

// Binds and listens on the first address of host:port that works.
absl::StatusOr<int> Listen(const std::string& host, int port) {
  int last_err = 0;
  absl::StatusOr<int> fd = FirstWorkingAddress(
      host, port, /*passive=*/true, [](const addrinfo& ai, int* err) {
        const int fd = socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                              ai.ai_protocol);
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

// The peer's address, the key of the per-client cap.
std::string ClientOf(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, text, sizeof(text));
  }
  return text;
}

HttpResponse CallHandler(const HttpServer::Handler& handler, const HttpRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return Error(500, absl::StrCat("internal error: ", e.what()));
  } catch (...) {
    return Error(500, "internal error: unknown exception");
  }
}

int PollTimeoutMs(absl::Time now, absl::Time next) {
  if (next == absl::InfiniteFuture()) return -1;
  if (next <= now) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(next - now, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
}

}  // namespace

class HttpServer::Loop {
 public:
  Loop(const Handler& handler, const Options& options, int listen_fd, int wake_fd)
      : handler_(handler), options_(options), listen_fd_(listen_fd), wake_fd_(wake_fd) {}
  ~Loop();  // REQUIRES: Stop() returned (or the threads never started)
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void Start();
  void Stop();  // wakes both threads and joins them

 private:
  enum class Phase { kHead, kWorker, kWrite, kLinger };
  struct Conn {
    Conn(int fd, std::string client, absl::Time deadline, size_t max_head)
        : fd(fd), client(std::move(client)), deadline(deadline), scanner(max_head) {}
    int fd;
    std::string client;
    Phase phase = Phase::kHead;
    absl::Time deadline;  // of the current phase
    RequestHeadScanner scanner;
    std::string out;  // the answer; out[sent..] still to write
    size_t sent = 0;
    size_t discarded = 0;  // bytes read while lingering
  };
  struct Job {
    uint64_t id;
    HttpRequest request;
    bool head_only;
  };
  struct Done {
    uint64_t id;
    std::string answer;  // formatted by the worker: a big body is never copied on the loop
  };

  // The loop thread.
  void Run();
  absl::Time NextDeadline() const;
  void Accept(absl::Time now);
  bool EvictOldest(const std::string* client = nullptr);
  void OnReadable(uint64_t id, Conn* c);
  void Dispatch(uint64_t id, Conn* c);
  void Respond(uint64_t id, Conn* c, const HttpResponse& response, bool head_only) {
    Send(id, c, FormatResponse(response, head_only));
  }
  void Send(uint64_t id, Conn* c, std::string answer);
  void Flush(uint64_t id, Conn* c);
  void Expire(absl::Time now);
  void TakeDone();
  void Close(uint64_t id);
  bool IsWorkerPath(const std::string& path) const;

  // The worker thread.
  void Work();
  bool HasJobOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !jobs_.empty();
  }
  void Wake();

  const Handler& handler_;
  const Options& options_;
  const int listen_fd_;  // owned
  const int wake_fd_;    // owned; eventfd: a job is done, or Stop()
  std::thread loop_thread_;
  std::thread worker_thread_;

  // Loop thread only.
  std::unordered_map<uint64_t, Conn> conns_;
  std::unordered_map<std::string, int> per_client_;
  uint64_t next_id_ = 1;
  absl::Time accept_paused_until_ = absl::InfinitePast();

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<Done> done_ ABSL_GUARDED_BY(mu_);
};

HttpServer::Loop::~Loop() {
  for (auto& [id, c] : conns_) close(c.fd);
  close(listen_fd_);
  close(wake_fd_);
}

void HttpServer::Loop::Start() {
  loop_thread_ = std::thread([this] { Run(); });
  worker_thread_ = std::thread([this] { Work(); });
}

void HttpServer::Loop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  Wake();
  loop_thread_.join();
  worker_thread_.join();
}

void HttpServer::Loop::Wake() {
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

void HttpServer::Loop::Run() {
  std::vector<pollfd> fds;
  std::vector<uint64_t> ids;  // ids[i] is fds[i + 2]'s connection
  for (;;) {
    absl::Time now = absl::Now();
    const short accepting = now < accept_paused_until_ ? 0 : POLLIN;
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, accepting, 0});
    ids.clear();
    for (const auto& [id, c] : conns_) {
      if (c.phase == Phase::kWorker) continue;
      fds.push_back({c.fd, static_cast<short>(c.phase == Phase::kWrite ? POLLOUT : POLLIN), 0});
      ids.push_back(id);
    }
    if (poll(fds.data(), fds.size(), PollTimeoutMs(now, NextDeadline())) < 0) {
      if (errno == EINTR) continue;
      Die("poll", errno);
    }
    if (fds[0].revents != 0) {
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
      }
      TakeDone();
    }
    now = absl::Now();
    if (fds[1].revents != 0) Accept(now);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (fds[i + 2].revents == 0) continue;
      auto it = conns_.find(ids[i]);
      if (it == conns_.end()) continue;
      if (it->second.phase == Phase::kWrite) {
        Flush(it->first, &it->second);
      } else {
        OnReadable(it->first, &it->second);
      }
    }
    Expire(absl::Now());
  }
}

absl::Time HttpServer::Loop::NextDeadline() const {
  absl::Time next = absl::InfiniteFuture();
  if (accept_paused_until_ > absl::Now()) next = accept_paused_until_;
  for (const auto& [id, c] : conns_) {
    if (c.phase != Phase::kWorker) next = std::min(next, c.deadline);
  }
  return next;
}

void HttpServer::Loop::Accept(absl::Time now) {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                           SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) accept_paused_until_ = now + kAcceptPause;
      return;
    }
    std::string client = ClientOf(addr);
    const auto from_client = per_client_.find(client);
    if ((from_client != per_client_.end() &&
         from_client->second >= options_.max_connections_per_client &&
         !EvictOldest(&client)) ||
        (static_cast<int>(conns_.size()) >= options_.max_connections && !EvictOldest())) {
      close(fd);  // over a cap: refused unanswered
      continue;
    }
    ++per_client_[client];
    conns_.emplace(next_id_++, Conn(fd, std::move(client), now + options_.io_timeout,
                                    options_.max_head_bytes));
  }
}

// At a cap, the connection still reading its head that has waited longest
// (from `client`, at that client's cap) makes room: refusing the newest
// instead would let whoever holds the cap lock the probes out, the total cap
// with stalled connections from as many addresses as it takes, and a
// client's cap from the probe's own address (every local user connects from
// 127.0.0.1, as a container's HEALTHCHECK does). A probe sends its head as
// it connects and is answered in the same turn or the next, so evicting it
// would take the cap's worth of new connections within that moment. With no
// head being read, the oldest answer still being written goes (a client
// that does not read its /metrics); never one handed to the worker, nor one
// lingering after its answer (closing it could reset the answer).
bool HttpServer::Loop::EvictOldest(const std::string* client) {
  uint64_t oldest = UINT64_MAX;  // ids grow in the order of accept
  for (Phase phase : {Phase::kHead, Phase::kWrite}) {
    for (const auto& [id, c] : conns_) {
      if (c.phase == phase && (client == nullptr || c.client == *client)) {
        oldest = std::min(oldest, id);
      }
    }
    if (oldest != UINT64_MAX) break;
  }
  if (oldest == UINT64_MAX) return false;
  Close(oldest);
  return true;
}

void HttpServer::Loop::OnReadable(uint64_t id, Conn* c) {
  char buf[4096];
  const ssize_t n = read(c->fd, buf, sizeof(buf));
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) {  // closed or reset: nobody to answer
    Close(id);
    return;
  }
  if (c->phase == Phase::kLinger) {
    c->discarded += static_cast<size_t>(n);
    if (c->discarded > kMaxLingerBytes) Close(id);
    return;
  }
  switch (c->scanner.Feed(absl::string_view(buf, static_cast<size_t>(n)))) {
    case RequestHeadScanner::State::kNeedMore:
      return;
    case RequestHeadScanner::State::kTooLarge:
      Respond(id, c, Error(431, "request head too large"), false);
      return;
    case RequestHeadScanner::State::kComplete:
      Dispatch(id, c);
      return;
  }
}

void HttpServer::Loop::Dispatch(uint64_t id, Conn* c) {
  absl::StatusOr<HttpRequest> request = ParseRequestHead(c->scanner.head());
  if (!request.ok()) {
    Respond(id, c, Error(400, request.status().message()), false);
    return;
  }
  if (request->method != "GET" && request->method != "HEAD") {
    HttpResponse response = Error(405, absl::StrCat("method ", request->method, " not allowed"));
    response.headers.emplace_back("Allow", "GET, HEAD");
    Respond(id, c, response, false);
    return;
  }
  const bool head_only = request->method == "HEAD";
  request->method = "GET";
  if (!IsWorkerPath(request->path)) {
    Respond(id, c, CallHandler(handler_, *request), head_only);
    return;
  }
  c->phase = Phase::kWorker;
  c->scanner = RequestHeadScanner(0);  // frees the head
  absl::MutexLock lock(&mu_);
  jobs_.push_back({id, *std::move(request), head_only});
}

bool HttpServer::Loop::IsWorkerPath(const std::string& path) const {
  return std::find(options_.worker_paths.begin(), options_.worker_paths.end(), path) !=
         options_.worker_paths.end();
}

void HttpServer::Loop::Send(uint64_t id, Conn* c, std::string answer) {
  c->phase = Phase::kWrite;
  c->out = std::move(answer);
  c->sent = 0;
  c->deadline = absl::Now() + options_.io_timeout;
  c->scanner = RequestHeadScanner(0);
  Flush(id, c);  // most answers fit in the socket buffer: sent now, not a turn later
}

void HttpServer::Loop::Flush(uint64_t id, Conn* c) {
  if (c->sent < c->out.size()) {
    // One piece per turn, at most kMaxSendPerTurn: a big answer must not
    // hold up the other connections. MSG_NOSIGNAL: a client that went away
    // is an error here, not a SIGPIPE.
    const size_t n = std::min(c->out.size() - c->sent, kMaxSendPerTurn);
    const ssize_t put = send(c->fd, c->out.data() + c->sent, n, MSG_NOSIGNAL);
    if (put < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) Close(id);
      return;
    }
    c->sent += static_cast<size_t>(put);
    if (c->sent < c->out.size()) return;  // the rest once poll() says POLLOUT
  }
  std::string().swap(c->out);
  shutdown(c->fd, SHUT_WR);
  c->phase = Phase::kLinger;
  c->deadline = absl::Now() + kLinger;
}

void HttpServer::Loop::Expire(absl::Time now) {
  std::vector<uint64_t> expired;
  for (const auto& [id, c] : conns_) {
    if (c.phase != Phase::kWorker && c.deadline <= now) expired.push_back(id);
  }
  for (uint64_t id : expired) {
    Conn& c = conns_.at(id);
    if (c.phase == Phase::kHead) {
      Respond(id, &c, Error(408, "request head not received in time"), false);
    } else {
      Close(id);  // an answer the client does not read, or lingering over
    }
  }
}

void HttpServer::Loop::TakeDone() {
  uint64_t count = 0;
  (void)!read(wake_fd_, &count, sizeof(count));
  std::vector<Done> done;
  {
    absl::MutexLock lock(&mu_);
    done.swap(done_);
  }
  for (Done& d : done) {
    auto it = conns_.find(d.id);
    if (it != conns_.end()) Send(d.id, &it->second, std::move(d.answer));
  }
}

void HttpServer::Loop::Close(uint64_t id) {
  auto it = conns_.find(id);
  close(it->second.fd);
  auto client = per_client_.find(it->second.client);
  if (--client->second == 0) per_client_.erase(client);
  conns_.erase(it);
}

void HttpServer::Loop::Work() {
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &Loop::HasJobOrStopping));
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    std::string answer = FormatResponse(CallHandler(handler_, job.request), job.head_only);
    {
      absl::MutexLock lock(&mu_);
      done_.push_back({job.id, std::move(answer)});
    }
    Wake();
  }
}

HttpServer::HttpServer(Handler handler, Options options)
    : handler_(std::move(handler)), options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start(const std::string& host, int port) {
  absl::StatusOr<int> fd = Listen(host, port);
  if (!fd.ok()) return fd.status();
  const int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    const int err = errno;
    close(*fd);
    return absl::UnavailableError(absl::StrCat("eventfd: ", ErrnoText(err)));
  }
  port_ = BoundPort(*fd);
  loop_ = std::make_unique<Loop>(handler_, options_, *fd, wake_fd);
  loop_->Start();
  return absl::OkStatus();
}

void HttpServer::Stop() {
  if (!loop_) return;
  loop_->Stop();
  loop_.reset();
}

}  // namespace confwatch
