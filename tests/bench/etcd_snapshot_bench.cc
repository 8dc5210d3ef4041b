// Snapshot benchmark: how long EtcdClient::RangePrefix takes to read N keys of
// ~40-byte values (default 100k) from a local etcd, and the reading process's
// peak RSS. The keys are written by a child process (this binary with
// --fill) so that the peak RSS is the reader's alone.
//
//   etcd_snapshot_bench [keys=100000] [runs=5]
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"
#include "tests/support/etcd_test_server.h"

extern char** environ;

namespace confwatch {
namespace {

std::unique_ptr<EtcdClient> Connect(const std::string& endpoint) {
  EtcdOptions o;
  o.endpoints = {endpoint};
  auto c = EtcdClient::Create(o);
  if (!c.ok()) {
    std::fprintf(stderr, "%s\n", std::string(c.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(c);
}

int Fill(const std::string& endpoint, int keys) {
  auto client = Connect(endpoint);
  std::vector<std::pair<std::string, std::string>> kvs;
  for (int i = 0; i < keys; ++i) {
    kvs.emplace_back(absl::StrFormat("/bench/services/instance-%07d", i),
                     absl::StrFormat("{\"addr\":\"10.%d.%d.%d:8080\",\"w\":1}", i >> 16 & 255,
                                     i >> 8 & 255, i & 255));
  }
  absl::StatusOr<int64_t> rev = client->PutMany(kvs);
  if (!rev.ok()) {
    std::fprintf(stderr, "fill: %s\n", std::string(rev.status().message()).c_str());
    return 1;
  }
  return 0;
}

int Run(const char* self, int keys, int runs) {
  auto etcd = EtcdTestServer::Start();
  if (!etcd.ok()) {
    std::fprintf(stderr, "%s\n", std::string(etcd.status().message()).c_str());
    return 1;
  }
  std::string endpoint = (*etcd)->endpoint();
  std::string keys_arg = std::to_string(keys);
  const char* argv[] = {self, "--fill", endpoint.c_str(), keys_arg.c_str(), nullptr};
  absl::Time fill_start = absl::Now();
  pid_t pid;
  int status = 0;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, const_cast<char**>(argv), environ) != 0 ||
      waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "fill failed\n");
    return 1;
  }
  std::printf("filled %d keys in %s\n", keys, absl::FormatDuration(absl::Now() - fill_start).c_str());

  auto client = Connect(endpoint);
  std::vector<double> ms;
  size_t got = 0;
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  for (int i = 0; i < runs; ++i) {
    absl::Time start = absl::Now();
    absl::StatusOr<Snapshot> snap = client->RangePrefix("/bench/");
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!snap.ok()) {
      std::fprintf(stderr, "%s\n", std::string(snap.status().message()).c_str());
      return 1;
    }
    got = snap->kvs.size();
  }
  std::sort(ms.begin(), ms.end());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto cpu_ms = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 +
           (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
  };
  std::printf("snapshot of %zu keys: min %.1f ms, median %.1f ms, max %.1f ms (%d runs)\n", got,
              ms.front(), ms[ms.size() / 2], ms.back(), runs);
  // The client's own share, apart from etcd's and the machine's load.
  std::printf("reader CPU per snapshot: %.1f ms\n", (cpu_ms(ru) - cpu_ms(before)) / runs);
  std::printf("reader peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
  std::fflush(stdout);

  // Reference: etcd's own Go client reading the same prefix in one Range.
  std::string cmd = absl::StrFormat(
      "ETCDCTL_API=3 etcdctl --endpoints=%s get --prefix /bench/ --keys-only=false > /dev/null",
      endpoint);
  absl::Time start = absl::Now();
  if (std::system(cmd.c_str()) == 0) {
    std::printf("reference: etcdctl get --prefix: %.1f ms (includes process start)\n",
                absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  return 0;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--fill") {
    return confwatch::Fill(argv[2], std::atoi(argv[3]));
  }
  int keys = argc > 1 ? std::atoi(argv[1]) : 100000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  return confwatch::Run(argv[0], keys, runs);
}
