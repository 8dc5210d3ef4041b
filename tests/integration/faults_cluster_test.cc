// Fault injection against a 3-member etcd cluster and the real binary (ctest
// label `faults`):
//  * the only member confwatch knows is SIGKILLed; while it is down the other
//    two take puts and deletes and compact history past confwatch's revision;
//    when the member returns, confwatch's watches (two prefixes) cannot
//    resume, so it must re-read each prefix (the log shows both compaction
//    resyncs) and the files must reach the exact final state;
//  * the raft leader is SIGKILLed while confwatch (given all three members)
//    watches through it; writes continue through the others as soon as a new
//    leader is elected and the file follows each of them.
// Times are measured and printed.
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/confwatch_process.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class FaultsClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = EtcdTestCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    endpoints_ = cluster_->endpoints();
    c_.AddTemplate("svc.tmpl", "{{range gets \"/svc/*\"}}{{base .Key}}={{.Value}}\n{{end}}");
    c_.AddResource("svc.toml", "svc.tmpl", "svc.conf", "\"/svc\"");
  }

  // A client over `endpoints` with short timeouts; null after a test failure.
  static std::unique_ptr<EtcdClient> ClientFor(std::vector<std::string> endpoints) {
    EtcdOptions o;
    o.endpoints = std::move(endpoints);
    o.dial_timeout = absl::Seconds(1);
    o.request_timeout = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }
  // Runs `op` through the running members until it succeeds, for up to 30 s:
  // a request proposed while the cluster elects a leader can fail or time
  // out. Returns the revision of the write, 0 after a test failure.
  int64_t Retry(const std::string& what,
                const std::function<absl::StatusOr<int64_t>(EtcdClient&)>& op) {
    std::unique_ptr<EtcdClient> c = ClientFor(cluster_->running_endpoints());
    if (c == nullptr) return 0;
    absl::StatusOr<int64_t> r;
    bool ok = PollUntil([&] { return (r = op(*c)).ok(); }, std::chrono::seconds(30));
    EXPECT_TRUE(ok) << what << ": " << r.status();
    return ok ? *r : 0;
  }
  int64_t Put(const std::string& key, const std::string& value) {
    want_[key.substr(key.rfind('/') + 1)] = value;
    return Retry(key, [&](EtcdClient& c) { return c.Put(key, value); });
  }
  int64_t Delete(const std::string& key) {
    want_.erase(key.substr(key.rfind('/') + 1));
    return Retry(key, [&](EtcdClient& c) { return c.Delete(key); });
  }

  // The index of the member that leads, asking each running member; -1 when
  // none names a running member as leader within 10 s.
  int Leader() {
    int leader = -1;
    PollUntil([&] {
      for (int i = 0; i < cluster_->size(); ++i) {
        if (!cluster_->member(i)->running()) continue;
        std::unique_ptr<EtcdClient> c = ClientFor({endpoints_[i]});
        if (c == nullptr) continue;
        absl::StatusOr<MemberStatus> st = c->Status();
        if (st.ok() && st->leader_id != 0 && st->leader_id == st->member_id) {
          leader = i;
          return true;
        }
      }
      return false;
    });
    return leader;
  }

  Confdir c_;
  std::unique_ptr<EtcdTestCluster> cluster_;
  std::vector<std::string> endpoints_;
  std::map<std::string, std::string> want_;  // base name -> value, as rendered
};

