// StoreView must answer exactly as confd's memkv store over the keys a
// resource declared. The fixtures and expectations of the first tests are
// memkv's own (store_test.go); the edge cases were derived from memkv's code
// and cross-checked against it (see the comments in view.h).
#include "store/view.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Kvs = std::map<std::string, std::string>;

// memkv store_test.go listTestMap.
const Kvs kDeis = {
    {"/deis/database/user", "user"},
    {"/deis/database/pass", "pass"},
    {"/deis/services/key", "value"},
    {"/deis/services/notaservice/foo", "bar"},
    {"/deis/services/srv1/node1", "10.244.1.1:80"},
    {"/deis/services/srv1/node2", "10.244.1.2:80"},
    {"/deis/services/srv1/node3", "10.244.1.3:80"},
    {"/deis/services/srv2/node1", "10.244.2.1:80"},
    {"/deis/services/srv2/node2", "10.244.2.2:80"},
    {"/deis/prefix/node1", "prefix_node1"},
    {"/deis/prefix/node2/leafnode", "prefix_node2"},
    {"/deis/prefix/node3/leafnode", "prefix_node3"},
    {"/deis/prefix_a/node4", "prefix_a_node4"},
    {"/deis/prefixb/node5/leafnode", "prefixb_node5"},
    {"/deis/dirprefix/node1", "prefix_node1"},
    {"/deis/dirprefix/node2/leafnode", "prefix_node2"},
    {"/deis/dirprefix/node3/leafnode", "prefix_node3"},
    {"/deis/dirprefix_a/node4", "prefix_a_node4"},
    {"/deis/dirprefixb/node5/leafnode", "prefixb_node5"},
};

// memkv store_test.go getalltestinput.
const Kvs kApp = {
    {"/app/db/pass", "foo"},
    {"/app/db/user", "admin"},
    {"/app/port", "443"},
    {"/app/url", "app.example.com"},
    {"/app/vhosts/host1", "app.example.com"},
    {"/app/upstream/host1", "203.0.113.0.1:8080"},
    {"/app/upstream/host1/domain", "app.example.com"},
    {"/app/upstream/host2", "203.0.113.0.2:8080"},
    {"/app/upstream/host2/domain", "app.example.com"},
};

// A store plus a scope; the view is rebuilt on demand like one render.
class ViewFixture {
 public:
  ViewFixture(const Kvs& kvs, std::string prefix = "",
              std::vector<std::string> declared = {"/"})
      : scope_(ViewScope::Create(prefix, declared).value()) {
    for (const auto& [k, v] : kvs) store_.Put(k, v);
  }
  StoreView view() const { return StoreView(store_, scope_); }
  Store& store() { return store_; }

 private:
  Store store_;
  ViewScope scope_;
};

