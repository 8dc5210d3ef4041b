// The key sources that need no server: files (confd's file backend, read
// again whenever inotify reports a change to one of them) and the process
// environment (confd's env backend, read once). Both hand out the same
// SourceSnapshot as etcd, so the daemon treats every backend alike; their
// "revision" is a counter that grows with every read.
//
// Thread-safety: used from the event loop only.
#ifndef CONFWATCH_DAEMON_LOCAL_KEY_SOURCES_H_
#define CONFWATCH_DAEMON_LOCAL_KEY_SOURCES_H_

#include <string>
#include <vector>

#include "daemon/key_source.h"

namespace confwatch {

class FileKeySource : public KeySource {
 public:
  // `paths`: files or directories (walked, base names matching `filter`).
  FileKeySource(std::vector<std::string> paths, std::string filter)
      : paths_(std::move(paths)), filter_(std::move(filter)) {}

  std::string Describe() const override;
  absl::StatusOr<SourceSnapshot> Read(const std::vector<std::string>& prefixes) override;
  std::vector<std::string> Files() const override { return paths_; }

 private:
  std::vector<std::string> paths_;
  std::string filter_;
  int64_t reads_ = 0;
};

class EnvKeySource : public KeySource {
 public:
  // `environ`: a NAME=value array as environ(7); the process's by default.
  explicit EnvKeySource(char** environ_array = nullptr);

  std::string Describe() const override { return "env"; }
  absl::StatusOr<SourceSnapshot> Read(const std::vector<std::string>& prefixes) override;

 private:
  char** environ_;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_LOCAL_KEY_SOURCES_H_
