// The confwatch binary against a real etcd in the failures an operator meets
// during an outage (tracker issue 4), each of which used to leave confwatch
// not following until it was restarted:
//  * a configuration reload that adds a prefix while etcd is down;
//  * a prefix the etcd user may not read, granted while confwatch runs, and
//    read access revoked while confwatch watches, then granted back;
//  * etcd replaced by one at a lower revision (an older backup restored, or
//    a new data dir), so watching from our revision + 1 would wait for a
//    revision that the new etcd reaches only much later (a fresh data dir, and
//    a real backup taken with etcdctl snapshot save and restored).
// Nothing here asserts speed (the times printed are for the record); the
// bounds are generous.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

using RecoveryTest = BinaryEtcdTest;

// Waits until `needle` appears in the log after byte `from`.
::testing::AssertionResult LogShows(const ConfwatchProcess& p, const std::string& needle,
                                    size_t from = 0,
                                    std::chrono::milliseconds bound = std::chrono::seconds(30)) {
  if (PollUntil([&] { return p.Log().find(needle, from) != std::string::npos; }, bound)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "the log never showed \"" << needle << "\":\n" << p.Log();
}

int ReadyzStatus(int port) {
  absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, "/readyz"));
  return r.ok() ? r->status : 0;
}

TEST_F(RecoveryTest, ReloadThatAddsAPrefixWhileEtcdIsDownFollowsItOnceEtcdIsBack) {
  Confdir c;
  c.AddTemplate("a.tmpl", "a={{getv \"/live/x\"}}\n");
  c.AddResource("a.toml", "a.tmpl", "a.conf", "\"/live\"");
  Put("/live/x", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "a=1\n")) << p->Log();

  ASSERT_TRUE(etcd_->Stop().ok());
  const size_t before = p->Log().size();
  // a.toml now also reads /other, and b.toml is new: the watched prefixes
  // change while nothing can be read.
  c.AddTemplate("a2.tmpl", "a={{getv \"/live/x\"}} other={{getv \"/other/y\" \"none\"}}\n");
  c.AddResource("a.toml", "a2.tmpl", "a.conf", "\"/live\", \"/other\"");
  c.AddTemplate("b.tmpl", "b={{getv \"/other/y\"}}\n");
  c.AddResource("b.toml", "b.tmpl", "b.conf", "\"/other\"");
  // The new configuration renders what it can from what confwatch has.
  EXPECT_TRUE(FileBecomes(c.Out("a.conf"), "a=1 other=none\n", std::chrono::seconds(30))) << p->Log();
  EXPECT_TRUE(LogShows(*p, "cannot read keys", before));
  EXPECT_FALSE(ReadWholeFile(c.Out("b.conf")).has_value());
  // An outage of some seconds: the retries have backed off by now.
  std::this_thread::sleep_for(std::chrono::seconds(8));

  absl::Status s = etcd_->Restart();
  ASSERT_TRUE(s.ok()) << s;
  const auto back = std::chrono::steady_clock::now();
  client_ = ConnectForTest({etcd_->endpoint()});
  ASSERT_NE(client_, nullptr);
  Put("/other/y", "y1");
  EXPECT_TRUE(FileBecomes(c.Out("b.conf"), "b=y1\n", std::chrono::seconds(60))) << p->Log();
  EXPECT_TRUE(FileBecomes(c.Out("a.conf"), "a=1 other=y1\n")) << p->Log();
  std::printf("etcd back -> new prefix rendered: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - back)
                                         .count()));
  // And it follows both prefixes from there.
  Put("/other/y", "y2");
  Put("/live/x", "2");
  EXPECT_TRUE(FileBecomes(c.Out("b.conf"), "b=y2\n")) << p->Log();
  EXPECT_TRUE(FileBecomes(c.Out("a.conf"), "a=2 other=y2\n")) << p->Log();
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

