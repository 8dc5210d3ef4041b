// Store: puts/deletes report whether anything changed (the daemon re-renders
// only then), prefix operations stay inside their prefix, resync reports
// exactly the keys that differ.
#include "store/store.h"

#include <malloc.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "store/kv_records.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Keys(const Store& s) {
  std::vector<std::string> keys;
  for (auto it = s.begin(); it != s.end(); ++it) keys.emplace_back(it->first);
  return keys;
}

TEST(Store, PutReportsOnlyRealChanges) {
  Store s;
  EXPECT_TRUE(s.Put("/a", "1"));
  EXPECT_FALSE(s.Put("/a", "1"));
  EXPECT_TRUE(s.Put("/a", "2"));
  EXPECT_TRUE(s.Put("/b", ""));
  EXPECT_FALSE(s.Put("/b", ""));
  ASSERT_TRUE(s.Find("/a").has_value());
  EXPECT_EQ("2", *s.Find("/a"));
  EXPECT_EQ(2u, s.size());
}

TEST(Store, DeleteReportsWhetherTheKeyExisted) {
  Store s;
  s.Put("/a", "1");
  EXPECT_TRUE(s.Delete("/a"));
  EXPECT_FALSE(s.Delete("/a"));
  EXPECT_FALSE(s.Find("/a").has_value());
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
    for (auto it = s.begin(); it != s.end(); ++it) got[std::string(it->first)] = it->second;
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

std::vector<std::pair<std::string, std::string>> Dump(const Store& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = s.begin(); it != s.end(); ++it) out.emplace_back(it->first, it->second);
  return out;
}

KvRecords Records(const std::vector<std::pair<std::string, std::string>>& kvs) {
  KvRecords r;
  for (const auto& [k, v] : kvs) r.Append(k, v);
  return r;
}

TEST(KvRecords, IterationGivesBackEveryRecordInOrder) {
  const std::string big(KvRecords::kBlockBytes + 10, 'x');  // a block of its own
  const std::vector<std::pair<std::string, std::string>> kvs = {
      {"/a", "1"}, {"", ""}, {"/b", big}, {std::string("/c\0d", 4), ""}, {"/e", "5"}};
  KvRecords r = Records(kvs);
  EXPECT_EQ(kvs.size(), r.size());
  std::vector<std::pair<std::string, std::string>> got;
  for (const char* rec : r) got.emplace_back(kv_record::Key(rec), kv_record::Value(rec));
  EXPECT_EQ(kvs, got);
  EXPECT_EQ(3 * KvRecords::kBlockBytes + 10 + kv_record::kHeaderBytes + 2, r.block_bytes());
}

// A Range page that fails is dropped from the records it was decoded into:
// Truncate keeps exactly the first n, across block boundaries, and appending
// afterwards goes on from there.
TEST(KvRecords, TruncateKeepsTheFirstRecordsAndAppendingResumesAfterThem) {
  const std::string big(KvRecords::kBlockBytes + 10, 'x');  // a block of its own
  const std::vector<std::pair<std::string, std::string>> kvs = {
      {"/a", "1"}, {"/b", "2"}, {"/c", big}, {"/d", "4"}, {"/e", "5"}};
  for (size_t n = 0; n <= kvs.size(); ++n) {
    KvRecords r = Records(kvs);
    r.Truncate(n);
    r.Append("/z", "26");
    std::vector<std::pair<std::string, std::string>> want(kvs.begin(), kvs.begin() + n);
    want.emplace_back("/z", "26");
    std::vector<std::pair<std::string, std::string>> got;
    for (const char* rec : r) got.emplace_back(kv_record::Key(rec), kv_record::Value(rec));
    EXPECT_EQ(want, got) << "n = " << n;
    EXPECT_EQ(n + 1, r.size());
  }
  KvRecords r = Records(kvs);
  r.Truncate(2);  // the big record's block and the one after it are freed
  EXPECT_EQ(KvRecords::kBlockBytes, r.block_bytes());
}

