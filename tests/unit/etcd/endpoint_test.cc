#include "etcd/endpoint.h"

#include "gtest/gtest.h"

namespace confwatch {
namespace {

struct GoodCase {
  const char* text;
  bool tls_configured;
  Endpoint want;
};

TEST(ParseEndpoint, AcceptsTheFormsUsersWrite) {
  const GoodCase cases[] = {
      {"http://127.0.0.1:2379", false, {"127.0.0.1:2379", "127.0.0.1", 2379, false}},
      {"https://etcd.local:2379", false, {"etcd.local:2379", "etcd.local", 2379, true}},
      {"HTTPS://etcd.local:2379", false, {"etcd.local:2379", "etcd.local", 2379, true}},
      {"127.0.0.1:2379", false, {"127.0.0.1:2379", "127.0.0.1", 2379, false}},
      // A bare endpoint uses TLS when TLS files are configured ...
      {"127.0.0.1:2379", true, {"127.0.0.1:2379", "127.0.0.1", 2379, true}},
      // ... but an explicit scheme wins.
      {"http://127.0.0.1:2379", true, {"127.0.0.1:2379", "127.0.0.1", 2379, false}},
      {"http://127.0.0.1:2379/", false, {"127.0.0.1:2379", "127.0.0.1", 2379, false}},
      {" 10.0.0.1:1 ", false, {"10.0.0.1:1", "10.0.0.1", 1, false}},
      {"http://[::1]:2379", false, {"[::1]:2379", "::1", 2379, false}},
  };
  for (const GoodCase& c : cases) {
    absl::StatusOr<Endpoint> ep = ParseEndpoint(c.text, c.tls_configured);
    ASSERT_TRUE(ep.ok()) << c.text << ": " << ep.status();
    EXPECT_EQ(*ep, c.want) << c.text;
  }
}

TEST(ParseEndpoint, RejectsMalformedEndpointsNamingThem) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "etcd endpoint \"\": empty"},
      {"ftp://h:1", "etcd endpoint \"ftp://h:1\": unsupported scheme \"ftp\" (want http or https)"},
      {"http://127.0.0.1", "etcd endpoint \"http://127.0.0.1\": want host:port"},
      {"http://:2379", "etcd endpoint \"http://:2379\": want host:port"},
      {"h:0", "etcd endpoint \"h:0\": bad port \"0\""},
      {"h:65536", "etcd endpoint \"h:65536\": bad port \"65536\""},
      {"h:+1", "etcd endpoint \"h:+1\": bad port \"+1\""},
      {"h:port", "etcd endpoint \"h:port\": bad port \"port\""},
      {"http://h:1/v3", "etcd endpoint \"http://h:1/v3\": a path is not allowed"},
      {"::1:2379", "etcd endpoint \"::1:2379\": want host:port"},
      {"[::1:2379", "etcd endpoint \"[::1:2379\": want host:port"},
  };
  for (const auto& [text, want] : cases) {
    absl::StatusOr<Endpoint> ep = ParseEndpoint(text, false);
    ASSERT_FALSE(ep.ok()) << text;
    EXPECT_EQ(ep.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(std::string(ep.status().message()), want);
  }
}

TEST(ParseEndpoints, EmptyListIsAnError) {
  absl::StatusOr<std::vector<Endpoint>> eps = ParseEndpoints({}, false);
  ASSERT_FALSE(eps.ok());
  EXPECT_EQ(eps.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(eps.status().message()), "no etcd endpoints given");
}

TEST(ParseEndpoints, FirstBadEndpointFailsTheList) {
  absl::StatusOr<std::vector<Endpoint>> eps = ParseEndpoints({"h:1", "h:x", "h:y"}, false);
  ASSERT_FALSE(eps.ok());
  EXPECT_EQ(std::string(eps.status().message()), "etcd endpoint \"h:x\": bad port \"x\"");
}

TEST(ParseEndpoints, KeepsOrder) {
  absl::StatusOr<std::vector<Endpoint>> eps = ParseEndpoints({"b:2", "a:1"}, false);
  ASSERT_TRUE(eps.ok());
  ASSERT_EQ(eps->size(), 2u);
  EXPECT_EQ((*eps)[0].address, "b:2");
  EXPECT_EQ((*eps)[1].address, "a:1");
}

}  // namespace
}  // namespace confwatch
