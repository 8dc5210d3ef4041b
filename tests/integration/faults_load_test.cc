// Load faults against the real binary and a real etcd (ctest label `faults`):
//  * confwatch frozen (SIGSTOP) while thousands of 4 KB writes pile up in
//    etcd's watch buffers and history is compacted past what its watch still
//    has to deliver: after SIGCONT the watch is told "compacted", the prefix
//    is read again, and the file reaches the exact final state;
//  * 1 MB values, several in one Range page and in the watch stream, are
//    rendered byte for byte (gRPC's default 4 MB receive limit would refuse
//    such messages);
//  * a prefix of 1,000,000 keys is loaded and rendered within a memory bound.
// Each test prints what it measured (times, peak RSS).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "etcdserverpb/rpc.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

using FaultsLoadTest = BinaryEtcdTest;

// The peak resident set of `pid` in kB (VmHWM), -1 if unreadable.
int64_t PeakRssKb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view v = line;
    if (!absl::ConsumePrefix(&v, "VmHWM:")) continue;
    v = absl::StripAsciiWhitespace(v);
    absl::ConsumeSuffix(&v, "kB");
    int64_t kb = -1;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(v), &kb)) return kb;
  }
  return -1;
}

// A `size`-byte value that differs from every other (tag, size) pair in its
// first bytes and throughout, so a value rendered in the wrong place or cut
// short cannot match.
std::string BigValue(const std::string& tag, size_t size) {
  std::string v = tag + ":";
  while (v.size() < size) absl::StrAppend(&v, tag, "-", v.size(), ";");
  v.resize(size);
  return v;
}

void AddKvResource(Confdir& c, const std::string& prefix) {
  c.AddTemplate("kv.tmpl",
                absl::StrCat("{{range gets \"", prefix, "/*\"}}{{base .Key}}={{.Value}}\n{{end}}"));
  c.AddResource("kv.toml", "kv.tmpl", "kv.conf", absl::StrCat("\"", prefix, "\""));
}

// etcd's count of watchers it could not keep up with (blocked "victims" and
// "unsynced" ones), from its /metrics; -1 when unreadable.
int EtcdSlowWatchers(const std::string& endpoint) {
  return static_cast<int>(EtcdMetric(endpoint, "etcd_debugging_mvcc_slow_watcher_total"));
}

