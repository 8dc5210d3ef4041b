// Watcher: many prefix watches carried by ONE etcd watch stream, kept alive
// across failures.
//
// The stream asks etcd to end it when the member has no leader (metadata
// "hasleader"), so a member cut off from its cluster cannot leave it silently
// stale. When the stream breaks, the Watcher moves to the next endpoint (with
// exponential backoff and jitter) and creates every watch again from the
// revision after the last one it delivered: each event reaches the handler
// exactly once, in revision order per prefix. Responses that etcd fragments
// are joined before delivery. Watches ask for progress notifications, so an
// idle prefix's revision still advances.
//
// Threading: the Watcher owns one reader thread; every WatchHandler callback
// runs on it, one at a time. Callbacks should hand work off quickly (a slow
// callback holds back every watch) and may call Add() and Remove(). Add(),
// Remove() and the destructor may be called from any thread; the destructor
// must not be called from a callback.
#ifndef CONFWATCH_ETCD_WATCHER_H_
#define CONFWATCH_ETCD_WATCHER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "etcd/connection.h"
#include "etcd/etcd_types.h"
#include "etcd/key_range.h"
#include "etcd/watch_set.h"

namespace confwatch {

// Receives what a Watcher sees. Called on the Watcher's reader thread.
class WatchHandler {
 public:
  virtual ~WatchHandler() = default;

  // Events under `prefix`, whole revisions in revision order; `revision` is
  // the newest event's mod_revision.
  virtual void OnEvents(const std::string& prefix, int64_t revision,
                        std::vector<Event> events) = 0;
  // etcd compacted away revisions this watch still needed; the watch is
  // gone. Read the prefix again (EtcdClient::RangePrefix) and Add() it from
  // the snapshot's revision + 1.
  virtual void OnCompacted(const std::string& prefix, int64_t compact_revision) = 0;
  // etcd refused or canceled the watch for another reason (e.g. permission
  // denied, after one re-authentication); the watch is gone.
  virtual void OnWatchError(const std::string& prefix, const absl::Status& status) = 0;
  // The same, with the first revision the lost watch still needed (a handler
  // that watches the keys another way resumes from there). Default: calls
  // OnWatchError.
  virtual void OnWatchRefused(const std::string& prefix, const absl::Status& status,
                              int64_t next_revision) {
    OnWatchError(prefix, status);
  }
  // etcd answered with `etcd_revision`, below `seen_revision` that this
  // watch already passed: it was restored from an older backup or replaced
  // by a new cluster (or this member lags far behind). The watch is gone.
  // Read the prefix again and Add() it from the snapshot's revision + 1.
  // Default: handled as a compaction, which asks for just that.
  virtual void OnBehind(const std::string& prefix, int64_t etcd_revision, int64_t seen_revision) {
    OnCompacted(prefix, etcd_revision);
  }
  // Nothing changed under `prefix` up to `revision`.
  virtual void OnProgress(const std::string& prefix, int64_t revision) {}
  // The stream to `endpoint` ("host:port") came up (connected, OK status) or
  // went down / could not be opened (status says why; endpoint may be empty
  // when no endpoint could be reached).
  virtual void OnConnectionState(bool connected, const std::string& endpoint,
                                 const absl::Status& status) {}
};

class Watcher {
 public:
  // Starts the reader thread. Use EtcdClient::Watch() to make one.
  // REQUIRES: `handler` outlives the Watcher.
  Watcher(std::shared_ptr<Connection> connection, WatchHandler* handler);
  // Ends the stream and joins the thread: no callback runs after it returns.
  // May first wait for a connection attempt in progress (at most dial_timeout
  // per endpoint).
  ~Watcher();
  Watcher(const Watcher&) = delete;

  // What the destructor does, for an owner whose callbacks may still read
  // the pointer it holds the Watcher by: stop first, then drop the pointer.
  // Idempotent. Call from one thread, not from a callback.
  void Stop();
  Watcher& operator=(const Watcher&) = delete;

  // Watches every key that starts with `prefix` ("" = all keys) from
  // `start_revision` (inclusive; usually a snapshot's revision + 1; 0 = from
  // now). AlreadyExists if `prefix` is already watched.
  absl::Status Add(const std::string& prefix, int64_t start_revision);
  // Watches every key in `range` as ONE etcd watch named `name` (the name
  // callbacks pass as `prefix`): etcd delivers all of one revision's events
  // in it in one response, which separate watches do not promise.
  // AlreadyExists if `name` is already watched.
  absl::Status AddRange(const std::string& name, KeyRange range, int64_t start_revision);
  // Stops watching `prefix`. A response already being delivered may still
  // reach the handler.
  void Remove(const std::string& prefix);

 private:
  using Stream = grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>;

  void Run();
  // Runs one stream until it ends; returns why it ended.
  absl::Status RunStream(const std::shared_ptr<EndpointChannel>& ch, bool* answered);
  // Reads until the stream ends; true if anything arrived.
  bool ReadLoop(Stream* stream, const std::string& endpoint);
  void Deliver(std::vector<WatchSet::Action> actions, const std::string& endpoint);
  // Retries a watch refused for permission with a fresh token, once.
  bool RetryWithNewToken(const WatchSet::Action& failed, const grpc::Status& why);
  void SendNextCreate();
  void Send(const etcdserverpb::WatchRequest& req, uint64_t generation);

  const std::shared_ptr<Connection> connection_;
  WatchHandler* const handler_;

  absl::Mutex mu_;
  WatchSet watches_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stream_up_ ABSL_GUARDED_BY(mu_) = false;  // creates may be sent
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // counts streams
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::string stream_token_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> auth_retried_ ABSL_GUARDED_BY(mu_);

  bool restart_now_ ABSL_GUARDED_BY(mu_) = false;  // stream ended on purpose

  // Writes are serialised apart from mu_ (never held together with it): a
  // Write can block, and the destructor must still be able to take mu_ to
  // cancel the stream.
  absl::Mutex write_mu_;
  Stream* writer_ ABSL_GUARDED_BY(write_mu_) = nullptr;
  uint64_t writer_generation_ ABSL_GUARDED_BY(write_mu_) = 0;

  // Only the reader thread touches it.
  FragmentAssembler fragments_;
  std::thread thread_;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_WATCHER_H_
