// The cached getvs answers (ValuesCache through StoreView::SortedAllValues)
// must always equal the answer computed from scratch (GetAllValues), however
// the Store changed in between; and the Store's change log must say what
// changed.
#include "store/values_cache.h"

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "store/view.h"

namespace confwatch {
namespace {

// The plainest form of an answer: the values as strings.
class Strings : public ValuesCache::SortedValues {
 public:
  static std::unique_ptr<ValuesCache::SortedValues> Make(std::vector<std::string_view> sorted) {
    return std::make_unique<Strings>(std::vector<std::string>(sorted.begin(), sorted.end()));
  }
  explicit Strings(std::vector<std::string> v) : values_(std::move(v)) {}
  size_t size() const override { return values_.size(); }
  std::string_view at(size_t i) const override { return values_[i]; }
  void Insert(size_t i, std::string_view, std::string_view value) override {
    values_.insert(values_.begin() + static_cast<std::ptrdiff_t>(i), std::string(value));
  }
  void Erase(size_t i) override { values_.erase(values_.begin() + static_cast<std::ptrdiff_t>(i)); }
  std::unique_ptr<ValuesCache::SortedValues> Clone() const override {
    return std::make_unique<Strings>(values_);
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
};

std::shared_ptr<const ValuesCache::SortedValues> Answer(const StoreView& view,
                                                        std::string_view pattern) {
  absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> answer =
      view.SortedAllValues(pattern, &Strings::Make);
  EXPECT_TRUE(answer.ok()) << answer.status();
  return answer.ok() ? *answer : std::make_shared<Strings>(std::vector<std::string>());
}

std::vector<std::string> ValuesOf(const ValuesCache::SortedValues& answer) {
  return static_cast<const Strings&>(answer).values();
}

std::vector<std::string> Visited(const StoreView& view, std::string_view pattern) {
  return ValuesOf(*Answer(view, pattern));
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

// A cached answer may view the Store's records (getvs does): a record a
// change replaces stays allocated while the change is logged, so the cache
// can still read such an answer when it catches it up.
TEST(StoreChangeLog, ReplacedRecordStaysAllocatedWhileLogged) {
  Store store;
  for (size_t i = 0; i < ValuesCache::kMinCachedValues; ++i) {
    store.Put(absl::StrCat("/svc/k", i), absl::StrCat("v", i));
  }
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  Visited(view, "/svc/*");  // caches an answer: the Store logs from now on
  const uint64_t since = store.version();
  const std::string_view replaced = *store.Find("/svc/k1");
  const std::string_view deleted = *store.Find("/svc/k2");
  store.Put("/svc/k1", "changed");
  store.Delete("/svc/k2");
  std::vector<const Store::Change*> changes;
  ASSERT_TRUE(store.ChangesSince(since, &changes));
  ASSERT_EQ(2u, changes.size());
  EXPECT_EQ(replaced.data(), changes[0]->old_value.data()) << "the record itself, not a copy";
  EXPECT_EQ("v1", replaced);
  EXPECT_EQ(deleted.data(), changes[1]->old_value.data());
  EXPECT_EQ("v2", deleted);
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
// every step, and answers held over later steps must not change.
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
  struct Held {
    std::shared_ptr<const ValuesCache::SortedValues> answer;
    std::vector<std::string> was;
  };
  std::vector<Held> held;
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
    std::shared_ptr<const ValuesCache::SortedValues> answer = Answer(view, q.pattern);
    const std::vector<std::string> fresh = *view.GetAllValues(q.pattern);
    ASSERT_EQ(fresh, ValuesOf(*answer)) << "step " << step << " pattern " << q.pattern;
    // Some answers are held over later changes, as a render in flight
    // would: they must stay what they were (copy-on-write).
    if (rng() % 4 == 0) held.push_back({std::move(answer), fresh});
    if (held.size() > 4) held.erase(held.begin() + static_cast<std::ptrdiff_t>(rng() % held.size()));
    for (const auto& [h, was] : held) ASSERT_EQ(was, ValuesOf(*h)) << "held, step " << step;
  }
}

// An answer held while the Store changes is not changed: the cache brings a
// copy up to date. Once nobody holds it, the cache changes it in place.
TEST(ValuesCache, HeldAnswerIsCopiedAndAFreeOneChangedInPlace) {
  Store store;
  for (int i = 0; i < 200; ++i) store.Put(absl::StrCat("/svc/n", i), absl::StrCat("10.0.", i, ":80"));
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  std::shared_ptr<const ValuesCache::SortedValues> held = Answer(view, "/svc/*");
  const std::vector<std::string> before = ValuesOf(*held);
  EXPECT_EQ(held.get(), Answer(view, "/svc/*").get());  // unchanged Store: the same answer
  store.Put("/svc/n7", "0.0.0.0:1");
  store.Delete("/svc/n9");
  std::shared_ptr<const ValuesCache::SortedValues> after = Answer(view, "/svc/*");
  EXPECT_NE(held.get(), after.get());
  EXPECT_EQ(before, ValuesOf(*held));
  EXPECT_EQ(*view.GetAllValues("/svc/*"), ValuesOf(*after));
  held.reset();
  const ValuesCache::SortedValues* free = after.get();
  after.reset();
  store.Put("/svc/n8", "10.0.100:80");
  after = Answer(view, "/svc/*");
  EXPECT_EQ(free, after.get());  // nobody held it: changed in place
  EXPECT_EQ(*view.GetAllValues("/svc/*"), ValuesOf(*after));
}

// A form is told apart by its `make`: an answer cached in one form is never
// handed to a caller asking for another.
TEST(ValuesCache, AnswerIsHandedOutOnlyInTheFormThatMadeIt) {
  struct Reversed : Strings {
    using Strings::Strings;
    static std::unique_ptr<ValuesCache::SortedValues> Make(std::vector<std::string_view> s) {
      return std::make_unique<Reversed>(std::vector<std::string>(s.begin(), s.end()));
    }
  };
  Store store;
  for (int i = 0; i < 100; ++i) store.Put(absl::StrCat("/svc/n", i), absl::StrCat(i));
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  StoreView view(store, *scope);
  auto strings = *view.SortedAllValues("/svc/*", &Strings::Make);
  auto other = *view.SortedAllValues("/svc/*", &Reversed::Make);
  EXPECT_EQ(nullptr, dynamic_cast<const Reversed*>(strings.get()));
  EXPECT_NE(nullptr, dynamic_cast<const Reversed*>(other.get()));
  EXPECT_EQ(ValuesOf(*strings), ValuesOf(*other));
}

// Gets from two threads at once (the Store changes only between rounds, as
// the contract says), each holding its previous answer and releasing it
// while the other thread brings the same entry up to date: every answer is
// exact and a held one never changes. (Also run under TSan by the sanitizer
// step.)
TEST(ValuesCache, ConcurrentGetsKeepHeldAndNewAnswersExact) {
  Store store;
  for (int i = 0; i < 500; ++i) store.Put(absl::StrCat("/svc/n", i), absl::StrCat(i % 97, ".x"));
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  ASSERT_TRUE(scope.ok());
  const std::vector<std::string> patterns = {"/svc/*", "/svc/n1*"};
  struct Held {
    std::shared_ptr<const ValuesCache::SortedValues> answer;
    std::vector<std::string> was;
  };
  Held held[2][2];  // [thread][pattern]
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    for (int j = 0; j < 3; ++j) {
      store.Put(absl::StrCat("/svc/n", rng() % 600), absl::StrCat(rng() % 97, ".y"));
    }
    StoreView view(store, *scope);
    std::vector<std::string> want[2];
    for (int p = 0; p < 2; ++p) want[p] = *view.GetAllValues(patterns[p]);
    std::vector<std::string> failures[2];
    auto run = [&](int t) {
      for (int i = 0; i < 20; ++i) {
        const int p = (i + t) % 2;
        if (held[t][p].answer && ValuesOf(*held[t][p].answer) != held[t][p].was) {
          failures[t].push_back(absl::StrCat("held answer changed, round ", round));
        }
        std::shared_ptr<const ValuesCache::SortedValues> a = Answer(view, patterns[p]);
        if (ValuesOf(*a) != want[p]) failures[t].push_back(absl::StrCat("wrong answer, round ", round));
        held[t][p] = {a, want[p]};  // releases the one held before
      }
    };
    std::thread other(run, 1);
    run(0);
    other.join();
    ASSERT_EQ(std::vector<std::string>(), failures[0]);
    ASSERT_EQ(std::vector<std::string>(), failures[1]);
  }
}

}  // namespace
}  // namespace confwatch