TEST_F(RecoveryTest, PrefixGrantedWhileRunningRendersWithoutTouchingConfwatch) {
  ASSERT_TRUE(client_->Put("/app/x", "1").ok());
  ASSERT_TRUE(client_->Put("/secret/db", "s1").ok());
  ASSERT_TRUE(etcd_->EnableAuth().ok());
  Confdir c;
  c.AddTemplate("app.tmpl", "x={{getv \"/app/x\"}}\n");
  c.AddTemplate("secret.tmpl", "db={{getv \"/secret/db\"}}\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"");
  c.AddResource("secret.toml", "secret.tmpl", "secret.conf", "\"/secret/db\"");
  const int port = FreePort();
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-username", kTestReader,
                         "-password", kTestReaderPassword, "-metrics-addr",
                         absl::StrCat("127.0.0.1:", port)});
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=1\n")) << p.Log();
  ASSERT_TRUE(LogShows(p, "not rendering secret.toml"));
  // It says that it asks again, and does (the second ask is 2 s later).
  EXPECT_TRUE(LogShows(p, "no read access to /secret/db; asking again in 2s"));
  EXPECT_FALSE(ReadWholeFile(c.Out("secret.conf")).has_value());
  EXPECT_EQ(503, ReadyzStatus(port));

  ASSERT_TRUE(etcd_->GrantReaderPrefix("/secret/").ok());
  const auto granted = std::chrono::steady_clock::now();
  EXPECT_TRUE(FileBecomes(c.Out("secret.conf"), "db=s1\n", std::chrono::seconds(30))) << p.Log();
  std::printf("grant -> file: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - granted)
                                         .count()));
  EXPECT_TRUE(LogShows(p, "read access to /secret/db granted"));
  EXPECT_TRUE(PollUntil([&] { return ReadyzStatus(port) == 200; })) << p.Log();

  // Both keep following.
  auto root = ConnectAs(etcd_->endpoint(), kTestRootUser, kTestRootPassword);
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_TRUE((*root)->Put("/secret/db", "s2").ok());
  ASSERT_TRUE((*root)->Put("/app/x", "2").ok());
  EXPECT_TRUE(FileBecomes(c.Out("secret.conf"), "db=s2\n")) << p.Log();
  EXPECT_TRUE(FileBecomes(c.Out("app.conf"), "x=2\n")) << p.Log();
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

TEST_F(RecoveryTest, ReadAccessRevokedWhileWatchingKeepsTheFileAndFollowsAgainOnceGrantedBack) {
  ASSERT_TRUE(client_->Put("/app/x", "1").ok());
  ASSERT_TRUE(client_->Put("/secret/db", "s1").ok());
  ASSERT_TRUE(etcd_->EnableAuth().ok());
  ASSERT_TRUE(etcd_->GrantReaderPrefix("/secret/").ok());
  Confdir c;
  c.AddTemplate("app.tmpl", "x={{getv \"/app/x\"}}\n");
  c.AddTemplate("secret.tmpl", "db={{getv \"/secret/db\"}}\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"");
  c.AddResource("secret.toml", "secret.tmpl", "secret.conf", "\"/secret/db\"");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-username", kTestReader,
                         "-password", kTestReaderPassword});
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=1\n")) << p.Log();
  ASSERT_TRUE(FileBecomes(c.Out("secret.conf"), "db=s1\n")) << p.Log();

  // etcd checks read access when a watch is created: after the revoke, a
  // restart makes confwatch create its watches again, and /secret/db's is
  // refused.
  ASSERT_TRUE(etcd_->RevokeReaderPrefix("/secret/").ok());
  const size_t before = p.Log().size();
  absl::Status s = etcd_->Restart();
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(LogShows(p, "not rendering secret.toml until the read is granted", before));
  EXPECT_TRUE(LogShows(p, "no read access to /secret/db; asking again", before));
  auto root = ConnectAs(etcd_->endpoint(), kTestRootUser, kTestRootPassword);
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_TRUE((*root)->Put("/secret/db", "s2").ok());
  ASSERT_TRUE((*root)->Put("/app/x", "2").ok());
  // The other resource goes on; the refused one keeps its last good file.
  EXPECT_TRUE(FileBecomes(c.Out("app.conf"), "x=2\n")) << p.Log();
  EXPECT_EQ("db=s1\n", ReadWholeFile(c.Out("secret.conf")).value_or("<missing>"));

  // Granted back: what changed meanwhile is read, and followed from there.
  ASSERT_TRUE(etcd_->GrantReaderPrefix("/secret/").ok());
  EXPECT_TRUE(FileBecomes(c.Out("secret.conf"), "db=s2\n", std::chrono::seconds(90))) << p.Log();
  EXPECT_TRUE(LogShows(p, "read access to /secret/db granted", before));
  ASSERT_TRUE((*root)->Put("/secret/db", "s3").ok());
  EXPECT_TRUE(FileBecomes(c.Out("secret.conf"), "db=s3\n")) << p.Log();
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

