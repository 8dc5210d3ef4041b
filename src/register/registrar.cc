// See registrar.h.
#include "register/registrar.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/logging.h"

namespace confwatch {
namespace {

class EtcdLeaseHold : public LeaseHold {
 public:
  explicit EtcdLeaseHold(std::unique_ptr<LeaseKeeper> keeper) : keeper_(std::move(keeper)) {}

 private:
  std::unique_ptr<LeaseKeeper> keeper_;
};

std::string LeaseHex(int64_t id) { return absl::StrFormat("%x", id); }

}  // namespace

absl::StatusOr<LeaseGrant> EtcdLeaseRegistry::GrantLease(int64_t ttl_seconds) {
  return client_->GrantLease(ttl_seconds);
}

absl::Status EtcdLeaseRegistry::Put(const std::string& key, const std::string& value,
                                    int64_t lease) {
  return client_->Put(key, value, lease).status();
}

absl::Status EtcdLeaseRegistry::RevokeLease(int64_t id) { return client_->RevokeLease(id); }

std::unique_ptr<LeaseHold> EtcdLeaseRegistry::KeepAlive(LeaseGrant lease, LostCallback on_lost) {
  return std::make_unique<EtcdLeaseHold>(client_->KeepAlive(lease, std::move(on_lost)));
}

const char* HealthStateName(HealthState state) {
  switch (state) {
    case HealthState::kNone:
      return "none";
    case HealthState::kUnknown:
      return "unknown";
    case HealthState::kHealthy:
      return "healthy";
    case HealthState::kUnhealthy:
      return "unhealthy";
  }
  return "unknown";
}

Registrar::Registrar(Registration registration, LeaseRegistry* registry,
                     std::unique_ptr<HealthChecker> checker, RegistrarOptions options)
    : registration_(std::move(registration)),
      registry_(registry),
      checker_(std::move(checker)),
      options_(options),
      retry_(options.retry_initial, options.retry_max) {
  absl::MutexLock l(&mu_);
  state_.health = checker_ ? HealthState::kUnknown : HealthState::kNone;
}

Registrar::~Registrar() { Shutdown(); }

void Registrar::Start() {
  absl::MutexLock s(&shutdown_mu_);
  if (shut_down_ || thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void Registrar::Shutdown() {
  absl::MutexLock s(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  int64_t lease;
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
    lease = lease_;
    lease_ = 0;
    state_.registered = false;
    state_.lease_id = 0;
  }
  // Revoke before joining: the thread may be in a health check or a slow
  // etcd call, and the key must go now, not after that.
  RevokeQuietly(lease, "shutting down");
  if (thread_.joinable()) thread_.join();
}

RegistrarState Registrar::state() const {
  absl::MutexLock l(&mu_);
  return state_;
}

void Registrar::RevokeQuietly(int64_t id, absl::string_view why) {
  if (id == 0) return;
  absl::Status s = registry_->RevokeLease(id);
  if (s.ok() || absl::IsNotFound(s)) {
    LogInfo("deregistered", {{"key", registration_.key}, {"lease", LeaseHex(id)}, {"reason", why}});
    return;
  }
  // The keeper is gone, so etcd drops the lease (and the key) after the TTL.
  LogWarning(absl::StrCat("could not revoke the lease; the key expires after ",
                          registration_.ttl_seconds, "s: ", s.message()),
             {{"key", registration_.key}, {"lease", LeaseHex(id)}});
}

void Registrar::Run() {
  absl::Time next = absl::InfinitePast();
  for (;;) {
    {
      absl::MutexLock l(&mu_);
      auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_ || lost_pending_; };
      mu_.AwaitWithDeadline(absl::Condition(&wake), next);
      if (stopping_) break;
    }
    next = Step(absl::Now());
  }
  hold_.reset();
  int64_t lease;
  {
    absl::MutexLock l(&mu_);
    lease = lease_;
    lease_ = 0;
    state_.registered = false;
    state_.lease_id = 0;
  }
  RevokeQuietly(lease, "shutting down");
  RevokeQuietly(stale_lease_, "old lease");
  stale_lease_ = 0;
}

absl::Time Registrar::Step(absl::Time now) {
  TakeLoss();
  if (checker_ != nullptr && now >= next_check_) {
    RunHealthCheck();
    next_check_ = absl::Now() + registration_.health_interval;
  }
  bool want;
  {
    absl::MutexLock l(&mu_);
    want = checker_ == nullptr || state_.health == HealthState::kHealthy;
  }
  if (want && hold_ == nullptr && absl::Now() >= next_attempt_) {
    absl::Status s = Register();
    if (s.ok()) {
      retry_.Reset();
      logged_failure_ = false;
    } else {
      next_attempt_ = absl::Now() + retry_.Next();
      {
        absl::MutexLock l(&mu_);
        ++state_.failed_attempts;
        state_.last_error = s;
      }
      // Once per outage at warning level; the retries every second at debug.
      Log(logged_failure_ ? LogLevel::kDebug : LogLevel::kWarning,
          absl::StrCat("registration failed, retrying: ", s.message()),
          {{"key", registration_.key}});
      logged_failure_ = true;
    }
  } else if (!want && hold_ != nullptr) {
    Deregister("health check failed");
  }
  absl::Time next = absl::InfiniteFuture();
  if (checker_ != nullptr) next = std::min(next, next_check_);
  if (want && hold_ == nullptr) next = std::min(next, next_attempt_);
  return next;
}

void Registrar::RunHealthCheck() {
  absl::Status h = checker_->Check();
  HealthState now = h.ok() ? HealthState::kHealthy : HealthState::kUnhealthy;
  HealthState before;
  {
    absl::MutexLock l(&mu_);
    before = state_.health;
    state_.health = now;
    if (!h.ok()) state_.last_error = h;
  }
  if (before == now) return;
  if (h.ok()) {
    LogInfo("health check passed",
            {{"key", registration_.key},
             {"check", registration_.health ? registration_.health->text : "custom"}});
  } else {
    LogWarning(absl::StrCat("health check failed: ", h.message()), {{"key", registration_.key}});
  }
}

absl::Status Registrar::Register() {
  absl::StatusOr<LeaseGrant> grant = registry_->GrantLease(registration_.ttl_seconds);
  if (!grant.ok()) return grant.status();
  {
    absl::MutexLock l(&mu_);
    lease_ = grant->id;
  }
  absl::Status put = registry_->Put(registration_.key, registration_.value, grant->id);
  if (!put.ok()) {
    int64_t lease;
    {
      absl::MutexLock l(&mu_);
      lease = lease_;  // 0 when Shutdown() has revoked it meanwhile
      lease_ = 0;
    }
    // Best effort: a lease left behind holds no key and runs out by itself.
    if (lease != 0) registry_->RevokeLease(lease).IgnoreError();
    return put;
  }
  uint64_t generation;
  {
    absl::MutexLock l(&mu_);
    generation = ++generation_;
    lost_pending_ = false;
  }
  hold_ = registry_->KeepAlive(*grant, [this, generation](const absl::Status& why) {
    absl::MutexLock l(&mu_);
    if (generation != generation_) return;  // a keeper we already dropped
    lost_pending_ = true;
    lost_status_ = why;
  });
  {
    absl::MutexLock l(&mu_);
    state_.registered = !stopping_;
    state_.lease_id = grant->id;
    ++state_.registrations;
  }
  LogInfo("registered", {{"key", registration_.key},
                         {"lease", LeaseHex(grant->id)},
                         {"ttl", absl::StrCat(registration_.ttl_seconds, "s")}});
  // A lease lost to a timeout may still exist (etcd restarts keep leases);
  // it holds no key any more, so drop it instead of letting it run out.
  if (stale_lease_ != 0) {
    registry_->RevokeLease(stale_lease_).IgnoreError();
    stale_lease_ = 0;
  }
  return absl::OkStatus();
}

void Registrar::Deregister(absl::string_view why) {
  hold_.reset();
  int64_t lease;
  {
    absl::MutexLock l(&mu_);
    ++generation_;
    lost_pending_ = false;
    lease = lease_;
    lease_ = 0;
    state_.registered = false;
    state_.lease_id = 0;
  }
  RevokeQuietly(lease, why);
}

bool Registrar::TakeLoss() {
  absl::Status why;
  int64_t lease;
  {
    absl::MutexLock l(&mu_);
    if (!lost_pending_) return false;
    lost_pending_ = false;
    why = lost_status_;
    ++generation_;
    lease = lease_;
    lease_ = 0;
    state_.registered = false;
    state_.lease_id = 0;
    ++state_.losses;
    state_.last_error = why;
  }
  hold_.reset();
  if (!absl::IsNotFound(why)) stale_lease_ = lease;
  LogWarning(absl::StrCat("registration lost, registering again: ", why.message()),
             {{"key", registration_.key}, {"lease", LeaseHex(lease)}});
  next_attempt_ = absl::InfinitePast();
  retry_.Reset();
  return true;
}

}  // namespace confwatch
