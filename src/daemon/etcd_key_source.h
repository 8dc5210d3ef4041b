// EtcdKeySource: the etcd v3 backend of the daemon. Read() takes every
// watched prefix at ONE revision (the first prefix's newest, the others at
// that same revision), Follow() watches all of them over the client's single
// watch stream from that revision + 1, so nothing is missed or seen twice.
// A compaction past our revision re-reads just that prefix and resumes after
// the new snapshot, and so does an etcd answering below a revision we saw
// (restored from an older backup); reconnecting to another endpoint is the
// client's job.
//
// Thread-safety: Read/Follow/StopFollowing from the event loop; the
// WatchHandler callbacks run on the client's watch thread and only forward
// to the ChangeSink.
#ifndef CONFWATCH_DAEMON_ETCD_KEY_SOURCE_H_
#define CONFWATCH_DAEMON_ETCD_KEY_SOURCE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "daemon/key_source.h"
#include "etcd/etcd_client.h"
#include "etcd/watcher.h"

namespace confwatch {

class EtcdKeySource : public KeySource, private WatchHandler {
 public:
  explicit EtcdKeySource(std::unique_ptr<EtcdClient> client);
  ~EtcdKeySource() override;

  std::string Describe() const override;
  absl::StatusOr<SourceSnapshot> Read(const std::vector<std::string>& prefixes) override;
  bool CanFollow() const override { return true; }
  absl::Status Follow(const std::vector<std::string>& prefixes, int64_t revision,
                      ChangeSink* sink) override;
  void StopFollowing() override;

  EtcdClient* client() { return client_.get(); }

 private:
  void OnEvents(const std::string& prefix, int64_t revision, std::vector<Event> events) override;
  void OnCompacted(const std::string& prefix, int64_t compact_revision) override;
  void OnBehind(const std::string& prefix, int64_t etcd_revision, int64_t seen_revision) override;
  // Reads `prefix` again (retrying until it works or following stops),
  // resynchronises the sink and watches on from there. `seen_revision`: the
  // newest revision the lost watch had passed, 0 if not in question.
  void ReadAgain(const std::string& prefix, int64_t seen_revision);
  void OnWatchError(const std::string& prefix, const absl::Status& status) override;
  void OnConnectionState(bool connected, const std::string& endpoint,
                         const absl::Status& status) override;

  std::unique_ptr<EtcdClient> client_;
  std::unique_ptr<Watcher> watcher_;
  std::atomic<bool> stopping_{false};
  ChangeSink* sink_ = nullptr;  // set before the watcher starts, cleared after it stops
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_ETCD_KEY_SOURCE_H_
