// See tcp_connect.h.
#include "http/tcp_connect.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "http/addresses.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

int RemainingMs(absl::Time deadline) {
  const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
  return ms < 0 ? 0 : static_cast<int>(ms);
}

// Non-blocking connect to one address, waiting until `deadline`; the fd or
// the errno (ETIMEDOUT when the deadline passed).
int ConnectOne(const addrinfo* ai, absl::Time deadline, int* err) {
  const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    *err = errno;
    return -1;
  }
  *err = 0;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    *err = errno;
    if (*err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int n;
      do {
        n = poll(&p, 1, RemainingMs(deadline));
      } while (n < 0 && errno == EINTR);
      if (n == 0) {
        *err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof(*err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) != 0) *err = errno;
      }
    }
  }
  if (*err == 0) return fd;
  close(fd);
  return -1;
}

}  // namespace

absl::StatusOr<int> TcpConnect(const std::string& host, int port, absl::Time deadline) {
  int last_err = 0;
  absl::StatusOr<int> fd = FirstWorkingAddress(
      host, port, /*passive=*/false,
      [deadline](const addrinfo& ai, int* err) { return ConnectOne(&ai, deadline, err); },
      &last_err);
  if (!fd.ok() || *fd >= 0) return fd;
  if (last_err == ETIMEDOUT) return absl::DeadlineExceededError("connect: timed out");
  return absl::UnavailableError(absl::StrCat("connect: ", ErrnoText(last_err)));
}

}  // namespace confwatch