// confwatch is stopped while writes of 4 KB pile up on the keys it watches:
// etcd cannot send them, its watch channel fills and the watcher falls behind
// (a "victim", then "unsynced"; etcd's slow-watcher gauge says when). The
// writes go on a little longer, and the history the watcher still needs is
// then compacted. After SIGCONT etcd can only say "compacted": confwatch must
// read the prefix again.
TEST_F(FaultsLoadTest, CompactionWhileTheWatcherIsFrozenBehindResyncsToTheExactState) {
  constexpr int kKeys = 48, kWriters = 4, kMaxRounds = 400, kRoundsAfterSlow = 10;
  Confdir c;
  AddKvResource(c, "/load");
  std::map<std::string, std::string> want;
  auto name = [](int k) { return absl::StrFormat("k%02d", k); };
  for (int k = 0; k < kKeys; ++k) Put("/load/" + name(k), want[name(k)] = "0");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("kv.conf"), KvLines(want))) << p->Log();
  ASSERT_EQ(0, EtcdSlowWatchers(etcd_->endpoint()));

  ASSERT_EQ(0, kill(p->pid(), SIGSTOP));
  auto t0 = steady_clock::now();
  std::atomic<int> round{0}, last_round{kMaxRounds - 1};
  std::vector<std::thread> writers;
  std::vector<absl::Status> failed(kWriters);
  std::vector<std::map<std::string, std::string>> written(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::unique_ptr<EtcdClient> client = ConnectForTest({etcd_->endpoint()});
      for (int r = 0; r <= last_round && client != nullptr; ++r) {
        if (w == 0) round = r;
        for (int k = w; k < kKeys; k += kWriters) {
          std::string value = BigValue(absl::StrCat(name(k), "r", r), 4096);
          absl::StatusOr<int64_t> rev = client->Put("/load/" + name(k), value);
          if (!rev.ok()) {
            failed[w] = rev.status();
            return;
          }
          written[w][name(k)] = std::move(value);
        }
      }
    });
  }
  int slow_at = -1;
  PollUntil([&] { return EtcdSlowWatchers(etcd_->endpoint()) > 0; }, std::chrono::seconds(60));
  if (EtcdSlowWatchers(etcd_->endpoint()) > 0) {
    slow_at = round;
    last_round = std::min<int>(kMaxRounds - 1, slow_at + kRoundsAfterSlow);
  }
  for (std::thread& t : writers) t.join();
  for (const absl::Status& s : failed) ASSERT_TRUE(s.ok()) << s;
  ASSERT_GE(slow_at, 0) << "etcd never reported the stopped watcher as slow";
  for (const auto& m : written) {
    for (const auto& [k, v] : m) want[k] = v;
  }
  for (int k = 0; k < kKeys; k += 5) {
    Delete("/load/" + name(k));
    want.erase(name(k));
  }
  absl::StatusOr<int64_t> last = client_->Put("/load/zz", "last");
  ASSERT_TRUE(last.ok()) << last.status();
  want["zz"] = "last";
  long long write_ms = MsSince(t0);
  ASSERT_TRUE(client_->Compact(*last).ok());

  ASSERT_EQ(0, kill(p->pid(), SIGCONT));
  auto resumed = steady_clock::now();
  EXPECT_TRUE(FileBecomes(c.Out("kv.conf"), KvLines(want), std::chrono::seconds(60)))
      << p->Log().substr(0, 4000);
  std::printf("[ measured ] etcd saw the stopped watcher as slow after %d rounds of %d writes of "
              "4 KB; %d rounds written in %lld ms; exact final state %lld ms after SIGCONT\n",
              slow_at + 1, kKeys, static_cast<int>(last_round) + 1, write_ms, MsSince(resumed));
  const std::string log = p->Log();
  EXPECT_NE(std::string::npos,
            log.find(absl::StrCat("etcd compacted revision ", *last, " that the watch of /load")))
      << "the compaction resync must have run\n" << log.substr(0, 4000);
  EXPECT_NE(std::string::npos, log.find("resynchronised /load at revision")) << log.substr(0, 4000);
  EXPECT_EQ(0, p->Stop()) << log.substr(0, 4000);
}

// Six 1 MB values (6 MB in the first Range page, past gRPC's 4 MB default),
// then changes while watching, including eight more 1 MB puts made while
// confwatch is stopped so they reach it back to back.
TEST_F(FaultsLoadTest, OneMegabyteValuesAreRenderedExactly) {
  constexpr size_t kMb = 1 << 20;
  Confdir c;
  AddKvResource(c, "/big");
  std::map<std::string, std::string> want;
  for (int k = 0; k < 6; ++k) {
    std::string name = absl::StrCat("k", k);
    Put("/big/" + name, want[name] = BigValue(name + "v0", kMb));
  }
  auto start = steady_clock::now();
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("kv.conf"), KvLines(want), std::chrono::seconds(30)))
      << p->Log().substr(0, 4000);
  long long initial_ms = MsSince(start);

  auto changed = steady_clock::now();
  for (int k : {1, 3, 6}) {
    std::string name = absl::StrCat("k", k);
    Put("/big/" + name, want[name] = BigValue(name + "v1", kMb));
  }
  Delete("/big/k0");
  want.erase("k0");
  ASSERT_TRUE(FileBecomes(c.Out("kv.conf"), KvLines(want), std::chrono::seconds(30)))
      << p->Log().substr(0, 4000);
  long long change_ms = MsSince(changed);

  ASSERT_EQ(0, kill(p->pid(), SIGSTOP));
  for (int i = 0; i < 8; ++i) {
    std::string name = absl::StrCat("k", i % 4);
    Put("/big/" + name, want[name] = BigValue(absl::StrCat(name, "v2-", i), kMb));
  }
  ASSERT_EQ(0, kill(p->pid(), SIGCONT));
  auto resumed = steady_clock::now();
  ASSERT_TRUE(FileBecomes(c.Out("kv.conf"), KvLines(want), std::chrono::seconds(30)))
      << p->Log().substr(0, 4000);
  std::printf("[ measured ] 1 MB values: initial 6 MB rendered in %lld ms; 3 puts + 1 delete "
              "in %lld ms; 8 puts made while stopped rendered %lld ms after SIGCONT; peak RSS "
              "%lld kB\n",
              initial_ms, change_ms, MsSince(resumed),
              static_cast<long long>(PeakRssKb(p->pid())));
  EXPECT_EQ(0, p->Stop()) << p->Log().substr(0, 4000);
}

