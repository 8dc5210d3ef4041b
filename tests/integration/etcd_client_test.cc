// EtcdClient against a real etcd: snapshots, writes, leases, bad input.
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

TEST(EtcdClient, SnapshotOf100kKeysIsByteExactAtOneRevision) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->url()});
  ASSERT_NE(client, nullptr);

  std::map<std::string, std::string> want;
  std::vector<std::pair<std::string, std::string>> batch;
  for (int i = 0; i < 100000; ++i) {
    batch.emplace_back(absl::StrFormat("/big/svc-%06d", i), absl::StrFormat("10.0.%d.%d:80", i / 256 % 256, i % 256));
  }
  // Bytes that are not UTF-8, a 0 byte, 0xff: keys and values are opaque.
  batch.emplace_back(std::string("/big/bin\x00\xff\xfe", 9), std::string("\x00\x01\xc3\x28\xff", 5));
  batch.emplace_back("/big/utf8-\xc3\xa9", "caf\xc3\xa9");
  for (const auto& kv : batch) want[kv.first] = kv.second;
  ASSERT_TRUE(client->PutMany(batch).ok());
  // One value larger than a page of small ones and close to etcd's 1.5 MiB request limit.
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);
  ASSERT_TRUE(client->Put("/big/large", big).ok());
  want["/big/large"] = big;
  ASSERT_TRUE(client->Put("/bigger", "outside the prefix").ok());

  absl::StatusOr<Snapshot> snap = client->RangePrefix("/big/");
  ASSERT_TRUE(snap.ok()) << snap.status();
  ASSERT_EQ(snap->kvs.size(), want.size());
  auto it = want.begin();
  for (const KeyValue& kv : snap->kvs) {
    ASSERT_EQ(kv.key, it->first);
    ASSERT_EQ(kv.value, it->second) << kv.key;
    ASSERT_LE(kv.mod_revision, snap->revision);
    ++it;
  }
}

// A paged read goes straight into the caller's sink, after what it already
// holds; a read that fails leaves the sink as it was.
TEST(EtcdClient, PagedReadAppendsToTheSinkAndAFailedOneLeavesItAlone) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->url()});
  ASSERT_NE(client, nullptr);
  std::vector<std::pair<std::string, std::string>> batch;
  for (int i = 0; i < 50000; ++i) batch.emplace_back(absl::StrFormat("/pg/k%06d", i), "10.0.0.1:80");
  absl::StatusOr<int64_t> written = client->PutMany(batch);
  ASSERT_TRUE(written.ok()) << written.status();
  std::vector<KeyValue> kvs = {KeyValue{"/earlier", "x"}};
  KeyValueSink sink(&kvs);
  absl::StatusOr<int64_t> rev = client->RangePrefixInto("/pg/", 0, &sink);
  ASSERT_TRUE(rev.ok()) << rev.status();
  EXPECT_EQ(*rev, *written);
  ASSERT_EQ(kvs.size(), 50001u);  // more than one page: the first is 1000 keys
  EXPECT_EQ(kvs[0].key, "/earlier");
  for (int i = 0; i < 50000; ++i) ASSERT_EQ(kvs[i + 1].key, batch[i].first) << i;
  // The first page said how many were left: room for them was made once,
  // not by doubling (a million KeyValues are 96 MB).
  EXPECT_EQ(kvs.size(), kvs.capacity());

  ASSERT_TRUE(client->Put("/pg/later", "y").ok());
  ASSERT_TRUE(client->Compact(*rev + 1).ok());
  std::vector<KeyValue> before = kvs;
  absl::StatusOr<int64_t> old = client->RangePrefixInto("/pg/", *rev, &sink);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange) << old.status();
  EXPECT_EQ(kvs, before);
}

TEST(EtcdClient, SnapshotIgnoresWritesMadeWhileItIsRead) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->url()});
  ASSERT_NE(client, nullptr);
  std::vector<std::pair<std::string, std::string>> batch;
  for (int i = 0; i < 30000; ++i) batch.emplace_back(absl::StrFormat("/p/a%06d", i), "v");
  ASSERT_TRUE(client->PutMany(batch).ok());

  // Keys "/p/z..." sort after everything, so they fall into the last pages.
  std::atomic<bool> stop{false};
  std::vector<std::pair<std::string, int64_t>> written;
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      std::string key = absl::StrFormat("/p/z%06d", i);
      absl::StatusOr<int64_t> rev = client->Put(key, "late");
      if (rev.ok()) written.emplace_back(key, *rev);
    }
  });
  absl::SleepFor(absl::Milliseconds(20));
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/p/");
  stop = true;
  writer.join();
  ASSERT_TRUE(snap.ok()) << snap.status();
  std::map<std::string, int64_t> in_snapshot;
  for (const KeyValue& kv : snap->kvs) in_snapshot[kv.key] = kv.mod_revision;
  size_t late_in = 0, late_out = 0;
  for (const auto& [key, rev] : written) {
    bool expected = rev <= snap->revision;
    EXPECT_EQ(in_snapshot.count(key) > 0, expected) << key << " @" << rev << " snapshot @"
                                                   << snap->revision;
    (expected ? late_in : late_out)++;
  }
  EXPECT_EQ(snap->kvs.size(), 30000 + late_in);
  // The writer kept going while pages were read: the check above had
  // something to exclude.
  EXPECT_GT(late_out, 0u);
}

