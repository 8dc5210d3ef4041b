#include "etcd/watch_set.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using Kind = WatchSet::Action::Kind;
using etcdserverpb::WatchResponse;

WatchResponse Created(int64_t id, int64_t header_revision) {
  WatchResponse r;
  r.set_watch_id(id);
  r.set_created(true);
  r.mutable_header()->set_revision(header_revision);
  return r;
}

// One PUT event per revision, key "<prefix>k<rev>".
WatchResponse Puts(int64_t id, const std::string& prefix, std::vector<int64_t> revisions) {
  WatchResponse r;
  r.set_watch_id(id);
  for (int64_t rev : revisions) {
    mvccpb::Event* e = r.add_events();
    e->set_type(mvccpb::Event::PUT);
    e->mutable_kv()->set_key(absl::StrCat(prefix, "k", rev));
    e->mutable_kv()->set_value("v");
    e->mutable_kv()->set_mod_revision(rev);
  }
  if (!revisions.empty()) r.mutable_header()->set_revision(revisions.back());
  return r;
}

// The actions in a printed form: "events /a/ @7 [/a/k6 /a/k7]", "progress /a/ @9".
std::string Print(const std::vector<WatchSet::Action>& actions) {
  std::vector<std::string> out;
  for (const WatchSet::Action& a : actions) {
    switch (a.kind) {
      case Kind::kCreated: out.push_back(absl::StrCat("created ", a.prefix, " from ", a.revision)); break;
      case Kind::kEvents: {
        std::vector<std::string> keys;
        for (const Event& e : a.events) {
          keys.push_back(absl::StrCat(e.type == Event::Type::kDelete ? "-" : "", e.kv.key));
        }
        out.push_back(absl::StrCat("events ", a.prefix, " @", a.revision, " [",
                                   absl::StrJoin(keys, " "), "]"));
        break;
      }
      case Kind::kProgress: out.push_back(absl::StrCat("progress ", a.prefix, " @", a.revision)); break;
      case Kind::kCompacted: out.push_back(absl::StrCat("compacted ", a.prefix, " @", a.revision)); break;
      case Kind::kFailed:
        out.push_back(absl::StrCat("failed ", a.prefix, " from ", a.revision, ": ", a.reason));
        break;
      case Kind::kSendCancel: out.push_back(absl::StrCat("cancel ", a.watch_id)); break;
      case Kind::kBehind:
        out.push_back(absl::StrCat("behind ", a.prefix, " @", a.revision, " seen ", a.seen_revision));
        break;
    }
  }
  return absl::StrJoin(out, "; ");
}

std::string Apply(WatchSet& set, WatchResponse r) { return Print(set.Apply(r)); }

std::string NextCreate(WatchSet& set) {
  std::optional<WatchSet::Create> c = set.NextCreate();
  return c ? absl::StrCat(c->prefix, " from ", c->start_revision) : "none";
}

TEST(WatchSet, CreatesOneAtATimeInTheOrderAdded) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/b/", 10).ok());
  ASSERT_TRUE(set.Add("/a/", 20).ok());
  EXPECT_EQ(NextCreate(set), "/b/ from 10");
  EXPECT_EQ(NextCreate(set), "none");  // one in flight
  EXPECT_EQ(Apply(set, Created(0, 30)), "created /b/ from 10");
  EXPECT_EQ(NextCreate(set), "/a/ from 20");
  EXPECT_EQ(Apply(set, Created(1, 30)), "created /a/ from 20");
  EXPECT_EQ(NextCreate(set), "none");
}

TEST(WatchSet, AddingAWatchedPrefixAgainIsAnError) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 1).ok());
  absl::Status s = set.Add("/a/", 5);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(std::string(s.message()), "etcd: already watching \"/a/\"");
}

TEST(WatchSet, EventsGoToTheirPrefixAndAdvanceTheRevision) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 5).ok());
  ASSERT_TRUE(set.Add("/b/", 5).ok());
  set.NextCreate();
  Apply(set, Created(7, 4));
  set.NextCreate();
  Apply(set, Created(8, 4));
  EXPECT_EQ(Apply(set, Puts(8, "/b/", {5, 6})), "events /b/ @6 [/b/k5 /b/k6]");
  EXPECT_EQ(Apply(set, Puts(7, "/a/", {9})), "events /a/ @9 [/a/k9]");
  EXPECT_EQ(set.next_revision("/a/"), 10);
  EXPECT_EQ(set.next_revision("/b/"), 7);
}

