// See dir_watcher.h.
#include "watch/dir_watcher.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_TO |
                             IN_MOVED_FROM | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

std::string WithSlash(std::string dir) {
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir;
}

[[noreturn]] void Die(const char* what) {
  // Out of descriptors or memory at start: nothing sensible to go on with.
  fprintf(stderr, "confwatch: %s: %s\n", what, ErrnoText(errno).c_str());
  abort();
}

}  // namespace

absl::Status InotifyError(absl::string_view what, int err) {
  std::string text = absl::StrCat(what, ": ", ErrnoText(err));
  if (err == EMFILE) {
    absl::StrAppend(&text, " (the inotify instances of this user, sysctl fs.inotify.max_user_instances; "
                           "or this process's open-file limit)");
  } else if (err == ENOSPC) {
    absl::StrAppend(&text, " (the inotify watches of this user, sysctl fs.inotify.max_user_watches)");
  }
  return absl::InternalError(text);
}

absl::StatusOr<std::unique_ptr<DirWatcher>> DirWatcher::Start(const std::vector<WatchRoot>& roots,
                                                              Callback on_change) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return InotifyError("inotify", errno);
  const int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) {
    close(fd);
    return absl::InternalError(absl::StrCat("eventfd: ", ErrnoText(errno)));
  }
  std::unique_ptr<DirWatcher> w(new DirWatcher(std::move(on_change), fd, wake));
  for (const WatchRoot& root : roots) {
    if (absl::Status s = w->AddRoot(root); !s.ok()) return s;
  }
  w->thread_ = std::thread([raw = w.get()] { raw->Loop(); });
  return w;
}

DirWatcher::DirWatcher(Callback on_change, int inotify_fd, int wake_fd)
    : on_change_(std::move(on_change)), inotify_fd_(inotify_fd), wake_fd_(wake_fd) {}

DirWatcher::~DirWatcher() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    if (write(wake_fd_, &one, sizeof(one)) != sizeof(one)) Die("eventfd write");
    thread_.join();
  }
  close(wake_fd_);
  close(inotify_fd_);
}

absl::Status DirWatcher::AddRoot(const WatchRoot& root) {
  struct stat st;
  if (stat(root.dir.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("watch ", root.dir, ": ", ErrnoText(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("watch ", root.dir, ": not a directory"));
  }
  if (!AddTree(root.dir, root.recursive)) {
    return InotifyError(absl::StrCat("inotify watch ", root.dir), errno);
  }
  return absl::OkStatus();
}

bool DirWatcher::AddTree(const std::string& dir, bool recursive) {
  const int wd = inotify_add_watch(inotify_fd_, dir.c_str(), kEvents | IN_ONLYDIR);
  if (wd < 0) return false;
  Watched& w = watched_[wd];
  // The same directory reached twice (one root inside another): recursive wins.
  w.recursive = w.recursive || recursive;
  w.dir = WithSlash(dir);
  if (!recursive) return true;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return true;  // removed meanwhile: its parent reports that
  std::vector<std::string> subdirs;
  while (const dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    const std::string path = WithSlash(dir) + e->d_name;
    struct stat st;
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) subdirs.push_back(path);
  }
  closedir(d);
  for (const std::string& sub : subdirs) AddTree(sub, true);
  return true;
}

void DirWatcher::Loop() {
  alignas(struct inotify_event) char buf[64 * 1024];
  pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Die("poll on inotify");
    }
    if (fds[1].revents != 0) return;
    const ssize_t n = read(inotify_fd_, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      Die("read inotify");
    }
    Dispatch(buf, static_cast<size_t>(n));
  }
}

void DirWatcher::Dispatch(const char* buf, size_t len) {
  for (size_t off = 0; off < len;) {
    const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
    off += sizeof(struct inotify_event) + ev->len;
    if (ev->mask & IN_Q_OVERFLOW) {
      // Events were lost: anything may have changed, so say every directory did.
      for (const auto& entry : watched_) on_change_(entry.second.dir);
      continue;
    }
    auto it = watched_.find(ev->wd);
    if (it == watched_.end()) continue;  // a watch already gone
    if (ev->mask & IN_IGNORED) {
      watched_.erase(it);  // the directory is gone; its parent reported that
      continue;
    }
    std::string path = it->second.dir;
    if (ev->len > 0) path += ev->name;  // the kernel pads name with NULs
    if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && it->second.recursive) {
      // A new subdirectory: watch it too (its files may already be there).
      AddTree(path, true);
    }
    on_change_(path);
  }
}

}  // namespace confwatch
