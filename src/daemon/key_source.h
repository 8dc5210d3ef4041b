// KeySource is where keys come from: etcd (read once, then followed through
// one watch stream), files (file_backend/: read once, then followed through
// inotify on their directories) or the environment (read once). The daemon
// talks to every backend through this one interface and knows nothing else
// of them, so modes, tests and benchmarks do not care which it is.
//
// Thread-safety: Read and Follow are called from the event loop. A following
// source calls its ChangeSink from its own thread(s); the sink must only queue.
#ifndef CONFWATCH_DAEMON_KEY_SOURCE_H_
#define CONFWATCH_DAEMON_KEY_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/kv_records.h"
#include "store/store.h"

namespace confwatch {

// One consistent read: every key under the requested prefixes at `revision`,
// in `kvs` or in `records` (or both: they are taken together). A big source
// (etcd) fills `records`, which the Store adopts without copying a key.
struct SourceSnapshot {
  int64_t revision = 0;
  std::vector<KVPair> kvs;
  KvRecords records;

  size_t size() const { return kvs.size() + records.size(); }
};

// Watched prefixes that one resource reads together. A following source
// delivers the changes of one revision under them in ONE OnChanges call and
// re-reads them together (one revision) after a compaction, so a render never
// sees some of them before a transaction and others after it.
struct PrefixGroup {
  std::string label;                  // who reads them (resource names), for messages
  std::vector<std::string> prefixes;  // watch prefixes, sorted, at least two
};

struct KeyChange {
  std::string key;
  std::string value;  // empty for a delete
  bool deleted = false;
};

// Receives what a following source sees. Called from the source's thread.
class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  // Changes of whole revisions in revision order; `revision` is the newest
  // one applied. The changes of one revision under the prefixes of one
  // PrefixGroup come in one call.
  virtual void OnChanges(std::vector<KeyChange> changes, int64_t revision) = 0;
  // The source lost track (compaction, a watch that could not resume) and
  // re-read `prefixes` at one revision: replace everything under each of
  // them with `snapshot` (whose keys are all under one of them).
  virtual void OnResync(std::vector<std::string> prefixes, SourceSnapshot snapshot) = 0;
  // Connectivity, for logs, metrics and readiness. `message` says why and
  // names the source itself (it is logged as it is).
  virtual void OnSourceState(bool connected, std::string message) = 0;
  // The source refused to go on watching `prefix` (etcd: the user's read
  // access was revoked, seen when the watch is created again after a
  // reconnect). Nothing more arrives for it; the rest goes on. The sink
  // decides when to read and follow it again.
  virtual void OnWatchFailed(std::string prefix, absl::Status status) = 0;
};

class KeySource {
 public:
  virtual ~KeySource() = default;

  // "etcd 127.0.0.1:2379", "file /etc/app.yaml", "env": for messages.
  virtual std::string Describe() const = 0;

  // Every key that starts with one of `prefixes` (byte prefixes; "" = all),
  // read at one revision. An unreachable source is an error naming it.
  // PermissionDenied means some of `prefixes` are refused and reading the
  // others alone may work (the daemon then reads them one by one); a source
  // whose refusal is not about prefixes reports it with another code.
  virtual absl::StatusOr<SourceSnapshot> Read(const std::vector<std::string>& prefixes) = 0;

  // True when the source pushes changes (Follow works).
  virtual bool CanFollow() const { return false; }

  // Starts delivering changes after `revision` to `sink` until StopFollowing.
  // The prefixes of each group in `together` (all of them among `prefixes`)
  // are delivered as ChangeSink describes.
  // REQUIRES: CanFollow(); `sink` outlives the following.
  virtual absl::Status Follow(const std::vector<std::string>& prefixes,
                              const std::vector<PrefixGroup>& together, int64_t revision,
                              ChangeSink* sink) {
    return absl::UnimplementedError(Describe() + " cannot be watched");
  }
  virtual void StopFollowing() {}
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_KEY_SOURCE_H_
