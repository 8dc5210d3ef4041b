// The Registrar's state machine against fakes: registration, retries while
// etcd refuses, re-registration after a lost lease, deregistration while the
// health check fails and back, and Shutdown. Time is real but short
// (intervals of a few ms); every wait polls with a generous bound.
#include "register/registrar.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "tests/unit/register/fake_lease_registry.h"

namespace confwatch {
namespace {

using testing::FakeHealthChecker;
using testing::FakeLeaseRegistry;

bool PollUntil(const std::function<bool()>& done, absl::Duration bound = absl::Seconds(10)) {
  absl::Time deadline = absl::Now() + bound;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return done();
}

Registration Web(bool with_health = false) {
  Registration r;
  r.key = "/services/web/10.0.0.1:8080";
  r.value = "10.0.0.1:8080";
  r.ttl_seconds = 5;
  r.where = "test";
  if (with_health) {
    r.health = *ParseHealthTarget("tcp://127.0.0.1:8080");
    r.health_interval = absl::Milliseconds(5);
  }
  return r;
}

RegistrarOptions Fast() {
  RegistrarOptions o;
  o.retry_initial = absl::Milliseconds(1);
  o.retry_max = absl::Milliseconds(5);
  return o;
}

class RegistrarTest : public ::testing::Test {
 protected:
  std::unique_ptr<Registrar> Make(bool with_health) {
    std::unique_ptr<HealthChecker> checker;
    if (with_health) checker = std::make_unique<FakeHealthChecker>(&healthy_, &checks_);
    return std::make_unique<Registrar>(Web(with_health), &etcd_, std::move(checker), Fast());
  }
  bool KeyPresent() { return etcd_.keys().count("/services/web/10.0.0.1:8080") == 1; }

  FakeLeaseRegistry etcd_;
  std::atomic<bool> healthy_{true};
  std::atomic<int> checks_{0};
};

TEST_F(RegistrarTest, PutsTheKeyUnderAKeptLease) {
  auto r = Make(false);
  EXPECT_EQ(HealthState::kNone, r->state().health);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  auto keys = etcd_.keys();
  ASSERT_EQ(1u, keys.size());
  EXPECT_EQ("10.0.0.1:8080", keys["/services/web/10.0.0.1:8080"].value);
  RegistrarState s = r->state();
  EXPECT_EQ(keys["/services/web/10.0.0.1:8080"].lease, s.lease_id);
  EXPECT_NE(0, s.lease_id);
  EXPECT_EQ(1u, s.registrations);
  EXPECT_EQ(0u, s.losses);
  EXPECT_EQ(1, etcd_.kept_alive());
}

TEST_F(RegistrarTest, RetriesUntilEtcdAnswers) {
  etcd_.FailNextGrants(3);
  etcd_.FailNextPuts(2);
  auto r = Make(false);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  RegistrarState s = r->state();
  EXPECT_EQ(5u, s.failed_attempts);
  EXPECT_EQ("etcd: 127.0.0.1:2379: connection refused", s.last_error.message());
  EXPECT_EQ(1u, s.registrations);
  EXPECT_TRUE(KeyPresent());
  // The leases granted for the two failed puts were revoked, not leaked.
  EXPECT_EQ(1, etcd_.live_leases());
}

TEST_F(RegistrarTest, LostLeaseIsReplacedAndTheKeyPutAgain) {
  auto r = Make(false);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  int64_t first = r->state().lease_id;
  etcd_.LoseLease(first);
  ASSERT_TRUE(PollUntil([&] { return r->state().registered && r->state().lease_id != first; }));
  EXPECT_TRUE(KeyPresent());
  RegistrarState s = r->state();
  EXPECT_EQ(2u, s.registrations);
  EXPECT_EQ(1u, s.losses);
  EXPECT_EQ(s.lease_id, etcd_.keys()["/services/web/10.0.0.1:8080"].lease);
  EXPECT_EQ(1, etcd_.kept_alive());  // the old keeper was dropped
}

TEST_F(RegistrarTest, NothingIsRegisteredBeforeTheFirstCheckPasses) {
  healthy_ = false;
  auto r = Make(true);
  EXPECT_EQ(HealthState::kUnknown, r->state().health);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return checks_ >= 3; }));
  EXPECT_EQ(HealthState::kUnhealthy, r->state().health);
  EXPECT_FALSE(r->state().registered);
  EXPECT_EQ(0, etcd_.grants());
  EXPECT_EQ("tcp://127.0.0.1:8080: connect: Connection refused",
            r->state().last_error.message());
  healthy_ = true;
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  EXPECT_EQ(HealthState::kHealthy, r->state().health);
  EXPECT_TRUE(KeyPresent());
}

TEST_F(RegistrarTest, FailingHealthCheckRemovesTheKeyAndRecoveryRestoresIt) {
  auto r = Make(true);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  int64_t first = r->state().lease_id;

  healthy_ = false;
  ASSERT_TRUE(PollUntil([&] { return !KeyPresent(); }));
  ASSERT_TRUE(PollUntil([&] { return !r->state().registered; }));
  EXPECT_EQ(HealthState::kUnhealthy, r->state().health);
  EXPECT_EQ(std::vector<int64_t>{first}, etcd_.revoked());
  EXPECT_EQ(0, etcd_.kept_alive());

  healthy_ = true;
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  EXPECT_TRUE(KeyPresent());
  EXPECT_EQ(2u, r->state().registrations);
  EXPECT_EQ(0u, r->state().losses);  // deregistering on purpose is no loss
}

TEST_F(RegistrarTest, ShutdownRevokesAtOnceAndIsIdempotent) {
  auto r = Make(true);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return r->state().registered; }));
  int64_t lease = r->state().lease_id;
  r->Shutdown();
  EXPECT_FALSE(KeyPresent());
  EXPECT_FALSE(r->state().registered);
  EXPECT_EQ(0, etcd_.live_leases());
  EXPECT_EQ(0, etcd_.kept_alive());
  r->Shutdown();
  EXPECT_EQ(std::vector<int64_t>{lease}, etcd_.revoked());  // revoked exactly once
}

TEST_F(RegistrarTest, ShutdownFromAnotherThreadWhileRetrying) {
  etcd_.FailNextGrants(1000000);
  auto r = Make(false);
  r->Start();
  ASSERT_TRUE(PollUntil([&] { return r->state().failed_attempts >= 3; }));
  std::thread t([&] { r->Shutdown(); });
  r->Shutdown();  // concurrently with the other thread's call
  t.join();
  EXPECT_FALSE(r->state().registered);
  EXPECT_TRUE(etcd_.keys().empty());
}

TEST_F(RegistrarTest, ShutdownWithoutStartDoesNothing) {
  auto r = Make(false);
  r->Shutdown();
  EXPECT_EQ(0, etcd_.grants());
  EXPECT_TRUE(etcd_.revoked().empty());
}

}  // namespace
}  // namespace confwatch
