// DirWatcher reports changes below a set of directories with inotify. It
// watches directories, never single files: editors and installers replace
// files by rename, so IN_MOVED_TO is a change like IN_CLOSE_WRITE, IN_CREATE,
// IN_DELETE and IN_MOVED_FROM. Subdirectories created (or moved in) later
// under a recursive root are watched as they appear. When the kernel's event
// queue overflows, every watched directory is reported as changed.
//
// Each DirWatcher has its own inotify instance and thread, so several may run
// at once (the daemon watches its confdir; the file backend its data files).
// Written on the inotify system calls rather than on libinotifytools, which
// keeps one inotify instance and watch table per process in global state
// (so two watchers cannot coexist and none is thread-safe) and can only be
// stopped by polling its blocking read with a timeout (a stop took ~0.7 s);
// here an eventfd wakes the thread at once.
//
// Thread-safety: `on_change` is called from the watcher's own thread, one call
// at a time; it must be quick (typically: push onto the event loop's queue).
// The destructor wakes the thread, waits for it and closes the descriptors;
// no call of `on_change` runs after it returns.
#ifndef CONFWATCH_WATCH_DIR_WATCHER_H_
#define CONFWATCH_WATCH_DIR_WATCHER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confwatch {

struct WatchRoot {
  std::string dir;
  bool recursive = true;
};

// The error for an inotify call that failed with errno `err`, about `what`
// ("inotify", "inotify watch /etc/confd/conf.d"): "<what>: <strerror>", and
// for the limits a fleet of processes of one user meets, which one to raise:
// EMFILE from inotify_init (fs.inotify.max_user_instances, 128 by default,
// shared by every process of the user; or the process's open-file limit), ENOSPC from
// a watch (fs.inotify.max_user_watches).
absl::Status InotifyError(absl::string_view what, int err);

class DirWatcher {
 public:
  using Callback = std::function<void(const std::string& path)>;

  // Starts watching every root. A root that does not exist is an error naming
  // it: "watch <dir>: No such file or directory".
  static absl::StatusOr<std::unique_ptr<DirWatcher>> Start(const std::vector<WatchRoot>& roots,
                                                           Callback on_change);
  ~DirWatcher();
  DirWatcher(const DirWatcher&) = delete;
  DirWatcher& operator=(const DirWatcher&) = delete;

 private:
  struct Watched {
    std::string dir;  // with a trailing '/': the reported path is dir + name
    bool recursive = false;
  };

  DirWatcher(Callback on_change, int inotify_fd, int wake_fd);
  absl::Status AddRoot(const WatchRoot& root);
  // Watches `dir` and, when `recursive`, every directory below it (not
  // through symlinks). Returns false when `dir` itself cannot be watched.
  bool AddTree(const std::string& dir, bool recursive);
  void Loop();
  // Handles the events in buf[0, len).
  void Dispatch(const char* buf, size_t len);

  Callback on_change_;
  const int inotify_fd_;
  const int wake_fd_;  // eventfd: written by the destructor to end Loop()
  std::map<int, Watched> watched_;  // by watch descriptor; Start, then the thread only
  std::thread thread_;
};

}  // namespace confwatch

#endif  // CONFWATCH_WATCH_DIR_WATCHER_H_
