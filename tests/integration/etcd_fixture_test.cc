// Tests of the shared etcd fixture itself (tests/support), through raw gRPC
// stubs so that they do not depend on confwatch's client.
#include <signal.h>

#include <thread>

#include "etcdserverpb/rpc.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

grpc::Status Put(const std::string& endpoint, const TestCerts* certs, const std::string& key,
                 const std::string& value, etcdserverpb::PutResponse* resp) {
  auto kv = etcdserverpb::KV::NewStub(grpc::CreateChannel(endpoint, TestClientCredentials(certs)));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  etcdserverpb::PutRequest req;
  req.set_key(key);
  req.set_value(value);
  return kv->Put(&ctx, req, resp);
}

// A linearizable read. With `retry`, an "unavailable" answer (a cluster
// still electing a leader) is retried for a few seconds.
grpc::Status Get(const std::string& endpoint, const std::string& key, std::string* value,
                 bool retry = false) {
  auto kv = etcdserverpb::KV::NewStub(
      grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  grpc::Status s;
  for (int attempt = 0; attempt < (retry ? 50 : 1); ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    etcdserverpb::RangeRequest req;
    req.set_key(key);
    etcdserverpb::RangeResponse resp;
    s = kv->Range(&ctx, req, &resp);
    if (s.ok() && resp.kvs_size() == 1) *value = resp.kvs(0).value();
    if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return s;
}

TEST(EtcdTestServer, ServesAndKeepsDataAcrossKillAndRestart) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  etcdserverpb::PutResponse put;
  ASSERT_TRUE(Put((*etcd)->endpoint(), nullptr, "/k", "v1", &put).ok());
  EXPECT_GT(put.header().revision(), 1);

  pid_t old_pid = (*etcd)->pid();
  (*etcd)->Kill();
  EXPECT_FALSE((*etcd)->running());
  EXPECT_EQ(kill(old_pid, 0), -1);  // really gone (and reaped)
  std::string value;
  EXPECT_FALSE(Get((*etcd)->endpoint(), "/k", &value).ok());

  ASSERT_TRUE((*etcd)->Restart().ok());
  ASSERT_TRUE(Get((*etcd)->endpoint(), "/k", &value).ok());
  EXPECT_EQ(value, "v1");
}

TEST(EtcdTestServer, PausedServerDoesNotAnswerUntilResumed) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  (*etcd)->Pause();
  auto kv = etcdserverpb::KV::NewStub(
      grpc::CreateChannel((*etcd)->endpoint(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  etcdserverpb::RangeRequest req;
  req.set_key("/k");
  etcdserverpb::RangeResponse resp;
  EXPECT_EQ(kv->Range(&ctx, req, &resp).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  (*etcd)->Resume();
  std::string value;
  EXPECT_TRUE(Get((*etcd)->endpoint(), "/k", &value).ok());
}

TEST(EtcdTestServer, StopEndsTheProcess) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  pid_t pid = (*etcd)->pid();
  EXPECT_TRUE((*etcd)->Stop().ok());
  EXPECT_EQ(kill(pid, 0), -1);
}

TEST(EtcdTestServer, TlsServerNeedsTheClientCertificate) {
  EtcdTestOptions o;
  o.tls = true;
  auto etcd = EtcdTestServer::Start(o);
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  EXPECT_EQ((*etcd)->url().rfind("https://", 0), 0u);
  etcdserverpb::PutResponse put;
  EXPECT_TRUE(Put((*etcd)->endpoint(), (*etcd)->certs(), "/k", "v", &put).ok());
  EXPECT_FALSE(Put((*etcd)->endpoint(), nullptr, "/k", "v", &put).ok());
}

TEST(EtcdTestServer, EnableAuthRefusesAnonymousWrites) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  ASSERT_TRUE((*etcd)->EnableAuth().ok());
  etcdserverpb::PutResponse put;
  grpc::Status s = Put((*etcd)->endpoint(), nullptr, "/app/x", "v", &put);
  EXPECT_FALSE(s.ok());
  // The fixture's health check must still pass with auth on.
  ASSERT_TRUE((*etcd)->Restart().ok());
}

TEST(EtcdTestCluster, ReplicatesAndSurvivesOneMemberDown) {
  auto cluster = EtcdTestCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_EQ((*cluster)->endpoints().size(), 3u);
  etcdserverpb::PutResponse put;
  ASSERT_TRUE(Put((*cluster)->member(0)->endpoint(), nullptr, "/k", "v", &put).ok());
  (*cluster)->member(0)->Kill();
  std::string value;
  // Member 0 may have been the leader: the others elect a new one first.
  ASSERT_TRUE(Get((*cluster)->member(2)->endpoint(), "/k", &value, /*retry=*/true).ok());
  EXPECT_EQ(value, "v");
  ASSERT_TRUE((*cluster)->member(0)->Restart().ok());
  ASSERT_TRUE(Get((*cluster)->member(0)->endpoint(), "/k", &value).ok());
  EXPECT_EQ(value, "v");
}

}  // namespace
}  // namespace confwatch
