// See env_key_source.h.
#include "daemon/env_key_source.h"

#include <unistd.h>

#include "store/env_source.h"

extern char** environ;

namespace confwatch {

EnvKeySource::EnvKeySource(char** environ_array)
    : environ_(environ_array ? environ_array : environ) {}

absl::StatusOr<SourceSnapshot> EnvKeySource::Read(const std::vector<std::string>& prefixes) {
  std::vector<std::string> keys;
  for (const std::string& p : prefixes) keys.push_back(p.empty() ? "/" : p);
  SourceSnapshot snap;
  snap.revision = 1;
  snap.kvs = LoadEnvSource(keys, environ_);
  return snap;
}

}  // namespace confwatch
