// Watcher against a real etcd: order, exactly-once across a crash of etcd,
// compaction, progress, large revisions, several prefixes on one stream.
#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"
#include "etcd/key_range.h"
#include "etcdserverpb/rpc.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

// "put /k=v @rev" / "del /k @rev": one line per event.
std::string Print(const std::vector<Event>& events) {
  std::string out;
  for (const Event& e : events) {
    if (e.type == Event::Type::kPut) {
      absl::StrAppend(&out, "put ", e.kv.key, "=", e.kv.value, " @", e.kv.mod_revision, "\n");
    } else {
      absl::StrAppend(&out, "del ", e.kv.key, " @", e.kv.mod_revision, "\n");
    }
  }
  return out;
}

// Every event under `prefix` from `from` to `to`, read by a fresh watcher on a
// healthy etcd: the history an uninterrupted watch should have delivered.
std::vector<Event> History(EtcdClient& client, const std::string& prefix, int64_t from, int64_t to) {
  RecordingHandler h;
  std::unique_ptr<Watcher> w = client.Watch(&h);
  EXPECT_TRUE(w->Add(prefix, from).ok());
  EXPECT_TRUE(h.WaitForRevision(to));
  return h.events();
}

TEST(Watcher, DeliversPutsAndDeletesInRevisionOrder) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/w/");
  ASSERT_TRUE(snap.ok());
  RecordingHandler h;
  auto watcher = client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/w/", snap->revision + 1).ok());
  int64_t r = snap->revision;
  ASSERT_TRUE(client->Put("/w/a", "1").ok());
  ASSERT_TRUE(client->Put("/other", "x").ok());  // not under the prefix
  ASSERT_TRUE(client->Put("/w/b", "2").ok());
  ASSERT_TRUE(client->Put("/w/a", "3").ok());
  ASSERT_TRUE(client->Delete("/w/b").ok());
  ASSERT_TRUE(client->PutMany({{"/w/c", "4"}, {"/w/d", "5"}}).ok());  // one revision
  ASSERT_TRUE(client->DeletePrefix("/w/").ok());                      // one revision
  ASSERT_TRUE(h.WaitForRevision(r + 7));
  EXPECT_EQ(Print(h.events()), absl::StrCat("put /w/a=1 @", r + 1, "\n",
                                            "put /w/b=2 @", r + 3, "\n",
                                            "put /w/a=3 @", r + 4, "\n",
                                            "del /w/b @", r + 5, "\n",
                                            "put /w/c=4 @", r + 6, "\n",
                                            "put /w/d=5 @", r + 6, "\n",
                                            "del /w/a @", r + 7, "\n",
                                            "del /w/c @", r + 7, "\n",
                                            "del /w/d @", r + 7, "\n"));
  EXPECT_EQ(h.connected_to(), std::vector<std::string>{(*etcd)->endpoint()});
}

TEST(Watcher, ManyPrefixesShareOneStreamAndStartWhereAsked) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<int64_t> first = client->Put("/a/1", "old");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(client->Put("/b/1", "old").ok());
  RecordingHandler h;
  auto watcher = client->Watch(&h);
  // /a/ from before its first write: history is replayed. /b/ from now.
  ASSERT_TRUE(watcher->Add("/a/", *first).ok());
  ASSERT_TRUE(watcher->Add("/b/", 0).ok());
  EXPECT_EQ(watcher->Add("/a/", 1).code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(h.WaitForEvents(1));
  // The create for /b/ is answered before anything else on the stream; give it a moment.
  absl::SleepFor(absl::Milliseconds(200));
  absl::StatusOr<int64_t> last = client->Put("/b/2", "new");
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(h.WaitForRevision(*last));
  std::vector<RecordingHandler::Batch> batches = h.batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].prefix, "/a/");
  EXPECT_EQ(batches[1].prefix, "/b/");
  EXPECT_EQ(Print(h.events()), absl::StrCat("put /a/1=old @", *first, "\n", "put /b/2=new @", *last, "\n"));
  EXPECT_EQ(h.connected_to().size(), 1u);

  watcher->Remove("/b/");
  absl::SleepFor(absl::Milliseconds(200));
  ASSERT_TRUE(client->Put("/b/3", "unwatched").ok());
  absl::StatusOr<int64_t> a2 = client->Put("/a/2", "x");
  ASSERT_TRUE(h.WaitForRevision(*a2));
  EXPECT_EQ(h.events().back().kv.key, "/a/2");
  EXPECT_EQ(h.events().size(), 3u);
}

