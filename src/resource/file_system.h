// FileSystem is the installer's only way to the disk: the dozen system calls
// an atomic install needs, behind an interface so tests can record the calls
// and inject failures (ENOSPC on write, EXDEV on rename) that a real disk
// will not produce on demand.
//
// Every call returns 0 on success or the errno value of the failed system
// call, never -1: callers branch on the value (EXDEV, EBUSY, ENOENT) and add
// the path to the message once, where they know what the path was for.
//
// Another user may own the directory dest lives in, or share it (a sticky
// /tmp-like directory): dest itself is looked at with Lstat and read with
// ReadFile, neither of which follows a symlink, so a planted link never makes
// the installer read, copy or take the mode of the file it points to.
//
// Thread-safety: implementations are safe to call from several threads (the
// POSIX one holds no state); concurrent calls on one fd are the caller's
// business.
#ifndef CONFWATCH_RESOURCE_FILE_SYSTEM_H_
#define CONFWATCH_RESOURCE_FILE_SYSTEM_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace confwatch {

struct FileInfo {
  mode_t mode = 0;  // permission bits only (& 07777)
  uid_t uid = 0;
  gid_t gid = 0;
  off_t size = 0;
  bool is_regular = false;
  bool is_directory = false;
  bool is_symlink = false;  // only Lstat sets it
  // The file type bits of st_mode (S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO,
  // S_IFSOCK, S_IFCHR, S_IFBLK), for saying what is at a path (FileKind).
  mode_t type = 0;
  // Identity: which file this is and when its data or inode last changed
  // (nanoseconds since the epoch). The installer uses them to know a dest
  // it wrote itself without reading it back.
  dev_t dev = 0;
  ino_t ino = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
};

// What `info` describes, for messages: "a regular file", "a directory",
// "a symlink", "a FIFO", "a socket", "a character device", "a block device",
// "a file of unknown type".
const char* FileKind(const FileInfo& info);

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // lstat(2): a symlink is described itself (is_symlink), never its target.
  virtual int Lstat(const std::string& path, FileInfo* info) = 0;
  // fstat(2) of an open file.
  virtual int Fstat(int fd, FileInfo* info) = 0;
  // Replaces *contents with the whole regular file. Never follows a symlink
  // at `path` (ELOOP) and never reads anything but a regular file (EINVAL),
  // even one put there after an Lstat said otherwise.
  virtual int ReadFile(const std::string& path, std::string* contents) = 0;
  // Creates a new file `<dir>/<prefix>XXXXXX` (X from [A-Za-z0-9]) that did
  // not exist, with permission bits exactly `mode` from the first moment,
  // opened write-only; sets *fd and *path.
  virtual int CreateUnique(const std::string& dir, const std::string& prefix, mode_t mode,
                           int* fd, std::string* path) = 0;
  // Opens an existing file write-only and truncates it (no O_CREAT, ELOOP
  // for a symlink).
  virtual int OpenTruncate(const std::string& path, int* fd) = 0;
  // Writes all of `data`, retrying short writes and EINTR.
  virtual int Write(int fd, absl::string_view data) = 0;
  virtual int Fsync(int fd) = 0;
  virtual int Fchmod(int fd, mode_t mode) = 0;
  virtual int Fchown(int fd, uid_t uid, gid_t gid) = 0;
  virtual int Close(int fd) = 0;
  virtual int Rename(const std::string& from, const std::string& to) = 0;
  virtual int Unlink(const std::string& path) = 0;
  // fsync(2) on the directory itself, so a rename in it is durable.
  virtual int FsyncDir(const std::string& dir) = 0;
  // mkdir -p: creates `dir` and missing parents with `mode`; 0 if it exists.
  virtual int MkdirAll(const std::string& dir, mode_t mode) = 0;
};

// The real thing: POSIX system calls.
class PosixFileSystem : public FileSystem {
 public:
  int Lstat(const std::string& path, FileInfo* info) override;
  int Fstat(int fd, FileInfo* info) override;
  int ReadFile(const std::string& path, std::string* contents) override;
  int CreateUnique(const std::string& dir, const std::string& prefix, mode_t mode,
                   int* fd, std::string* path) override;
  int OpenTruncate(const std::string& path, int* fd) override;
  int Write(int fd, absl::string_view data) override;
  int Fsync(int fd) override;
  int Fchmod(int fd, mode_t mode) override;
  int Fchown(int fd, uid_t uid, gid_t gid) override;
  int Close(int fd) override;
  int Rename(const std::string& from, const std::string& to) override;
  int Unlink(const std::string& path) override;
  int FsyncDir(const std::string& dir) override;
  int MkdirAll(const std::string& dir, mode_t mode) override;
};

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_FILE_SYSTEM_H_
