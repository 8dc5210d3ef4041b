// Store: puts/deletes report whether anything changed (the daemon re-renders
// only then), prefix operations stay inside their prefix, resync reports
// exactly the keys that differ.
#include "store/store.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Keys(const Store& s) {
  std::vector<std::string> keys;
  for (auto it = s.begin(); it != s.end(); ++it) keys.push_back(it->first);
  return keys;
}

TEST(Store, PutReportsOnlyRealChanges) {
  Store s;
  EXPECT_TRUE(s.Put("/a", "1"));
  EXPECT_FALSE(s.Put("/a", "1"));
  EXPECT_TRUE(s.Put("/a", "2"));
  EXPECT_TRUE(s.Put("/b", ""));
  EXPECT_FALSE(s.Put("/b", ""));
  ASSERT_NE(nullptr, s.Find("/a"));
  EXPECT_EQ("2", *s.Find("/a"));
  EXPECT_EQ(2u, s.size());
}

TEST(Store, DeleteReportsWhetherTheKeyExisted) {
  Store s;
  s.Put("/a", "1");
  EXPECT_TRUE(s.Delete("/a"));
  EXPECT_FALSE(s.Delete("/a"));
  EXPECT_EQ(nullptr, s.Find("/a"));
  EXPECT_TRUE(s.empty());
}

TEST(Store, KeysAreRawBytesAndSortedBytewise) {
  Store s;
  s.Put("/a/", "slash");
  s.Put("/a", "plain");
  s.Put("/a//b", "double");
  s.Put(std::string("/a\0b", 4), "nul");
  s.Put("/\xff", "high");
  EXPECT_THAT(Keys(s), ElementsAre("/a", std::string("/a\0b", 4), "/a/", "/a//b", "/\xff"));
}

TEST(Store, DeletePrefixIsAStringPrefixLikeEtcd) {
  Store s;
  for (const char* k : {"/a", "/a/b", "/ab", "/a0", "/b"}) s.Put(k, "v");
  EXPECT_THAT(s.DeletePrefix("/a"), ElementsAre("/a", "/a/b", "/a0", "/ab"));
  EXPECT_THAT(Keys(s), ElementsAre("/b"));
  EXPECT_THAT(s.DeletePrefix("/zzz"), IsEmpty());
  EXPECT_THAT(s.DeletePrefix(""), ElementsAre("/b"));
  EXPECT_TRUE(s.empty());
}

TEST(Store, ReplacePrefixReportsAddedChangedAndRemovedKeys) {
  Store s;
  s.Put("/svc/a", "1");
  s.Put("/svc/b", "2");
  s.Put("/svc/c", "3");
  s.Put("/other", "x");
  s.Put("/svb", "outside, sorts before /svc");
  s.Put("/svd", "outside, sorts after /svc");
  std::vector<std::string> changed =
      s.ReplacePrefix("/svc/", {{"/svc/b", "2"}, {"/svc/c", "30"}, {"/svc/d", "4"}});
  EXPECT_THAT(changed, ElementsAre("/svc/a", "/svc/c", "/svc/d"));
  EXPECT_THAT(Keys(s), ElementsAre("/other", "/svb", "/svc/b", "/svc/c", "/svc/d", "/svd"));
  EXPECT_EQ("30", *s.Find("/svc/c"));
}

TEST(Store, ReplacePrefixWithEmptySnapshotClearsOnlyThatPrefix) {
  Store s;
  s.Put("/svc/a", "1");
  s.Put("/svcx", "2");
  EXPECT_THAT(s.ReplacePrefix("/svc/", {}), ElementsAre("/svc/a"));
  EXPECT_THAT(Keys(s), ElementsAre("/svcx"));
}

TEST(Store, ReplacePrefixLastDuplicateWins) {
  Store s;
  EXPECT_THAT(s.ReplacePrefix("/p", {{"/p/a", "1"}, {"/p/a", "2"}}), ElementsAre("/p/a"));
  EXPECT_EQ("2", *s.Find("/p/a"));
}

