// FileKeySource: confd's file backend (-backend file -file <path>... -filter)
// as a KeySource that watches its own files. Read() flattens every file
// (file_source.h) and keeps the keys under the requested prefixes. Follow()
// watches the files' directories with inotify (DataFiles says which, and
// which events change what is read: an editor's rename, a Kubernetes
// ConfigMap's "..data" swap); on a change it reads the files again and hands
// the sink only the keys that changed (OnChanges), like the etcd watch does,
// so the daemon needs to know nothing about files.
//
// A file that cannot be read or parsed after a change is logged as
//   "<file>:<line>:<col>: <why>; rendering goes on from the keys read before"
// and the keys stay as they were until a later change reads cleanly.
// A file's permission error is reported as Unavailable, not PermissionDenied:
// KeySource reserves that for a refused prefix, and reading fewer prefixes
// would not help here. The "revision" is a counter that grows with every read.
//
// Thread-safety: Read, Follow and StopFollowing are called from the event
// loop; the inotify thread reads the files again and calls the sink. Both
// take mu_, so a read and a re-read never interleave, and no sink call runs
// after StopFollowing returns.
#ifndef CONFWATCH_FILE_BACKEND_FILE_KEY_SOURCE_H_
#define CONFWATCH_FILE_BACKEND_FILE_KEY_SOURCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "daemon/key_source.h"
#include "file_backend/data_files.h"
#include "watch/dir_watcher.h"

namespace confwatch {

class FileKeySource : public KeySource {
 public:
  // `paths`: files or directories (walked, base names matching `filter`).
  FileKeySource(std::vector<std::string> paths, std::string filter);
  ~FileKeySource() override;
  FileKeySource(const FileKeySource&) = delete;
  FileKeySource& operator=(const FileKeySource&) = delete;

  std::string Describe() const override;
  absl::StatusOr<SourceSnapshot> Read(const std::vector<std::string>& prefixes) override
      ABSL_LOCKS_EXCLUDED(mu_);
  bool CanFollow() const override { return true; }
  // Delivers changes under `prefixes` after the last Read (`revision` is
  // that read's). A change made since that Read is delivered at once. When
  // inotify cannot be set up the files are not followed: a warning says so
  // and OK is returned (the last good keys stay; rendering goes on).
  absl::Status Follow(const std::vector<std::string>& prefixes,
                      const std::vector<PrefixGroup>& together, int64_t revision,
                      ChangeSink* sink) override ABSL_LOCKS_EXCLUDED(mu_);
  void StopFollowing() override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Flattens every file, marking what they resolve to first.
  absl::StatusOr<std::vector<KVPair>> LoadAll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Inotify thread: an event at `path`.
  void OnEvent(const std::string& path) ABSL_LOCKS_EXCLUDED(mu_);
  // Reads again and delivers what changed under followed_ to sink_.
  void ReadAndDeliver() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::vector<std::string> paths_;
  const std::string filter_;

  absl::Mutex mu_;
  DataFiles data_files_ ABSL_GUARDED_BY(mu_);
  int64_t reads_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<KVPair> last_read_ ABSL_GUARDED_BY(mu_);  // every key of the last good read
  ChangeSink* sink_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<std::string> followed_ ABSL_GUARDED_BY(mu_);
  std::vector<KVPair> delivered_ ABSL_GUARDED_BY(mu_);  // what the sink holds under followed_
  // An event changed the files while nobody followed (between a Read and
  // the Follow after it): Follow reads again at once.
  bool missed_ ABSL_GUARDED_BY(mu_) = false;
  // Started by the first Follow and kept: events between a StopFollowing and
  // the next Follow set missed_ instead of being lost. Loop thread only.
  std::unique_ptr<DirWatcher> watcher_;
  bool watch_tried_ = false;
};

// The changes that turn `before` into `after` (both sorted by key, one pair
// per key): puts for new and changed keys, deletes for the keys gone.
std::vector<KeyChange> DiffSorted(const std::vector<KVPair>& before,
                                  const std::vector<KVPair>& after);

}  // namespace confwatch

#endif  // CONFWATCH_FILE_BACKEND_FILE_KEY_SOURCE_H_
