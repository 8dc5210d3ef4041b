#include "etcd/lease_keeper.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "etcd/backoff.h"

namespace confwatch {

LeaseKeeper::LeaseKeeper(std::shared_ptr<Connection> connection, LeaseGrant lease,
                         LostCallback on_lost)
    : connection_(std::move(connection)), lease_(lease), on_lost_(std::move(on_lost)) {
  thread_ = std::thread([this] { Run(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

absl::Status LeaseKeeper::status() const {
  absl::MutexLock l(&mu_);
  return status_;
}

absl::Status LeaseKeeper::Refresh(int64_t* ttl) {
  std::string key = absl::StrFormat("%x", lease_.id);
  etcdserverpb::LeaseKeepAliveResponse resp;
  absl::Status s = connection_->Call(
      RequestInfo{RequestKind::kLease, key}, /*idempotent=*/true,
      [&](EndpointChannel& ch, grpc::ClientContext* ctx) {
        // One short stream per refresh: each gets the request deadline, so a
        // frozen member cannot hold the lease hostage.
        auto stream = ch.lease->LeaseKeepAlive(ctx);
        etcdserverpb::LeaseKeepAliveRequest req;
        req.set_id(lease_.id);
        if (stream->Write(req) && stream->Read(&resp)) stream->WritesDone();
        return stream->Finish();
      });
  if (!s.ok()) return s;
  if (resp.ttl() <= 0) {
    return absl::NotFoundError(absl::StrCat("etcd: lease ", key, " expired or was revoked"));
  }
  *ttl = resp.ttl();
  return absl::OkStatus();
}

void LeaseKeeper::Run() {
  Backoff backoff(absl::Milliseconds(100), absl::Seconds(1));
  absl::Time last_ok = absl::Now();
  int64_t ttl = lease_.ttl_seconds;
  absl::Status lost;
  for (;;) {
    absl::Duration wait;
    absl::Status s = Refresh(&ttl);
    if (s.ok()) {
      last_ok = absl::Now();
      backoff.Reset();
      wait = absl::Seconds(std::max<int64_t>(ttl, 1)) / 3;
    } else if (absl::IsNotFound(s)) {
      lost = s;
    } else if (absl::Now() - last_ok > absl::Seconds(ttl)) {
      lost = absl::DeadlineExceededError(absl::StrFormat(
          "etcd: lease %x lost: no keepalive got through for %ds (last error: %s)", lease_.id, ttl,
          s.message()));
    } else {
      wait = backoff.Next();
    }
    absl::MutexLock l(&mu_);
    if (!lost.ok()) {
      status_ = lost;
      break;
    }
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), wait);
    if (stopping_) return;
  }
  if (on_lost_) on_lost_(lost);
}

}  // namespace confwatch
