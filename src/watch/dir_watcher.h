// DirWatcher reports changes below a set of directories with inotify (through
// libinotifytools). It watches directories, never single files: editors and
// installers replace files by rename, so IN_MOVED_TO is a change like
// IN_CLOSE_WRITE, IN_CREATE, IN_DELETE and IN_MOVED_FROM. Subdirectories
// created later under a recursive root are watched as they appear.
//
// libinotifytools keeps process-global state, so at most one DirWatcher may be
// running at a time (Start returns FailedPrecondition otherwise).
//
// Thread-safety: `on_change` is called from the watcher's own thread, one call
// at a time; it must be quick (typically: push onto the event loop's queue).
// The destructor stops the thread and waits for it.
#ifndef CONFWATCH_WATCH_DIR_WATCHER_H_
#define CONFWATCH_WATCH_DIR_WATCHER_H_

#include <atomic>
#include <functional>
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

  // Starts watching every root. A root that does not exist is an error naming it.
  static absl::StatusOr<std::unique_ptr<DirWatcher>> Start(const std::vector<WatchRoot>& roots,
                                                           Callback on_change);
  ~DirWatcher();
  DirWatcher(const DirWatcher&) = delete;
  DirWatcher& operator=(const DirWatcher&) = delete;

 private:
  explicit DirWatcher(Callback on_change) : on_change_(std::move(on_change)) {}
  void Loop();

  Callback on_change_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace confwatch

#endif  // CONFWATCH_WATCH_DIR_WATCHER_H_
