// Env source: confd's env backend mapping (backends/env/client.go).
#include "store/env_source.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A fake environ(7) array.
class Environ {
 public:
  explicit Environ(std::vector<std::string> entries) : entries_(std::move(entries)) {
    for (std::string& e : entries_) ptrs_.push_back(e.data());
    ptrs_.push_back(nullptr);
  }
  char** get() { return ptrs_.data(); }

 private:
  std::vector<std::string> entries_;
  std::vector<char*> ptrs_;
};

TEST(EnvNameForKey, DropsOneLeadingSlashAndUpperCases) {
  EXPECT_EQ("DATABASE_HOST", EnvNameForKey("/database/host"));
  EXPECT_EQ("DATABASE_HOST", EnvNameForKey("database/host"));
  EXPECT_EQ("_DB", EnvNameForKey("//db"));
  EXPECT_EQ("DB_", EnvNameForKey("/db/"));
  EXPECT_EQ("", EnvNameForKey("/"));
}

TEST(KeyForEnvName, LowerCasesAndTurnsUnderscoresIntoSlashes) {
  EXPECT_EQ("/database/host", KeyForEnvName("DATABASE_HOST"));
  EXPECT_EQ("/my/app/port", KeyForEnvName("MY_APP_PORT"));
  EXPECT_EQ("/path", KeyForEnvName("PATH"));
}

TEST(LoadEnvSource, EveryVariableStartingWithTheNameMatches) {
  Environ env({"DATABASE_HOST=db1", "DATABASE_HOSTNAME=db1.example", "DATABASE_PORT=5432",
               "DATABASEX=other", "HOME=/root"});
  EXPECT_THAT(LoadEnvSource({"/database/host"}, env.get()),
              ElementsAre(KVPair{"/database/host", "db1"},
                          KVPair{"/database/hostname", "db1.example"}));
  EXPECT_THAT(LoadEnvSource({"/database"}, env.get()),
              ElementsAre(KVPair{"/database/host", "db1"},
                          KVPair{"/database/hostname", "db1.example"},
                          KVPair{"/database/port", "5432"}, KVPair{"/databasex", "other"}));
}

TEST(LoadEnvSource, RootMatchesEveryVariable) {
  Environ env({"B=2", "A_X=1"});
  EXPECT_THAT(LoadEnvSource({"/"}, env.get()),
              ElementsAre(KVPair{"/a/x", "1"}, KVPair{"/b", "2"}));
}

TEST(LoadEnvSource, EmptyValuesAndEqualsInValuesAreKept) {
  Environ env({"APP_EMPTY=", "APP_URL=http://h/?a=b"});
  EXPECT_THAT(LoadEnvSource({"/app"}, env.get()),
              ElementsAre(KVPair{"/app/empty", ""}, KVPair{"/app/url", "http://h/?a=b"}));
}

TEST(LoadEnvSource, LowerCaseVariablesAreNotMatchedByAKey) {
  Environ env({"app_port=1"});
  EXPECT_THAT(LoadEnvSource({"/app"}, env.get()), IsEmpty());
}

TEST(LoadEnvSource, LastDuplicateWinsAndMalformedEntriesAreSkipped) {
  Environ env({"APP_X=1", "GARBAGE", "APP_X=2"});
  EXPECT_THAT(LoadEnvSource({"/app"}, env.get()), ElementsAre(KVPair{"/app/x", "2"}));
}

TEST(LoadEnvSource, OverlappingKeysGiveEachVariableOnce) {
  Environ env({"APP_DB_HOST=h"});
  EXPECT_THAT(LoadEnvSource({"/app", "/app/db"}, env.get()),
              ElementsAre(KVPair{"/app/db/host", "h"}));
}

TEST(LoadEnvSource, NoEnvironmentNoKeys) {
  EXPECT_THAT(LoadEnvSource({"/"}, nullptr), IsEmpty());
}

}  // namespace
}  // namespace confwatch
