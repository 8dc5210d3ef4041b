// FakeFileSystem: an in-memory FileSystem for installer tests. It records
// every call as one line of text ("create /etc/.app.conf.000001 0600"), so a
// test can assert the exact order of operations, and it fails the next call
// of a kind on request (`fail_next_rename = EXDEV`), so a test can produce the
// disk-full and cross-device errors a real disk will not give on demand.
// Stage names are deterministic: the prefix plus a counter, "000001".
//
// Thread-safety: not thread-safe; one test, one thread.
#ifndef CONFWATCH_TESTS_UNIT_RESOURCE_FAKE_FILE_SYSTEM_H_
#define CONFWATCH_TESTS_UNIT_RESOURCE_FAKE_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "resource/file_system.h"

namespace confwatch {

class FakeFileSystem : public FileSystem {
 public:
  struct File {
    std::string contents;
    mode_t mode = 0644;
    uid_t uid = 0;
    gid_t gid = 0;
    // Identity as FileInfo reports it: each new file gets the next inode;
    // every change of the data (mtime) or of the inode (ctime, also on
    // rename) takes the next tick of a clock that only moves forward.
    ino_t ino = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
  };

  // Setup: directories (with parents) and files (their directory must exist).
  void AddDir(const std::string& dir);
  void AddFile(const std::string& path, const std::string& contents, mode_t mode = 0644,
               uid_t uid = 1000, gid_t gid = 1000);
  // Another program rewrites an existing file in place (same inode, new
  // mtime and ctime), as `cat x > file` does.
  void EditInPlace(const std::string& path, const std::string& contents);

  // A symlink at `path` to `target` (owned by `uid`). Lstat describes the
  // link; ReadFile and OpenTruncate refuse it (ELOOP, as O_NOFOLLOW does);
  // Rename over it replaces the link, not its target.
  void AddSymlink(const std::string& path, const std::string& target, uid_t uid = 1000);
  bool HasSymlink(const std::string& path) const { return symlinks_.count(path) > 0; }
  // Something that is neither a file, a directory nor a symlink at `path`:
  // `type` is S_IFIFO, S_IFSOCK, S_IFCHR or S_IFBLK. Lstat describes it;
  // ReadFile refuses it (EINVAL); Rename over it replaces it; Unlink removes it.
  void AddSpecial(const std::string& path, mode_t type, uid_t uid = 1000);
  bool HasSpecial(const std::string& path) const { return specials_.count(path) > 0; }
  // An (empty) directory goes away, as rmdir does.
  void RemoveDir(const std::string& dir) { dirs_.erase(dir); }

  // nullptr when there is no such file.
  const File* GetFile(const std::string& path) const;
  bool HasDir(const std::string& dir) const { return dirs_.count(dir) > 0; }
  // Every file path, sorted.
  std::vector<std::string> FilePaths() const;

  // FileSystem.
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

  // The fake clock that stamps files, in nanoseconds; it moves one
  // nanosecond per change (multigrain timestamps), or not at all with
  // coarse_timestamps (a clock tick outlasting the test). Starts near 0, far
  // in the past.
  void set_clock_ns(int64_t ns) { clock_ns_ = ns; }
  bool coarse_timestamps = false;

  // One line per call, in order.
  std::vector<std::string> calls;

  // The next call of that kind fails with this errno (then the field resets
  // to 0). A failed write still writes the first half of its data, as a
  // disk filling up mid-write does.
  int fail_next_lstat = 0;
  int fail_next_read = 0;
  int fail_next_create = 0;
  int fail_next_open = 0;
  int fail_next_write = 0;
  int fail_next_fsync = 0;
  int fail_next_fchmod = 0;
  int fail_next_fchown = 0;
  int fail_next_close = 0;
  int fail_next_rename = 0;
  int fail_next_unlink = 0;
  int fail_next_fsync_dir = 0;
  int fail_next_mkdir = 0;
  // path -> errno: the next write to that path fails (as fail_next_write).
  std::map<std::string, int> fail_next_write_to;
  // path -> errno: the next Lstat / ReadFile of that path, or Rename onto it,
  // fails (one child's dest, while the others' work).
  std::map<std::string, int> fail_next_lstat_of;
  std::map<std::string, int> fail_next_read_of;
  std::map<std::string, int> fail_next_rename_to;

  // Files created get these ids. Unless process_uid is 0 (root), fchown to
  // another uid fails with EPERM, as for an unprivileged process.
  uid_t process_uid = 1000;
  gid_t process_gid = 1000;

 private:
  // Returns and clears *field.
  static int Take(int* field);
  // Returns and clears (*fields)[path], 0 when there is none.
  static int TakeFor(std::map<std::string, int>* fields, const std::string& path);
  // The path open as `fd`, "" if none.
  std::string PathOf(int fd) const;
  // A new file with the next inode, its times now.
  File NewFile(std::string contents, mode_t mode, uid_t uid, gid_t gid);
  // Marks a change of the data (and so of the inode) or of the inode only.
  int64_t Tick() { return coarse_timestamps ? clock_ns_ : ++clock_ns_; }
  void Modified(File* f) { f->mtime_ns = f->ctime_ns = Tick(); }
  void Changed(File* f) { f->ctime_ns = Tick(); }
  static void Describe(const File& f, FileInfo* info);

  std::set<std::string> dirs_{"/"};
  std::map<std::string, File> files_;
  std::map<std::string, std::pair<std::string, uid_t>> symlinks_;  // path -> target, owner
  std::map<std::string, std::pair<mode_t, uid_t>> specials_;  // path -> type, owner
  std::map<int, std::string> open_;  // fd -> path
  int next_fd_ = 3;
  int next_unique_ = 1;
  ino_t next_ino_ = 100;
  int64_t clock_ns_ = 1000;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_UNIT_RESOURCE_FAKE_FILE_SYSTEM_H_
