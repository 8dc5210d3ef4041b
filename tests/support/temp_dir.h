// Test helpers for scratch space and loopback ports.
//
//   TempDir dir;                         // /tmp/confwatch-XXXXXX, removed at scope exit
//   std::string f = dir.Path("a.conf");  // dir.path() + "/a.conf"
//   int port = FreePort();               // a loopback TCP port nobody listens on now
//
// Thread-safety: a TempDir is not shared between threads; FreePort() is
// thread-safe.
#ifndef CONFWATCH_TESTS_SUPPORT_TEMP_DIR_H_
#define CONFWATCH_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

#include "absl/status/status.h"

namespace confwatch {

// A fresh directory under $TMPDIR (default /tmp), removed with everything in it
// when the object is destroyed. Aborts if the directory cannot be created: a
// test cannot do anything useful without it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name. Creates nothing.
  std::string Path(const std::string& name) const;

 private:
  std::string path_;
};

// Returns a TCP port on 127.0.0.1 that was free a moment ago (bound with port
// 0, read back, closed). Another process may take it before you bind it; the
// etcd fixture retries with new ports when that happens. Aborts if no socket
// can be bound at all.
int FreePort();

// Writes `contents` to `path` (created or truncated, mode 0644).
absl::Status WriteTestFile(const std::string& path, const std::string& contents);

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_SUPPORT_TEMP_DIR_H_
