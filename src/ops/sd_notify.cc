// See sd_notify.h.
#include "ops/sd_notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

absl::Duration MonotonicNow() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::DurationFromTimespec(ts);
}

// Fills *addr for `socket`; returns the address length, or 0 when the name
// does not fit in sun_path.
socklen_t FillAddress(absl::string_view socket, sockaddr_un* addr) {
  memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  if (socket.size() >= sizeof(addr->sun_path)) return 0;
  memcpy(addr->sun_path, socket.data(), socket.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket.size());
  if (socket.front() == '@') {
    // Abstract namespace: a leading NUL, and the length counts exactly the
    // name's bytes (no terminating NUL), as systemd binds it.
    addr->sun_path[0] = '\0';
  } else {
    ++len;  // the path's terminating NUL
  }
  return len;
}

}  // namespace

absl::Status SdNotifyTo(absl::string_view socket, absl::string_view state) {
  const std::string where = absl::StrCat("sd_notify ", socket);
  if (socket.empty() || (socket.front() != '/' && socket.front() != '@')) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": NOTIFY_SOCKET must be an absolute path or start with '@'"));
  }
  sockaddr_un addr;
  const socklen_t len = FillAddress(socket, &addr);
  if (len == 0) return absl::InvalidArgumentError(absl::StrCat(where, ": socket name too long"));

  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat(where, ": socket: ", ErrnoText(errno)));
  }
  const ssize_t n = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                           reinterpret_cast<const sockaddr*>(&addr), len);
  const int err = errno;
  close(fd);
  if (n < 0) return absl::UnavailableError(absl::StrCat(where, ": ", ErrnoText(err)));
  if (static_cast<size_t>(n) != state.size()) {
    return absl::UnavailableError(absl::StrCat(where, ": short send"));
  }
  return absl::OkStatus();
}

absl::Status SdNotify(absl::string_view state) {
  const char* socket = getenv("NOTIFY_SOCKET");
  if (socket == nullptr || socket[0] == '\0') return absl::OkStatus();
  return SdNotifyTo(socket, state);
}

std::string SdReloadingState(absl::Duration monotonic_now) {
  return absl::StrCat("RELOADING=1\nMONOTONIC_USEC=", absl::ToInt64Microseconds(monotonic_now));
}

absl::Status SdNotifyReady() { return SdNotify("READY=1"); }

absl::Status SdNotifyReloading() { return SdNotify(SdReloadingState(MonotonicNow())); }

absl::Status SdNotifyStopping() { return SdNotify("STOPPING=1"); }

absl::Status SdNotifyStatus(absl::string_view status) {
  // One line: a newline would start another KEY=VALUE assignment.
  return SdNotify(absl::StrCat("STATUS=", absl::StrReplaceAll(status, {{"\n", " "}})));
}

absl::Status SdNotifyWatchdog() {
  if (SdWatchdogInterval() <= absl::ZeroDuration()) return absl::OkStatus();
  return SdNotify("WATCHDOG=1");
}

absl::Duration SdWatchdogInterval() {
  const char* usec = getenv("WATCHDOG_USEC");
  int64_t us = 0;
  if (usec == nullptr || !absl::SimpleAtoi(usec, &us) || us <= 0) return absl::ZeroDuration();
  if (const char* pid = getenv("WATCHDOG_PID"); pid != nullptr && pid[0] != '\0') {
    int64_t p = 0;
    if (!absl::SimpleAtoi(pid, &p) || p != static_cast<int64_t>(getpid())) {
      return absl::ZeroDuration();
    }
  }
  return absl::Microseconds(us);
}

}  // namespace confwatch
