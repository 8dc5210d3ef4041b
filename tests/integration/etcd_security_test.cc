// The client against etcd with authentication and with TLS.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

TEST(EtcdAuth, CredentialsPermissionsAndClearErrors) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  ASSERT_TRUE((*etcd)->EnableAuth().ok());

  auto root = ConnectAs((*etcd)->endpoint(), kTestRootUser, kTestRootPassword);
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE((*root)->Put("/app/name", "shop").ok());
  ASSERT_TRUE((*root)->Put("/secret/db", "hunter2").ok());

  auto web = ConnectAs((*etcd)->endpoint(), kTestReader, kTestReaderPassword);
  ASSERT_TRUE(web.ok());
  absl::StatusOr<Snapshot> app = (*web)->RangePrefix("/app/");
  ASSERT_TRUE(app.ok()) << app.status();
  ASSERT_EQ(app->kvs.size(), 1u);
  EXPECT_EQ(app->kvs[0].value, "shop");

  absl::StatusOr<Snapshot> secret = (*web)->RangePrefix("/secret/");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(secret.status().message()),
            "etcd: permission denied reading /secret/: user \"web\" has no read access "
            "(confwatch reads every key that starts with \"/secret/\": etcdctl role "
            "grant-permission --prefix=true <role> read /secret/)");
  absl::StatusOr<int64_t> put = (*web)->Put("/app/name", "defaced");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(std::string(put.status().message()),
            "etcd: permission denied writing /app/name: user \"web\" has no write access");

  auto wrong = ConnectAs((*etcd)->endpoint(), kTestReader, "not-the-password");
  ASSERT_TRUE(wrong.ok());
  absl::StatusOr<Snapshot> denied = (*wrong)->RangePrefix("/app/");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(denied.status().message()), "etcd: authentication failed for user \"web\"");

  auto anonymous = ConnectAs((*etcd)->endpoint(), "", "");
  ASSERT_TRUE(anonymous.ok());
  absl::StatusOr<Snapshot> anon = (*anonymous)->RangePrefix("/app/");
  ASSERT_FALSE(anon.ok());
  EXPECT_EQ(std::string(anon.status().message()),
            absl::StrCat("etcd ", (*etcd)->endpoint(),
                         ": reading /app/: etcd has authentication enabled; set a username and "
                         "password"));
}

TEST(EtcdAuth, WatchesFollowTheUsersPermissions) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  ASSERT_TRUE((*etcd)->EnableAuth().ok());
  auto root = ConnectAs((*etcd)->endpoint(), kTestRootUser, kTestRootPassword);
  auto web = ConnectAs((*etcd)->endpoint(), kTestReader, kTestReaderPassword);
  ASSERT_TRUE(root.ok() && web.ok());
  RecordingHandler h;
  auto watcher = (*web)->Watch(&h);
  ASSERT_TRUE(watcher->Add("/secret/", 0).ok());
  ASSERT_TRUE(watcher->Add("/app/", 0).ok());
  ASSERT_TRUE(h.WaitForError("/secret/"));
  absl::Status err = h.errors().at("/secret/");
  EXPECT_EQ(err.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(err.message()),
            "etcd: permission denied watching /secret/: user \"web\" has no read access "
            "(confwatch reads every key that starts with \"/secret/\": etcdctl role "
            "grant-permission --prefix=true <role> read /secret/)");
  // The refused watch does not disturb the allowed one.
  absl::SleepFor(absl::Milliseconds(200));
  absl::StatusOr<int64_t> rev = (*root)->Put("/app/x", "1");
  ASSERT_TRUE(rev.ok());
  ASSERT_TRUE(h.WaitForRevision(*rev));
  EXPECT_EQ(h.events().back().kv.key, "/app/x");
}

TEST(EtcdAuth, ExpiredTokenIsRenewedTransparently) {
  EtcdTestOptions o;
  o.extra_args = {"--auth-token-ttl=1"};
  auto etcd = EtcdTestServer::Start(o);
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  ASSERT_TRUE((*etcd)->EnableAuth().ok());
  auto root = ConnectAs((*etcd)->endpoint(), kTestRootUser, kTestRootPassword);
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE((*root)->Put("/app/a", "1").ok());
  auto web = ConnectAs((*etcd)->endpoint(), kTestReader, kTestReaderPassword);
  ASSERT_TRUE((*web)->Get("/app/a").ok());
  // etcd forgets a simple token unused for --auth-token-ttl seconds.
  absl::SleepFor(absl::Milliseconds(2500));
  absl::StatusOr<std::optional<KeyValue>> again = (*web)->Get("/app/a");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->has_value());

  // A watch created with the stale token is retried with a fresh one.
  absl::SleepFor(absl::Milliseconds(2500));
  RecordingHandler h;
  auto watcher = (*web)->Watch(&h);
  ASSERT_TRUE(watcher->Add("/app/", 1).ok());
  ASSERT_TRUE(h.WaitForEvents(1));
  EXPECT_TRUE(h.errors().empty());
  EXPECT_EQ(h.events()[0].kv.key, "/app/a");
}

