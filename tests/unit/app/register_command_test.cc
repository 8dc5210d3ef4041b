// Flags of `confwatch register`: both spellings, defaults, and the exact
// usage errors (exit code 2 is RunRegisterCommand's; checked end to end in
// tests/integration/register_binary_test.cc).
#include "app/register_command.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

absl::StatusOr<RegisterCommandOptions> ParseRegister(std::vector<const char*> args) {
  args.insert(args.begin(), "register");
  return ParseRegisterFlags(static_cast<int>(args.size()), args.data());
}

std::string Error(std::vector<const char*> args) {
  absl::StatusOr<RegisterCommandOptions> o = ParseRegister(std::move(args));
  return o.ok() ? "<no error>" : std::string(o.status().message());
}

TEST(RegisterFlags, ReadsEveryFlagInBothSpellings) {
  absl::StatusOr<RegisterCommandOptions> o = ParseRegister(
      {"--key", "/services/web/{{hostname}}", "-value=v", "--ttl=3s", "-health",
       "tcp://127.0.0.1:80", "--health-interval", "1s", "-health-timeout=250ms", "-node",
       "a:2379,b:2379", "--node=http://c:2379", "-client-cert", "c.pem", "--client-key", "k.pem",
       "-client-ca-keys", "ca.pem", "-basic-auth", "-username", "u", "--password=p",
       "-log-level", "debug"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("/services/web/{{hostname}}", o->spec.key);
  EXPECT_EQ("v", o->spec.value);
  EXPECT_EQ(absl::Seconds(3), o->spec.ttl);
  EXPECT_EQ("tcp://127.0.0.1:80", o->spec.health);
  EXPECT_EQ(absl::Seconds(1), o->spec.health_interval);
  EXPECT_EQ(absl::Milliseconds(250), o->spec.health_timeout);
  EXPECT_EQ("command line", o->spec.where);
  EXPECT_THAT(o->connection.nodes, ::testing::ElementsAre("a:2379", "b:2379", "http://c:2379"));
  EXPECT_EQ("c.pem", o->connection.client_cert);
  EXPECT_EQ("k.pem", o->connection.client_key);
  EXPECT_EQ("ca.pem", o->connection.client_ca_keys);
  EXPECT_TRUE(o->connection.basic_auth);
  EXPECT_EQ("u", o->connection.username);
  EXPECT_EQ("p", o->connection.password);
  EXPECT_EQ(LogLevel::kDebug, o->log_level);
  EXPECT_FALSE(o->help);
}

TEST(RegisterFlags, Defaults) {
  absl::StatusOr<RegisterCommandOptions> o = ParseRegister({"-key", "/k"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("", o->spec.value);
  EXPECT_EQ(absl::Seconds(10), o->spec.ttl);
  EXPECT_EQ("", o->spec.health);
  EXPECT_EQ(absl::Seconds(5), o->spec.health_interval);
  EXPECT_EQ(absl::Seconds(2), o->spec.health_timeout);
  EXPECT_TRUE(o->connection.nodes.empty());
  EXPECT_FALSE(o->connection.basic_auth);
  EXPECT_EQ(LogLevel::kInfo, o->log_level);
}

TEST(RegisterFlags, HelpNeedsNoKey) {
  absl::StatusOr<RegisterCommandOptions> o = ParseRegister({"--help"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->help);
  EXPECT_THAT(RegisterUsage(), ::testing::HasSubstr("--health-interval"));
}

TEST(RegisterFlags, UsageErrors) {
  EXPECT_EQ("--key is required", Error({"--value", "v"}));
  EXPECT_EQ("--ttl: must be at least 1s, got 500ms", Error({"--key", "/k", "--ttl", "500ms"}));
  EXPECT_EQ("--ttl: must be whole seconds, got 2.5s", Error({"--key", "/k", "--ttl=2.5s"}));
  EXPECT_EQ("--ttl: time: missing unit in duration \"10\"", Error({"--key", "/k", "--ttl", "10"}));
  EXPECT_EQ("--health: health check \"udp://x:1\": unsupported scheme \"udp\" (use tcp://, "
            "http://, https:// or a command)",
            Error({"--key", "/k", "--health", "udp://x:1"}));
  EXPECT_EQ("--health: health check \"tcp://x\": expected tcp://host:port",
            Error({"--key", "/k", "--health=tcp://x"}));
  EXPECT_EQ("--health-timeout: must be positive",
            Error({"--key", "/k", "--health-timeout", "0s"}));
  EXPECT_EQ("unknown flag --kye (see confwatch register --help)", Error({"--kye", "/k"}));
  EXPECT_EQ("flag --ttl needs a value", Error({"--key", "/k", "--ttl"}));
  EXPECT_EQ("unexpected argument \"extra\"", Error({"--key", "/k", "extra"}));
  EXPECT_EQ("--basic-auth: expected true or false, got \"maybe\"",
            Error({"--key", "/k", "--basic-auth=maybe"}));
  EXPECT_EQ("--log-level: invalid log level \"loud\": use debug, info, warning, error, fatal "
            "or panic",
            Error({"--key", "/k", "--log-level", "loud"}));
  EXPECT_EQ("--scheme: must be http or https, got \"ftp\"",
            Error({"--key", "/k", "--scheme", "ftp"}));
}

// A lookup that answers one record and remembers what it was asked.
SrvLookup OneRecordLookup(std::string* asked) {
  return [asked](const std::string& record) -> absl::StatusOr<std::vector<SrvRecord>> {
    *asked = record;
    if (record != "_etcd._tcp.example.test.") return absl::NotFoundError("no such record");
    return std::vector<SrvRecord>{{"etcd1.example.test.", 2379, 10, 0},
                                  {"etcd0.example.test.", 2379, 0, 0}};
  };
}

TEST(RegisterNodes, SrvDomainNamesTheEtcdRecordAndGivesItsTargetsInPriorityOrder) {
  absl::StatusOr<RegisterCommandOptions> o =
      ParseRegister({"--key", "/k", "--srv-domain", "example.test", "--scheme=https"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("_etcd._tcp.example.test.", o->connection.srv_record);
  std::string asked;
  ASSERT_TRUE(ResolveRegisterNodes(&*o, OneRecordLookup(&asked)).ok());
  EXPECT_EQ("_etcd._tcp.example.test.", asked);
  EXPECT_THAT(o->connection.nodes, ::testing::ElementsAre("https://etcd0.example.test:2379",
                                                          "https://etcd1.example.test:2379"));
}

TEST(RegisterNodes, ARecordWithoutAnswerIsAnErrorNamingItAndNoDefaultNode) {
  absl::StatusOr<RegisterCommandOptions> o =
      ParseRegister({"--key", "/k", "-srv-record", "_etcd-client._tcp.other.test."});
  ASSERT_TRUE(o.ok()) << o.status();
  std::string asked;
  absl::Status s = ResolveRegisterNodes(&*o, OneRecordLookup(&asked));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("_etcd-client._tcp.other.test."));
  EXPECT_TRUE(o->connection.nodes.empty());
}

TEST(RegisterNodes, AGivenNodeWinsAndTheRecordIsNotLookedUp) {
  absl::StatusOr<RegisterCommandOptions> o =
      ParseRegister({"--key", "/k", "--node", "127.0.0.1:2379", "--srv-domain", "example.test"});
  ASSERT_TRUE(o.ok()) << o.status();
  std::string asked;
  ASSERT_TRUE(ResolveRegisterNodes(&*o, OneRecordLookup(&asked)).ok());
  EXPECT_EQ("", asked);
  EXPECT_THAT(o->connection.nodes, ::testing::ElementsAre("127.0.0.1:2379"));
  EXPECT_FALSE(o->connection.warnings.empty());
}

}  // namespace
}  // namespace confwatch
