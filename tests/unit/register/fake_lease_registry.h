// FakeLeaseRegistry: an in-memory LeaseRegistry for Registrar tests. It keeps
// keys bound to leases as etcd does (revoking or losing a lease deletes its
// keys), can refuse the next N grants or puts as an unreachable etcd would,
// and lets a test make etcd "lose" a lease, which reports it to the keeper's
// callback like a LeaseKeeper would. FakeHealthChecker answers what the test
// sets.
//
// Thread-safety: thread-safe (the Registrar's thread and the test's).
#ifndef CONFWATCH_TESTS_UNIT_REGISTER_FAKE_LEASE_REGISTRY_H_
#define CONFWATCH_TESTS_UNIT_REGISTER_FAKE_LEASE_REGISTRY_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "register/registrar.h"

namespace confwatch::testing {

class FakeLeaseRegistry : public LeaseRegistry {
 public:
  struct Entry {
    std::string value;
    int64_t lease = 0;
  };

  absl::StatusOr<LeaseGrant> GrantLease(int64_t ttl_seconds) override {
    absl::MutexLock l(&mu_);
    ++grants_;
    if (fail_grants_ > 0) {
      --fail_grants_;
      return absl::UnavailableError("etcd: 127.0.0.1:2379: connection refused");
    }
    int64_t id = next_id_++;
    leases_[id] = nullptr;
    return LeaseGrant{id, ttl_seconds};
  }

  absl::Status Put(const std::string& key, const std::string& value, int64_t lease) override {
    absl::MutexLock l(&mu_);
    if (fail_puts_ > 0) {
      --fail_puts_;
      return absl::UnavailableError("etcd: 127.0.0.1:2379: connection refused");
    }
    if (lease != 0 && leases_.count(lease) == 0) {
      return absl::NotFoundError("etcd: requested lease not found");
    }
    keys_[key] = Entry{value, lease};
    return absl::OkStatus();
  }

  absl::Status RevokeLease(int64_t id) override {
    absl::MutexLock l(&mu_);
    revoked_.push_back(id);
    if (leases_.erase(id) == 0) return absl::NotFoundError("etcd: lease not found");
    DropKeysOf(id);
    return absl::OkStatus();
  }

  std::unique_ptr<LeaseHold> KeepAlive(LeaseGrant lease, LostCallback on_lost) override {
    absl::MutexLock l(&mu_);
    auto hold = std::make_unique<Hold>(this, lease.id);
    callbacks_[lease.id] = std::move(on_lost);
    ++keepalives_;
    return hold;
  }

  // etcd forgets `id` (expired): its keys go, and its keeper is told once.
  void LoseLease(int64_t id) {
    LostCallback cb;
    {
      absl::MutexLock l(&mu_);
      leases_.erase(id);
      DropKeysOf(id);
      auto it = callbacks_.find(id);
      if (it != callbacks_.end()) {
        cb = std::move(it->second);
        callbacks_.erase(it);
      }
    }
    if (cb) cb(absl::NotFoundError("etcd: lease expired or was revoked"));
  }

  void FailNextGrants(int n) {
    absl::MutexLock l(&mu_);
    fail_grants_ = n;
  }
  void FailNextPuts(int n) {
    absl::MutexLock l(&mu_);
    fail_puts_ = n;
  }

  std::map<std::string, Entry> keys() const {
    absl::MutexLock l(&mu_);
    return keys_;
  }
  std::vector<int64_t> revoked() const {
    absl::MutexLock l(&mu_);
    return revoked_;
  }
  int live_leases() const {
    absl::MutexLock l(&mu_);
    return static_cast<int>(leases_.size());
  }
  int kept_alive() const {  // holds not yet destroyed
    absl::MutexLock l(&mu_);
    return live_holds_;
  }
  int grants() const {
    absl::MutexLock l(&mu_);
    return grants_;
  }

 private:
  class Hold : public LeaseHold {
   public:
    Hold(FakeLeaseRegistry* r, int64_t id) : r_(r), id_(id) { ++r_->live_holds_; }
    ~Hold() override {
      absl::MutexLock l(&r_->mu_);
      --r_->live_holds_;
      r_->callbacks_.erase(id_);
    }

   private:
    FakeLeaseRegistry* r_;
    int64_t id_;
  };

  void DropKeysOf(int64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (auto it = keys_.begin(); it != keys_.end();) {
      it = it->second.lease == id ? keys_.erase(it) : std::next(it);
    }
  }

  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 0x100;
  std::map<int64_t, std::nullptr_t> leases_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Entry> keys_ ABSL_GUARDED_BY(mu_);
  std::map<int64_t, LostCallback> callbacks_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> revoked_ ABSL_GUARDED_BY(mu_);
  int fail_grants_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_puts_ ABSL_GUARDED_BY(mu_) = 0;
  int grants_ ABSL_GUARDED_BY(mu_) = 0;
  int keepalives_ ABSL_GUARDED_BY(mu_) = 0;
  int live_holds_ ABSL_GUARDED_BY(mu_) = 0;
};

class FakeHealthChecker : public HealthChecker {
 public:
  explicit FakeHealthChecker(std::atomic<bool>* healthy, std::atomic<int>* checks)
      : healthy_(healthy), checks_(checks) {}
  absl::Status Check() override {
    ++*checks_;
    if (healthy_->load()) return absl::OkStatus();
    return absl::UnavailableError("tcp://127.0.0.1:8080: connect: Connection refused");
  }

 private:
  std::atomic<bool>* healthy_;
  std::atomic<int>* checks_;
};

}  // namespace confwatch::testing

#endif  // CONFWATCH_TESTS_UNIT_REGISTER_FAKE_LEASE_REGISTRY_H_
