// NodesFromSrv / ResolveSrvNodes with a fake resolver: the DNS answer ->
// -node list mapping, and when the record is (not) looked up.
#include "app/srv_nodes.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Canned answers by record; records it was asked for, in order.
struct FakeDns {
  std::map<std::string, absl::StatusOr<std::vector<SrvRecord>>> answers;
  std::vector<std::string> asked;

  SrvLookup Lookup() {
    return [this](const std::string& record) -> absl::StatusOr<std::vector<SrvRecord>> {
      asked.push_back(record);
      auto it = answers.find(record);
      if (it == answers.end()) {
        return absl::NotFoundError("lookup " + record + ": no SRV records");
      }
      return it->second;
    };
  }
};

constexpr char kRecord[] = "_etcd._tcp.example.com.";

TEST(NodesFromSrv, EachTargetBecomesSchemeHostPortWithoutTheTrailingDot) {
  FakeDns dns;
  dns.answers[kRecord] = std::vector<SrvRecord>{{"etcd0.example.com.", 2379, 0, 0}};
  absl::StatusOr<std::vector<std::string>> nodes = NodesFromSrv(kRecord, "https", dns.Lookup());
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  EXPECT_THAT(*nodes, ElementsAre("https://etcd0.example.com:2379"));
  EXPECT_THAT(dns.asked, ElementsAre(kRecord));
}

TEST(NodesFromSrv, SortedByPriorityThenHeavierWeightFirstThenName) {
  FakeDns dns;
  dns.answers[kRecord] = std::vector<SrvRecord>{
      {"c.example.com.", 2379, 20, 10},  // priority 20: last
      {"b.example.com.", 2379, 10, 5},
      {"a.example.com.", 2381, 10, 50},  // heaviest of priority 10: first
      {"d.example.com.", 2380, 10, 5},   // same priority and weight as b: by name
  };
  absl::StatusOr<std::vector<std::string>> nodes = NodesFromSrv(kRecord, "http", dns.Lookup());
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  EXPECT_THAT(*nodes, ElementsAre("http://a.example.com:2381", "http://b.example.com:2379",
                                  "http://d.example.com:2380", "http://c.example.com:2379"));
}

TEST(NodesFromSrv, Ipv6TargetGetsBrackets) {
  FakeDns dns;
  dns.answers[kRecord] = std::vector<SrvRecord>{{"::1", 2379, 0, 0}};
  absl::StatusOr<std::vector<std::string>> nodes = NodesFromSrv(kRecord, "http", dns.Lookup());
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  EXPECT_THAT(*nodes, ElementsAre("http://[::1]:2379"));
}

TEST(NodesFromSrv, FailedLookupIsUnavailableAndNamesTheRecord) {
  FakeDns dns;
  absl::StatusOr<std::vector<std::string>> nodes = NodesFromSrv(kRecord, "http", dns.Lookup());
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(absl::StatusCode::kUnavailable, nodes.status().code());
  EXPECT_EQ("SRV record _etcd._tcp.example.com.: lookup _etcd._tcp.example.com.: no SRV records",
            nodes.status().message());
}

TEST(NodesFromSrv, EmptyAnswerOrOnlyDotTargetIsAnError) {
  FakeDns dns;
  dns.answers[kRecord] = std::vector<SrvRecord>{};
  absl::StatusOr<std::vector<std::string>> nodes = NodesFromSrv(kRecord, "http", dns.Lookup());
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ("SRV record _etcd._tcp.example.com.: no targets", nodes.status().message());

  dns.answers[kRecord] = std::vector<SrvRecord>{{".", 0, 0, 0}};  // RFC 2782: no service
  nodes = NodesFromSrv(kRecord, "http", dns.Lookup());
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(absl::StatusCode::kUnavailable, nodes.status().code());
}

Options EtcdOptions(std::vector<std::string> nodes, std::string record) {
  Options o;
  o.backend = "etcdv3";
  o.nodes = std::move(nodes);
  o.srv_record = std::move(record);
  return o;
}

TEST(ResolveSrvNodes, FillsTheNodesWhenNoneWereGiven) {
  FakeDns dns;
  dns.answers[kRecord] = std::vector<SrvRecord>{{"etcd1.example.com.", 4001, 1, 50}};
  Options o = EtcdOptions({}, kRecord);
  o.scheme = "https";
  ASSERT_TRUE(ResolveSrvNodes(&o, dns.Lookup()).ok());
  EXPECT_THAT(o.nodes, ElementsAre("https://etcd1.example.com:4001"));
  EXPECT_THAT(o.warnings, IsEmpty());
}

TEST(ResolveSrvNodes, AGivenNodeWinsAndTheRecordIsNotLookedUp) {
  FakeDns dns;
  Options o = EtcdOptions({"10.0.0.1:2379"}, kRecord);
  ASSERT_TRUE(ResolveSrvNodes(&o, dns.Lookup()).ok());
  EXPECT_THAT(o.nodes, ElementsAre("10.0.0.1:2379"));
  EXPECT_THAT(dns.asked, IsEmpty());
  ASSERT_EQ(1u, o.warnings.size());
  EXPECT_THAT(o.warnings[0], HasSubstr("SRV record _etcd._tcp.example.com. is not looked up"));
}

TEST(ResolveSrvNodes, NothingToDoWithoutARecordOrForOtherBackends) {
  FakeDns dns;
  Options none = EtcdOptions({}, "");
  ASSERT_TRUE(ResolveSrvNodes(&none, dns.Lookup()).ok());
  EXPECT_THAT(none.nodes, IsEmpty());
  Options file = EtcdOptions({}, kRecord);
  file.backend = "file";
  ASSERT_TRUE(ResolveSrvNodes(&file, dns.Lookup()).ok());
  EXPECT_THAT(dns.asked, IsEmpty());
}

TEST(ResolveSrvNodes, ALookupErrorLeavesTheOptionsAsTheyWere) {
  FakeDns dns;
  Options o = EtcdOptions({}, kRecord);
  absl::Status s = ResolveSrvNodes(&o, dns.Lookup());
  EXPECT_EQ(absl::StatusCode::kUnavailable, s.code());
  EXPECT_THAT(s.message(), HasSubstr(kRecord));
  EXPECT_THAT(o.nodes, IsEmpty());
}

}  // namespace
}  // namespace confwatch