TEST(Watcher, EveryEventExactlyOnceAcrossAnEtcdCrash) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto watch_client = ConnectForTest({(*etcd)->endpoint()});
  auto write_client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(watch_client, nullptr);
  ASSERT_NE(write_client, nullptr);
  absl::StatusOr<Snapshot> snap = watch_client->RangePrefix("/x/");
  ASSERT_TRUE(snap.ok());
  RecordingHandler h;
  auto watcher = watch_client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/x/", snap->revision + 1).ok());

  // The writer keeps going through the crash; failed puts are retried.
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      std::string key = absl::StrCat("/x/k", i % 37);
      while (!stop && !write_client->Put(key, absl::StrCat("v", i)).ok()) {
        absl::SleepFor(absl::Milliseconds(20));
      }
      acked++;
    }
  });
  auto wait_acked = [&](int n) {
    while (acked < n) absl::SleepFor(absl::Milliseconds(5));
  };
  wait_acked(150);
  (*etcd)->Kill();
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_TRUE((*etcd)->Restart().ok());
  int after_restart = acked;
  wait_acked(after_restart + 150);
  stop = true;
  writer.join();

  absl::StatusOr<Snapshot> end = write_client->RangePrefix("/x/");
  ASSERT_TRUE(end.ok());
  ASSERT_TRUE(h.WaitForRevision(end->revision));
  std::vector<Event> history = History(*write_client, "/x/", snap->revision + 1, end->revision);
  EXPECT_GE(history.size(), 300u);
  EXPECT_EQ(Print(h.events()), Print(history));
  EXPECT_GE(h.connected_to().size(), 2u);  // it did reconnect
  EXPECT_FALSE(h.disconnects().empty());
}

TEST(Watcher, CompactedStartRevisionIsReported) {
  auto etcd = EtcdTestServer::Start();
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  absl::StatusOr<int64_t> first = client->Put("/c/a", "1");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(client->Put("/c/a", "2").ok());
  absl::StatusOr<int64_t> last = client->Put("/c/a", "3");
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(client->Compact(*last).ok());

  RecordingHandler h;
  auto watcher = client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/c/", *first).ok());
  ASSERT_TRUE(h.WaitForCompacted("/c/"));
  EXPECT_EQ(h.compacted().at("/c/"), *last);
  EXPECT_TRUE(h.events().empty());
  // The watch is gone; after a fresh read it can be added again.
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/c/");
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE(watcher->Add("/c/", snap->revision + 1).ok());
  absl::StatusOr<int64_t> next = client->Put("/c/a", "4");
  ASSERT_TRUE(h.WaitForRevision(*next));
  EXPECT_EQ(Print(h.events()), absl::StrCat("put /c/a=4 @", *next, "\n"));
}

TEST(Watcher, IdleWatchGetsProgressNotifications) {
  EtcdTestOptions o;
  o.extra_args = {"--experimental-watch-progress-notify-interval=500ms"};
  auto etcd = EtcdTestServer::Start(o);
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  RecordingHandler h;
  auto watcher = client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/idle/", 0).ok());
  absl::StatusOr<int64_t> rev = client->Put("/busy/k", "v");
  ASSERT_TRUE(rev.ok());
  EXPECT_TRUE(h.WaitForProgress("/idle/", *rev));
  EXPECT_TRUE(h.events().empty());
}