TEST(WatchSet, AfterABrokenStreamWatchesResumeAfterTheLastDeliveredRevision) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 5).ok());
  set.NextCreate();
  Apply(set, Created(0, 4));
  Apply(set, Puts(0, "/a/", {5, 6, 7}));
  set.Reset();
  EXPECT_EQ(NextCreate(set), "/a/ from 8");
  // The new stream may assign another id; a resent old event is dropped.
  EXPECT_EQ(Apply(set, Created(3, 9)), "created /a/ from 8");
  EXPECT_EQ(Apply(set, Puts(3, "/a/", {7, 8, 9})), "events /a/ @9 [/a/k8 /a/k9]");
  EXPECT_EQ(Apply(set, Puts(3, "/a/", {9})), "");
  // Events for the old stream's id no longer arrive anywhere.
  EXPECT_EQ(Apply(set, Puts(0, "/a/", {10})), "");
}

TEST(WatchSet, ResetForgetsTheCreateInFlight) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 5).ok());
  set.NextCreate();
  set.Reset();
  EXPECT_EQ(NextCreate(set), "/a/ from 5");
}

TEST(WatchSet, WatchFromNowIsPinnedAtCreation) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 0).ok());
  set.NextCreate();
  EXPECT_EQ(Apply(set, Created(0, 41)), "created /a/ from 42");
  set.Reset();
  // Resuming "from now" again would skip whatever happened meanwhile.
  EXPECT_EQ(NextCreate(set), "/a/ from 42");
}

TEST(WatchSet, ProgressNotificationMovesTheResumePoint) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 5).ok());
  set.NextCreate();
  Apply(set, Created(0, 4));
  WatchResponse progress;
  progress.set_watch_id(0);
  progress.mutable_header()->set_revision(50);
  EXPECT_EQ(Apply(set, progress), "progress /a/ @50");
  EXPECT_EQ(set.next_revision("/a/"), 51);
  // The stream-wide progress answer (id -1) belongs to no watch.
  progress.set_watch_id(-1);
  progress.mutable_header()->set_revision(60);
  EXPECT_EQ(Apply(set, progress), "");
  EXPECT_EQ(set.next_revision("/a/"), 51);
}

// etcd restored from an older backup (or a new data dir) accepts a start
// revision beyond its own and stays silent until it gets there: the watch
// must end instead, naming both revisions.
TEST(WatchSet, CreatedBelowARevisionAlreadySeenEndsTheWatch) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 104).ok());
  ASSERT_TRUE(set.Add("/b/", 104).ok());
  set.NextCreate();
  EXPECT_EQ(Apply(set, Created(5, 1)), "cancel 5; behind /a/ @1 seen 103");
  EXPECT_FALSE(set.Contains("/a/"));
  EXPECT_EQ(NextCreate(set), "/b/ from 104");  // the create slot is free again
  EXPECT_EQ(Apply(set, Puts(5, "/a/", {2})), "") << "the ended watch delivers nothing";
  EXPECT_TRUE(set.Add("/a/", 2).ok()) << "the owner watches again after reading";
}

TEST(WatchSet, CreatedAtTheRevisionAlreadySeenIsNotBehind) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 104).ok());
  set.NextCreate();
  EXPECT_EQ(Apply(set, Created(0, 103)), "created /a/ from 104");
}

TEST(WatchSet, ProgressBelowARevisionAlreadySeenEndsTheWatch) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 5).ok());
  set.NextCreate();
  Apply(set, Created(0, 4));
  Apply(set, Puts(0, "/a/", {5, 6, 7}));
  WatchResponse progress;
  progress.set_watch_id(0);
  progress.mutable_header()->set_revision(3);
  EXPECT_EQ(Apply(set, progress), "cancel 0; behind /a/ @3 seen 7");
  EXPECT_FALSE(set.Contains("/a/"));
}

TEST(WatchSet, CompactionEndsTheWatchWithTheCompactRevision) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 3).ok());
  set.NextCreate();
  Apply(set, Created(0, 20));
  WatchResponse r;
  r.set_watch_id(0);
  r.set_canceled(true);
  r.set_compact_revision(12);
  EXPECT_EQ(Apply(set, r), "compacted /a/ @12");
  EXPECT_FALSE(set.Contains("/a/"));
  EXPECT_EQ(NextCreate(set), "none");
}

TEST(WatchSet, RefusedCreateFailsWithReasonAndFreesTheNextCreate) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/secret/", 9).ok());
  ASSERT_TRUE(set.Add("/app/", 9).ok());
  set.NextCreate();
  WatchResponse r = Created(-1, 20);
  r.set_canceled(true);
  r.set_cancel_reason("etcdserver: permission denied");
  EXPECT_EQ(Apply(set, r), "failed /secret/ from 9: etcdserver: permission denied");
  EXPECT_FALSE(set.Contains("/secret/"));
  EXPECT_EQ(NextCreate(set), "/app/ from 9");
}

