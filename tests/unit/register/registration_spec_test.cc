// [[register]] parsing (exact messages with file:line:col), rendering of key
// and value templates, and the host address functions.
#include "register/registration_spec.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "register/host_ip_funcs.h"
#include "tests/unit/funcs/test_util.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;

std::vector<RegistrationSpec> MustParse(const std::string& text,
                                        std::vector<std::string>* warnings = nullptr) {
  absl::StatusOr<std::vector<RegistrationSpec>> specs =
      ParseRegistrations(text, "confwatch.toml", warnings);
  EXPECT_TRUE(specs.ok()) << specs.status();
  return specs.ok() ? *specs : std::vector<RegistrationSpec>{};
}

std::string ParseError(const std::string& text) {
  absl::StatusOr<std::vector<RegistrationSpec>> specs =
      ParseRegistrations(text, "confwatch.toml", nullptr);
  if (specs.ok()) return "<no error>";
  return std::string(specs.status().message());
}

TEST(ParseRegistrations, ReadsEveryFieldOfEachTable) {
  std::vector<RegistrationSpec> specs = MustParse(
      "backend = \"etcdv3\"\n"
      "[[register]]\n"
      "key = \"/services/web/{{hostname}}:8080\"\n"
      "value = \"{{hostIP}}:8080\"\n"
      "ttl = \"30s\"\n"
      "health = \"tcp://127.0.0.1:8080\"\n"
      "health_interval = \"3s\"\n"
      "health_timeout = \"500ms\"\n"
      "\n"
      "[[register]]\n"
      "key = \"/services/api/x\"\n");
  ASSERT_EQ(2u, specs.size());
  EXPECT_EQ("/services/web/{{hostname}}:8080", specs[0].key);
  EXPECT_EQ("{{hostIP}}:8080", specs[0].value);
  EXPECT_EQ(absl::Seconds(30), specs[0].ttl);
  EXPECT_EQ("tcp://127.0.0.1:8080", specs[0].health);
  EXPECT_EQ(absl::Seconds(3), specs[0].health_interval);
  EXPECT_EQ(absl::Milliseconds(500), specs[0].health_timeout);
  EXPECT_EQ("confwatch.toml:2:1", specs[0].where);
  // Defaults.
  EXPECT_EQ("/services/api/x", specs[1].key);
  EXPECT_EQ("", specs[1].value);
  EXPECT_EQ(absl::Seconds(10), specs[1].ttl);
  EXPECT_EQ("", specs[1].health);
  EXPECT_EQ(absl::Seconds(5), specs[1].health_interval);
  EXPECT_EQ(absl::Seconds(2), specs[1].health_timeout);
  EXPECT_EQ("confwatch.toml:10:1", specs[1].where);
}

TEST(ParseRegistrations, NoRegisterTablesIsAnEmptyList) {
  EXPECT_TRUE(MustParse("backend = \"etcdv3\"\nnodes = [\"a:2379\"]\n").empty());
}

TEST(ParseRegistrations, UnknownKeyIsAWarningWithPosition) {
  std::vector<std::string> warnings;
  std::vector<RegistrationSpec> specs =
      MustParse("[[register]]\nkey = \"/k\"\ntll = \"5s\"\n", &warnings);
  EXPECT_EQ(1u, specs.size());
  EXPECT_THAT(warnings, ElementsAre("confwatch.toml:3:1: unknown key \"tll\" in [[register]] "
                                    "(did you mean \"ttl\"?)"));
}

