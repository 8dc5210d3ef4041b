// See dir_watcher.h.
#include "watch/dir_watcher.h"

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "inotifytools/inotifytools.h"

namespace confwatch {
namespace {

constexpr int kEvents = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM |
                        IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

// libinotifytools is a process-global singleton.
std::atomic<bool> g_running{false};

}  // namespace

absl::Status InotifyError(absl::string_view what, int err) {
  std::string text = absl::StrCat(what, ": ", strerror(err));
  if (err == EMFILE) {
    absl::StrAppend(&text, " (the inotify instances of this user, sysctl fs.inotify.max_user_instances; "
                           "or this process's open-file limit)");
  } else if (err == ENOSPC) {
    absl::StrAppend(&text, " (the inotify watches of this user, sysctl fs.inotify.max_user_watches)");
  }
  return absl::InternalError(text);
}

namespace {

absl::Status AddRoot(const WatchRoot& root) {
  struct stat st;
  if (stat(root.dir.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("watch ", root.dir, ": ", strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("watch ", root.dir, ": not a directory"));
  }
  int ok = root.recursive ? inotifytools_watch_recursively(root.dir.c_str(), kEvents)
                          : inotifytools_watch_file(root.dir.c_str(), kEvents);
  if (!ok) {
    return InotifyError(absl::StrCat("inotify watch ", root.dir), inotifytools_error());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<DirWatcher>> DirWatcher::Start(const std::vector<WatchRoot>& roots,
                                                              Callback on_change) {
  if (g_running.exchange(true)) {
    return absl::FailedPreconditionError("a DirWatcher is already running in this process");
  }
  if (!inotifytools_initialize()) {
    g_running = false;
    return InotifyError("inotify", inotifytools_error());
  }
  for (const WatchRoot& root : roots) {
    if (absl::Status s = AddRoot(root); !s.ok()) {
      inotifytools_cleanup();
      g_running = false;
      return s;
    }
  }
  std::unique_ptr<DirWatcher> w(new DirWatcher(std::move(on_change)));
  w->thread_ = std::thread([raw = w.get()] { raw->Loop(); });
  return w;
}

DirWatcher::~DirWatcher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  inotifytools_cleanup();
  g_running = false;
}

void DirWatcher::Loop() {
  while (!stop_) {
    // Blocks at most 1 s so that the destructor is honoured promptly.
    struct inotify_event* ev = inotifytools_next_event(1);
    if (ev == nullptr) continue;
    const char* dir = inotifytools_filename_from_wd(ev->wd);
    if (dir == nullptr) continue;
    std::string path = dir;  // libinotifytools keeps a trailing '/' on directories
    if (ev->len > 0) path += ev->name;
    if ((ev->mask & IN_CREATE) && (ev->mask & IN_ISDIR)) {
      // A new subdirectory: watch it too (its files may already be there).
      inotifytools_watch_recursively((path + "/").c_str(), kEvents);
    }
    on_change_(path);
  }
}

}  // namespace confwatch