// Pages are sized from the average key+value size seen so far. Many small
// keys followed by large values make that average lie: the next page holds
// every large value and passes gRPC's message limit (etcd's 2 GB in real
// life, a 1 MB receive limit here). The page is halved until it fits.
TEST(EtcdClient, PageTooLargeForAMessageIsHalvedUntilItFits) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto writer = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(writer, nullptr);
  std::map<std::string, std::string> want;
  std::vector<std::pair<std::string, std::string>> batch;
  for (int i = 0; i < 3000; ++i) batch.emplace_back(absl::StrFormat("/mix/a%05d", i), "v");
  ASSERT_TRUE(writer->PutMany(batch).ok());
  for (int i = 0; i < 30; ++i) {
    std::string value(100 << 10, static_cast<char>('a' + i % 26));
    batch.emplace_back(absl::StrFormat("/mix/b%03d", i), value);
    ASSERT_TRUE(writer->Put(batch.back().first, value).ok());
  }
  for (const auto& kv : batch) want[kv.first] = kv.second;

  EtcdOptions o;
  o.endpoints = {(*etcd)->endpoint()};
  o.max_receive_message_bytes = 1 << 20;  // 30 values of 100 KB: 3 MB
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<Snapshot> snap = (*client)->RangePrefix("/mix/");
  ASSERT_TRUE(snap.ok()) << snap.status();
  ASSERT_EQ(snap->kvs.size(), want.size());
  auto it = want.begin();
  for (const KeyValue& kv : snap->kvs) {
    ASSERT_EQ(kv.key, it->first);
    ASSERT_EQ(kv.value, it->second) << kv.key;
    ++it;
  }
}

TEST(EtcdClient, KeyLargerThanAMessageFailsNamingTheLimit) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto writer = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Put("/huge/a", "small").ok());
  ASSERT_TRUE(writer->Put("/huge/b", std::string(200 << 10, 'x')).ok());
  EtcdOptions o;
  o.endpoints = {(*etcd)->endpoint()};
  o.max_receive_message_bytes = 100 << 10;
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<Snapshot> snap = (*client)->RangePrefix("/huge/");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.status().code(), absl::StatusCode::kResourceExhausted) << snap.status();
  EXPECT_NE(snap.status().message().find("/huge/b"), std::string::npos) << snap.status();
  EXPECT_NE(snap.status().message().find("larger than max"), std::string::npos) << snap.status();
}

TEST(EtcdClient, MissingPrefixIsAnEmptySnapshot) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Put("/other/k", "v").ok());
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/nothing/here/");
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_TRUE(snap->kvs.empty());
  EXPECT_GE(snap->revision, 2);
}

TEST(EtcdClient, PutGetDeleteRoundTrip) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<int64_t> r1 = client->Put("/cfg/a", "1");
  ASSERT_TRUE(r1.ok()) << r1.status();
  absl::StatusOr<int64_t> r2 = client->Put("/cfg/a", "2");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*r2, *r1 + 1);
  absl::StatusOr<std::optional<KeyValue>> got = client->Get("/cfg/a");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->value, "2");
  EXPECT_EQ((*got)->create_revision, *r1);
  EXPECT_EQ((*got)->mod_revision, *r2);
  EXPECT_EQ((*got)->version, 2);

  ASSERT_TRUE(client->Put("/cfg/b", "x").ok());
  ASSERT_TRUE(client->Put("/cfh", "neighbour").ok());
  ASSERT_TRUE(client->DeletePrefix("/cfg/").ok());
  EXPECT_TRUE(client->RangePrefix("/cfg/")->kvs.empty());
  EXPECT_TRUE(client->Get("/cfh")->has_value());
  ASSERT_TRUE(client->Delete("/cfh").ok());
  EXPECT_FALSE(client->Get("/cfh")->has_value());

  absl::StatusOr<MemberStatus> st = client->Status();
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->version, "3.4.23");
  EXPECT_EQ(st->leader_id, st->member_id);
  EXPECT_EQ(st->endpoint, (*etcd)->endpoint());
}