TEST(ParseRegistrations, BadValuesNameFileLineAndKey) {
  EXPECT_EQ("confwatch.toml:3:7: ttl: must be at least 1s, got 500ms",
            ParseError("[[register]]\nkey = \"/k\"\nttl = \"500ms\"\n"));
  EXPECT_EQ("confwatch.toml:3:7: ttl: must be whole seconds, got 1.5s",
            ParseError("[[register]]\nkey = \"/k\"\nttl = \"1.5s\"\n"));
  EXPECT_EQ("confwatch.toml:3:7: ttl: time: invalid duration \"ten\"",
            ParseError("[[register]]\nkey = \"/k\"\nttl = \"ten\"\n"));
  EXPECT_EQ("confwatch.toml:3:7: ttl: expected a duration string like \"30s\", got integer",
            ParseError("[[register]]\nkey = \"/k\"\nttl = 10\n"));
  EXPECT_EQ("confwatch.toml:2:7: key: expected a string, got integer",
            ParseError("[[register]]\nkey = 5\n"));
  EXPECT_EQ("confwatch.toml:3:19: health_interval: must be positive",
            ParseError("[[register]]\nkey = \"/k\"\nhealth_interval = \"0s\"\n"));
  EXPECT_EQ("confwatch.toml:3:10: health: health check \"udp://x:1\": unsupported scheme "
            "\"udp\" (use tcp://, http://, https:// or a command)",
            ParseError("[[register]]\nkey = \"/k\"\nhealth = \"udp://x:1\"\n"));
}

TEST(ParseRegistrations, TableWithoutKeyIsAnError) {
  EXPECT_EQ("confwatch.toml:2:1: [[register]] needs a key",
            ParseError("x = 1\n[[register]]\nvalue = \"v\"\n"));
}

TEST(ParseRegistrations, SingleTableInsteadOfArrayIsAnError) {
  EXPECT_EQ("confwatch.toml:1:1: register: expected [[register]] tables, got a single table",
            ParseError("[register]\nkey = \"/k\"\n"));
}

TEST(LoadRegistrations, MissingFileNamesThePath) {
  absl::StatusOr<std::vector<RegistrationSpec>> specs =
      LoadRegistrations("/nonexistent/confwatch.toml", nullptr);
  EXPECT_EQ(absl::NotFoundError("IO error: /nonexistent/confwatch.toml: No such file or directory"),
            specs.status());
}

class RenderTest : public ::testing::Test {
 protected:
  RenderTest() {
    env_.hostname = "web-1";
    env_.env["PORT"] = "8080";
    funcs_ = ConfwatchFuncMap(env_);
    AddHostIPFuncs(&funcs_, [this] { return addresses_; });
  }
  RegistrationSpec Spec(std::string key, std::string value) {
    RegistrationSpec s;
    s.key = std::move(key);
    s.value = std::move(value);
    s.where = "command line";
    return s;
  }
  std::string RenderError(const RegistrationSpec& spec) {
    absl::StatusOr<Registration> r = RenderRegistration(spec, funcs_);
    return r.ok() ? "<no error>" : std::string(r.status().message());
  }

  testing::FakeFuncEnv env_;
  std::vector<InterfaceAddress> addresses_ = {{"lo", "127.0.0.1", true, true},
                                              {"eth0", "10.1.2.3", true, false}};
  FuncMap funcs_;
};

