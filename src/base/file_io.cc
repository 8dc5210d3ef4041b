// See file_io.h.
#include "base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace confwatch {
namespace {

// Reads fd to its end into *out; 0 or the errno of the read that failed.
int ReadAll(int fd, std::string* out) {
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    out->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

absl::Status IoError(absl::string_view path, int err) {
  return absl::ErrnoToStatus(err, absl::StrCat("IO error: ", path));
}

absl::StatusOr<std::string> ReadFile(const std::string& path, mode_t* mode) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path, errno);
  int err = 0;
  if (mode != nullptr) {
    struct stat st;
    if (fstat(fd, &st) == 0) {
      *mode = st.st_mode & 07777;
    } else {
      err = errno;
    }
  }
  std::string contents;
  if (err == 0) err = ReadAll(fd, &contents);
  close(fd);
  if (err != 0) return IoError(path, err);
  return contents;
}

}  // namespace confwatch