TEST(Store, ReplacePrefixesKeepsTheRecordsWithoutCopyingThem) {
  Store s;
  KvRecords r = Records({{"/p/a", "1"}, {"/p/b", "2"}});
  const char* first = *r.begin();
  std::vector<std::string> changed;
  s.ReplacePrefixes({"/p/"}, std::move(r), [&](std::string_view k) { changed.emplace_back(k); });
  EXPECT_THAT(changed, ElementsAre("/p/a", "/p/b"));
  EXPECT_EQ(kv_record::Value(first).data(), s.Find("/p/a")->data());
  EXPECT_EQ(KvRecords::kBlockBytes, s.block_bytes());
  EXPECT_EQ(0u, s.own_record_bytes());
}

TEST(Store, ReplacePrefixesGivesEachDisjointPrefixItsOwnKeys) {
  Store s;
  s.Put("/a/gone", "x");
  s.Put("/b/x", "old");
  s.Put("/c", "outside");
  std::vector<std::string> changed;
  s.ReplacePrefixes({"/b/", "/a/"},
                    Records({{"/a/1", "1"}, {"/b/x", "new"}, {"/bz", "under none"}}),
                    [&](std::string_view k) { changed.emplace_back(k); });
  EXPECT_THAT(changed, ElementsAre("/a/1", "/a/gone", "/b/x"));
  EXPECT_EQ((std::vector<std::pair<std::string, std::string>>{
                {"/a/1", "1"}, {"/b/x", "new"}, {"/c", "outside"}}),
            Dump(s));
}

// Blocks are freed once none of their records is current: a resync that
// changes every value, or deletes every key, does not leave the old read
// behind; one that changes nothing does not keep the new one.
TEST(Store, BlocksAreFreedWhenNoneOfTheirRecordsIsCurrent) {
  Store s;
  auto noop = [](std::string_view) {};
  s.ReplacePrefixes({"/p/"}, Records({{"/p/a", "1"}, {"/p/b", "2"}}), noop);
  s.ReplacePrefixes({"/p/"}, Records({{"/p/a", "1"}, {"/p/b", "2"}}), noop);
  EXPECT_EQ(KvRecords::kBlockBytes, s.block_bytes());  // unchanged: the new read is freed
  s.ReplacePrefixes({"/p/"}, Records({{"/p/a", "10"}, {"/p/b", "20"}}), noop);
  EXPECT_EQ(KvRecords::kBlockBytes, s.block_bytes());  // all changed: the old read is freed
  s.Put("/p/a", "100");
  EXPECT_EQ(KvRecords::kBlockBytes, s.block_bytes());  // "/p/b" still lives there
  s.Delete("/p/b");
  EXPECT_EQ(0u, s.block_bytes());
  EXPECT_EQ((std::vector<std::pair<std::string, std::string>>{{"/p/a", "100"}}), Dump(s));
  s.DeletePrefix("/p/");
  EXPECT_EQ(0u, s.own_record_bytes());
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CONFWATCH_SANITIZED_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define CONFWATCH_SANITIZED_MALLOC 1
#endif
#endif
#ifndef CONFWATCH_SANITIZED_MALLOC
// What a big prefix costs in memory (issue 21: a million keys): the heap the
// Store holds after a read is the keys' and values' bytes plus a few bytes a
// key (record header, index pointer, btree slack), not two heap strings and a
// map node per key. Measured with glibc's allocator statistics, so not under
// a sanitizer, whose allocator replaces them.
TEST(StoreMemory, ABigReadCostsItsBytesPlusThirtyTwoAKey) {
  constexpr int kKeys = 200000;
  size_t raw = 0;
  // Heap in use: small chunks plus mmapped ones (the record blocks).
  auto in_use = [] {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
  };
  const size_t before = in_use();
  {
    Store s;
    {
      std::vector<KVPair> snap;
      snap.reserve(kKeys);
      for (int i = 0; i < kKeys; ++i) {
        snap.push_back({absl::StrFormat("/registry/app/instance-%07d", i),
                        absl::StrFormat("10.%d.%d.%d:8080", i >> 16 & 255, i >> 8 & 255, i & 255)});
        raw += snap.back().key.size() + snap.back().value.size();
      }
      s.ReplacePrefix("/registry/app/", std::move(snap), [](std::string_view) {});
    }
    const size_t held = in_use() - before;
    EXPECT_LE(held, raw + 32 * kKeys) << "raw " << raw << " bytes; the Store holds " << held;
  }
}
#endif

}  // namespace
}  // namespace confwatch
