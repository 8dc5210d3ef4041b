// EtcdClient: confwatch's client for the etcd v3 gRPC API. Reads prefixes as
// one consistent snapshot (paginated Range at a single revision), writes and
// deletes keys, manages leases, and makes Watchers that follow prefixes over
// one watch stream. Endpoints, TLS and auth are set once in EtcdOptions; every
// request goes to the current endpoint and moves on to the next when it fails.
//
//   auto client = EtcdClient::Create(opts);
//   if (!client.ok()) return client.status();
//   absl::StatusOr<Snapshot> snap = (*client)->RangePrefix("/config/");
//   std::unique_ptr<Watcher> w = (*client)->Watch(&handler);
//   w->Add("/config/", snap->revision + 1);
//
// Errors are absl::Status values whose message already names the endpoint,
// key and user where they matter (see etcd_errors.h); callers add nothing.
//
// Thread-safety: thread-safe. Watchers and LeaseKeepers share the client's
// connection and may outlive the client.
#ifndef CONFWATCH_ETCD_ETCD_CLIENT_H_
#define CONFWATCH_ETCD_ETCD_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "etcd/connection.h"
#include "etcd/etcd_options.h"
#include "etcd/etcd_types.h"
#include "etcd/lease_keeper.h"
#include "etcd/range_page.h"
#include "etcd/watcher.h"

namespace confwatch {

class EtcdClient {
 public:
  // Validates the options (endpoints, TLS files) without connecting; the
  // first request connects. InvalidArgument names a malformed endpoint or an
  // empty list.
  static absl::StatusOr<std::unique_ptr<EtcdClient>> Create(EtcdOptions options);

  // Every key starting with `prefix` ("" = all keys), sorted, as of one
  // revision: `revision`, or when 0 the newest at the first page. Read in
  // pages so any size fits gRPC's message limits (a page that does not fit
  // is halved; ResourceExhausted naming the key when one key alone does
  // not); all pages at the first page's revision. A missing prefix is an empty snapshot. When etcd
  // compacts the chosen revision mid-read, the read starts over at a newer
  // one; an explicit `revision` already compacted is OutOfRange.
  absl::StatusOr<Snapshot> RangePrefix(const std::string& prefix, int64_t revision = 0);
  // The same read, each page decoded straight into `sink` as it arrives
  // (range_page.h), so a caller that keeps the keys in another form never
  // holds them twice; returns the revision read. On error the sink is as
  // before; a read that starts over (compaction) drops what it had added.
  // REQUIRES: sink outlives the call.
  absl::StatusOr<int64_t> RangePrefixInto(const std::string& prefix, int64_t revision,
                                          RangeSink* sink);
  // The key, or nullopt when it does not exist.
  absl::StatusOr<std::optional<KeyValue>> Get(const std::string& key);

  // Writes one key; returns the revision of the write.
  absl::StatusOr<int64_t> Put(const std::string& key, const std::string& value, int64_t lease = 0);
  // Writes many keys in transactions of up to 128 puts (etcd's default
  // --max-txn-ops): atomic per transaction, not across them. Returns the
  // revision of the last one (0 for an empty list). Every key is bound to
  // `lease` when it is not 0.
  absl::StatusOr<int64_t> PutMany(const std::vector<std::pair<std::string, std::string>>& kvs,
                                  int64_t lease = 0);
  // Deletes one key / every key under a prefix; returns the revision after
  // the delete (unchanged when nothing was deleted).
  absl::StatusOr<int64_t> Delete(const std::string& key);
  absl::StatusOr<int64_t> DeletePrefix(const std::string& prefix);
  // Discards history before `revision` (watches that still need it are told
  // "compacted").
  absl::Status Compact(int64_t revision);
  // Status of the member currently in use.
  absl::StatusOr<MemberStatus> Status();

  absl::StatusOr<LeaseGrant> GrantLease(int64_t ttl_seconds);
  absl::Status RevokeLease(int64_t id);
  absl::StatusOr<LeaseTtl> LeaseTimeToLive(int64_t id);
  // Keeps `lease` alive until the keeper is destroyed; see lease_keeper.h.
  std::unique_ptr<LeaseKeeper> KeepAlive(LeaseGrant lease,
                                         LeaseKeeper::LostCallback on_lost = nullptr);

  // A Watcher delivering to `handler`, with no watches yet; see watcher.h.
  // REQUIRES: handler outlives the Watcher.
  std::unique_ptr<Watcher> Watch(WatchHandler* handler);

  const std::vector<Endpoint>& endpoints() const { return connection_->endpoints(); }

 private:
  explicit EtcdClient(std::shared_ptr<Connection> c) : connection_(std::move(c)) {}
  absl::StatusOr<int64_t> RangeOnce(const std::string& prefix, int64_t revision, RangeSink* sink);
  // `error` (ResourceExhausted) for a page of one key, naming that key.
  absl::Status TooLargeKeyError(const etcdserverpb::RangeRequest& page, const absl::Status& error);
  absl::StatusOr<int64_t> DeleteRange(const std::string& key, const std::string& range_end);

  std::shared_ptr<Connection> connection_;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_ETCD_CLIENT_H_
