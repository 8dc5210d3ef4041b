// Registrar keeps one Registration present in etcd while the service is
// healthy: it grants a lease of the registration's TTL, puts the key with it
// and keeps the lease alive (LeaseKeeper, every TTL/3). When the lease is
// lost -- etcd said it expired or was revoked, or no refresh got through for
// a whole TTL (etcd down or cut off) -- it grants a new lease and puts the
// key again, retrying every 200 ms growing to 1 s until etcd answers, so the
// key is back within about a second of etcd's return. With a health check,
// the key is only there while the last check passed: a failed check revokes
// the lease (the key disappears at once), a passing one registers again.
// Shutdown() revokes the lease so the key disappears at once, instead of
// after the TTL.
//
// The etcd side is behind LeaseRegistry (EtcdLeaseRegistry is the real one)
// and health behind HealthChecker, so unit tests drive the state machine
// with fakes; tests/integration runs it against a real etcd.
//
// Threading: the Registrar owns one thread that does all the work (health
// checks, grants, puts, revokes). Start(), Shutdown() and state() may be
// called from any thread -- Shutdown() notably from a signal-handling one.
#ifndef CONFWATCH_REGISTER_REGISTRAR_H_
#define CONFWATCH_REGISTER_REGISTRAR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "etcd/backoff.h"
#include "etcd/etcd_client.h"
#include "register/health_check.h"
#include "register/registration_spec.h"

namespace confwatch {

// Keeps a lease alive for as long as it exists (see LeaseRegistry::KeepAlive).
class LeaseHold {
 public:
  virtual ~LeaseHold() = default;
};

// What a Registrar needs from etcd. Thread-safe.
class LeaseRegistry {
 public:
  using LostCallback = std::function<void(const absl::Status&)>;
  virtual ~LeaseRegistry() = default;
  virtual absl::StatusOr<LeaseGrant> GrantLease(int64_t ttl_seconds) = 0;
  virtual absl::Status Put(const std::string& key, const std::string& value, int64_t lease) = 0;
  // Revoking deletes every key bound to the lease.
  virtual absl::Status RevokeLease(int64_t id) = 0;
  // Refreshes `lease` until the hold is destroyed; `on_lost` runs at most
  // once, on any thread, when the lease is lost. Destroying the hold does
  // not revoke the lease.
  virtual std::unique_ptr<LeaseHold> KeepAlive(LeaseGrant lease, LostCallback on_lost) = 0;
};

// LeaseRegistry over an EtcdClient. REQUIRES: the client outlives it.
class EtcdLeaseRegistry : public LeaseRegistry {
 public:
  explicit EtcdLeaseRegistry(EtcdClient* client) : client_(client) {}
  absl::StatusOr<LeaseGrant> GrantLease(int64_t ttl_seconds) override;
  absl::Status Put(const std::string& key, const std::string& value, int64_t lease) override;
  absl::Status RevokeLease(int64_t id) override;
  std::unique_ptr<LeaseHold> KeepAlive(LeaseGrant lease, LostCallback on_lost) override;

 private:
  EtcdClient* const client_;
};

enum class HealthState {
  kNone,       // no health check configured: always registered
  kUnknown,    // not checked yet
  kHealthy,
  kUnhealthy,
};
// "none", "unknown", "healthy", "unhealthy" (for logs and metrics).
const char* HealthStateName(HealthState state);

// A snapshot of a Registrar, for metrics and tests.
struct RegistrarState {
  bool registered = false;    // the key is in etcd under our live lease
  int64_t lease_id = 0;       // the lease while registered, else 0
  uint64_t registrations = 0; // successful puts under a new lease
  uint64_t losses = 0;        // leases lost while registered
  uint64_t failed_attempts = 0;  // grants/puts that failed (etcd unreachable...)
  HealthState health = HealthState::kNone;
  absl::Status last_error;    // the last failed attempt or health check
};

struct RegistrarOptions {
  // Delay between failed registration attempts: doubles from `retry_initial`
  // up to `retry_max` (with jitter), reset by a success.
  absl::Duration retry_initial = absl::Milliseconds(200);
  absl::Duration retry_max = absl::Seconds(1);
};

class Registrar {
 public:
  // `checker` may be null (no health check); when set, registration.health
  // says what it checks and health_interval how often. REQUIRES: `registry`
  // outlives the Registrar.
  Registrar(Registration registration, LeaseRegistry* registry,
            std::unique_ptr<HealthChecker> checker, RegistrarOptions options = {});
  // Shutdown().
  ~Registrar();
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;

  // Starts the thread: the first health check (if any), then registration.
  // Returns at once; failures are retried and shown by state(). Call once.
  void Start();
  // Stops the thread and revokes the lease, so the key is gone when it
  // returns (unless etcd cannot be reached: then it expires after the TTL).
  // Idempotent; safe from any thread, also concurrently.
  void Shutdown();

  RegistrarState state() const;
  const Registration& registration() const { return registration_; }

 private:
  void Run();
  // One pass of the state machine; returns when to run the next one.
  absl::Time Step(absl::Time now);
  void RunHealthCheck();
  absl::Status Register();
  void Deregister(absl::string_view why);
  // Handles a lease the keeper reported lost. True if there was one.
  bool TakeLoss();
  void RevokeQuietly(int64_t id, absl::string_view why);

  const Registration registration_;
  LeaseRegistry* const registry_;
  const std::unique_ptr<HealthChecker> checker_;
  const RegistrarOptions options_;

  absl::Mutex shutdown_mu_;  // serialises Shutdown() calls
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;

  mutable absl::Mutex mu_ ABSL_ACQUIRED_AFTER(shutdown_mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  RegistrarState state_ ABSL_GUARDED_BY(mu_);
  // The lease granted and not yet revoked (set as soon as it is granted, so
  // Shutdown can revoke it even while the put is in flight).
  int64_t lease_ ABSL_GUARDED_BY(mu_) = 0;
  // Bumped for every keepalive started or dropped: a loss reported by an
  // older keeper is ignored.
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool lost_pending_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status lost_status_ ABSL_GUARDED_BY(mu_);

  // Only the thread touches these.
  std::unique_ptr<LeaseHold> hold_;
  int64_t stale_lease_ = 0;  // lost to a timeout: may still exist in etcd
  absl::Time next_check_ = absl::InfinitePast();
  absl::Time next_attempt_ = absl::InfinitePast();
  Backoff retry_;
  bool logged_failure_ = false;
  std::thread thread_;
};

}  // namespace confwatch

#endif  // CONFWATCH_REGISTER_REGISTRAR_H_
