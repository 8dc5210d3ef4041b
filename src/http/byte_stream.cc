// See byte_stream.h.
#include "http/byte_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

int RemainingMs(absl::Time deadline) {
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(deadline - absl::Now(), absl::Milliseconds(1)));
  if (ms < 0) return 0;
  return ms > 1000000 ? 1000000 : static_cast<int>(ms);
}

}  // namespace

FdStream::FdStream(int fd, int cancel_fd) : fd_(fd), cancel_fd_(cancel_fd) {
  const int flags = fcntl(fd_, F_GETFL);
  if (flags >= 0) fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

FdStream::~FdStream() { close(fd_); }

absl::Status FdStream::Wait(short events, absl::Time deadline) {
  pollfd fds[2] = {{fd_, events, 0}, {cancel_fd_, POLLIN, 0}};
  const nfds_t n = cancel_fd_ >= 0 && (events & POLLIN) ? 2 : 1;
  for (;;) {
    const int rc = poll(fds, n, RemainingMs(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return absl::UnavailableError(absl::StrCat("poll: ", ErrnoText(errno)));
    if (n == 2 && fds[1].revents != 0) return absl::CancelledError("stopping");
    if (rc == 0) {
      if (absl::Now() < deadline) continue;  // poll's rounding
      return absl::DeadlineExceededError("timed out");
    }
    return absl::OkStatus();  // ready, or an error the next call reports
  }
}

absl::StatusOr<size_t> FdStream::Read(char* buf, size_t n, absl::Time deadline) {
  for (;;) {
    const ssize_t got = recv(fd_, buf, n, 0);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat("read: ", ErrnoText(errno)));
    }
    if (absl::Status s = Wait(POLLIN, deadline); !s.ok()) return s;
  }
}

absl::Status FdStream::Write(absl::string_view data, absl::Time deadline) {
  while (!data.empty()) {
    // MSG_NOSIGNAL: a peer that went away is an error here, not a SIGPIPE.
    const ssize_t put = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (put >= 0) {
      data.remove_prefix(static_cast<size_t>(put));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat("write: ", ErrnoText(errno)));
    }
    if (absl::Status s = Wait(POLLOUT, deadline); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status StreamReader::Fill(absl::Time deadline, bool* eof) {
  char chunk[4096];
  absl::StatusOr<size_t> got = stream_->Read(chunk, sizeof(chunk), deadline);
  if (!got.ok()) return got.status();
  *eof = *got == 0;
  buffer_.append(chunk, *got);
  return absl::OkStatus();
}

absl::StatusOr<std::string> StreamReader::ReadHead(size_t limit, absl::Time deadline) {
  for (;;) {
    // Empty lines before the first line are ignored (RFC 9112 2.2: some
    // clients send a CRLF after a previous request's body).
    const size_t first = buffer_.find_first_not_of("\r\n");
    if (first != 0) {
      const size_t blank = buffer_.rfind('\n', first == std::string::npos ? buffer_.size() : first);
      if (blank != std::string::npos) buffer_.erase(0, blank + 1);
    }
    // The head ends at the first line that is empty: "\n\n" or "\n\r\n".
    for (size_t i = buffer_.find('\n'); i != std::string::npos;
         i = buffer_.find('\n', i + 1)) {
      size_t end = 0;
      if (i + 1 < buffer_.size() && buffer_[i + 1] == '\n') end = i + 2;
      if (i + 2 < buffer_.size() && buffer_[i + 1] == '\r' && buffer_[i + 2] == '\n') end = i + 3;
      if (end == 0) continue;
      if (end > limit) break;
      std::string head = buffer_.substr(0, i + 1);
      buffer_.erase(0, end);
      return head;
    }
    if (buffer_.size() >= limit) {
      return absl::ResourceExhaustedError(absl::StrCat("head longer than ", limit, " bytes"));
    }
    bool eof = false;
    if (absl::Status s = Fill(deadline, &eof); !s.ok()) return s;
    if (eof) return absl::FailedPreconditionError("connection closed");
  }
}

absl::StatusOr<std::string> StreamReader::ReadLine(size_t limit, absl::Time deadline) {
  for (;;) {
    const size_t nl = buffer_.find('\n');
    if (nl != std::string::npos && nl <= limit) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > limit) {
      return absl::ResourceExhaustedError(absl::StrCat("line longer than ", limit, " bytes"));
    }
    bool eof = false;
    if (absl::Status s = Fill(deadline, &eof); !s.ok()) return s;
    if (eof) return absl::FailedPreconditionError("connection closed");
  }
}

absl::Status StreamReader::ReadExact(size_t n, absl::Time deadline, std::string* out) {
  while (buffer_.size() < n) {
    bool eof = false;
    if (absl::Status s = Fill(deadline, &eof); !s.ok()) return s;
    if (eof) return absl::FailedPreconditionError("connection closed");
  }
  out->append(buffer_, 0, n);
  buffer_.erase(0, n);
  return absl::OkStatus();
}

absl::Status StreamReader::ReadToEnd(size_t limit, absl::Time deadline, std::string* out) {
  for (;;) {
    if (buffer_.size() > limit) {
      return absl::ResourceExhaustedError(absl::StrCat("body longer than ", limit, " bytes"));
    }
    bool eof = false;
    if (absl::Status s = Fill(deadline, &eof); !s.ok()) return s;
    if (eof) break;
  }
  out->append(buffer_);
  buffer_.clear();
  return absl::OkStatus();
}

}  // namespace confwatch
