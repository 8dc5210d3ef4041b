#include "etcd/etcd_client.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "etcd/key_range.h"
#include "etcd/range_page.h"
#include "grpcpp/generic/generic_stub.h"

namespace confwatch {
namespace {

// Range pages. etcd (3.4, 3.5) walks every index entry from a page's first key
// to the end of the range for each page, to count them, so many small pages
// cost quadratic time: 100k keys in pages of 1000 take several times longer
// than in one Range. Pages are therefore sized by bytes: the first one by
// count (it may hold 1 MB values), the next ones from the average key+value
// size seen so far, aiming at kPageBytes per response. With the response
// decoded straight into the snapshot (range_page.h) a page costs its own
// bytes and nothing per key, so 100k small keys are read in two Ranges.
constexpr int64_t kFirstPageKeys = 1000;
constexpr int64_t kMinPageKeys = 100;
constexpr int64_t kPageBytes = 16 << 20;
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

// One Range request whose response is decoded into `page` (range_page.h)
// rather than into a RangeResponse message.
grpc::Status RangeInto(EndpointChannel& ch, grpc::ClientContext* ctx,
                       const etcdserverpb::RangeRequest& req, RangePage* page) {
  static const std::string* const kMethod = new std::string(kRangeMethod);
  grpc::TemplatedGenericStub<etcdserverpb::RangeRequest, RangePage> stub(ch.channel);
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::ClientAsyncResponseReader<RangePage>> call =
      stub.PrepareUnaryCall(ctx, *kMethod, req, &cq);
  grpc::Status status;
  call->StartCall();
  call->Finish(page, &status, nullptr);
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);  // the call's only event; the deadline in ctx bounds it
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) page->Reset();
  return status;
}

std::string LeaseName(int64_t id) { return absl::StrFormat("%x", id); }

}  // namespace

absl::StatusOr<std::unique_ptr<EtcdClient>> EtcdClient::Create(EtcdOptions options) {
  absl::StatusOr<std::unique_ptr<Connection>> c = Connection::Create(options);
  if (!c.ok()) return c.status();
  return std::unique_ptr<EtcdClient>(new EtcdClient(std::shared_ptr<Connection>(*std::move(c))));
}

absl::StatusOr<Snapshot> EtcdClient::RangePrefix(const std::string& prefix, int64_t revision) {
  Snapshot snap;
  KeyValueSink sink(&snap.kvs);
  absl::StatusOr<int64_t> read = RangePrefixInto(prefix, revision, &sink);
  if (!read.ok()) return read.status();
  snap.revision = *read;
  return snap;
}

absl::StatusOr<int64_t> EtcdClient::RangePrefixInto(const std::string& prefix, int64_t revision,
                                                    RangeSink* sink) {
  const size_t size_before = sink->size();
  absl::StatusOr<int64_t> read;
  for (int attempt = 0; attempt < kRangeAttempts; ++attempt) {
    read = RangeOnce(prefix, revision, sink);
    if (!read.ok()) sink->Truncate(size_before);
    // Only a revision we picked ourselves may be replaced by a newer one.
    if (read.ok() || revision != 0 || !absl::IsAborted(read.status())) break;
  }
  if (absl::IsAborted(read.status())) {
    return absl::UnavailableError(read.status().message());
  }
  return read;
}

// Aborted: the revision chosen at the first page was compacted before the
// last page was read. On error the sink may hold the pages read before it.
absl::StatusOr<int64_t> EtcdClient::RangeOnce(const std::string& prefix, int64_t revision,
                                              RangeSink* sink) {
  KeyRange range = PrefixRange(prefix);
  etcdserverpb::RangeRequest req;
  req.set_key(range.key);
  req.set_range_end(range.range_end);
  int64_t read_revision = revision;  // 0 until the first page sets it
  int64_t limit = kFirstPageKeys;
  // Set once a page was too large for a gRPC message: pages stay below it.
  int64_t max_limit = std::numeric_limits<int64_t>::max();
  int64_t bytes = 0;
  int64_t keys = 0;
  for (bool first = true;;) {
    req.set_revision(read_revision);
    req.set_limit(limit);
    RangePage page(sink);
    bool compacted = false;
    bool too_large = false;
    absl::Status s = connection_->Call(
        RequestInfo::Prefix(RequestKind::kRead, prefix), /*idempotent=*/true,
        [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
          grpc::Status g = RangeInto(ch, ctx, req, &page);
          compacted = IsCompacted(g);
          too_large = g.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
          return g;
        });
    if (!s.ok()) {
      page.Reset();
      // The page passed gRPC's message limit (etcd's 2 GB send limit, or
      // ours): a page of keys with large values after small ones, whose
      // average said otherwise. Ask for fewer keys, down to one.
      if (too_large && limit > 1) {
        limit = max_limit = limit / 2;
        continue;
      }
      if (too_large) return TooLargeKeyError(req, s);
      if (compacted && !first && revision == 0) return absl::AbortedError(s.message());
      return s;
    }
    if (first && read_revision == 0) read_revision = page.revision;
    bytes += page.kv_bytes;
    keys += page.keys;
    if (!page.more || page.keys == 0) return read_revision;
    // page.count counted from this page's first key: what is left is known,
    // so a page that is too large halves right away.
    const int64_t left = std::max<int64_t>(1, page.count - page.keys);
    if (first) sink->ExpectMore(static_cast<size_t>(left));
    first = false;
    int64_t average = std::max<int64_t>(1, bytes / keys);
    limit = std::clamp(kPageBytes / average, std::min(kMinPageKeys, max_limit), max_limit);
    limit = std::min(limit, left);
    // The next page starts just after the last key: the key plus a 0 byte.
    page.last_key.push_back('\0');
    req.set_key(std::move(page.last_key));
  }
}

absl::Status EtcdClient::TooLargeKeyError(const etcdserverpb::RangeRequest& page,
                                          const absl::Status& error) {
  etcdserverpb::RangeRequest req = page;
  req.set_limit(1);
  req.set_keys_only(true);
  etcdserverpb::RangeResponse resp;
  absl::Status s = connection_->Call(RequestInfo{RequestKind::kRead, page.key()}, true,
                                     [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
                                       return ch.kv->Range(ctx, req, &resp);
                                     });
  if (!s.ok() || resp.kvs_size() == 0) return error;
  return absl::ResourceExhaustedError(absl::StrCat(error.message(), " (", PrintableKey(resp.kvs(0).key()),
                                                   " alone is larger than a response may be)"));
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
    const std::vector<std::pair<std::string, std::string>>& kvs, int64_t lease) {
  int64_t revision = 0;
  for (size_t begin = 0; begin < kvs.size(); begin += kMaxTxnOps) {
    size_t end = std::min(kvs.size(), begin + kMaxTxnOps);
    etcdserverpb::TxnRequest req;
    for (size_t i = begin; i < end; ++i) {
      etcdserverpb::PutRequest* put = req.add_success()->mutable_request_put();
      put->set_key(kvs[i].first);
      put->set_value(kvs[i].second);
      put->set_lease(lease);
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
