// See path_trust.h.
#include "base/path_trust.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"

namespace confwatch {
namespace {

// As the kernel's MAXSYMLINKS: past this many the path is a loop.
constexpr int kMaxSymlinks = 40;

class SystemProbe : public PathProbe {
 public:
  int Lstat(const std::string& path, PathFacts* facts) const override {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return errno;
    facts->mode = st.st_mode;
    facts->uid = st.st_uid;
    // statvfs only when a write bit would refuse the path: most never need it.
    facts->read_only_fs = false;
    struct statvfs vfs;
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !S_ISLNK(st.st_mode) &&
        statvfs(path.c_str(), &vfs) == 0) {
      facts->read_only_fs = (vfs.f_flag & ST_RDONLY) != 0;
    }
    return 0;
  }
  int ReadLink(const std::string& path, std::string* target) const override {
    char buffer[4096];
    ssize_t n = readlink(path.c_str(), buffer, sizeof buffer);
    if (n < 0) return errno;
    if (static_cast<size_t>(n) == sizeof buffer) return ENAMETOOLONG;
    target->assign(buffer, static_cast<size_t>(n));
    return 0;
  }
  uid_t Euid() const override { return geteuid(); }
  std::string Cwd() const override {
    char buffer[4096];
    return getcwd(buffer, sizeof buffer) != nullptr ? std::string(buffer) : std::string("/");
  }
};

std::vector<std::string> Parts(const std::string& path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? absl::StrCat("/", name) : absl::StrCat(dir, "/", name);
}

std::string Parent(const std::string& dir) {
  const size_t slash = dir.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
}

absl::Status Untrusted(const std::string& path, const PathFacts& f, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrFormat(
      "untrusted path %s (owner uid %d, mode %04o): %s; confwatch runs as root, so it and every "
      "directory above it must be owned by root and not writable by group or others (chown "
      "root, chmod go-w)",
      path, f.uid, f.mode & 07777, why));
}

class Walk {
 public:
  Walk(const PathProbe& probe, const std::string& path) : probe_(probe), path_(path) {}

  absl::Status Run() {
    Push(path_);
    if (path_.empty() || path_[0] != '/') Push(probe_.Cwd());
    std::string cur = "/";
    PathFacts cur_facts;
    if (absl::Status s = Look("/", &cur_facts); !s.ok()) return s;
    if (absl::Status s = CheckEntry("/", cur_facts, todo_.empty()); !s.ok()) return s;
    while (!todo_.empty()) {
      std::string part = std::move(todo_.front());
      todo_.pop_front();
      if (part == ".") continue;
      if (part == "..") {
        cur = Parent(cur);  // a directory already walked through and checked
        if (absl::Status s = Look(cur, &cur_facts); !s.ok()) return s;
        continue;
      }
      const std::string next = Join(cur, part);
      PathFacts f;
      if (absl::Status s = Look(next, &f); !s.ok()) return s;
      if (S_ISLNK(f.mode)) {
        if (OthersMayWrite(cur_facts) && !TrustedOwner(f.uid)) {
          return Untrusted(next, f,
                           "a symlink owned by another user in a directory others can write");
        }
        if (absl::Status s = Follow(next, &cur, &cur_facts); !s.ok()) return s;
        continue;
      }
      if (absl::Status s = CheckEntry(next, f, todo_.empty()); !s.ok()) return s;
      cur = next;
      cur_facts = f;
    }
    return absl::OkStatus();
  }

 private:
  const PathProbe& probe_;
  const std::string& path_;  // as the caller named it: what errors name, as a read would
  std::deque<std::string> todo_;
  int links_ = 0;

  // Puts `path`'s parts in front of what is left to walk.
  void Push(const std::string& path) {
    std::vector<std::string> parts = Parts(path);
    todo_.insert(todo_.begin(), parts.begin(), parts.end());
  }

  absl::Status Look(const std::string& path, PathFacts* f) const {
    if (int err = probe_.Lstat(path, f); err != 0) return IoError(path_, err);
    return absl::OkStatus();
  }

  // The symlink at `link` is walked through: its target replaces it.
  absl::Status Follow(const std::string& link, std::string* cur, PathFacts* cur_facts) {
    if (++links_ > kMaxSymlinks) return IoError(path_, ELOOP);
    std::string target;
    if (int err = probe_.ReadLink(link, &target); err != 0) return IoError(path_, err);
    Push(target);
    if (!target.empty() && target[0] == '/') {
      *cur = "/";
      return Look("/", cur_facts);
    }
    return absl::OkStatus();  // relative: from the directory holding the link
  }

  static bool TrustedOwner(uid_t uid) { return uid == 0; }

  static bool OthersMayWrite(const PathFacts& f) {
    return (f.mode & (S_IWGRP | S_IWOTH)) != 0 && !f.read_only_fs;
  }

  // `last`: the file the caller reads, where even a sticky bit does not do.
  absl::Status CheckEntry(const std::string& path, const PathFacts& f, bool last) const {
    if (!TrustedOwner(f.uid)) return Untrusted(path, f, "owned by another user");
    const bool sticky_dir = S_ISDIR(f.mode) && (f.mode & S_ISVTX) != 0;
    if (OthersMayWrite(f) && (last || !sticky_dir)) {
      return Untrusted(path, f, "writable by group or others");
    }
    return absl::OkStatus();
  }
};

}  // namespace

const PathProbe& SystemPathProbe() {
  static const SystemProbe* probe = new SystemProbe();
  return *probe;
}

absl::Status CheckTrustedPath(const std::string& path, const PathProbe& probe) {
  if (probe.Euid() != 0) return absl::OkStatus();  // nothing to gain: see the header
  return Walk(probe, path).Run();
}

}  // namespace confwatch
