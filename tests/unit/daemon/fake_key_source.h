// FakeKeySource: an in-memory KeySource for unit tests of the daemon's logic.
// Tests set keys, make the next Read fail, and push changes through the sink
// the daemon registered with Follow(), as the etcd watch thread would.
// Thread-safety: all methods lock; Push* may be called from the test thread
// while the daemon runs on another.
#ifndef CONFWATCH_TESTS_UNIT_DAEMON_FAKE_KEY_SOURCE_H_
#define CONFWATCH_TESTS_UNIT_DAEMON_FAKE_KEY_SOURCE_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "daemon/key_source.h"

namespace confwatch {

class FakeKeySource : public KeySource {
 public:
  std::string Describe() const override { return "fake"; }
  bool CanFollow() const override { return true; }

  absl::StatusOr<SourceSnapshot> Read(const std::vector<std::string>& prefixes) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_;
    if (fail_reads_ > 0) {
      --fail_reads_;
      return absl::UnavailableError("fake: connection refused");
    }
    for (const std::string& p : prefixes) {
      for (const std::string& d : denied_) {
        if (absl::StartsWith(p, d)) {
          return absl::PermissionDeniedError("fake: permission denied reading " + p);
        }
      }
    }
    SourceSnapshot snap;
    snap.revision = revision_;
    for (const auto& [k, v] : keys_) {
      for (const std::string& p : prefixes) {
        if (absl::StartsWith(k, p)) {
          snap.kvs.push_back({k, v});
          break;
        }
      }
    }
    return snap;
  }

  absl::Status Follow(const std::vector<std::string>& prefixes,
                      const std::vector<PrefixGroup>& together, int64_t revision,
                      ChangeSink* sink) override {
    std::lock_guard<std::mutex> lock(mu_);
    sink_ = sink;
    followed_ = prefixes;
    together_ = together;
    return absl::OkStatus();
  }
  void StopFollowing() override {
    std::lock_guard<std::mutex> lock(mu_);
    // A watch thread that delivered an old event just before it was stopped.
    if (sink_ != nullptr && on_stop_) {
      sink_->OnChanges({*on_stop_}, revision_ - 1);
      on_stop_.reset();
    }
    sink_ = nullptr;
  }
  // The next StopFollowing first delivers this change (without touching the
  // keys), as a watch thread may have queued it just before being stopped.
  void DeliverOnStop(KeyChange change) {
    std::lock_guard<std::mutex> lock(mu_);
    on_stop_ = std::move(change);
  }

  // Sets a key before the daemon starts (no event).
  void Set(const std::string& key, const std::string& value) {
    std::lock_guard<std::mutex> lock(mu_);
    keys_[key] = value;
  }
  // A put or delete as the watch stream would deliver it.
  void PushPut(const std::string& key, const std::string& value) {
    std::lock_guard<std::mutex> lock(mu_);
    keys_[key] = value;
    Deliver({KeyChange{key, value, false}});
  }
  void PushDelete(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    keys_.erase(key);
    Deliver({KeyChange{key, "", true}});
  }
  // A compaction: the daemon receives a fresh read of `prefix`.
  void PushResync(const std::string& prefix) { PushResync(std::vector<std::string>{prefix}); }
  // The same for several prefixes read at one revision.
  void PushResync(const std::vector<std::string>& prefixes) {
    std::lock_guard<std::mutex> lock(mu_);
    SourceSnapshot snap;
    snap.revision = ++revision_;
    for (const auto& [k, v] : keys_) {
      for (const std::string& p : prefixes) {
        if (absl::StartsWith(k, p)) {
          snap.kvs.push_back({k, v});
          break;
        }
      }
    }
    if (sink_) sink_->OnResync(prefixes, std::move(snap));
  }
  // etcd refusing the watch of `prefix` when it is created again (read
  // access revoked): the sink hears of it, as from the etcd watch thread.
  void PushWatchFailed(const std::string& prefix, absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (sink_) sink_->OnWatchFailed(prefix, std::move(status));
  }
  // Changes the store without an event (lost while "compacted").
  void SetSilently(const std::string& key, const std::string& value) { Set(key, value); }

  // Reads of prefixes under `prefix` fail with PermissionDenied, as etcd
  // refuses a user without read access; Allow() lifts it.
  void Deny(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    denied_.push_back(prefix);
  }
  void Allow() {
    std::lock_guard<std::mutex> lock(mu_);
    denied_.clear();
  }
  void FailNextReads(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_reads_ = n;
  }
  int reads() {
    std::lock_guard<std::mutex> lock(mu_);
    return reads_;
  }
  bool following() {
    std::lock_guard<std::mutex> lock(mu_);
    return sink_ != nullptr;
  }
  std::vector<std::string> followed() {
    std::lock_guard<std::mutex> lock(mu_);
    return followed_;
  }
  std::vector<PrefixGroup> together() {
    std::lock_guard<std::mutex> lock(mu_);
    return together_;
  }

 private:
  void Deliver(std::vector<KeyChange> changes) {
    ++revision_;
    if (sink_) sink_->OnChanges(std::move(changes), revision_);
  }

  std::mutex mu_;
  std::map<std::string, std::string> keys_;
  std::vector<std::string> denied_;
  int64_t revision_ = 1;
  int fail_reads_ = 0;
  int reads_ = 0;
  ChangeSink* sink_ = nullptr;
  std::vector<std::string> followed_;
  std::vector<PrefixGroup> together_;
  std::optional<KeyChange> on_stop_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_UNIT_DAEMON_FAKE_KEY_SOURCE_H_
