// See addresses.h.
#include "http/addresses.h"

#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace confwatch {

absl::StatusOr<int> FirstWorkingAddress(const std::string& host, int port, bool passive,
                                        absl::FunctionRef<int(const addrinfo& ai, int* err)> attempt,
                                        int* err) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0) return absl::UnavailableError(absl::StrCat("resolve: ", gai_strerror(rc)));
  *err = EADDRNOTAVAIL;
  int fd = -1;
  for (const addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) fd = attempt(*ai, err);
  freeaddrinfo(res);
  return fd;
}

}  // namespace confwatch
