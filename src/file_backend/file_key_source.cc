// See file_key_source.h.
#include "file_backend/file_key_source.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "file_backend/file_source.h"
#include "base/logging.h"

namespace confwatch {
namespace {

// Keeps the pairs under one of the (byte) prefixes: the file may hold much
// more than the resources declared. Keeps the order.
std::vector<KVPair> UnderPrefixes(const std::vector<KVPair>& kvs,
                                  const std::vector<std::string>& prefixes) {
  std::vector<KVPair> out;
  for (const KVPair& kv : kvs) {
    for (const std::string& p : prefixes) {
      if (absl::StartsWith(kv.key, p)) {
        out.push_back(kv);
        break;
      }
    }
  }
  return out;
}

}  // namespace

std::vector<KeyChange> DiffSorted(const std::vector<KVPair>& before,
                                  const std::vector<KVPair>& after) {
  std::vector<KeyChange> changes;
  size_t i = 0;
  size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && before[i].key < after[j].key)) {
      changes.push_back(KeyChange{before[i++].key, "", true});
    } else if (i == before.size() || after[j].key < before[i].key) {
      changes.push_back(KeyChange{after[j].key, after[j].value, false});
      ++j;
    } else {
      if (before[i].value != after[j].value) {
        changes.push_back(KeyChange{after[j].key, after[j].value, false});
      }
      ++i;
      ++j;
    }
  }
  return changes;
}

FileKeySource::FileKeySource(std::vector<std::string> paths, std::string filter)
    : paths_(std::move(paths)), filter_(std::move(filter)), data_files_(paths_) {}

FileKeySource::~FileKeySource() {
  StopFollowing();
  watcher_.reset();
}

std::string FileKeySource::Describe() const {
  return absl::StrCat("file ", absl::StrJoin(paths_, ","));
}

absl::StatusOr<std::vector<KVPair>> FileKeySource::LoadAll() {
  // Marked before reading: a change while the files are read is a change again.
  data_files_.Mark();
  absl::StatusOr<std::vector<KVPair>> kvs = LoadFileSource(paths_, filter_);
  if (kvs.status().code() == absl::StatusCode::kPermissionDenied) {
    return absl::UnavailableError(kvs.status().message());
  }
  return kvs;
}

absl::StatusOr<SourceSnapshot> FileKeySource::Read(const std::vector<std::string>& prefixes) {
  absl::MutexLock lock(&mu_);
  missed_ = false;
  absl::StatusOr<std::vector<KVPair>> kvs = LoadAll();
  if (!kvs.ok()) return kvs.status();
  last_read_ = *std::move(kvs);
  SourceSnapshot snap;
  snap.revision = ++reads_;
  snap.kvs = UnderPrefixes(last_read_, prefixes);
  return snap;
}

absl::Status FileKeySource::Follow(const std::vector<std::string>& prefixes,
                                   const std::vector<PrefixGroup>& together, int64_t revision,
                                   ChangeSink* sink) {
  if (!watch_tried_) {
    watch_tried_ = true;
    absl::MutexLock lock(&mu_);
    absl::StatusOr<std::unique_ptr<DirWatcher>> w =
        DirWatcher::Start(data_files_.Roots(), [this](const std::string& p) { OnEvent(p); });
    if (w.ok()) {
      watcher_ = *std::move(w);
      // Nothing watched the files between the Read and now: read them again
      // once (delivering nothing when nothing changed).
      missed_ = true;
    } else {
      LogWarning(absl::StrCat("not watching ", Describe(), " for changes: ", w.status().message()));
    }
  }
  absl::MutexLock lock(&mu_);
  sink_ = sink;
  followed_ = prefixes;
  delivered_ = UnderPrefixes(last_read_, prefixes);
  if (missed_) ReadAndDeliver();
  return absl::OkStatus();
}

void FileKeySource::StopFollowing() {
  absl::MutexLock lock(&mu_);
  sink_ = nullptr;
}

void FileKeySource::OnEvent(const std::string& path) {
  absl::MutexLock lock(&mu_);
  if (!data_files_.Changed(path)) return;
  if (sink_ == nullptr) {
    missed_ = true;
    return;
  }
  ReadAndDeliver();
}

void FileKeySource::ReadAndDeliver() {
  missed_ = false;
  absl::StatusOr<std::vector<KVPair>> kvs = LoadAll();
  if (!kvs.ok()) {
    LogError(absl::StrCat(kvs.status().message(), "; rendering goes on from the keys read before"));
    return;
  }
  last_read_ = *std::move(kvs);
  std::vector<KVPair> now = UnderPrefixes(last_read_, followed_);
  std::vector<KeyChange> changes = DiffSorted(delivered_, now);
  delivered_ = std::move(now);
  ++reads_;
  if (!changes.empty()) sink_->OnChanges(std::move(changes), reads_);
}

}  // namespace confwatch
