// Helpers for the etcd client's integration tests:
//  * ConnectForTest(): an EtcdClient with short timeouts.
//  * EtcdMetric(): one value of etcd's /metrics.
//  * RecordingHandler: a WatchHandler that records everything a Watcher
//    delivers and lets the test thread wait for it. Callbacks come from the
//    Watcher's thread; every accessor locks, so the test thread may read and
//    wait at any time.
#ifndef CONFWATCH_TESTS_INTEGRATION_ETCD_TEST_UTIL_H_
#define CONFWATCH_TESTS_INTEGRATION_ETCD_TEST_UTIL_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "etcd/etcd_client.h"
#include "etcd/watcher.h"
#include "gtest/gtest.h"
#include "http/http_client.h"

namespace confwatch {

// One status per line, for failure messages.
inline std::string Joined(const std::vector<absl::Status>& statuses) {
  std::string out;
  for (const absl::Status& s : statuses) absl::StrAppend(&out, "\n  ", s.ToString());
  return out;
}

// A client of `endpoint` as `user` (empty: anonymous); the status as Create
// gives it, for tests of authentication errors.
inline absl::StatusOr<std::unique_ptr<EtcdClient>> ConnectAs(const std::string& endpoint,
                                                             const std::string& user,
                                                             const std::string& password) {
  EtcdOptions o;
  o.endpoints = {endpoint};
  o.username = user;
  o.password = password;
  o.dial_timeout = absl::Seconds(2);
  return EtcdClient::Create(o);
}

// A client for `endpoints` that gives up on an endpoint after 1 s and on a
// request after 5 s. Null, with a test failure, if Create refuses.
inline std::unique_ptr<EtcdClient> ConnectForTest(const std::vector<std::string>& endpoints) {
  EtcdOptions o;
  o.endpoints = endpoints;
  o.dial_timeout = absl::Seconds(1);
  o.request_timeout = absl::Seconds(5);
  absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

// The value of the unlabelled metric `name` on etcd's /metrics at
// `endpoint` ("127.0.0.1:PORT", plain http), e.g.
// "etcd_debugging_mvcc_watch_stream_total"; -1 when it cannot be read.
inline double EtcdMetric(const std::string& endpoint, const std::string& name) {
  absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://", endpoint, "/metrics"));
  if (!r.ok() || r->status != 200) return -1;
  const std::string metric = absl::StrCat("\n", name, " ");
  size_t at = r->body.find(metric);
  if (at == std::string::npos) return -1;
  at += metric.size();
  double n = -1;
  if (!absl::SimpleAtod(r->body.substr(at, r->body.find('\n', at) - at), &n)) return -1;
  return n;
}

class RecordingHandler : public WatchHandler {
 public:
  void OnEvents(const std::string& prefix, int64_t revision, std::vector<Event> events) override {
    absl::MutexLock l(&mu_);
    batches_.push_back({prefix, revision, events.size()});
    for (Event& e : events) events_.push_back(std::move(e));
  }
  void OnCompacted(const std::string& prefix, int64_t compact_revision) override {
    absl::MutexLock l(&mu_);
    compacted_[prefix] = compact_revision;
  }
  void OnWatchError(const std::string& prefix, const absl::Status& status) override {
    absl::MutexLock l(&mu_);
    errors_[prefix] = status;
  }
  void OnProgress(const std::string& prefix, int64_t revision) override {
    absl::MutexLock l(&mu_);
    progress_[prefix] = revision;
  }
  void OnConnectionState(bool connected, const std::string& endpoint,
                         const absl::Status& status) override {
    absl::MutexLock l(&mu_);
    if (connected) connected_to_.push_back(endpoint);
    else disconnects_.push_back(status);
  }

  // Waits until at least n events arrived; false on timeout.
  bool WaitForEvents(size_t n, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return events_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  // Waits until an event with mod_revision >= rev arrived.
  bool WaitForRevision(int64_t rev, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto reached = [this, rev]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !events_.empty() && events_.back().kv.mod_revision >= rev;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  bool WaitForCompacted(const std::string& prefix, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto seen = [this, &prefix]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return compacted_.count(prefix) > 0;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), timeout);
  }
  bool WaitForError(const std::string& prefix, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto seen = [this, &prefix]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return errors_.count(prefix) > 0;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), timeout);
  }
  bool WaitForProgress(const std::string& prefix, int64_t rev,
                       absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto seen = [this, &prefix, rev]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      auto it = progress_.find(prefix);
      return it != progress_.end() && it->second >= rev;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), timeout);
  }
  bool WaitForConnects(size_t n, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock l(&mu_);
    auto seen = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return connected_to_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), timeout);
  }

  struct Batch {
    std::string prefix;
    int64_t revision;
    size_t size;
  };
  std::vector<Event> events() const {
    absl::MutexLock l(&mu_);
    return events_;
  }
  std::vector<Batch> batches() const {
    absl::MutexLock l(&mu_);
    return batches_;
  }
  std::map<std::string, int64_t> compacted() const {
    absl::MutexLock l(&mu_);
    return compacted_;
  }
  std::map<std::string, absl::Status> errors() const {
    absl::MutexLock l(&mu_);
    return errors_;
  }
  std::vector<std::string> connected_to() const {
    absl::MutexLock l(&mu_);
    return connected_to_;
  }
  std::vector<absl::Status> disconnects() const {
    absl::MutexLock l(&mu_);
    return disconnects_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Event> events_ ABSL_GUARDED_BY(mu_);
  std::vector<Batch> batches_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> compacted_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Status> errors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> progress_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> connected_to_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Status> disconnects_ ABSL_GUARDED_BY(mu_);
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_INTEGRATION_ETCD_TEST_UTIL_H_
