// confwatch against a 3-member etcd cluster (static bootstrap on loopback),
// given all three members with -node: the member it watches through is
// killed (found from its "watching through <endpoint>" log line) and the
// rendered file follows the next update within 3 s; with two members down
// (no quorum) the last good file stays, confwatch keeps running and says why;
// once the members return, the next update is rendered. Times are measured
// and printed.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_support.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kWatchingThrough[] = "watching through ";
constexpr char kSourceLost[] = "the last good files stay in place";

// The index of the member confwatch watches through: the one the last
// "watching through" line of `log` names. confwatch logs that line only after
// a reconnect; before any, it is on the first -node endpoint (the client
// tries endpoints in order, as tests/integration/etcd_failover_test.cc
// checks). -1 when the line names no member.
int WatchedMember(const std::string& log, const std::vector<std::string>& endpoints) {
  size_t at = log.rfind(kWatchingThrough);
  if (at == std::string::npos) return 0;
  std::string line = log.substr(at, log.find('\n', at) - at);
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (line.find(endpoints[i]) != std::string::npos) return static_cast<int>(i);
  }
  return -1;
}

// The rendered nginx-grpc-resolver file for the service "web" with `addrs`.
std::string WebUpstream(const std::vector<std::string>& addrs) {
  std::string s =
      "# Rendered by confwatch from etcd (gRPC name resolver layout). Do not edit.\n\n"
      "upstream web {\n";
  for (const std::string& a : addrs) absl::StrAppend(&s, "    server ", a, ";\n");
  return s + "}\n";
}

class ClusterE2eTest : public ::testing::Test {
 protected:
  void StartCluster(EtcdTestOptions options = {}) {
    auto cluster = EtcdTestCluster::Start(3, options);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    endpoints_ = cluster_->endpoints();
  }

  // TLS with client certificates and etcd authentication on every member:
  // writes go as root, confwatch reads as the reader, granted `prefix`.
  void StartSecureCluster(const std::string& prefix) {
    EtcdTestOptions tls;
    tls.tls = true;
    StartCluster(tls);
    if (HasFatalFailure()) return;
    absl::Status s = cluster_->member(0)->EnableAuth();
    ASSERT_TRUE(s.ok()) << s;
    s = cluster_->member(0)->GrantReaderPrefix(prefix);
    ASSERT_TRUE(s.ok()) << s;
    const TestCerts* certs = cluster_->member(0)->certs();
    writer_.ca_file = certs->ca_file();
    writer_.cert_file = certs->client_cert_file();
    writer_.key_file = certs->client_key_file();
    writer_.username = kTestRootUser;
    writer_.password = kTestRootPassword;
  }

  // Puts through a client that only knows the members still running, so the
  // write itself never waits for a dead endpoint. Retried for up to 30 s: a
  // write proposed while the cluster elects a new leader (the killed member
  // may have led) can be dropped and time out.
  void PutThroughLiveMembers(const std::string& key, const std::string& value) {
    EtcdOptions o = writer_;
    o.endpoints = cluster_->running_endpoints();
    o.dial_timeout = absl::Seconds(1);
    o.request_timeout = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
    ASSERT_TRUE(c.ok()) << c.status();
    absl::StatusOr<int64_t> r;
    ASSERT_TRUE(
        PollUntil([&] { return (r = (*c)->Put(key, value)).ok(); }, std::chrono::seconds(30)))
        << key << ": " << r.status();
  }

  struct Failover {
    int killed = -1;          // the member confwatch watched through
    long long after_put_ms = 0;  // put answered -> file rendered
  };
  // One round: kills the member `p` watches through now, puts
  // 10.0.1.<round + 1>:80 through the live members and waits until `file`
  // lists it after `*addrs` (which then holds it too); prints the times.
  void KillWatchedMemberAndFollow(ConfwatchProcess& p, const std::string& file,
                                  std::vector<std::string>* addrs, int round, Failover* out) {
    int watched = -1;
    ASSERT_TRUE(PollUntil([&] { return (watched = WatchedMember(p.Log(), endpoints_)) >= 0; }))
        << p.Log();
    cluster_->member(watched)->Kill();
    out->killed = watched;
    auto killed = steady_clock::now();
    std::string addr = absl::StrCat("10.0.1.", round + 1, ":80");
    PutThroughLiveMembers("/grpc/web/" + addr, addr);
    auto put_done = steady_clock::now();
    addrs->push_back(addr);
    ASSERT_TRUE(FileBecomes(file, WebUpstream(*addrs))) << p.Log();
    auto now = steady_clock::now();
    out->after_put_ms = std::chrono::duration_cast<milliseconds>(now - put_done).count();
    std::printf(
        "[ measured ] member %d (watched) killed: update rendered %lld ms after the put "
        "succeeded, %lld ms after the kill\n",
        watched, out->after_put_ms,
        static_cast<long long>(std::chrono::duration_cast<milliseconds>(now - killed).count()));
  }

  std::unique_ptr<EtcdTestCluster> cluster_;
  std::vector<std::string> endpoints_;
  EtcdOptions writer_;  // credentials for PutThroughLiveMembers
};

