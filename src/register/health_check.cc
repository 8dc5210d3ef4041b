// See health_check.h.
#include "register/health_check.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <exception>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "process/errno_text.h"
#include "ops/httplib_abi.h"

namespace confwatch {
namespace {

absl::Status TargetError(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("health check \"", text, "\": ", why));
}

// "host:port" or "[v6]:port" -> host, port.
absl::Status SplitHostPort(absl::string_view text, absl::string_view hostport, HealthTarget* t) {
  size_t colon = hostport.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return TargetError(text, "expected tcp://host:port");
  }
  absl::string_view host = hostport.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  if (!absl::SimpleAtoi(hostport.substr(colon + 1), &port) || port < 1 || port > 65535) {
    return TargetError(text, "port must be a number 1-65535");
  }
  t->host = std::string(host);
  t->port = port;
  return absl::OkStatus();
}

int RemainingMs(absl::Time deadline) {
  int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
  return ms < 0 ? 0 : static_cast<int>(ms);
}

// Non-blocking connect to one address, waiting until `deadline`.
absl::Status ConnectOne(const addrinfo* ai, absl::Time deadline) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", ErrnoText(errno)));
  int err = 0;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int n;
      do {
        n = poll(&p, 1, RemainingMs(deadline));
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      }
    }
  }
  close(fd);
  if (err != 0) return absl::UnavailableError(absl::StrCat("connect: ", ErrnoText(err)));
  return absl::OkStatus();
}

class TcpChecker : public HealthChecker {
 public:
  TcpChecker(HealthTarget target, absl::Duration timeout)
      : target_(std::move(target)), timeout_(timeout) {}

  absl::Status Check() override {
    absl::Time deadline = absl::Now() + timeout_;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(target_.host.c_str(), std::to_string(target_.port).c_str(), &hints, &res);
    if (rc != 0) {
      return absl::UnavailableError(absl::StrCat(target_.text, ": resolve: ", gai_strerror(rc)));
    }
    absl::Status last = absl::UnavailableError("no address");
    for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
      last = ConnectOne(ai, deadline);
      if (last.ok()) break;
    }
    freeaddrinfo(res);
    if (last.ok()) return last;
    return absl::UnavailableError(absl::StrCat(target_.text, ": ", last.message()));
  }

 private:
  const HealthTarget target_;
  const absl::Duration timeout_;
};

class HttpChecker : public HealthChecker {
 public:
  HttpChecker(HealthTarget target, absl::Duration timeout)
      : target_(std::move(target)), timeout_(timeout) {
    absl::string_view url = target_.text;
    size_t slash = url.find('/', url.find("://") + 3);
    origin_ = std::string(url.substr(0, slash));
    path_ = slash == absl::string_view::npos ? "/" : std::string(url.substr(slash));
  }

  absl::Status Check() override {
    try {
      httplib::Client client(origin_);
      auto us = std::chrono::microseconds(absl::ToInt64Microseconds(timeout_));
      client.set_connection_timeout(us);
      client.set_read_timeout(us);
      client.set_write_timeout(us);
      httplib::Result res = client.Get(path_);
      if (!res) {
        return absl::UnavailableError(
            absl::StrCat(target_.text, ": ", httplib::to_string(res.error())));
      }
      if (res->status < 200 || res->status > 299) {
        return absl::UnavailableError(absl::StrCat(target_.text, ": status ", res->status));
      }
      return absl::OkStatus();
    } catch (const std::exception& e) {  // httplib may throw on odd input
      return absl::UnavailableError(absl::StrCat(target_.text, ": ", e.what()));
    }
  }

 private:
  const HealthTarget target_;
  const absl::Duration timeout_;
  std::string origin_;  // scheme://host[:port]
  std::string path_;
};

class CommandChecker : public HealthChecker {
 public:
  CommandChecker(HealthTarget target, absl::Duration timeout, CommandRunner* runner)
      : target_(std::move(target)), timeout_(timeout), runner_(runner) {}

  absl::Status Check() override {
    absl::StatusOr<CommandResult> r = runner_->Run(target_.command, timeout_);
    if (!r.ok()) return absl::UnavailableError(absl::StrCat("health command: ", r.status().message()));
    if (r->ok()) return absl::OkStatus();
    std::string why = r->timed_out       ? absl::StrCat("timed out after ", absl::FormatDuration(timeout_))
                      : r->term_signal   ? absl::StrCat("killed by signal ", r->term_signal)
                                         : absl::StrCat("exited ", r->exit_code);
    std::string output(absl::StripAsciiWhitespace(r->output));
    if (!output.empty()) absl::StrAppend(&why, ": ", output);
    return absl::UnavailableError(absl::StrCat("health command ", why));
  }

 private:
  const HealthTarget target_;
  const absl::Duration timeout_;
  CommandRunner* const runner_;
};

}  // namespace

absl::StatusOr<HealthTarget> ParseHealthTarget(absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return absl::InvalidArgumentError("health check must not be empty");
  }
  HealthTarget t;
  t.text = std::string(text);
  size_t sep = text.find("://");
  // A command may well contain "://" (curl -f http://...), but never as its
  // first word's scheme: only a leading identifier followed by :// is a URL.
  bool is_url = sep != absl::string_view::npos && sep > 0 &&
                std::all_of(text.begin(), text.begin() + sep,
                            [](char c) { return absl::ascii_isalnum(c) || c == '+'; });
  if (!is_url) {
    t.kind = HealthTarget::Kind::kCommand;
    t.command = std::string(text);
    return t;
  }
  std::string scheme = absl::AsciiStrToLower(text.substr(0, sep));
  absl::string_view rest = text.substr(sep + 3);
  if (scheme == "tcp") {
    t.kind = HealthTarget::Kind::kTcp;
    if (rest.find('/') != absl::string_view::npos) {
      return TargetError(text, "expected tcp://host:port");
    }
    if (absl::Status s = SplitHostPort(text, rest, &t); !s.ok()) return s;
    return t;
  }
  if (scheme == "http" || scheme == "https") {
    t.kind = HealthTarget::Kind::kHttp;
    absl::string_view host = rest.substr(0, rest.find('/'));
    if (host.empty() || host.front() == ':') {
      return TargetError(text, "expected http://host[:port]/path");
    }
    return t;
  }
  return TargetError(text, absl::StrCat("unsupported scheme \"", scheme,
                                        "\" (use tcp://, http://, https:// or a command)"));
}

std::unique_ptr<HealthChecker> MakeHealthChecker(const HealthTarget& target,
                                                 absl::Duration timeout,
                                                 CommandRunner* runner) {
  switch (target.kind) {
    case HealthTarget::Kind::kTcp:
      return std::make_unique<TcpChecker>(target, timeout);
    case HealthTarget::Kind::kHttp:
      return std::make_unique<HttpChecker>(target, timeout);
    case HealthTarget::Kind::kCommand:
      break;
  }
  return std::make_unique<CommandChecker>(target, timeout, runner);
}

}  // namespace confwatch