TEST(StoreView, GetReturnsThePairOrMemkvsError) {
  ViewFixture f(Kvs{{"/db/user", "admin"}, {"/db/pass", "foo"}});
  EXPECT_EQ((KVPair{"/db/user", "admin"}), f.view().Get("/db/user").value());
  absl::StatusOr<KVPair> missing = f.view().Get("/missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(absl::StatusCode::kNotFound, missing.status().code());
  EXPECT_EQ("key does not exist: /missing", missing.status().message());
}

TEST(StoreView, GetDoesNotCleanTheKey) {
  ViewFixture f(Kvs{{"/db/user", "admin"}});
  EXPECT_FALSE(f.view().Get("/db/user/").ok());
  EXPECT_FALSE(f.view().Get("/db//user").ok());
  EXPECT_FALSE(f.view().Get("db/user").ok());
}

// A key that exists but was not declared reads as missing, as in confd; the
// message says why, since the fix is in the resource's keys.
TEST(StoreView, KeyOutsideTheDeclaredKeysSaysSo) {
  ViewFixture f(Kvs{{"/app/db/user", "admin"}, {"/app/x", "1"}, {"/app/cache/a", "2"}}, "/app",
                {"/app/db", "/app/cache"});
  EXPECT_EQ("key does not exist: /x (not under this resource's keys [/db /cache])",
            f.view().Get("/x").status().message());
  EXPECT_EQ("key does not exist: /db/missing", f.view().Get("/db/missing").status().message());
  EXPECT_EQ("key does not exist: /y", f.view().Get("/y").status().message());
}

TEST(StoreView, GetValueFallsBackToTheDefaultOnlyWhenMissing) {
  ViewFixture f(Kvs{{"/db/user", "admin"}, {"/db/empty", ""}});
  const std::string def = "defaultValue";
  const std::string empty_def;
  EXPECT_EQ("admin", f.view().GetValue("/db/user", &def).value());
  EXPECT_EQ("", f.view().GetValue("/db/empty", &def).value());
  EXPECT_EQ("defaultValue", f.view().GetValue("/db/missing", &def).value());
  EXPECT_EQ("", f.view().GetValue("/db/missing", &empty_def).value());
  EXPECT_EQ("key does not exist: /db/missing",
            f.view().GetValue("/db/missing").status().message());
}

TEST(StoreView, ExistsIsExactKeyPresence) {
  ViewFixture f(Kvs{{"/db/user", "admin"}});
  EXPECT_TRUE(f.view().Exists("/db/user"));
  EXPECT_FALSE(f.view().Exists("/db"));
  EXPECT_FALSE(f.view().Exists("/db/user/"));
}

TEST(StoreView, GetAllMatchesMemkvTable) {
  ViewFixture f(kApp);
  EXPECT_THAT(f.view().GetAll("/app/db/*").value(),
              ElementsAre(KVPair{"/app/db/pass", "foo"}, KVPair{"/app/db/user", "admin"}));
  EXPECT_THAT(f.view().GetAll("/app/*/host1").value(),
              ElementsAre(KVPair{"/app/upstream/host1", "203.0.113.0.1:8080"},
                          KVPair{"/app/vhosts/host1", "app.example.com"}));
  EXPECT_THAT(f.view().GetAll("/app/upstream/*").value(),
              ElementsAre(KVPair{"/app/upstream/host1", "203.0.113.0.1:8080"},
                          KVPair{"/app/upstream/host2", "203.0.113.0.2:8080"}));
  EXPECT_THAT(f.view().GetAll("/app/missing/*").value(), IsEmpty());
  absl::StatusOr<std::vector<KVPair>> bad = f.view().GetAll("[]a]");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(absl::StatusCode::kInvalidArgument, bad.status().code());
  EXPECT_EQ("syntax error in pattern", bad.status().message());
}

TEST(StoreView, GetAllOfAnExactKeyIsThatKey) {
  ViewFixture f(kApp);
  EXPECT_THAT(f.view().GetAll("/app/port").value(), ElementsAre(KVPair{"/app/port", "443"}));
}

TEST(StoreView, BadPatternOnAnEmptyViewIsNotAnError) {
  // memkv only calls path.Match for keys it has; no key, no error.
  ViewFixture f(Kvs{});
  EXPECT_THAT(f.view().GetAll("[]a]").value(), IsEmpty());
  EXPECT_THAT(f.view().GetAllValues("[").value(), IsEmpty());
}

TEST(StoreView, BadPatternIsReportedEvenIfNoKeyIsNearItsPrefix) {
  ViewFixture f(Kvs{{"/a", "1"}});
  EXPECT_FALSE(f.view().GetAll("/zzz/[").ok());
}

TEST(StoreView, GetAllValuesAreSortedByValueNotKey) {
  ViewFixture f(Kvs{{"/v/a", "zeta"}, {"/v/b", "alpha"}, {"/v/c", "10"}, {"/v/d", "9"}});
  EXPECT_THAT(f.view().GetAllValues("/v/*").value(), ElementsAre("10", "9", "alpha", "zeta"));
  EXPECT_FALSE(f.view().GetAllValues("/v/[").ok());
}

TEST(StoreView, GetAllValuesSortsBytewisePastTheFirstSixteenBytes) {
  // getvs compares 16-byte heads as integers first: values that tie there,
  // end inside them, hold NUL or 0xff bytes must still sort as Go's
  // sort.Strings (bytewise).
  const std::vector<std::string> values = {
      "10.1.134.160:8080", "10.1.134.16:8080", "10.1.134.1:8080", "10.1.13",
      "0123456789abcdefY", "0123456789abcdef", "0123456789abcdefX", "0123456789abcdeX",
      std::string("a\0b", 3), std::string("a\0", 2), "a", "", "\xff", "\xff\xff\x01",
      "01234567", "01234567\x01"};
  Kvs kvs;
  for (size_t i = 0; i < values.size(); ++i) kvs["/v/" + std::to_string(i)] = values[i];
  std::vector<std::string> want = values;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(want, ViewFixture(kvs).view().GetAllValues("/v/*").value());
}

TEST(StoreView, GetAllValuesSortsManyRandomValuesBytewise) {
  // Many values from a tiny alphabet: long shared prefixes and duplicates.
  std::mt19937 rng(42);
  const std::string alphabet("\0a\xff.", 4);
  Kvs kvs;
  std::vector<std::string> want;
  for (int i = 0; i < 3000; ++i) {
    std::string v(rng() % 24, ' ');
    for (char& c : v) c = alphabet[rng() % alphabet.size()];
    kvs["/v/" + std::to_string(i)] = v;
    want.push_back(v);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(want, ViewFixture(kvs).view().GetAllValues("/v/*").value());
}

TEST(StoreView, ValueViewsAreTheValuesOfGetAllValues) {
  // With and without odd keys in the scope (which take the general path).
  for (const Kvs& kvs : {Kvs{{"/svc/b", "2"}, {"/svc/a", "1"}, {"/svc/c/d", "x"}},
                         Kvs{{"/svc/b", "2"}, {"/svc/a", "1"}, {"/svc/c/", "odd"},
                             {"/elsewhere//x", "y"}}}) {
    ViewFixture f(kvs);
    for (const char* pattern : {"/svc/*", "/*/*", "/svc/[ab]", "/nothing/*"}) {
      std::vector<std::string_view> views = f.view().GetAllValueViews(pattern).value();
      EXPECT_EQ(f.view().GetAllValues(pattern).value(),
                std::vector<std::string>(views.begin(), views.end()))
          << pattern;
    }
  }
  ViewFixture odd(Kvs{{"/svc/c/", "odd"}, {"/svc/a", "1"}});
  EXPECT_THAT(odd.view().GetAllValues("/svc/*").value(), ElementsAre("1", "odd"));
  EXPECT_EQ("syntax error in pattern", odd.view().GetAllValueViews("/svc/[").status().message());
}

// getvs over a million keys: an answer grown by doubling left the smaller
// arrays it outgrew resident at the first render's peak (15 MB).
TEST(StoreView, ValueViewsAreAllocatedOnceAtTheirFinalSize) {
  Kvs kvs;
  for (int i = 0; i < 1000; ++i) kvs["/svc/" + std::to_string(i)] = std::to_string(i % 7);
  kvs["/svc/sub/x"] = "not matched";
  ViewFixture f(kvs);
  std::vector<std::string_view> views = f.view().GetAllValueViews("/svc/*").value();
  EXPECT_EQ(1000u, views.size());
  EXPECT_EQ(views.size(), views.capacity());
}

TEST(StoreView, GetAllSkipsSubtreesItCannotMatchButNotTheKeysAfterThem) {
  ViewFixture f(Kvs{{"/svc/a", "1"},
                    {"/svc/a/x", "nested"},
                    {"/svc/a/y/z", "deep"},
                    {"/svc/a.b", "2"},
                    {"/svc/a0", "3"},
                    {"/svc/b", "4"},
                    {"/svc/c/d", "5"}});
  EXPECT_THAT(f.view().GetAll("/svc/*").value(),
              ElementsAre(KVPair{"/svc/a", "1"}, KVPair{"/svc/a.b", "2"}, KVPair{"/svc/a0", "3"},
                          KVPair{"/svc/b", "4"}));
  EXPECT_THAT(f.view().GetAll("/svc/a?").value(), ElementsAre(KVPair{"/svc/a0", "3"}));
  EXPECT_THAT(f.view().GetAll("/svc/*/x").value(), ElementsAre(KVPair{"/svc/a/x", "nested"}));
  // A class or an escape may match the '/': no skipping then.
  EXPECT_THAT(f.view().GetAll("/svc/a[/]x").value(), ElementsAre(KVPair{"/svc/a/x", "nested"}));
  EXPECT_THAT(f.view().GetAll("/svc/a\\/x").value(), ElementsAre(KVPair{"/svc/a/x", "nested"}));
  EXPECT_THAT(f.view().GetAllValues("/svc/*").value(), ElementsAre("1", "2", "3", "4"));
}

TEST(StoreView, ListMatchesMemkvTable) {
  ViewFixture f(kDeis);
  for (const char* path : {"/deis/services", "/deis/services/"}) {
    EXPECT_THAT(f.view().List(path), ElementsAre("key", "notaservice", "srv1", "srv2")) << path;
  }
  for (const char* path : {"/deis/prefix", "/deis/prefix/"}) {
    EXPECT_THAT(f.view().List(path), ElementsAre("node1", "node2", "node3")) << path;
  }
  EXPECT_THAT(f.view().List("/deis/services/key"), ElementsAre("key"));
}

TEST(StoreView, ListDirMatchesMemkvTable) {
  ViewFixture f(kDeis);
  for (const char* path : {"/deis/services", "/deis/services/"}) {
    EXPECT_THAT(f.view().ListDir(path), ElementsAre("notaservice", "srv1", "srv2")) << path;
  }
  for (const char* path : {"/deis/dirprefix", "/deis/dirprefix/"}) {
    EXPECT_THAT(f.view().ListDir(path), ElementsAre("node2", "node3")) << path;
  }
}

TEST(StoreView, ListOfRootGivesOnlyTopLevelLeaves) {
  ViewFixture f(Kvs{{"/top", "1"}, {"/a/b", "2"}, {"/c/d/e", "3"}, {"/z", "4"}});
  EXPECT_THAT(f.view().List("/"), ElementsAre("top", "z"));
}

TEST(StoreView, ListDirOfRootIsAlwaysEmpty) {
  ViewFixture f(Kvs{{"/top", "1"}, {"/a/b", "2"}, {"/c/d/e", "3"}});
  EXPECT_THAT(f.view().ListDir("/"), IsEmpty());
  EXPECT_THAT(f.view().ListDir(""), IsEmpty());
}

TEST(StoreView, ListOfALeafThatAlsoHasChildrenGivesBoth) {
  ViewFixture f(Kvs{{"/s/key", "v"}, {"/s/key/sub", "w"}, {"/s/key/dir/x", "y"}});
  EXPECT_THAT(f.view().List("/s/key"), ElementsAre("dir", "key", "sub"));
  EXPECT_THAT(f.view().ListDir("/s/key"), ElementsAre("dir"));
  // With a trailing '/', the key itself no longer equals the path.
  EXPECT_THAT(f.view().List("/s/key/"), ElementsAre("dir", "sub"));
}

TEST(StoreView, ListMatchesWholePathElementsOnly) {
  ViewFixture f(kDeis);
  EXPECT_THAT(f.view().List("/deis/prefix"), ElementsAre("node1", "node2", "node3"));
  EXPECT_THAT(f.view().List("/deis"),
              ElementsAre("database", "dirprefix", "dirprefix_a", "dirprefixb", "prefix",
                          "prefix_a", "prefixb", "services"));
  EXPECT_THAT(f.view().ListDir("/deis/prefix"), ElementsAre("node2", "node3"));
}

TEST(StoreView, ListOfARelativePathFindsNothing) {
  ViewFixture f(kDeis);
  EXPECT_THAT(f.view().List("deis/services"), IsEmpty());
  EXPECT_THAT(f.view().ListDir("deis/services"), IsEmpty());
  EXPECT_THAT(f.view().List(""), IsEmpty());
}

TEST(StoreView, ListOfAMissingPathIsEmpty) {
  ViewFixture f(kDeis);
  EXPECT_THAT(f.view().List("/nope"), IsEmpty());
  EXPECT_THAT(f.view().ListDir("/nope"), IsEmpty());
}

TEST(StoreView, NonCleanPathsKeepMemkvsQuirks) {
  ViewFixture f(kDeis);
  // ls cleans the path to select keys but strips the RAW path to name them:
  // "/deis//services" is not a prefix of any key, so only the leading '/'
  // is removed and every child is named "deis".
  EXPECT_THAT(f.view().List("/deis//services"), ElementsAre("deis"));
  // lsdir requires the raw path as a string prefix.
  EXPECT_THAT(f.view().ListDir("/deis//services"), IsEmpty());
  // Cleaning "/deis/services/." gives "/deis/services"; the raw path is not a
  // key prefix either.
  EXPECT_THAT(f.view().List("/deis/services/."), ElementsAre("deis"));
}

// ---- what a resource sees: declared keys and prefix ----

TEST(ViewScope, DeclaredKeyCoversItselfAndItsSubtreeOnly) {
  ViewScope scope = ViewScope::Create("", {"/db/host"}).value();
  EXPECT_TRUE(scope.Covers("/db/host"));
  EXPECT_TRUE(scope.Covers("/db/host/x"));
  EXPECT_TRUE(scope.Covers("/db/host/"));
  EXPECT_FALSE(scope.Covers("/db/hostname"));
  EXPECT_FALSE(scope.Covers("/db/host0"));
  EXPECT_FALSE(scope.Covers("/db/hos"));
  EXPECT_FALSE(scope.Covers("/db"));
}

TEST(ViewScope, TrailingSlashOnADeclaredKeyIsIgnored) {
  ViewScope scope = ViewScope::Create("", {"/db/"}).value();
  EXPECT_TRUE(scope.Covers("/db"));
  EXPECT_TRUE(scope.Covers("/db/x"));
  EXPECT_FALSE(scope.Covers("/dbx"));
}

TEST(ViewScope, SlashCoversEveryAbsoluteKey) {
  for (const char* root : {"/", "//"}) {
    ViewScope scope = ViewScope::Create("", {root}).value();
    EXPECT_TRUE(scope.Covers("/anything/at/all"));
    EXPECT_TRUE(scope.Covers("/"));
    EXPECT_FALSE(scope.Covers("openim:///svc/1.2.3.4:80"));  // as confd's read of "/"
  }
}

TEST(ViewScope, EmptyDeclaredKeyCoversEverything) {
  ViewScope scope = ViewScope::Create("", {""}).value();
  EXPECT_TRUE(scope.Covers("/anything/at/all"));
  EXPECT_TRUE(scope.Covers("openim:///svc/1.2.3.4:80"));
}

TEST(ViewScope, OverlappingDeclarationsMerge) {
  ViewScope scope = ViewScope::Create("", {"/a/b", "/a", "/a/b/c", "/b"}).value();
  // {/a}, [/a/, /a0) (holding /a/b and /a/b/c), {/b}, [/b/, /b0): a key and
  // its subtree stay apart because "/a!" sorts between them.
  EXPECT_EQ(4u, scope.ranges().size());
  EXPECT_TRUE(scope.Covers("/a/b/c/d"));
  EXPECT_TRUE(scope.Covers("/b"));
  EXPECT_FALSE(scope.Covers("/ab"));
}

TEST(ViewScope, NothingDeclaredSeesNothing) {
  ViewScope scope = ViewScope::Create("/app", {}).value();
  EXPECT_FALSE(scope.Covers("/app"));
  EXPECT_FALSE(scope.Covers("/app/x"));
}

TEST(ViewScope, NamesFollowConfdsJoinOfTheTrimmedKey) {
  // path.Join("/", strings.TrimPrefix(key, prefix)) for each prefix form.
  struct Case {
    const char* prefix;
    const char* key;
    const char* name;
  };
  const std::vector<Case> cases = {
      {"/app", "/app/db/host", "/db/host"},
      {"/app", "/app", "/"},
      {"/app", "/app/db/", "/db"},  // odd key: cleaned, as confd does
      {"/app", "/app//db", "/db"},
      {"/app/", "/app/db/host", "/db/host"},
      {"/app/", "/app", "/app"},  // not trimmed: "/app/" is no prefix of it
      {"/", "/app/db", "/app/db"},
      {"/", "/", "/"},
      {"/", "openim:///msg/a", "/openim:/msg/a"},
      {"openim://", "openim:///msg/a", "/msg/a"},
  };
  for (const Case& c : cases) {
    ViewScope scope = ViewScope::Create(c.prefix, {""}).value();
    EXPECT_EQ(c.name, scope.ToViewName(c.key)) << c.prefix << " " << c.key;
  }
}

TEST(StoreView, DeclaredKeyEqualToASlashPrefixKeepsItsFullName) {
  // confd with prefix "/app/" and keys ["/"] asks etcd for path.Join("/app/",
  // "/") == "/app"; the key "/app" then does not start with "/app/".
  ViewFixture f(Kvs{{"/app", "top"}, {"/app/x", "1"}}, "/app/", {"/app"});
  EXPECT_THAT(f.view().All(), ElementsAre(KVPair{"/app", "top"}, KVPair{"/x", "1"}));
  EXPECT_EQ("top", f.view().GetValue("/app").value());
  EXPECT_THAT(f.view().List("/"), ElementsAre("app", "x"));
}

TEST(StoreView, OddKeysAreFoundUnderTheirCleanedName) {
  ViewFixture f(Kvs{{"/app//x", "doubled"}, {"/app/d/y/", "trailing"}, {"/app/z", "clean"}},
                "/app", {"/app"});
  StoreView v = f.view();
  EXPECT_EQ("doubled", v.GetValue("/x").value());
  EXPECT_EQ("trailing", v.GetValue("/d/y").value());
  EXPECT_THAT(v.List("/"), ElementsAre("x", "z"));
  EXPECT_THAT(v.ListDir("/"), IsEmpty());
  EXPECT_THAT(v.List("/d"), ElementsAre("y"));
  EXPECT_THAT(v.ListDir("/d"), IsEmpty());
  EXPECT_THAT(v.GetAll("/*").value(),
              ElementsAre(KVPair{"/x", "doubled"}, KVPair{"/z", "clean"}));
  EXPECT_THAT(v.All(), ElementsAre(KVPair{"/d/y", "trailing"}, KVPair{"/x", "doubled"},
                                   KVPair{"/z", "clean"}));
}

TEST(StoreView, WhenTwoKeysShareANameTheCleanOneWins) {
  ViewFixture f(Kvs{{"/app/db", "clean"}, {"/app/db/", "odd"}, {"/app//db", "odder"}}, "/app",
                {"/app"});
  EXPECT_EQ("clean", f.view().GetValue("/db").value());
  EXPECT_THAT(f.view().All(), ElementsAre(KVPair{"/db", "clean"}));
  EXPECT_THAT(f.view().GetAllValues("/db").value(), ElementsAre("clean"));
}

TEST(StoreView, ResourceSeesOnlyItsKeysUnderItsPrefix) {
  ViewFixture f(Kvs{{"/app/db/host", "h"},
                 {"/app/db/port", "5432"},
                 {"/app/dbx", "not declared"},
                 {"/app/upstream/a", "10.0.0.1"},
                 {"/app/other", "not declared"},
                 {"/other/db/host", "another app"}},
                "/app", {"/app/db", "/app/upstream"});
  StoreView v = f.view();
  EXPECT_EQ("h", v.GetValue("/db/host").value());
  EXPECT_FALSE(v.Exists("/dbx"));
  EXPECT_FALSE(v.Exists("/other"));
  EXPECT_FALSE(v.Exists("/app/db/host"));  // names never include the prefix
  EXPECT_THAT(v.List("/"), IsEmpty());
  EXPECT_THAT(v.List("/db"), ElementsAre("host", "port"));
  EXPECT_THAT(v.GetAllValues("/*/*").value(), ElementsAre("10.0.0.1", "5432", "h"));
  EXPECT_THAT(v.All(), ElementsAre(KVPair{"/db/host", "h"}, KVPair{"/db/port", "5432"},
                                   KVPair{"/upstream/a", "10.0.0.1"}));
}

TEST(StoreView, KeyEqualToThePrefixIsNamedRoot) {
  // confd: path.Join("/", strings.TrimPrefix("/app", "/app")) == "/".
  ViewFixture f(Kvs{{"/app", "root value"}, {"/app/leaf", "1"}, {"/app/d/x", "2"}}, "/app",
                {"/app"});
  EXPECT_EQ("root value", f.view().GetValue("/").value());
  // memkv: the key "/" equals the path "/" and contributes Base("/") == "/".
  EXPECT_THAT(f.view().List("/"), ElementsAre("/", "leaf"));
  EXPECT_THAT(f.view().GetAll("/*").value(),
              ElementsAre(KVPair{"/", "root value"}, KVPair{"/leaf", "1"}));
}

TEST(StoreView, SeesChangesWithoutBeingRebuilt) {
  ViewFixture f(Kvs{{"/svc/a", "1"}}, "", {"/svc"});
  StoreView v = f.view();
  f.store().Put("/svc/b", "2");
  f.store().Delete("/svc/a");
  EXPECT_THAT(v.GetAllValues("/svc/*").value(), ElementsAre("2"));
}

TEST(StoreView, ListSkipsAcrossSeparateDeclarations) {
  // Two declared subtrees inside the same listed directory: the skip after
  // "/a/x/..." must not hide "/a/y/...".
  ViewFixture f(Kvs{{"/a/x/1", "v"}, {"/a/x/2", "v"}, {"/a/y/1", "v"}, {"/a/z", "hidden"}}, "",
                {"/a/x", "/a/y"});
  EXPECT_THAT(f.view().List("/a"), ElementsAre("x", "y"));
  EXPECT_THAT(f.view().ListDir("/a"), ElementsAre("x", "y"));
  EXPECT_THAT(f.view().List("/"), IsEmpty());
}

TEST(StoreView, ThePrefixAndThePrefixWithASlashAreBothNamedRoot) {
  ViewFixture f(Kvs{{"/app", "plain"}, {"/app/", "slash"}, {"/app/x", "1"}}, "/app", {"/app"});
  EXPECT_EQ("plain", f.view().GetValue("/").value());
  EXPECT_THAT(f.view().All(), ElementsAre(KVPair{"/", "plain"}, KVPair{"/x", "1"}));
  EXPECT_THAT(f.view().GetAllValues("/").value(), ElementsAre("plain"));
}

TEST(StoreView, OpenImKeysWithAPrefixEndingInTheSchemeSlashes) {
  // OpenIM keys have no leading '/'; a prefix "openim://" leaves clean names.
  ViewFixture f(Kvs{{"openim:///msg/10.0.0.1:10130", "10.0.0.1:10130"},
                    {"openim:///msg/10.0.0.2:10130", "10.0.0.2:10130"},
                    {"openim:///push/10.0.0.3:10170", "10.0.0.3:10170"}},
                "openim://", {"openim:///msg"});
  EXPECT_THAT(f.view().GetAllValues("/msg/*").value(),
              ElementsAre("10.0.0.1:10130", "10.0.0.2:10130"));
  EXPECT_THAT(f.view().List("/msg"), ElementsAre("10.0.0.1:10130", "10.0.0.2:10130"));
  EXPECT_THAT(f.view().ListDir("/"), IsEmpty());
}

TEST(StoreView, OpenImKeysWithoutAPrefixAreCleanedAsConfdDoes) {
  // Declared "" (not "/") so that keys without a leading '/' are covered.
  ViewFixture f(Kvs{{"openim:///msg/10.0.0.1:10130", "10.0.0.1:10130"}}, "/", {""});
  EXPECT_THAT(f.view().All(),
              ElementsAre(KVPair{"/openim:/msg/10.0.0.1:10130", "10.0.0.1:10130"}));
  EXPECT_THAT(f.view().ListDir("/openim:"), ElementsAre("msg"));
}

}  // namespace
}  // namespace confwatch
