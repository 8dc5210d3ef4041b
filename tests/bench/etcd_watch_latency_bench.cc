// Watch latency benchmark: time from calling Put on one client to the watch
// event reaching a WatchHandler of another client, against a local etcd.
// Reports p50/p90/p99/max over N puts after a warm-up.
//
//   etcd_watch_latency_bench [puts=2000]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"
#include "tests/bench/percentile.h"
#include "tests/bench/watch_arrivals.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

std::unique_ptr<EtcdClient> Connect(const std::string& endpoint) {
  EtcdOptions o;
  o.endpoints = {endpoint};
  auto c = EtcdClient::Create(o);
  if (!c.ok()) std::exit(1);
  return *std::move(c);
}

using bench::Percentile;

int Run(int puts) {
  auto etcd = EtcdTestServer::Start();
  if (!etcd.ok()) {
    std::fprintf(stderr, "%s\n", std::string(etcd.status().message()).c_str());
    return 1;
  }
  auto writer = Connect((*etcd)->endpoint());
  auto reader = Connect((*etcd)->endpoint());
  bench::WatchArrivals handler;
  auto watcher = reader->Watch(&handler);
  absl::StatusOr<int64_t> start = writer->Put("/lat/start", "x");
  if (!start.ok() || !watcher->Add("/lat/", *start).ok()) return 1;
  handler.WaitFor(*start);

  const int warmup = 100;
  std::vector<double> ms;
  for (int i = 0; i < warmup + puts; ++i) {
    absl::Time t0 = absl::Now();
    absl::StatusOr<int64_t> rev = writer->Put(absl::StrCat("/lat/k", i % 100), absl::StrCat(i));
    if (!rev.ok()) {
      std::fprintf(stderr, "%s\n", std::string(rev.status().message()).c_str());
      return 1;
    }
    absl::Time arrived = handler.WaitFor(*rev);
    if (i >= warmup) ms.push_back(absl::ToDoubleMilliseconds(arrived - t0));
  }
  std::sort(ms.begin(), ms.end());
  std::printf("put -> watch event, %d puts: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
              puts, Percentile(ms, 0.50), Percentile(ms, 0.90), Percentile(ms, 0.99), ms.back());
  return 0;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) {
  return confwatch::Run(argc > 1 ? std::atoi(argv[1]) : 2000);
}