// How many responses etcd splits revision `rev` of `prefix` into, read with a
// raw stream that asks for fragments: proof that the scenario below really
// makes etcd fragment.
int FragmentsOf(const std::string& endpoint, const std::string& prefix, int64_t rev) {
  auto stub = etcdserverpb::Watch::NewStub(
      grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto stream = stub->Watch(&ctx);
  etcdserverpb::WatchRequest req;
  KeyRange range = PrefixRange(prefix);
  req.mutable_create_request()->set_key(range.key);
  req.mutable_create_request()->set_range_end(range.range_end);
  req.mutable_create_request()->set_start_revision(rev);
  req.mutable_create_request()->set_fragment(true);
  stream->Write(req);
  int responses = 0;
  etcdserverpb::WatchResponse resp;
  while (stream->Read(&resp)) {
    if (resp.created()) continue;
    ++responses;
    if (!resp.fragment()) break;
  }
  ctx.TryCancel();
  stream->Finish();
  return responses;
}

TEST(Watcher, RevisionTooLargeForOneMessageArrivesWhole) {
  // etcd splits a watch response bigger than --max-request-bytes plus 512 KiB
  // of allowance into fragments when the watch allows it; the handler must
  // still see the revision as one batch.
  EtcdTestOptions o;
  o.extra_args = {"--max-request-bytes=150000"};
  auto etcd = EtcdTestServer::Start(o);
  ASSERT_TRUE(etcd.ok()) << etcd.status();
  auto client = ConnectForTest({(*etcd)->endpoint()});
  ASSERT_NE(client, nullptr);
  std::vector<std::pair<std::string, std::string>> kvs;
  for (int i = 0; i < 1000; ++i) {
    kvs.emplace_back(absl::StrFormat("/frag/%04d-%s", i, std::string(1000, 'k')), "v");
  }
  // 1000 keys of ~1 KB: each Txn of 128 fits the request limit; the delete
  // of all of them is one revision with ~1 MB of events. Under TSan on a
  // loaded machine a Txn can time out; putting the same values again is
  // harmless here.
  absl::StatusOr<int64_t> put;
  for (int i = 0; i < 3 && !(put = client->PutMany(kvs)).ok(); ++i) {
    std::fprintf(stderr, "PutMany: %s; again\n", put.status().ToString().c_str());
  }
  ASSERT_TRUE(put.ok()) << put.status();
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/frag/");
  ASSERT_TRUE(snap.ok());
  RecordingHandler h;
  auto watcher = client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/frag/", snap->revision + 1).ok());
  absl::StatusOr<int64_t> del = client->DeletePrefix("/frag/");
  ASSERT_TRUE(del.ok()) << del.status();
  // A generous bound: under TSan the ~1 MB revision takes a while to decode.
  ASSERT_TRUE(h.WaitForEvents(1000, absl::Seconds(60)))
      << h.events().size() << " events; disconnects:" << Joined(h.disconnects());
  std::vector<RecordingHandler::Batch> batches = h.batches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].size, 1000u);
  EXPECT_EQ(batches[0].revision, *del);
  std::vector<Event> events = h.events();
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].kv.key, kvs[i].first);
    EXPECT_EQ(events[i].type, Event::Type::kDelete);
  }
  // Proof that etcd does fragment this revision. Under TSan on a loaded
  // machine etcd once sent it whole to this second watch (etcd 3.4 records
  // a new watch's fragment option after creating the watch, so a past
  // revision can be sent before it is known): ask up to 5 times.
  int fragments = 0;
  for (int i = 0; i < 5 && fragments <= 1; ++i) {
    fragments = FragmentsOf((*etcd)->endpoint(), "/frag/", *del);
  }
  EXPECT_GT(fragments, 1);
}

}  // namespace
}  // namespace confwatch
