// The bookkeeping behind one etcd watch stream, free of I/O so that its rules
// can be tested on their own:
//
//  * WatchSet knows every watched prefix, the server's watch id for it on the
//    current stream, and the first revision it still needs. Creates go out
//    one at a time (etcd answers them in order, and before 3.4 it cannot be
//    told which id to use), so a "created" answer always belongs to the one
//    create in flight. After a broken stream every prefix is created again
//    from the revision after the last one delivered: nothing lost; events
//    etcd sends again anyway are dropped here: nothing twice. An etcd whose
//    revision is below one a watch already passed (restored from an older
//    backup, a new data dir) ends that watch: waiting for our revision would
//    skip every write until etcd got there.
//  * FragmentAssembler joins the pieces of a response that etcd split
//    because one revision was too large for a single message.
//
// Thread-safety: not thread-safe; the Watcher guards both with its mutex.
#ifndef CONFWATCH_ETCD_WATCH_SET_H_
#define CONFWATCH_ETCD_WATCH_SET_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "etcd/etcd_types.h"
#include "etcd/key_range.h"
#include "etcdserverpb/rpc.pb.h"

namespace confwatch {

class WatchSet {
 public:
  struct Create {
    std::string prefix;
    KeyRange range;              // what etcd is asked to watch
    int64_t start_revision = 0;  // 0: from now
  };

  // What one response means for the watcher's owner.
  struct Action {
    enum class Kind {
      kCreated,     // the watch is established on this stream
      kEvents,      // events (whole revisions); revision = newest
      kProgress,    // nothing under prefix up to revision
      kCompacted,   // revision = compact revision; the watch is gone
      kFailed,      // etcd canceled it (reason); revision = next needed; gone
      kSendCancel,  // cancel server watch `watch_id` (created after Remove)
      kBehind,      // etcd is at `revision`, below `seen_revision`; the watch is gone
    };
    Action(Kind kind, std::string prefix, int64_t revision = 0)
        : kind(kind), prefix(std::move(prefix)), revision(revision) {}

    Kind kind;
    std::string prefix;
    int64_t revision;
    std::vector<Event> events;
    std::string reason;
    int64_t watch_id = 0;
    int64_t seen_revision = 0;  // kBehind: the newest revision this watch had passed
    KeyRange range;             // kFailed: the range the watch covered
  };

  // Watches `prefix` from `start_revision` (inclusive; 0: from whenever the
  // create reaches etcd). AlreadyExists if the prefix is watched.
  absl::Status Add(const std::string& prefix, int64_t start_revision);
  // The same for the watch named `prefix` over `range` (any key range; one
  // etcd watch, so a revision's events in it arrive in one response).
  absl::Status Add(const std::string& prefix, int64_t start_revision, KeyRange range);
  // Stops watching. Returns the server watch id to cancel, if it has one.
  std::optional<int64_t> Remove(const std::string& prefix);
  bool Contains(const std::string& prefix) const { return watches_.count(prefix) > 0; }
  size_t size() const { return watches_.size(); }

  // The next create to send, if none is in flight; it is then in flight.
  std::optional<Create> NextCreate();
  // Applies one whole (reassembled) response.
  std::vector<Action> Apply(etcdserverpb::WatchResponse& resp);
  // The stream ended: no prefix has a watch id, no create is in flight.
  void Reset();

  // The first revision `prefix` still needs (0: not known yet). For tests.
  int64_t next_revision(const std::string& prefix) const;

 private:
  struct Watch {
    int64_t next_revision = 0;
    int64_t id = -1;  // server watch id on the current stream; -1: none
    uint64_t order = 0;
    KeyRange range;
  };
  std::vector<Action> ApplyCreated(etcdserverpb::WatchResponse& resp);
  Action Ended(const std::string& prefix, const etcdserverpb::WatchResponse& resp);
  Action Events(const std::string& prefix, Watch& w, etcdserverpb::WatchResponse& resp);
  // When etcd answers a live watch with a revision below one the watch has
  // already passed: drops the watch and says so (kSendCancel + kBehind).
  std::optional<std::vector<Action>> Behind(const std::string& prefix,
                                            const etcdserverpb::WatchResponse& resp);

  std::map<std::string, Watch> watches_;
  absl::flat_hash_map<int64_t, std::string> by_id_;
  std::optional<std::string> in_flight_;
  uint64_t next_order_ = 0;
};

class FragmentAssembler {
 public:
  // Returns the whole response once its last fragment is in; a response that
  // is not fragmented passes straight through. The whole response has the
  // first fragment's header and every fragment's events in order.
  std::optional<etcdserverpb::WatchResponse> Add(etcdserverpb::WatchResponse resp);
  // Drops partial responses (the stream they came on ended).
  void Reset() { partial_.clear(); }

 private:
  absl::flat_hash_map<int64_t, etcdserverpb::WatchResponse> partial_;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_WATCH_SET_H_
