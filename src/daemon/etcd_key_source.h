// EtcdKeySource: the etcd v3 backend of the daemon. Read() takes every
// watched prefix at ONE revision (the first prefix's newest, the others at
// that same revision), Follow() watches all of them over the client's single
// watch stream from that revision + 1, so nothing is missed or seen twice.
// A compaction past our revision re-reads just that watch's prefixes and
// resumes after the new snapshot, and so does an etcd answering below a
// revision we saw (restored from an older backup); reconnecting to another
// endpoint is the client's job.
//
// Prefixes read together (PrefixGroup: one resource's prefixes) are watched
// by ONE etcd watch over the key range from the first to the end of the last
// (groups whose ranges overlap, and other prefixes inside, join it). etcd
// sends each watch's events of one revision in one response (mvcc's notify
// and syncWatchers cut batches at revision boundaries; fragments are joined
// by the Watcher), while separate watches may get a revision in separate
// responses, even out of order after a reconnect. Events between the
// prefixes are dropped here. After a compaction the group is read again at
// one revision and handed over in one OnResync. When etcd refuses the range
// (auth: the user may read the prefixes but not what lies between them), the
// prefixes are watched one by one, with a warning that names the resources
// that may then see a transaction in two renders. A prefix that no
// multi-prefix resource reads keeps its own watch: nothing changes for it.
//
// Thread-safety: Read/Follow/StopFollowing from the event loop; the
// WatchHandler callbacks run on the client's watch thread and only forward
// to the ChangeSink. groups_ is built by Follow before the watch thread
// starts and afterwards touched only by it.
#ifndef CONFWATCH_DAEMON_ETCD_KEY_SOURCE_H_
#define CONFWATCH_DAEMON_ETCD_KEY_SOURCE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "daemon/key_source.h"
#include "etcd/key_range.h"
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
  absl::Status Follow(const std::vector<std::string>& prefixes,
                      const std::vector<PrefixGroup>& together, int64_t revision,
                      ChangeSink* sink) override;
  void StopFollowing() override;

  EtcdClient* client() { return client_.get(); }

  // Prefixes watched through one covering watch, named by its first prefix.
  struct Group {
    std::string label;                  // resources that read them together
    std::vector<std::string> prefixes;  // sorted
    KeyRange range;                     // [first prefix, end of the last)
  };
  // The covering watches for `together` over `prefixes` (sorted, disjoint):
  // groups whose ranges overlap are merged, and every prefix inside a range
  // belongs to it. Prefixes in no range are not listed. Pure; public for tests.
  static std::vector<Group> CoveringGroups(const std::vector<std::string>& prefixes,
                                           const std::vector<PrefixGroup>& together);

 private:
  // Watches `name` (a group's or a single prefix's) from `start_revision`.
  // Watch thread only.
  absl::Status Watch(const std::string& name, int64_t start_revision);

  void OnEvents(const std::string& prefix, int64_t revision, std::vector<Event> events) override;
  void OnCompacted(const std::string& prefix, int64_t compact_revision) override;
  void OnBehind(const std::string& prefix, int64_t etcd_revision, int64_t seen_revision) override;
  // Reads the prefixes of watch `name` again at one revision (retrying until
  // it works or following stops), resynchronises the sink and watches on
  // from there. `seen_revision`: the newest revision the lost watch had
  // passed, 0 if not in question.
  void ReadAgain(const std::string& name, int64_t seen_revision);
  void OnWatchError(const std::string& prefix, const absl::Status& status) override;
  // A covering watch refused for permission falls back to one watch per
  // prefix from `next_revision`; anything else goes to OnWatchError.
  void OnWatchRefused(const std::string& prefix, const absl::Status& status,
                      int64_t next_revision) override;
  void OnConnectionState(bool connected, const std::string& endpoint,
                         const absl::Status& status) override;

  std::unique_ptr<EtcdClient> client_;
  std::unique_ptr<Watcher> watcher_;
  std::atomic<bool> stopping_{false};
  ChangeSink* sink_ = nullptr;  // set before the watcher starts, cleared after it stops
  absl::flat_hash_map<std::string, Group> groups_;  // by watch name
  absl::flat_hash_set<std::string> warned_;          // labels told they fell back
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_ETCD_KEY_SOURCE_H_
