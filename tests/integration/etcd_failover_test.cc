// The client against a 3-member etcd cluster: when the member in use dies,
// requests and the watch stream carry on with another member, and the watch
// loses and repeats nothing.
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

TEST(EtcdCluster, ClientCarriesOnWhenItsMemberIsKilled) {
  auto cluster = EtcdTestCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::vector<std::string> endpoints = (*cluster)->endpoints();
  // The watching client starts on member 0; the writer only uses 1 and 2.
  auto client = ConnectForTest(endpoints);
  auto writer = ConnectForTest({endpoints[1], endpoints[2]});
  ASSERT_NE(client, nullptr);
  ASSERT_NE(writer, nullptr);
  absl::StatusOr<MemberStatus> st = client->Status();
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(st->endpoint, endpoints[0]);

  absl::StatusOr<Snapshot> snap = client->RangePrefix("/svc/");
  ASSERT_TRUE(snap.ok());
  RecordingHandler h;
  auto watcher = client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/svc/", snap->revision + 1).ok());
  ASSERT_TRUE(h.WaitForConnects(1));

  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread writes([&] {
    for (int i = 0; !stop; ++i) {
      while (!stop && !writer->Put(absl::StrCat("/svc/n", i % 11), absl::StrCat("v", i)).ok()) {
        absl::SleepFor(absl::Milliseconds(20));
      }
      acked++;
    }
  });
  while (acked < 100) absl::SleepFor(absl::Milliseconds(5));
  (*cluster)->member(0)->Kill();
  int at_kill = acked;
  while (acked < at_kill + 100) absl::SleepFor(absl::Milliseconds(5));
  stop = true;
  writes.join();

  // Requests move on to a live member.
  absl::StatusOr<Snapshot> end = client->RangePrefix("/svc/");
  ASSERT_TRUE(end.ok()) << end.status();
  st = client->Status();
  ASSERT_TRUE(st.ok());
  EXPECT_NE(st->endpoint, endpoints[0]);
  EXPECT_TRUE(client->Put("/svc/from-client", "ok").ok());

  // The watch resumed elsewhere with nothing lost or repeated: per key, the
  // events are the writer's puts in order, and the last one is what a read
  // of the cluster says.
  ASSERT_TRUE(h.WaitForRevision(end->revision)) << "disconnects:" << Joined(h.disconnects());
  std::vector<Event> events = h.events();
  int64_t prev = snap->revision;
  for (const Event& e : events) {
    EXPECT_GT(e.kv.mod_revision, prev);  // strictly increasing: no duplicate
    prev = e.kv.mod_revision;
  }
  // One event per revision between the start and the end: none missing.
  int64_t in_range = 0;
  for (const Event& e : events) in_range += e.kv.mod_revision <= end->revision;
  EXPECT_EQ(in_range, end->revision - snap->revision);
  std::vector<std::string> connected = h.connected_to();
  ASSERT_GE(connected.size(), 2u);
  EXPECT_EQ(connected.front(), endpoints[0]);
  EXPECT_NE(connected.back(), endpoints[0]);
}

TEST(EtcdCluster, MemberCutOffFromItsClusterEndsTheWatchStream) {
  auto cluster = EtcdTestCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  std::vector<std::string> endpoints = (*cluster)->endpoints();
  auto client = ConnectForTest(endpoints);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<Snapshot> snap = client->RangePrefix("/svc/");
  ASSERT_TRUE(snap.ok());
  RecordingHandler h;
  auto watcher = client->Watch(&h);
  ASSERT_TRUE(watcher->Add("/svc/", snap->revision + 1).ok());
  ASSERT_TRUE(h.WaitForConnects(1));
  ASSERT_EQ(h.connected_to().front(), endpoints[0]);

  // Member 0 stays up but hears from nobody: it loses its leader, and etcd
  // ends streams that asked for one ("hasleader") instead of leaving them
  // silently stale.
  (*cluster)->member(1)->Pause();
  (*cluster)->member(2)->Pause();
  const std::string no_leader = absl::StrCat("etcd ", endpoints[0], ": watching: etcdserver: no leader");
  bool ended = false;
  for (int i = 0; i < 200 && !ended; ++i) {
    for (const absl::Status& s : h.disconnects()) ended |= s.message() == no_leader;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(ended) << "no disconnect said: " << no_leader
                      << "; disconnects:" << Joined(h.disconnects());

  (*cluster)->member(1)->Resume();
  (*cluster)->member(2)->Resume();
  auto writer = ConnectForTest({endpoints[1]});
  ASSERT_NE(writer, nullptr);
  absl::StatusOr<int64_t> rev;
  std::string put_errors;
  for (int i = 0; i < 50; ++i) {
    rev = writer->Put("/svc/after", "healed");
    if (rev.ok()) break;
    absl::StrAppend(&put_errors, "\n  ", rev.status().ToString());
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(rev.ok()) << rev.status();
  // A put that timed out during the election may still have been applied,
  // so the writer can have made more than one revision: the watch must hold
  // exactly the revisions the cluster has, each once.
  absl::StatusOr<Snapshot> end = writer->RangePrefix("/svc/");
  ASSERT_TRUE(end.ok()) << end.status();
  ASSERT_GE(end->revision, *rev);
  ASSERT_TRUE(h.WaitForRevision(end->revision)) << "disconnects:" << Joined(h.disconnects());
  std::vector<Event> events = h.events();
  ASSERT_EQ(static_cast<int64_t>(events.size()), end->revision - snap->revision)
      << "failed puts:" << put_errors;
  int64_t prev = snap->revision;
  for (const Event& e : events) {
    EXPECT_EQ(e.kv.mod_revision, prev + 1);
    prev = e.kv.mod_revision;
    EXPECT_EQ(e.kv.key, "/svc/after");
    EXPECT_EQ(e.kv.value, "healed");
  }
}

}  // namespace
}  // namespace confwatch
