#include "daemon/dependency_index.h"

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(DependencyIndex, KeyCoversItselfAndSubtreeOnly) {
  struct Case {
    std::string declared, key;
    bool covers;
  };
  const std::vector<Case> cases = {
      {"/db/host", "/db/host", true},       {"/db/host", "/db/host/x", true},
      {"/db/host", "/db/hostname", false},  {"/db/host/", "/db/host", true},
      {"/db/host", "/db", false},           {"/", "/anything/at/all", true},
      {"", "/x", true},                     {"/a", "/a-b", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.covers, DependencyIndex::Covers(DependencyIndex::Normalize(c.declared), c.key))
        << c.declared << " vs " << c.key;
  }
}

TEST(DependencyIndex, AffectedListsEachCoveringResourceOnce) {
  DependencyIndex index;
  index.Add(0, "/services/web");
  index.Add(1, "/services");
  index.Add(2, "/config/app/db");
  index.Add(2, "/services/web/");  // same key twice for one resource
  index.Add(3, "/services/webx");
  EXPECT_EQ((std::vector<int>{0, 1, 2}), index.Affected("/services/web/10.0.0.1:80"));
  EXPECT_EQ((std::vector<int>{1}), index.Affected("/services/api/a"));
  EXPECT_EQ((std::vector<int>{2}), index.Affected("/config/app/db/host"));
  EXPECT_EQ((std::vector<int>{}), index.Affected("/config/app/dbx"));
  EXPECT_EQ((std::vector<int>{1, 3}), index.Affected("/services/webx"));
}

TEST(DependencyIndex, RootDeclarationCoversEveryKey) {
  DependencyIndex index;
  index.Add(4, "/");
  EXPECT_EQ((std::vector<int>{4}), index.Affected("/a/b"));
  EXPECT_EQ((std::vector<std::string>{""}), index.WatchPrefixes());
}

// Affected skips ancestors whose length no declared key has; the answer must
// still be exactly the declarations that Covers the key.
TEST(DependencyIndex, AffectedEqualsCoversForRandomDeclarationsAndKeys) {
  std::mt19937 rng(11);
  const std::vector<std::string> parts = {"a", "bb", "c/", "", "dd/e"};
  auto random_key = [&] {
    std::string key;
    for (int n = static_cast<int>(rng() % 4); n > 0; --n) key += "/" + parts[rng() % parts.size()];
    return rng() % 5 == 0 ? key + "/" : key;
  };
  for (int round = 0; round < 200; ++round) {
    DependencyIndex index;
    std::vector<std::pair<int, std::string>> declared;
    for (int id = 0, n = 1 + static_cast<int>(rng() % 5); id < n; ++id) {
      declared.emplace_back(id, random_key());
      index.Add(id, declared.back().second);
    }
    for (int q = 0; q < 20; ++q) {
      std::string key = random_key();
      std::vector<int> want;
      for (const auto& [id, k] : declared) {
        if (DependencyIndex::Covers(DependencyIndex::Normalize(k), key)) want.push_back(id);
      }
      EXPECT_EQ(index.Affected(key), want) << "key " << key << " round " << round;
    }
  }
}

TEST(DependencyIndex, WatchPrefixesAreDisjointByteRanges) {
  DependencyIndex index;
  index.Add(0, "/a");
  index.Add(1, "/a-b");  // etcd's prefix "/a" delivers it already
  index.Add(2, "/a/b");
  index.Add(3, "/c/d");
  index.Add(4, "/c");
  index.Add(5, "/d/x");
  index.Add(6, "/d/y/");
  EXPECT_EQ((std::vector<std::string>{"/a", "/c", "/d/x", "/d/y"}), index.WatchPrefixes());
}

}  // namespace
}  // namespace confwatch