// A read from etcd comes sorted (the fast path); a file source's may not.
// Either way the result must be what replaying the snapshot as puts gives.
TEST(Store, ReplacePrefixOfSortedOrUnsortedSnapshotsEqualsReplayingThem) {
  std::mt19937 rng(3);
  for (int round = 0; round < 300; ++round) {
    Store s;
    std::map<std::string, std::string> before;
    for (int i = 0; i < 8; ++i) {
      std::string key = absl::StrCat(rng() % 3 == 0 ? "/q" : "/p/", rng() % 10);
      s.Put(key, std::to_string(rng() % 3));
      before[key] = *s.Find(key);
    }
    std::vector<KVPair> snap;
    for (int i = 0, n = static_cast<int>(rng() % 12); i < n; ++i) {
      snap.push_back({absl::StrCat(rng() % 8 == 0 ? "/q" : "/p/", rng() % 10),
                      std::to_string(rng() % 3)});
    }
    if (round % 2 == 0) {
      std::sort(snap.begin(), snap.end(), [](const KVPair& a, const KVPair& b) { return a.key < b.key; });
      snap.erase(std::unique(snap.begin(), snap.end(),
                             [](const KVPair& a, const KVPair& b) { return a.key == b.key; }),
                 snap.end());
    }
    std::map<std::string, std::string> want;
    for (const auto& [k, v] : before) {
      if (!absl::StartsWith(k, "/p")) want[k] = v;
    }
    for (const KVPair& kv : snap) {
      if (absl::StartsWith(kv.key, "/p")) want[kv.key] = kv.value;
    }
    std::vector<std::string> want_changed;
    std::set<std::string> keys;
    for (const auto& [k, v] : before) keys.insert(k);
    for (const auto& [k, v] : want) keys.insert(k);
    for (const std::string& k : keys) {
      auto b = before.find(k), w = want.find(k);
      if ((b == before.end()) != (w == want.end()) || (b != before.end() && b->second != w->second)) {
        want_changed.push_back(k);
      }
    }
    EXPECT_EQ(s.ReplacePrefix("/p", snap), want_changed) << "round " << round;
    std::map<std::string, std::string> got;
    for (auto it = s.begin(); it != s.end(); ++it) got[it->first] = it->second;
    ASSERT_EQ(got, want) << "round " << round;
  }
}

TEST(Store, ReplacePrefixIgnoresKeysOutsideThePrefix) {
  Store s;
  s.Put("/q", "keep");
  EXPECT_THAT(s.ReplacePrefix("/p", {{"/p/a", "1"}, {"/q", "overwrite?"}}), ElementsAre("/p/a"));
  EXPECT_EQ("keep", *s.Find("/q"));
}

TEST(Store, RevisionIsKeptAsSet) {
  Store s;
  EXPECT_EQ(0, s.revision());
  s.set_revision(42);
  EXPECT_EQ(42, s.revision());
}

TEST(Store, LowerBoundFindsTheFirstKeyNotBefore) {
  Store s;
  s.Put("/a", "1");
  s.Put("/c", "3");
  EXPECT_EQ("/c", s.LowerBound("/b")->first);
  EXPECT_EQ("/a", s.LowerBound("")->first);
  EXPECT_TRUE(s.LowerBound("/d") == s.end());
}

TEST(PrefixRangeEnd, IncrementsTheLastByteThatCan) {
  EXPECT_EQ("/b", PrefixRangeEnd("/a"));
  EXPECT_EQ("/a0", PrefixRangeEnd("/a/"));
  EXPECT_EQ("/b", PrefixRangeEnd("/a\xff\xff"));
  EXPECT_EQ("", PrefixRangeEnd("\xff"));
  EXPECT_EQ("", PrefixRangeEnd(""));
}

}  // namespace
}  // namespace confwatch
