// See health_check.h.
#include "register/health_check.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "http/http_client.h"
#include "http/tcp_connect.h"

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

class TcpChecker : public HealthChecker {
 public:
  TcpChecker(HealthTarget target, absl::Duration timeout)
      : target_(std::move(target)), timeout_(timeout) {}

  absl::Status Check() override {
    absl::StatusOr<int> fd = TcpConnect(target_.host, target_.port, absl::Now() + timeout_);
    if (!fd.ok()) return absl::UnavailableError(absl::StrCat(target_.text, ": ", fd.status().message()));
    close(*fd);
    return absl::OkStatus();
  }

 private:
  const HealthTarget target_;
  const absl::Duration timeout_;
};

class HttpChecker : public HealthChecker {
 public:
  HttpChecker(HealthTarget target, absl::Duration timeout)
      : target_(std::move(target)), timeout_(timeout) {}

  absl::Status Check() override {
    HttpGetOptions options;
    options.timeout = timeout_;
    absl::StatusOr<HttpReply> reply = HttpGet(target_.text, options);
    if (!reply.ok()) {
      return absl::UnavailableError(absl::StrCat(target_.text, ": ", reply.status().message()));
    }
    if (reply->status < 200 || reply->status > 299) {
      return absl::UnavailableError(absl::StrCat(target_.text, ": status ", reply->status));
    }
    return absl::OkStatus();
  }

 private:
  const HealthTarget target_;
  const absl::Duration timeout_;
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