TEST_F(FaultsClusterTest, MemberKilledWhileOthersWriteAndCompactResyncsToTheExactState) {
  for (const char* k : {"a", "b", "c", "d"}) Put(absl::StrCat("/svc/", k), "1");
  // A second prefix: each watch of the stream is compacted and resynced.
  c_.AddTemplate("cfg.tmpl", "mode={{getv \"/cfg/mode\"}}\n");
  c_.AddResource("cfg.toml", "cfg.tmpl", "cfg.conf", "\"/cfg\"");
  Retry("/cfg/mode", [](EtcdClient& c) { return c.Put("/cfg/mode", "blue"); });
  // Only member 0: confwatch cannot fail over, it must wait for this member.
  ConfwatchProcess p(c_, {"-node", endpoints_[0], "-watch"});
  ASSERT_TRUE(FileBecomes(c_.Out("svc.conf"), KvLines(want_))) << p.Log();
  ASSERT_TRUE(FileBecomes(c_.Out("cfg.conf"), "mode=blue\n")) << p.Log();

  cluster_->member(0)->Kill();
  auto killed = steady_clock::now();
  Put("/svc/a", "2");
  Retry("/cfg/mode", [](EtcdClient& c) { return c.Put("/cfg/mode", "green"); });
  Delete("/svc/b");
  Put("/svc/e", "1");
  Delete("/svc/c");
  Put("/svc/f", "1");
  Put("/svc/e", "2");
  const int64_t last = Delete("/svc/d");
  ASSERT_GT(last, 0);
  // Everything confwatch would resume from is gone.
  Retry("compact", [&](EtcdClient& c) -> absl::StatusOr<int64_t> {
    absl::Status s = c.Compact(last);
    // OutOfRange: an earlier attempt that timed out on our side compacted it.
    if (!s.ok() && !absl::IsOutOfRange(s)) return s;
    return last;
  });
  EXPECT_EQ(KvLines({{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}}),
            ReadWholeFile(c_.Out("svc.conf")))
      << "the last good file stays while its only member is down";

  absl::Status s = cluster_->member(0)->Restart();
  ASSERT_TRUE(s.ok()) << s;
  auto restarted = steady_clock::now();
  ASSERT_EQ(KvLines({{"a", "2"}, {"e", "2"}, {"f", "1"}}), KvLines(want_));
  EXPECT_TRUE(FileBecomes(c_.Out("svc.conf"), KvLines(want_), std::chrono::seconds(30)))
      << p.Log();
  EXPECT_TRUE(FileBecomes(c_.Out("cfg.conf"), "mode=green\n")) << p.Log();
  std::printf("[ measured ] member down %lld ms; exact final state rendered %lld ms after its "
              "restart returned\n",
              static_cast<long long>(std::chrono::duration_cast<milliseconds>(restarted - killed)
                                         .count()),
              MsSince(restarted));
  // The resync path ran for both prefixes: etcd refused each resume at the
  // revision we compacted at, and the prefix was read again.
  const std::string log = p.Log();
  for (const char* prefix : {"/svc", "/cfg"}) {
    EXPECT_NE(std::string::npos, log.find(absl::StrCat("etcd compacted revision ", last,
                                                       " that the watch of ", prefix, " ")))
        << log;
    EXPECT_NE(std::string::npos, log.find(absl::StrCat("resynchronised ", prefix, " at revision")))
        << log;
  }
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

TEST_F(FaultsClusterTest, LeaderKilledWhileWatchingThroughItFileFollowsTheWritesAfter) {
  Put("/svc/x", "0");
  int leader = Leader();
  ASSERT_GE(leader, 0);
  // The leader first: confwatch watches through the first endpoint, so the
  // kill takes its watch stream and the cluster's leader at once.
  std::vector<std::string> args = {"-node", endpoints_[leader]};
  for (int i = 0; i < cluster_->size(); ++i) {
    if (i != leader) args.insert(args.end(), {"-node", endpoints_[i]});
  }
  args.push_back("-watch");
  ConfwatchProcess p(c_, args);
  ASSERT_TRUE(FileBecomes(c_.Out("svc.conf"), KvLines(want_))) << p.Log();

  for (int round = 1; round <= 2; ++round) {
    leader = Leader();
    ASSERT_GE(leader, 0);
    cluster_->member(leader)->Kill();
    auto killed = steady_clock::now();
    const int new_leader = Leader();
    long long elected = MsSince(killed);
    ASSERT_GE(new_leader, 0);
    Put(absl::StrCat("/svc/r", round, "-0"), "1");
    long long first_write = MsSince(killed);
    for (int i = 1; i < 5; ++i) Put(absl::StrCat("/svc/r", round, "-", i), "1");
    Put("/svc/x", std::to_string(round));
    auto writes_done = steady_clock::now();
    ASSERT_TRUE(FileBecomes(c_.Out("svc.conf"), KvLines(want_), std::chrono::seconds(30)))
        << p.Log();
    std::printf("[ measured ] round %d: leader (member %d) killed; member %d led %lld ms later; "
                "first write accepted after %lld ms; file had all 6 writes %lld ms after the "
                "last was accepted, %lld ms after the kill\n",
                round, leader, new_leader, elected, first_write, MsSince(writes_done),
                MsSince(killed));
    absl::Status s = cluster_->member(leader)->Restart();
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

}  // namespace
}  // namespace confwatch