TEST(WatchSet, ARangeWatchAsksForItsRangeAndAPrefixWatchForItsPrefix) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/c", 7, KeyRange{"/c", "/e"}).ok());
  ASSERT_TRUE(set.Add("/x", 7).ok());
  std::optional<WatchSet::Create> c = set.NextCreate();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->range.key, "/c");
  EXPECT_EQ(c->range.range_end, "/e");
  Apply(set, Created(0, 7));
  c = set.NextCreate();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->range.key, "/x");
  EXPECT_EQ(c->range.range_end, "/y");
}

TEST(WatchSet, ARefusedRangeWatchSaysWhichRangeItCovered) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/c", 9, KeyRange{"/c", "/e"}).ok());
  set.NextCreate();
  WatchResponse r = Created(-1, 20);
  r.set_canceled(true);
  r.set_cancel_reason("etcdserver: permission denied");
  std::vector<WatchSet::Action> actions = set.Apply(r);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, Kind::kFailed);
  EXPECT_EQ(actions[0].revision, 9);
  EXPECT_EQ(actions[0].range.key, "/c");
  EXPECT_EQ(actions[0].range.range_end, "/e");
}

TEST(WatchSet, RemovedWhileCreatingGetsCanceledOnceCreated) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 1).ok());
  set.NextCreate();
  EXPECT_EQ(set.Remove("/a/"), std::nullopt);  // no server id yet
  EXPECT_EQ(Apply(set, Created(4, 2)), "cancel 4");
  EXPECT_EQ(Apply(set, Puts(4, "/a/", {3})), "");
}

TEST(WatchSet, RemoveReturnsTheServerIdToCancel) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 1).ok());
  set.NextCreate();
  Apply(set, Created(4, 2));
  EXPECT_EQ(set.Remove("/a/"), std::optional<int64_t>(4));
  EXPECT_EQ(set.Remove("/a/"), std::nullopt);
  EXPECT_EQ(Apply(set, Puts(4, "/a/", {3})), "");
}

TEST(WatchSet, DeleteEventsKeepTheirType) {
  WatchSet set;
  ASSERT_TRUE(set.Add("/a/", 1).ok());
  set.NextCreate();
  Apply(set, Created(0, 1));
  WatchResponse r = Puts(0, "/a/", {2, 3});
  r.mutable_events(1)->set_type(mvccpb::Event::DELETE);
  EXPECT_EQ(Apply(set, r), "events /a/ @3 [/a/k2 -/a/k3]");
}

WatchResponse Fragment(int64_t id, std::vector<int64_t> revisions, bool more) {
  WatchResponse r = Puts(id, "/f/", std::move(revisions));
  r.set_fragment(more);
  return r;
}

std::string Keys(const WatchResponse& r) {
  std::vector<std::string> keys;
  for (const mvccpb::Event& e : r.events()) keys.push_back(e.kv().key());
  return absl::StrJoin(keys, " ");
}

TEST(FragmentAssembler, WholeResponsesPassThrough) {
  FragmentAssembler a;
  std::optional<WatchResponse> out = a.Add(Fragment(1, {5}, false));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(Keys(*out), "/f/k5");
}

TEST(FragmentAssembler, JoinsFragmentsInOrderWithTheFirstHeader) {
  FragmentAssembler a;
  WatchResponse first = Fragment(1, {5}, true);
  first.mutable_header()->set_revision(99);
  EXPECT_FALSE(a.Add(first).has_value());
  EXPECT_FALSE(a.Add(Fragment(1, {5}, true)).has_value());
  std::optional<WatchResponse> out = a.Add(Fragment(1, {5, 5}, false));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(Keys(*out), "/f/k5 /f/k5 /f/k5 /f/k5");
  EXPECT_EQ(out->header().revision(), 99);
  EXPECT_FALSE(out->fragment());
}

TEST(FragmentAssembler, KeepsWatchesApart) {
  FragmentAssembler a;
  EXPECT_FALSE(a.Add(Fragment(1, {5}, true)).has_value());
  std::optional<WatchResponse> other = a.Add(Fragment(2, {6}, false));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(Keys(*other), "/f/k6");
  std::optional<WatchResponse> out = a.Add(Fragment(1, {7}, false));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(Keys(*out), "/f/k5 /f/k7");
}

TEST(FragmentAssembler, ResetDropsPartialResponses) {
  FragmentAssembler a;
  EXPECT_FALSE(a.Add(Fragment(1, {5}, true)).has_value());
  a.Reset();
  std::optional<WatchResponse> out = a.Add(Fragment(1, {8}, false));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(Keys(*out), "/f/k8");
}

}  // namespace
}  // namespace confwatch
