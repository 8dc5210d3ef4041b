// WatchArrivals: a bare etcd watcher for benchmarks, recording when each
// revision's event reached it. etcd_watch_latency_bench reports put -> event
// with it; daemon_bench subtracts it from put -> file, so that the part of a
// change's latency that is etcd's own (commit, WAL fsync, delivery) and the
// part that is confwatch's are measured in the same run.
//
// Thread-safety: OnEvents runs on the watcher's thread; WaitFor from any.
#ifndef CONFWATCH_TESTS_BENCH_WATCH_ARRIVALS_H_
#define CONFWATCH_TESTS_BENCH_WATCH_ARRIVALS_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"

namespace confwatch::bench {

class WatchArrivals : public WatchHandler {
 public:
  void OnEvents(const std::string&, int64_t revision, std::vector<Event>) override {
    const absl::Time now = absl::Now();
    absl::MutexLock l(&mu_);
    revision_ = revision;
    arrived_ = now;
  }
  void OnCompacted(const std::string&, int64_t) override {}
  void OnWatchError(const std::string& prefix, const absl::Status& s) override {
    std::fprintf(stderr, "bench watch %s: %s\n", prefix.c_str(), std::string(s.message()).c_str());
    std::exit(1);
  }

  // Blocks until the event of `revision` (or a later one) arrived; returns
  // when the latest event arrived. REQUIRES: no later Put raced this one.
  absl::Time WaitFor(int64_t revision) {
    absl::MutexLock l(&mu_);
    auto reached = [this, revision]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return revision_ >= revision;
    };
    mu_.Await(absl::Condition(&reached));
    return arrived_;
  }

 private:
  absl::Mutex mu_;
  int64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time arrived_ ABSL_GUARDED_BY(mu_);
};

}  // namespace confwatch::bench

#endif  // CONFWATCH_TESTS_BENCH_WATCH_ARRIVALS_H_