TEST_F(RenderTest, KeyAndValueSeeHostnameEnvAndHostIP) {
  RegistrationSpec spec = Spec("/services/web/{{hostname}}:{{getenv \"PORT\"}}",
                               "{{hostIP}}:{{getenv \"PORT\"}}");
  spec.ttl = absl::Seconds(7);
  spec.health = "tcp://127.0.0.1:8080";
  absl::StatusOr<Registration> r = RenderRegistration(spec, funcs_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/services/web/web-1:8080", r->key);
  EXPECT_EQ("10.1.2.3:8080", r->value);
  EXPECT_EQ(7, r->ttl_seconds);
  ASSERT_TRUE(r->health.has_value());
  EXPECT_EQ(HealthTarget::Kind::kTcp, r->health->kind);
  EXPECT_EQ("127.0.0.1", r->health->host);
  EXPECT_EQ(8080, r->health->port);
}

TEST_F(RenderTest, GoMicroNodeRecord) {
  RegistrationSpec spec = Spec(
      "/micro/registry/web/web-{{hostname}}",
      R"({"name":"web","version":"1.0","endpoints":[],"nodes":[{"id":"web-{{hostname}}",)"
      R"("address":"{{hostIP}}:{{getenv "PORT"}}","metadata":{"ips":{{toJson hostIPs}}}}]})");
  absl::StatusOr<Registration> r = RenderRegistration(spec, funcs_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/micro/registry/web/web-web-1", r->key);
  EXPECT_EQ(R"({"name":"web","version":"1.0","endpoints":[],"nodes":[{"id":"web-web-1",)"
            R"("address":"10.1.2.3:8080","metadata":{"ips":["10.1.2.3"]}}]})",
            r->value);
}

TEST_F(RenderTest, TemplateErrorsNameWhereAndField) {
  EXPECT_EQ("command line: key: template: key:1: function \"nope\" not defined",
            RenderError(Spec("/k/{{nope}}", "")));
  EXPECT_EQ("command line: value: template: value:1: unclosed action",
            RenderError(Spec("/k", "{{hostIP")));
  EXPECT_EQ("command line: key: renders to an empty string",
            RenderError(Spec("{{getenv \"UNSET\"}}", "")));
}

TEST_F(RenderTest, HostIPWithoutAddressIsARenderError) {
  addresses_ = {{"lo", "127.0.0.1", true, true}};
  EXPECT_EQ("command line: value: template: value:1:2: executing \"value\" at <hostIP>: "
            "error calling hostIP: no non-loopback network address",
            RenderError(Spec("/k", "{{hostIP}}")));
}

TEST(HostIP, PrefersPrivateIPv4AndSkipsLoopbackDownAndLinkLocal) {
  std::vector<InterfaceAddress> all = {
      {"lo", "127.0.0.1", true, true},        {"lo", "::1", true, true},
      {"eth0", "fe80::1", true, false},       {"eth0", "203.0.113.7", true, false},
      {"eth1", "192.168.1.20", false, false}, {"eth2", "172.20.0.5", true, false},
      {"eth2", "fd00::5", true, false},
  };
  EXPECT_THAT(UsableHostIPs(all), ElementsAre("203.0.113.7", "172.20.0.5", "fd00::5"));
  EXPECT_EQ("172.20.0.5", *PickHostIP(all));
}

TEST(HostIP, FallsBackToPublicIPv4ThenIPv6) {
  EXPECT_EQ("203.0.113.7", *PickHostIP({{"eth0", "fd00::5", true, false},
                                        {"eth0", "203.0.113.7", true, false}}));
  EXPECT_EQ("fd00::5", *PickHostIP({{"eth0", "fd00::5", true, false}}));
  EXPECT_EQ("no non-loopback network address",
            PickHostIP({{"lo", "127.0.0.1", true, true}}).status().message());
}

TEST(HealthTarget, ParsesTcpHttpAndCommands) {
  absl::StatusOr<HealthTarget> tcp = ParseHealthTarget("tcp://[::1]:9000");
  ASSERT_TRUE(tcp.ok()) << tcp.status();
  EXPECT_EQ(HealthTarget::Kind::kTcp, tcp->kind);
  EXPECT_EQ("::1", tcp->host);
  EXPECT_EQ(9000, tcp->port);
  EXPECT_EQ(HealthTarget::Kind::kHttp, ParseHealthTarget("http://127.0.0.1:8080/health")->kind);
  EXPECT_EQ(HealthTarget::Kind::kHttp, ParseHealthTarget("HTTPS://example.com")->kind);
  absl::StatusOr<HealthTarget> cmd = ParseHealthTarget("curl -fs http://127.0.0.1/health");
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(HealthTarget::Kind::kCommand, cmd->kind);
  EXPECT_EQ("curl -fs http://127.0.0.1/health", cmd->command);
}

TEST(HealthTarget, BadTargetsSayWhatIsExpected) {
  auto error = [](const char* text) {
    return std::string(ParseHealthTarget(text).status().message());
  };
  EXPECT_EQ("health check \"tcp://web\": expected tcp://host:port", error("tcp://web"));
  EXPECT_EQ("health check \"tcp://web:x\": port must be a number 1-65535", error("tcp://web:x"));
  EXPECT_EQ("health check \"tcp://web:0\": port must be a number 1-65535", error("tcp://web:0"));
  EXPECT_EQ("health check \"http://\": expected http://host[:port]/path", error("http://"));
  EXPECT_EQ("health check must not be empty", error("  "));
}

}  // namespace
}  // namespace confwatch
