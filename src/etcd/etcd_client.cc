#include "etcd/etcd_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "etcd/key_range.h"

namespace confwatch {
namespace {

// Range pages. etcd (3.4, 3.5) walks every index entry from a page's first key
// to the end of the range for each page, to count them, so many small pages
// cost quadratic time: 100k keys in pages of 1000 take several times longer
// than in one Range. Pages are therefore sized by bytes: the first one by
// count (it may hold 1 MB values), the next ones from the average key+value
// size seen so far, aiming at kPageBytes per response.
constexpr int64_t kFirstPageKeys = 1000;
constexpr int64_t kMinPageKeys = 100;
constexpr int64_t kMaxPageKeys = 50000;
constexpr int64_t kPageBytes = 2 << 20;
// etcd's default --max-txn-ops.
constexpr size_t kMaxTxnOps = 128;
// A snapshot whose revision gets compacted while it is read starts over;
// this many times at most.
constexpr int kRangeAttempts = 3;

KeyValue FromProto(mvccpb::KeyValue& kv) {
  KeyValue out;
  out.key = std::move(*kv.mutable_key());
  out.value = std::move(*kv.mutable_value());
  out.create_revision = kv.create_revision();
  out.mod_revision = kv.mod_revision();
  out.version = kv.version();
  out.lease = kv.lease();
  return out;
}

std::string LeaseName(int64_t id) { return absl::StrFormat("%x", id); }

}  // namespace

absl::StatusOr<std::unique_ptr<EtcdClient>> EtcdClient::Create(EtcdOptions options) {
  absl::StatusOr<std::unique_ptr<Connection>> c = Connection::Create(options);
  if (!c.ok()) return c.status();
  return std::unique_ptr<EtcdClient>(new EtcdClient(std::shared_ptr<Connection>(*std::move(c))));
}

absl::StatusOr<Snapshot> EtcdClient::RangePrefix(const std::string& prefix, int64_t revision) {
  absl::StatusOr<Snapshot> snap;
  for (int attempt = 0; attempt < kRangeAttempts; ++attempt) {
    snap = RangeOnce(prefix, revision);
    // Only a revision we picked ourselves may be replaced by a newer one.
    if (snap.ok() || revision != 0 || !absl::IsAborted(snap.status())) break;
  }
  if (absl::IsAborted(snap.status())) {
    return absl::UnavailableError(snap.status().message());
  }
  return snap;
}

// Aborted: the revision chosen at the first page was compacted before the
// last page was read.
absl::StatusOr<Snapshot> EtcdClient::RangeOnce(const std::string& prefix, int64_t revision) {
  KeyRange range = PrefixRange(prefix);
  Snapshot snap;
  snap.revision = revision;
  etcdserverpb::RangeRequest req;
  req.set_key(range.key);
  req.set_range_end(range.range_end);
  req.set_limit(kFirstPageKeys);
  int64_t bytes = 0;
  for (bool first = true;; first = false) {
    req.set_revision(snap.revision);
    etcdserverpb::RangeResponse resp;
    bool compacted = false;
    absl::Status s = connection_->Call(
        RequestInfo{RequestKind::kRead, prefix}, /*idempotent=*/true,
        [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
          grpc::Status g = ch.kv->Range(ctx, req, &resp);
          compacted = IsCompacted(g);
          return g;
        });
    if (!s.ok()) {
      if (compacted && !first && revision == 0) return absl::AbortedError(s.message());
      return s;
    }
    if (first && snap.revision == 0) snap.revision = resp.header().revision();
    for (mvccpb::KeyValue& kv : *resp.mutable_kvs()) {
      bytes += static_cast<int64_t>(kv.key().size() + kv.value().size());
      snap.kvs.push_back(FromProto(kv));
    }
    if (!resp.more() || resp.kvs_size() == 0) return snap;
    int64_t average = std::max<int64_t>(1, bytes / static_cast<int64_t>(snap.kvs.size()));
    req.set_limit(std::clamp(kPageBytes / average, kMinPageKeys, kMaxPageKeys));
    // The next page starts just after the last key: the key plus a 0 byte.
    req.set_key(snap.kvs.back().key + std::string(1, '\0'));
  }
}

absl::StatusOr<std::optional<KeyValue>> EtcdClient::Get(const std::string& key) {
  etcdserverpb::RangeRequest req;
  req.set_key(key);
  etcdserverpb::RangeResponse resp;
  absl::Status s = connection_->Call(RequestInfo{RequestKind::kRead, key}, true,
                                     [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                       return ch.kv->Range(ctx, req, &resp);
                                     });
  if (!s.ok()) return s;
  if (resp.kvs_size() == 0) return std::optional<KeyValue>();
  return std::optional<KeyValue>(FromProto(*resp.mutable_kvs(0)));
}

absl::StatusOr<int64_t> EtcdClient::Put(const std::string& key, const std::string& value,
                                        int64_t lease) {
  etcdserverpb::PutRequest req;
  req.set_key(key);
  req.set_value(value);
  req.set_lease(lease);
  etcdserverpb::PutResponse resp;
  absl::Status s = connection_->Call(RequestInfo{RequestKind::kWrite, key}, false,
                                     [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                       return ch.kv->Put(ctx, req, &resp);
                                     });
  if (!s.ok()) return s;
  return resp.header().revision();
}

absl::StatusOr<int64_t> EtcdClient::PutMany(
    const std::vector<std::pair<std::string, std::string>>& kvs) {
  int64_t revision = 0;
  for (size_t begin = 0; begin < kvs.size(); begin += kMaxTxnOps) {
    size_t end = std::min(kvs.size(), begin + kMaxTxnOps);
    etcdserverpb::TxnRequest req;
    for (size_t i = begin; i < end; ++i) {
      etcdserverpb::PutRequest* put = req.add_success()->mutable_request_put();
      put->set_key(kvs[i].first);
      put->set_value(kvs[i].second);
    }
    etcdserverpb::TxnResponse resp;
    absl::Status s = connection_->Call(RequestInfo{RequestKind::kWrite, kvs[begin].first}, false,
                                       [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                         return ch.kv->Txn(ctx, req, &resp);
                                       });
    if (!s.ok()) return s;
    revision = resp.header().revision();
  }
  return revision;
}

absl::StatusOr<int64_t> EtcdClient::DeleteRange(const std::string& key,
                                                const std::string& range_end) {
  etcdserverpb::DeleteRangeRequest req;
  req.set_key(key);
  req.set_range_end(range_end);
  etcdserverpb::DeleteRangeResponse resp;
  absl::Status s = connection_->Call(RequestInfo{RequestKind::kDelete, key}, false,
                                     [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                       return ch.kv->DeleteRange(ctx, req, &resp);
                                     });
  if (!s.ok()) return s;
  return resp.header().revision();
}

absl::StatusOr<int64_t> EtcdClient::Delete(const std::string& key) { return DeleteRange(key, ""); }

absl::StatusOr<int64_t> EtcdClient::DeletePrefix(const std::string& prefix) {
  KeyRange range = PrefixRange(prefix);
  return DeleteRange(range.key, range.range_end);
}

absl::Status EtcdClient::Compact(int64_t revision) {
  etcdserverpb::CompactionRequest req;
  req.set_revision(revision);
  req.set_physical(true);
  etcdserverpb::CompactionResponse resp;
  return connection_->Call(RequestInfo{RequestKind::kCompact}, true,
                           [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                             return ch.kv->Compact(ctx, req, &resp);
                           });
}

absl::StatusOr<MemberStatus> EtcdClient::Status() {
  etcdserverpb::StatusResponse resp;
  std::string endpoint;
  absl::Status s = connection_->Call(
      RequestInfo{RequestKind::kStatus}, true, [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
        endpoint = ch.endpoint.address;
        return ch.maintenance->Status(ctx, etcdserverpb::StatusRequest(), &resp);
      });
  if (!s.ok()) return s;
  MemberStatus out;
  out.endpoint = endpoint;
  out.version = resp.version();
  out.member_id = resp.header().member_id();
  out.leader_id = resp.leader();
  out.revision = resp.header().revision();
  out.db_size = resp.dbsize();
  return out;
}

absl::StatusOr<LeaseGrant> EtcdClient::GrantLease(int64_t ttl_seconds) {
  etcdserverpb::LeaseGrantRequest req;
  req.set_ttl(ttl_seconds);
  etcdserverpb::LeaseGrantResponse resp;
  absl::Status s = connection_->Call(RequestInfo{RequestKind::kLease}, false,
                                     [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                       return ch.lease->LeaseGrant(ctx, req, &resp);
                                     });
  if (!s.ok()) return s;
  return LeaseGrant{resp.id(), resp.ttl()};
}

absl::Status EtcdClient::RevokeLease(int64_t id) {
  etcdserverpb::LeaseRevokeRequest req;
  req.set_id(id);
  etcdserverpb::LeaseRevokeResponse resp;
  return connection_->Call(RequestInfo{RequestKind::kLease, LeaseName(id)}, true,
                           [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                             return ch.lease->LeaseRevoke(ctx, req, &resp);
                           });
}

absl::StatusOr<LeaseTtl> EtcdClient::LeaseTimeToLive(int64_t id) {
  etcdserverpb::LeaseTimeToLiveRequest req;
  req.set_id(id);
  etcdserverpb::LeaseTimeToLiveResponse resp;
  absl::Status s = connection_->Call(RequestInfo{RequestKind::kLease, LeaseName(id)}, true,
                                     [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                       return ch.lease->LeaseTimeToLive(ctx, req, &resp);
                                     });
  if (!s.ok()) return s;
  return LeaseTtl{resp.ttl(), resp.grantedttl()};
}

std::unique_ptr<LeaseKeeper> EtcdClient::KeepAlive(LeaseGrant lease,
                                                   LeaseKeeper::LostCallback on_lost) {
  return std::make_unique<LeaseKeeper>(connection_, lease, std::move(on_lost));
}

std::unique_ptr<Watcher> EtcdClient::Watch(WatchHandler* handler) {
  return std::make_unique<Watcher>(connection_, handler);
}

}  // namespace confwatch
