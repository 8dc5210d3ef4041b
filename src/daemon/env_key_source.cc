// See local_key_sources.h.
#include "daemon/local_key_sources.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/env_source.h"
#include "store/file_source.h"

extern char** environ;

namespace confwatch {
namespace {

// Keeps the pairs under one of the (byte) prefixes: the file may hold much
// more than the resources declared.
std::vector<KVPair> UnderPrefixes(std::vector<KVPair> kvs, const std::vector<std::string>& prefixes) {
  std::vector<KVPair> out;
  for (KVPair& kv : kvs) {
    for (const std::string& p : prefixes) {
      if (absl::StartsWith(kv.key, p)) {
        out.push_back(std::move(kv));
        break;
      }
    }
  }
  return out;
}

}  // namespace

std::string FileKeySource::Describe() const {
  return absl::StrCat("file ", absl::StrJoin(paths_, ","));
}

absl::StatusOr<SourceSnapshot> FileKeySource::Read(const std::vector<std::string>& prefixes) {
  absl::StatusOr<std::vector<KVPair>> kvs = LoadFileSource(paths_, filter_);
  if (!kvs.ok()) return kvs.status();
  SourceSnapshot snap;
  snap.revision = ++reads_;
  snap.kvs = UnderPrefixes(std::move(*kvs), prefixes);
  return snap;
}

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
