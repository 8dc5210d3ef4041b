// The cached getvs answers (ValuesCache through StoreView::VisitAllValues)
// must always equal the answer computed from scratch (GetAllValues), however
// the Store changed in between; and the Store's change log must say what
// changed.
#include "store/values_cache.h"

#include <random>
#include <tuple>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "store/view.h"

namespace confwatch {
namespace {

std::vector<std::string> Visited(const StoreView& view, std::string_view pattern) {
  std::vector<std::string> out;
  absl::Status st = view.VisitAllValues(pattern, [&](const std::vector<std::string_view>& vs) {
    out.assign(vs.begin(), vs.end());
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

TEST(StoreChangeLog, NothingIsLoggedWhileNoAnswerIsCached) {
  Store store;
  store.Put("/a", "1");
  store.Put("/a", "2");
  std::vector<const Store::Change*> changes;
  EXPECT_TRUE(store.ChangesSince(store.version(), &changes));
  EXPECT_TRUE(changes.empty());
  EXPECT_FALSE(store.ChangesSince(0, &changes));
  EXPECT_EQ(2u, store.version());
  EXPECT_FALSE(store.Put("/a", "2"));  // no change, no new version
  EXPECT_EQ(2u, store.version());
}

TEST(StoreChangeLog, LogsOldValuesOnceAnAnswerIsCached) {
  Store store;
  for (size_t i = 0; i < ValuesCache::kMinCachedValues; ++i) {
    store.Put(absl::StrCat("/svc/k", i), absl::StrCat("v", i));
  }
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  Visited(view, "/svc/*");  // caches the answer
  const uint64_t since = store.version();
  store.Put("/svc/k1", "changed");
  store.Put("/svc/new", "x");
  store.Delete("/svc/k2");
  std::vector<const Store::Change*> changes;
  ASSERT_TRUE(store.ChangesSince(since, &changes));
  ASSERT_EQ(3u, changes.size());
  EXPECT_EQ("/svc/k1", changes[0]->key);
  EXPECT_TRUE(changes[0]->existed);
  EXPECT_EQ("v1", changes[0]->old_value);
  EXPECT_EQ("/svc/new", changes[1]->key);
  EXPECT_FALSE(changes[1]->existed);
  EXPECT_EQ("/svc/k2", changes[2]->key);
  EXPECT_EQ("v2", changes[2]->old_value);
  // A bulk change is not logged key by key.
  store.DeletePrefix("/svc/k3");
  EXPECT_FALSE(store.ChangesSince(since, &changes));
}

TEST(ValuesCache, CachedAnswerFollowsEveryChange) {
  Store store;
  for (int i = 0; i < 200; ++i) store.Put(absl::StrCat("/svc/n", i), absl::StrCat("10.0.", i, ":80"));
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  ASSERT_EQ(*view.GetAllValues("/svc/*"), Visited(view, "/svc/*"));
  store.Put("/svc/n7", "0.0.0.0:1");        // moves to the front
  store.Put("/svc/n8", "10.0.100:80");      // a duplicate value
  store.Delete("/svc/n9");
  store.Put("/svc/deeper/x", "not matched");  // '*' does not cross '/'
  store.Put("/other", "outside the view");
  EXPECT_EQ(*view.GetAllValues("/svc/*"), Visited(view, "/svc/*"));
  store.Put("/svc/n8", "10.0.8:80");  // back to what it was
  EXPECT_EQ(*view.GetAllValues("/svc/*"), Visited(view, "/svc/*"));
}

// More answers than the cache keeps: the least recently used ones go, and
// every answer stays exact.
TEST(ValuesCache, EvictedAnswersAreRebuiltExactly) {
  Store store;
  const size_t patterns = ValuesCache::kMaxEntries + 10;
  for (size_t p = 0; p < patterns; ++p) {
    for (size_t i = 0; i < ValuesCache::kMinCachedValues; ++i) {
      store.Put(absl::StrCat("/p", p, "/k", i), absl::StrCat(i % 7, "v", p));
    }
  }
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  for (int round = 0; round < 3; ++round) {
    for (size_t p = 0; p < patterns; ++p) {
      const std::string pattern = absl::StrCat("/p", p, "/*");
      store.Put(absl::StrCat("/p", p, "/k0"), absl::StrCat("round", round));
      ASSERT_EQ(*view.GetAllValues(pattern), Visited(view, pattern)) << pattern;
    }
  }
}

// Random puts and deletes over a few scopes and patterns, odd keys and bulk
// changes included: the cached answer is compared with a fresh one after
// every step.
TEST(ValuesCache, RandomChangesKeepEveryAnswerExact) {
  std::mt19937 rng(42);
  Store store;
  auto key = [&] {
    switch (rng() % 100) {
      case 0:
        return absl::StrCat("/svc/odd", rng() % 3, "/");  // not a clean path
      case 1:
      case 2:
      case 3:
        return absl::StrCat("/svcx/k", rng() % 20);
      default:
        if (rng() % 10 == 0) return absl::StrCat("/svc/d", rng() % 5, "/k", rng() % 20);
        return absl::StrCat("/svc/k", rng() % 300);
    }
  };
  auto value = [&] { return absl::StrCat(rng() % 50, ".", rng() % 1000); };
  for (int i = 0; i < 300; ++i) store.Put(absl::StrCat("/svc/k", i), value());
  struct Query {
    ViewScope scope;
    std::string pattern;
  };
  std::vector<Query> queries;
  for (auto [prefix, declared, pattern] :
       std::vector<std::tuple<std::string, std::vector<std::string>, std::string>>{
           {"/", {"/svc"}, "/svc/*"},
           {"/", {"/svc"}, "/svc/k1*"},
           {"/svc", {"/svc"}, "/*"},
           {"/svc/", {"/svc/"}, "/*"},
           {"/", {"/svc", "/svcx"}, "/svc*/k?"},
       }) {
    absl::StatusOr<ViewScope> scope = ViewScope::Create(prefix, declared);
    ASSERT_TRUE(scope.ok());
    queries.push_back({*std::move(scope), pattern});
  }
  for (int step = 0; step < 3000; ++step) {
    if (step % 100 == 99) {
      // Odd keys make every answer uncached; let the cache work again.
      for (int o = 0; o < 3; ++o) store.Delete(absl::StrCat("/svc/odd", o, "/"));
    }
    const int action = static_cast<int>(rng() % 100);
    if (action < 60) {
      store.Put(key(), value());
    } else if (action < 97) {
      store.Delete(key());
    } else if (action < 99) {
      // Several changes between two renders.
      for (int j = 0; j < 40; ++j) store.Put(key(), value());
    } else {
      store.DeletePrefix(absl::StrCat("/svc/k", rng() % 10));
    }
    const Query& q = queries[rng() % queries.size()];
    StoreView view(store, q.scope);
    ASSERT_EQ(*view.GetAllValues(q.pattern), Visited(view, q.pattern))
        << "step " << step << " pattern " << q.pattern;
  }
}

}  // namespace
}  // namespace confwatch