TEST_F(RecoveryTest, EtcdStartedAgainAtALowerRevisionIsReadAgainAndFollowed) {
  Confdir c;
  c.AddTemplate("kr.tmpl", "{{range gets \"/kr/*\"}}{{base .Key}}={{.Value}}\n{{end}}");
  c.AddResource("kr.toml", "kr.tmpl", "kr.conf", "\"/kr\"");
  // A revision well above what the new etcd will reach in this test.
  for (int i = 0; i < 100; ++i) Put(absl::StrCat("/filler/", i), "x");
  Put("/kr/old", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("kr.conf"), "old=1\n")) << p->Log();
  Put("/kr/old", "2");  // followed, so confwatch has seen this revision
  ASSERT_TRUE(FileBecomes(c.Out("kr.conf"), "old=2\n")) << p->Log();

  const size_t before = p->Log().size();
  absl::Status s = etcd_->RestartEmpty();
  ASSERT_TRUE(s.ok()) << s;
  const auto back = std::chrono::steady_clock::now();
  client_ = ConnectForTest({etcd_->endpoint()});
  ASSERT_NE(client_, nullptr);
  Put("/kr/new", "a");
  // The new etcd has no /kr/old: the file is exactly the new etcd's state.
  EXPECT_TRUE(FileBecomes(c.Out("kr.conf"), "new=a\n", std::chrono::seconds(30))) << p->Log();
  std::printf("etcd back -> file follows the new etcd: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - back)
                                         .count()));
  EXPECT_TRUE(LogShows(*p, "lower than revision 1", before));
  Put("/kr/new", "b");
  Put("/kr/more", "c");
  EXPECT_TRUE(FileBecomes(c.Out("kr.conf"), "more=c\nnew=b\n")) << p->Log();
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

// The real thing: a backup taken early, etcd restored from it after many
// writes. The restored etcd has the backup's keys at the backup's revision.
TEST_F(RecoveryTest, EtcdRestoredFromAnOlderBackupIsReadAgainAndFollowed) {
  Confdir c;
  c.AddTemplate("kr.tmpl", "{{range gets \"/kr/*\"}}{{base .Key}}={{.Value}}\n{{end}}");
  c.AddResource("kr.toml", "kr.tmpl", "kr.conf", "\"/kr\"");
  Put("/kr/a", "1");
  const std::string backup = c.Scratch("backup.db");
  absl::Status saved = etcd_->SaveSnapshot(backup);
  ASSERT_TRUE(saved.ok()) << saved;
  for (int i = 0; i < 100; ++i) Put(absl::StrCat("/filler/", i), "x");
  auto p = Watch(c);
  Put("/kr/a", "2");
  Put("/kr/b", "1");
  ASSERT_TRUE(FileBecomes(c.Out("kr.conf"), "a=2\nb=1\n")) << p->Log();

  const size_t before = p->Log().size();
  absl::Status s = etcd_->RestoreSnapshot(backup);
  ASSERT_TRUE(s.ok()) << s;
  const auto back = std::chrono::steady_clock::now();
  // The file goes back to the backup's keys, then follows new writes.
  EXPECT_TRUE(FileBecomes(c.Out("kr.conf"), "a=1\n", std::chrono::seconds(30))) << p->Log();
  std::printf("restored etcd back -> file has its keys: %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - back)
                                         .count()));
  EXPECT_TRUE(LogShows(*p, "lower than revision 1", before));
  client_ = ConnectForTest({etcd_->endpoint()});
  ASSERT_NE(client_, nullptr);
  Put("/kr/c", "3");
  EXPECT_TRUE(FileBecomes(c.Out("kr.conf"), "a=1\nc=3\n")) << p->Log();
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

}  // namespace
}  // namespace confwatch