TEST(EtcdClient, KeysOnALeaseVanishWhenItIsRevokedAndStayWhileKeptAlive) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<LeaseGrant> lease = client->GrantLease(2);
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ(lease->ttl_seconds, 2);
  ASSERT_TRUE(client->Put("/svc/a", "10.0.0.1:80", lease->id).ok());
  {
    std::unique_ptr<LeaseKeeper> keeper = client->KeepAlive(*lease);
    // Longer than the TTL: without refreshes the key would be gone.
    absl::SleepFor(absl::Milliseconds(3500));
    EXPECT_TRUE(keeper->status().ok()) << keeper->status();
    absl::StatusOr<std::optional<KeyValue>> kv = client->Get("/svc/a");
    ASSERT_TRUE(kv.ok());
    ASSERT_TRUE(kv->has_value());
    EXPECT_EQ((*kv)->lease, lease->id);
    absl::StatusOr<LeaseTtl> ttl = client->LeaseTimeToLive(lease->id);
    ASSERT_TRUE(ttl.ok());
    EXPECT_EQ(ttl->granted_ttl_seconds, 2);
    EXPECT_GE(ttl->ttl_seconds, 0);
  }
  ASSERT_TRUE(client->RevokeLease(lease->id).ok());
  EXPECT_FALSE(client->Get("/svc/a")->has_value());
  EXPECT_EQ(client->LeaseTimeToLive(lease->id)->ttl_seconds, -1);
}

TEST(EtcdClient, KeeperReportsARevokedLeaseAsLost) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<LeaseGrant> lease = client->GrantLease(3);
  ASSERT_TRUE(lease.ok());
  absl::Notification lost;
  absl::Status why;
  auto keeper = client->KeepAlive(*lease, [&](const absl::Status& s) {
    why = s;
    lost.Notify();
  });
  ASSERT_TRUE(client->RevokeLease(lease->id).ok());
  ASSERT_TRUE(lost.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(why.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(why.message()), absl::StrFormat("etcd: lease %x expired or was revoked", lease->id));
  EXPECT_EQ(keeper->status(), why);
}

TEST(EtcdClient, RefusedEndpointFailsFastNamingIt) {
  int port = FreePort();
  auto client = ConnectForTest({absl::StrCat("127.0.0.1:", port)});
  ASSERT_NE(client, nullptr);
  absl::Time start = absl::Now();
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/a/");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(snap.status().message()), absl::StrCat("etcd 127.0.0.1:", port, ": connection refused"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));  // within the dial timeout
}

TEST(EtcdClient, SilentEndpointFailsAfterTheDialTimeout) {
  // A socket that listens but never accepts: TCP connects, nothing answers.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string endpoint = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  EtcdOptions o;
  o.endpoints = {endpoint};
  o.dial_timeout = absl::Seconds(1);
  auto client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok());
  absl::Time start = absl::Now();
  absl::StatusOr<std::optional<KeyValue>> got = (*client)->Get("/a");
  absl::Duration took = absl::Now() - start;
  close(fd);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(std::string(got.status().message()), absl::StrCat("etcd ", endpoint, ": no connection within 1s"));
  EXPECT_GE(took, absl::Seconds(1));
  EXPECT_LT(took, absl::Seconds(4));
}

TEST(EtcdClient, FirstDeadEndpointIsSkipped) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({absl::StrCat("127.0.0.1:", FreePort()), (*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->Put("/a", "b").ok());
  absl::StatusOr<MemberStatus> st = client->Status();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->endpoint, (*etcd)->endpoint());
}

TEST(EtcdClient, AllEndpointsDownListsEach) {
  std::string a = absl::StrCat("127.0.0.1:", FreePort());
  std::string b = absl::StrCat("127.0.0.1:", FreePort());
  auto client = ConnectForTest({a, "http://" + b});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<int64_t> put = client->Put("/k", "v");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(std::string(put.status().message()),
            absl::StrCat("no etcd endpoint reachable: etcd ", a, ": connection refused; etcd ", b,
                         ": connection refused"));
}

TEST(EtcdClient, CreateRejectsBadEndpointsWithoutConnecting) {
  EtcdOptions o;
  absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(c.status().message()), "no etcd endpoints given");

  o.endpoints = {"127.0.0.1:2379", "htp://127.0.0.1:2379"};
  c = EtcdClient::Create(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(std::string(c.status().message()),
            "etcd endpoint \"htp://127.0.0.1:2379\": unsupported scheme \"htp\" (want http or https)");

  o.endpoints = {"127.0.0.1:2379"};
  o.ca_file = "/nonexistent/ca.pem";
  c = EtcdClient::Create(o);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(c.status().message()),
            "etcd ca_file: IO error: /nonexistent/ca.pem: No such file or directory");
}

}  // namespace
}  // namespace confwatch