TEST_F(ClusterE2eTest, FileFollowsWhenWatchedMemberDiesAndHoldsWithoutQuorum) {
  StartCluster();
  TemplateConfdir c({"nginx-grpc-resolver"});
  const std::string file = c.Out("grpc-upstreams.conf");
  std::vector<std::string> addrs = {"10.0.0.1:80"};
  PutThroughLiveMembers("/grpc/web/10.0.0.1:80", "10.0.0.1:80");
  std::vector<std::string> args;
  for (const std::string& e : endpoints_) args.insert(args.end(), {"-node", e});
  args.push_back("-watch");
  ConfwatchProcess p(c, args);
  ASSERT_TRUE(FileBecomes(file, WebUpstream(addrs))) << p.Log();

  // Three rounds: each kills the member confwatch watches through right now.
  for (int round = 0; round < 3; ++round) {
    Failover f;
    KillWatchedMemberAndFollow(p, file, &addrs, round, &f);
    if (HasFatalFailure()) return;
    EXPECT_LE(f.after_put_ms, 3000) << p.Log();
    absl::Status s = cluster_->member(f.killed)->Restart();
    ASSERT_TRUE(s.ok()) << s;
  }

  // The two members confwatch does NOT watch through go down: its member is
  // alive but has no leader (no quorum). The watch asks for a leader, so
  // confwatch notices; the file stays as it was and confwatch keeps running.
  int watched = WatchedMember(p.Log(), endpoints_);
  ASSERT_GE(watched, 0) << p.Log();
  std::vector<int> others = {(watched + 1) % 3, (watched + 2) % 3};
  size_t log_before = p.Log().size();
  const std::string last_good = ReadWholeFile(file).value_or("");
  for (int m : others) cluster_->member(m)->Kill();
  EXPECT_TRUE(PollUntil([&] { return p.Log().find(kSourceLost, log_before) != std::string::npos; },
                        std::chrono::seconds(20)))
      << p.Log();
  // etcd's own words for the cause, from the watch that asked for a leader.
  EXPECT_NE(std::string::npos, p.Log().find("etcdserver: no leader", log_before)) << p.Log();
  EXPECT_FALSE(p.WaitExit(std::chrono::seconds(3)).has_value()) << p.Log();
  std::printf("confwatch without quorum logged:\n%s\n", p.Log().substr(log_before).c_str());
  EXPECT_EQ(last_good, ReadWholeFile(file));

  // The members return: the next update is rendered.
  for (int m : others) {
    absl::Status s = cluster_->member(m)->Restart();
    ASSERT_TRUE(s.ok()) << s;
  }
  PutThroughLiveMembers("/grpc/web/10.0.2.1:80", "10.0.2.1:80");
  auto put_done = steady_clock::now();
  addrs.push_back("10.0.2.1:80");
  EXPECT_TRUE(FileBecomes(file, WebUpstream(addrs), std::chrono::seconds(30))) << p.Log();
  std::printf(
      "[ measured ] quorum back: update rendered %lld ms after the put\n",
      static_cast<long long>(
          std::chrono::duration_cast<milliseconds>(steady_clock::now() - put_done).count()));
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

// The same failover over TLS with client certificates and a user whose role
// may read only what it renders. etcd's simple auth tokens are per member,
// so each new member is a new authentication, not a reuse of the old token.
TEST_F(ClusterE2eTest, TlsWithAuthFileFollowsWhenWatchedMemberDies) {
  StartSecureCluster("/grpc");
  if (HasFatalFailure()) return;
  TemplateConfdir c({"nginx-grpc-resolver"});
  const std::string file = c.Out("grpc-upstreams.conf");
  std::vector<std::string> addrs = {"10.0.0.1:80"};
  PutThroughLiveMembers("/grpc/web/10.0.0.1:80", "10.0.0.1:80");
  const TestCerts* certs = cluster_->member(0)->certs();
  std::vector<std::string> args = {"-watch",
                                   "-client-ca-keys", certs->ca_file(),
                                   "-client-cert", certs->client_cert_file(),
                                   "-client-key", certs->client_key_file(),
                                   "-username", kTestReader,
                                   "-password", kTestReaderPassword};
  for (int i = 0; i < cluster_->size(); ++i) {
    args.insert(args.end(), {"-node", cluster_->member(i)->url()});
  }
  ConfwatchProcess p(c, args);
  ASSERT_TRUE(FileBecomes(file, WebUpstream(addrs))) << p.Log();

  for (int round = 0; round < 2; ++round) {
    Failover f;
    KillWatchedMemberAndFollow(p, file, &addrs, round, &f);
    if (HasFatalFailure()) return;
    EXPECT_NE(WatchedMember(p.Log(), endpoints_), f.killed) << p.Log();
    absl::Status s = cluster_->member(f.killed)->Restart();
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_EQ(std::string::npos, p.Log().find(kTestReaderPassword)) << p.Log();
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

}  // namespace
}  // namespace confwatch