TEST(EtcdAuth, CredentialsWorkBeforeAndAfterAuthIsEnabled) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto web = ConnectAs((*etcd)->endpoint(), kTestReader, kTestReaderPassword);
  ASSERT_TRUE(web.ok());
  // Auth off: the server says so to Authenticate, and requests go without a token.
  ASSERT_TRUE((*web)->Put("/app/a", "1").ok());
  ASSERT_TRUE((*etcd)->EnableAuth().ok());
  // Auth on: the client now needs (and gets) a token.
  absl::StatusOr<std::optional<KeyValue>> got = (*web)->Get("/app/a");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->has_value());
}

class EtcdTls : public ::testing::Test {
 protected:
  void SetUp() override {
    EtcdTestOptions o;
    o.tls = true;
    auto etcd = EtcdTestServer::Start(o);
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
  }
  EtcdOptions Options() const {
    EtcdOptions o;
    o.endpoints = {etcd_->url()};
    o.ca_file = etcd_->certs()->ca_file();
    o.cert_file = etcd_->certs()->client_cert_file();
    o.key_file = etcd_->certs()->client_key_file();
    o.dial_timeout = absl::Seconds(2);
    return o;
  }
  std::string HandshakeError() const {
    return absl::StrCat("etcd ", etcd_->endpoint(),
                        ": TLS handshake failed (is ca_file the CA that signed the server's "
                        "certificate, and does the server want a client certificate?)");
  }
  std::unique_ptr<EtcdTestServer> etcd_;
};

TEST_F(EtcdTls, WorksWithTheCaAndClientCertificate) {
  auto client = EtcdClient::Create(Options());
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->Put("/tls/k", "v").ok());
  RecordingHandler h;
  auto watcher = (*client)->Watch(&h);
  ASSERT_TRUE(watcher->Add("/tls/", 1).ok());
  ASSERT_TRUE(h.WaitForEvents(1));
  // A bare host:port uses TLS because TLS files are configured.
  EtcdOptions bare = Options();
  bare.endpoints = {etcd_->endpoint()};
  auto client2 = EtcdClient::Create(bare);
  ASSERT_TRUE(client2.ok());
  EXPECT_TRUE((*client2)->Get("/tls/k").ok());
}

TEST_F(EtcdTls, WithoutTheCaTheHandshakeFailsClearly) {
  EtcdOptions o = Options();
  o.ca_file.clear();  // the system's CAs do not know ours
  auto client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok());
  absl::StatusOr<Snapshot> snap = (*client)->RangePrefix("/tls/");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(snap.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(snap.status().message()), HandshakeError());

  o.ca_file = etcd_->certs()->other_ca_file();
  client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok());
  snap = (*client)->RangePrefix("/tls/");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(std::string(snap.status().message()), HandshakeError());
}

TEST_F(EtcdTls, WithoutAClientCertificateTheServerRefuses) {
  EtcdOptions o = Options();
  o.cert_file.clear();
  o.key_file.clear();
  auto client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok());
  absl::StatusOr<Snapshot> snap = (*client)->RangePrefix("/tls/");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(std::string(snap.status().message()), HandshakeError());
}

TEST_F(EtcdTls, PlainHttpToATlsServerSaysSo) {
  EtcdOptions o = Options();
  o.endpoints = {absl::StrCat("http://", etcd_->endpoint())};
  auto client = EtcdClient::Create(o);
  ASSERT_TRUE(client.ok());
  absl::StatusOr<Snapshot> snap = (*client)->RangePrefix("/tls/");
  ASSERT_FALSE(snap.ok());
  EXPECT_EQ(std::string(snap.status().message()),
            absl::StrCat("etcd ", etcd_->endpoint(),
                         ": cannot connect: connected, but no gRPC answer (if the server uses "
                         "TLS, use https://)"));
}

}  // namespace
}  // namespace confwatch
