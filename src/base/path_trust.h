// CheckTrustedPath: sshd's StrictModes for what confwatch reads its commands
// from. A resource TOML chooses which check_cmd / reload_cmd run, a template
// chooses what is written to dest, and confwatch often runs as root: if
// another user can change one of those files, or replace it through a
// directory above it, that user runs commands (or writes files) as root.
//
// Only when confwatch runs as root (effective uid 0): that is where another
// user would gain something, and a developer's own checkout with a
// group-writable umask (002) keeps working without it. There a path is
// trusted when, following it from "/" the way the kernel does (every symlink
// resolved, at most 40 of them):
//  - the file itself and every directory walked through is owned by root;
//  - the file itself is not writable by group or others;
//  - a directory walked through is not writable by group or others, unless it
//    has the sticky bit (/tmp): there others may add entries but cannot
//    rename or remove root's, and every entry walked through is checked in
//    turn;
//  - a symlink in a directory others may write (sticky) is owned by root
//    (else its owner could repoint it).
// Write bits are ignored on a read-only file system (a Kubernetes ConfigMap
// volume): nobody can write there. Group-writable is refused even for root's
// group: keep these files `chmod go-w`.
//
// Thread-safety: functions only; safe from any thread.
#ifndef CONFWATCH_BASE_PATH_TRUST_H_
#define CONFWATCH_BASE_PATH_TRUST_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"

namespace confwatch {

// What CheckTrustedPath needs to know about one path (lstat, not followed).
struct PathFacts {
  mode_t mode = 0;  // st_mode: type and permission bits
  uid_t uid = 0;
  bool read_only_fs = false;  // statvfs ST_RDONLY
};

// The OS seam: the real one calls lstat, statvfs, readlink and geteuid; tests
// use a fake table of paths.
class PathProbe {
 public:
  virtual ~PathProbe() = default;
  // lstat(path) into *facts; returns 0 or errno.
  virtual int Lstat(const std::string& path, PathFacts* facts) const = 0;
  // readlink(path); returns 0 or errno.
  virtual int ReadLink(const std::string& path, std::string* target) const = 0;
  // confwatch's effective uid: the check is made only when it is 0.
  virtual uid_t Euid() const = 0;
  // The working directory, against which a relative path is walked.
  virtual std::string Cwd() const = 0;
};

// The real file system. Never null; lives for the whole program.
const PathProbe& SystemPathProbe();

// OK when `path` is trusted (see top of file). Errors:
//  - IoError(path, errno) when a step cannot be looked at, worded as reading
//    `path` would (NotFound for a missing file or a dangling symlink);
//  - FailedPrecondition naming the culprit, its owner and mode, the reason
//    and the fix:
//    "untrusted path /etc/confd/conf.d/app.toml (owner uid 1001, mode 0644):
//    owned by another user; confwatch runs as root, so it and every directory
//    above it must be owned by root and not writable by group or others
//    (chown root, chmod go-w)", the reason being one of "owned by another user", "writable by
//    group or others" or "a symlink owned by another user in a directory
//    others can write".
// `path` may be relative (to the working directory).
absl::Status CheckTrustedPath(const std::string& path, const PathProbe& probe = SystemPathProbe());

}  // namespace confwatch

#endif  // CONFWATCH_BASE_PATH_TRUST_H_
