// PosixFileSystem: FileSystem over the system calls.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/random/random.h"
#include "resource/file_system.h"

namespace confwatch {
namespace {

constexpr int kCreateAttempts = 100;

// Retries a system call returning -1/errno while it fails with EINTR.
template <typename Call>
int Retry(Call call) {
  while (call() < 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

std::string RandomSuffix(absl::BitGen& gen) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(6, ' ');
  for (char& c : out) c = kChars[absl::Uniform<size_t>(gen, 0, sizeof kChars - 1)];
  return out;
}

int64_t Nanoseconds(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

void FillInfo(const struct stat& st, FileInfo* info) {
  info->mode = st.st_mode & 07777;
  info->uid = st.st_uid;
  info->gid = st.st_gid;
  info->size = st.st_size;
  info->is_regular = S_ISREG(st.st_mode);
  info->is_directory = S_ISDIR(st.st_mode);
  info->is_symlink = S_ISLNK(st.st_mode);
  info->type = st.st_mode & S_IFMT;
  info->dev = st.st_dev;
  info->ino = st.st_ino;
  info->mtime_ns = Nanoseconds(st.st_mtim);
  info->ctime_ns = Nanoseconds(st.st_ctim);
}

}  // namespace

const char* FileKind(const FileInfo& info) {
  switch (info.type) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symlink";
    case S_IFIFO: return "a FIFO";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
  }
  return "a file of unknown type";
}

int PosixFileSystem::Lstat(const std::string& path, FileInfo* info) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return errno;
  FillInfo(st, info);
  return 0;
}

int PosixFileSystem::Fstat(int fd, FileInfo* info) {
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  FillInfo(st, info);
  return 0;
}

int PosixFileSystem::ReadFile(const std::string& path, std::string* contents) {
  // O_NOFOLLOW and O_NONBLOCK: a link or a FIFO swapped in after the
  // caller's Lstat is neither followed nor waited on.
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st;
  int err = fstat(fd, &st) != 0 ? errno : (S_ISREG(st.st_mode) ? 0 : EINVAL);
  if (err != 0) {
    close(fd);
    return err;
  }
  contents->clear();
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    contents->append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return err;
}

int PosixFileSystem::CreateUnique(const std::string& dir, const std::string& prefix,
                                  mode_t mode, int* fd, std::string* path) {
  absl::BitGen gen;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::string candidate = dir + "/" + prefix + RandomSuffix(gen);
    // O_EXCL|O_NOFOLLOW: never open something a third party planted there.
    int f = open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 mode);
    if (f < 0) {
      if (errno == EEXIST || errno == EINTR) continue;
      return errno;
    }
    // The umask may have taken bits away; the contract is exactly `mode`.
    if (fchmod(f, mode) != 0) {
      int err = errno;
      close(f);
      unlink(candidate.c_str());
      return err;
    }
    *fd = f;
    *path = std::move(candidate);
    return 0;
  }
  return EEXIST;
}

int PosixFileSystem::OpenTruncate(const std::string& path, int* fd) {
  int f;
  do {
    f = open(path.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  } while (f < 0 && errno == EINTR);
  if (f < 0) return errno;
  *fd = f;
  return 0;
}

int PosixFileSystem::Write(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

int PosixFileSystem::Fsync(int fd) {
  return Retry([&] { return fsync(fd); });
}

int PosixFileSystem::Fchmod(int fd, mode_t mode) {
  return Retry([&] { return fchmod(fd, mode); });
}

int PosixFileSystem::Fchown(int fd, uid_t uid, gid_t gid) {
  return Retry([&] { return fchown(fd, uid, gid); });
}

int PosixFileSystem::Close(int fd) {
  // Linux frees the fd even when close fails (EINTR included): never retry.
  return close(fd) == 0 ? 0 : errno;
}

int PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  return rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

int PosixFileSystem::Unlink(const std::string& path) {
  return unlink(path.c_str()) == 0 ? 0 : errno;
}

int PosixFileSystem::FsyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = Retry([&] { return fsync(fd); });
  close(fd);
  // Some filesystems cannot fsync a directory; the rename happened anyway.
  return err == EINVAL ? 0 : err;
}

int PosixFileSystem::MkdirAll(const std::string& dir, mode_t mode) {
  if (dir.empty()) return ENOENT;
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    if (int err = MkdirAll(dir.substr(0, slash), mode); err != 0) return err;
  }
  if (mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return errno;
  return 0;
}

}  // namespace confwatch
