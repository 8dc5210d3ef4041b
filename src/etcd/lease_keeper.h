// LeaseKeeper keeps one etcd lease alive: it refreshes it every TTL/3 over
// LeaseKeepAlive, on whichever endpoint answers, until it is destroyed. The
// lease is lost when etcd says it expired (NotFound) or when no refresh got
// through for a whole TTL (DeadlineExceeded); the keeper then stops and says
// so once, through status() and the optional callback.
//
// Threading: owns one thread; the callback runs on it. status() and the
// destructor may be called from any thread but the callback's.
#ifndef CONFWATCH_ETCD_LEASE_KEEPER_H_
#define CONFWATCH_ETCD_LEASE_KEEPER_H_

#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "etcd/connection.h"
#include "etcd/etcd_types.h"

namespace confwatch {

class LeaseKeeper {
 public:
  using LostCallback = std::function<void(const absl::Status&)>;

  // Starts refreshing `lease` (as granted). Use EtcdClient::KeepAlive().
  LeaseKeeper(std::shared_ptr<Connection> connection, LeaseGrant lease, LostCallback on_lost);
  // Stops refreshing; does not revoke the lease (EtcdClient::RevokeLease).
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  int64_t id() const { return lease_.id; }
  // OK while the lease is kept; why it was lost afterwards.
  absl::Status status() const;

 private:
  void Run();
  // One keepalive round trip; *ttl gets the TTL etcd reports.
  absl::Status Refresh(int64_t* ttl);

  const std::shared_ptr<Connection> connection_;
  const LeaseGrant lease_;
  const LostCallback on_lost_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_LEASE_KEEPER_H_
