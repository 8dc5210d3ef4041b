// EnvKeySource: confd's env backend. The keys are the process environment
// read once (store/env_source.h says how "/app/db/host" maps to
// APP_DB_HOST); it hands out the same SourceSnapshot as etcd, so the daemon
// treats every backend alike. It cannot be followed; its revision is 1.
//
// Thread-safety: used from the event loop only.
#ifndef CONFWATCH_DAEMON_ENV_KEY_SOURCE_H_
#define CONFWATCH_DAEMON_ENV_KEY_SOURCE_H_

#include <string>
#include <vector>

#include "daemon/key_source.h"

namespace confwatch {

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

#endif  // CONFWATCH_DAEMON_ENV_KEY_SOURCE_H_