// Puts keys "/m/0000000" .. "/m/<n-1>", each with its number as value, in
// transactions of `txn_ops` puts (the server must allow that many with
// --max-txn-ops) from `writers` threads, each on its own connection.
absl::Status LoadNumberedKeys(const std::string& endpoint, int n, int txn_ops, int writers) {
  std::vector<std::thread> threads;
  std::vector<grpc::Status> failed(writers);
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one TCP connection per writer
      auto kv = etcdserverpb::KV::NewStub(
          grpc::CreateCustomChannel(endpoint, TestClientCredentials(nullptr), args));
      for (int begin = w * txn_ops; begin < n; begin += writers * txn_ops) {
        etcdserverpb::TxnRequest req;
        for (int i = begin; i < std::min(n, begin + txn_ops); ++i) {
          etcdserverpb::PutRequest* put = req.add_success()->mutable_request_put();
          put->set_value(absl::StrFormat("%07d", i));
          put->set_key("/m/" + put->value());
        }
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        etcdserverpb::TxnResponse resp;
        if (grpc::Status s = kv->Txn(&ctx, req, &resp); !s.ok()) {
          failed[w] = s;
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const grpc::Status& s : failed) {
    if (!s.ok()) return absl::UnavailableError(absl::StrCat("loading keys: ", s.error_message()));
  }
  return absl::OkStatus();
}

// 1,000,000 keys under one prefix, loaded in big transactions, then confwatch
// starts on the prefix. The file must hold every key, in order, and
// confwatch's peak RSS stay under a generous bound.
TEST(FaultsMillionKeys, PrefixIsRenderedWithinMemoryBound) {
  constexpr int kKeys = 1000000, kTxnOps = 10000;
  constexpr int64_t kMaxPeakRssKb = 1536 * 1024;
  EtcdTestOptions o;
  o.extra_args = {absl::StrCat("--max-txn-ops=", kTxnOps)};
  auto etcd = EtcdTestServer::Start(o);
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  Confdir c;
  c.AddTemplate("m.tmpl", "{{range getvs \"/m/*\"}}{{.}}\n{{end}}");
  c.AddResource("m.toml", "m.tmpl", "m.conf", "\"/m\"");
  auto t0 = steady_clock::now();
  absl::Status loaded = LoadNumberedKeys((*etcd)->endpoint(), kKeys, kTxnOps, 2);
  ASSERT_TRUE(loaded.ok()) << loaded;
  long long load_ms = MsSince(t0);

  auto started = steady_clock::now();
  ConfwatchProcess p(c, {"-node", (*etcd)->endpoint(), "-watch"});
  // The file is installed by rename: once it is there it is complete.
  ASSERT_TRUE(PollUntil([&] { return ReadWholeFile(c.Out("m.conf")).has_value(); },
                        std::chrono::seconds(120)))
      << p.Log().substr(0, 4000);
  long long render_ms = MsSince(started);
  const int64_t peak_kb = PeakRssKb(p.pid());
  std::optional<std::string> got = ReadWholeFile(c.Out("m.conf"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(kKeys, CountLines(c.Out("m.conf")));
  std::string want;
  want.reserve(static_cast<size_t>(kKeys) * 8);
  for (int i = 0; i < kKeys; ++i) absl::StrAppendFormat(&want, "%07d\n", i);
  EXPECT_TRUE(*got == want) << "the file is not the 1M keys in order (sizes " << got->size()
                            << " / " << want.size() << ")";
  std::printf("[ measured ] 1M keys: loaded into etcd in %lld ms; confwatch start -> file "
              "installed %lld ms; confwatch peak RSS (VmHWM) %lld kB; file %zu bytes\n",
              load_ms, render_ms, static_cast<long long>(peak_kb), got->size());
  EXPECT_GT(peak_kb, 0);
  EXPECT_LT(peak_kb, kMaxPeakRssKb);
  EXPECT_EQ(0, p.Stop()) << p.Log().substr(0, 4000);
}

}  // namespace
}  // namespace confwatch
