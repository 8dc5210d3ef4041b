#include "app/options.h"

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FakeEnvironment : public Environment {
 public:
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;

  std::optional<std::string> GetEnv(const std::string& name) const override {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::string> ReadFile(const std::string& path) const override {
    auto it = files.find(path);
    if (it == files.end()) return IoError(path, ENOENT);
    return it->second;
  }
  absl::StatusOr<std::string> ReadFileAndMode(const std::string& path,
                                              mode_t* mode) const override {
    auto it = modes.find(path);
    *mode = it == modes.end() ? 0600 : it->second;
    return ReadFile(path);
  }
  absl::Status CheckTrusted(const std::string& path) const override {
    auto it = untrusted.find(path);
    return it == untrusted.end() ? absl::OkStatus() : it->second;
  }
  std::map<std::string, mode_t> modes;  // 0600 unless listed
  std::map<std::string, absl::Status> untrusted;  // trusted unless listed
};

absl::StatusOr<Options> Parse(std::vector<std::string> args,
                              const Environment& env = FakeEnvironment()) {
  std::vector<const char*> argv = {"confwatch"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return LoadOptions(static_cast<int>(argv.size()), argv.data(), env);
}

// What `args` parse to, printed; the error message when they do not parse.
std::string Described(std::vector<std::string> args,
                      const Environment& env = FakeEnvironment()) {
  absl::StatusOr<Options> o = Parse(std::move(args), env);
  if (!o.ok()) return std::string(o.status().message());
  return DescribeOptions(*o);
}

constexpr char kDefaultNode[] = "node=127.0.0.1:2379";

TEST(LoadOptions, DefaultsAreConfds) {
  absl::StatusOr<Options> o = Parse({});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->onetime);
  EXPECT_FALSE(o->watch);
  EXPECT_EQ(absl::Seconds(600), o->interval);
  EXPECT_EQ("/etc/confd", o->confdir);
  EXPECT_EQ("etcdv3", o->backend);
  EXPECT_THAT(o->nodes, ElementsAre("127.0.0.1:2379"));
  EXPECT_EQ("", o->prefix);
  EXPECT_EQ("http", o->scheme);
  EXPECT_EQ("*", o->filter);
  EXPECT_EQ(LogLevel::kInfo, o->log_level);
  EXPECT_EQ(LogFormat::kText, o->log_format);
  EXPECT_EQ(absl::Seconds(30), o->exec_wait_timeout);
  EXPECT_EQ("SIGHUP", o->exec_reload_signal);
  EXPECT_EQ("SIGTERM", o->exec_kill_signal);
  EXPECT_EQ(absl::Seconds(10), o->exec_kill_timeout);
  EXPECT_EQ(absl::ZeroDuration(), o->exec_splay);
  EXPECT_EQ("never", o->exec_restart);
  EXPECT_EQ(5, o->exec_restart_limit);
  EXPECT_EQ("", o->config_file);
  EXPECT_THAT(o->exec_command, IsEmpty());
  EXPECT_THAT(o->warnings, IsEmpty());
  EXPECT_EQ(kDefaultNode, DescribeOptions(*o));
}

struct FlagCase {
  std::vector<std::string> args;
  std::string described;  // DescribeOptions() of the result, or the error
};

TEST(LoadOptions, FlagsTakeOneOrTwoDashesAndEqualsOrSeparateValues) {
  const FlagCase cases[] = {
      {{"-onetime"}, "onetime=true node=127.0.0.1:2379"},
      {{"--onetime"}, "onetime=true node=127.0.0.1:2379"},
      {{"-interval", "30"}, "interval=30s node=127.0.0.1:2379"},
      {{"-interval=30"}, "interval=30s node=127.0.0.1:2379"},
      {{"--interval", "30"}, "interval=30s node=127.0.0.1:2379"},
      {{"--interval=30"}, "interval=30s node=127.0.0.1:2379"},
      {{"-confdir", "/srv/confd"}, "confdir=/srv/confd node=127.0.0.1:2379"},
      {{"--prefix=/production"}, "prefix=/production node=127.0.0.1:2379"},
      // A separate value may start with a dash, as in Go.
      {{"-prefix", "-odd"}, "prefix=-odd node=127.0.0.1:2379"},
      {{"-log-level", "DEBUG", "--log-format=json"},
       "node=127.0.0.1:2379 log-level=debug log-format=json"},
      {{"-backend", "etcd"}, "node=127.0.0.1:2379"},  // the alias is the default
      {{"-backend=env"}, "backend=env"},
      {{"-exec-wait-timeout", "1m30s"}, "node=127.0.0.1:2379 exec-wait-timeout=1m30s"},
      {{"-exec-wait-timeout", "25"}, "node=127.0.0.1:2379 exec-wait-timeout=25s"},
      // The last of a repeated scalar wins, as in Go.
      {{"-interval", "5", "-interval", "7"}, "interval=7s node=127.0.0.1:2379"},
  };
  for (const FlagCase& c : cases) {
    EXPECT_EQ(c.described, Described(c.args)) << absl::StrJoin(c.args, " ");
  }
}

TEST(LoadOptions, BoolFlagsTakeGoSpellingsAndNeverConsumeTheNextArgument) {
  const FlagCase cases[] = {
      {{"-noop", "-watch"}, "watch=true noop=true node=127.0.0.1:2379"},
      {{"-noop=true"}, "noop=true node=127.0.0.1:2379"},
      {{"-noop=1"}, "noop=true node=127.0.0.1:2379"},
      {{"-noop=T"}, "noop=true node=127.0.0.1:2379"},
      {{"-noop=True"}, "noop=true node=127.0.0.1:2379"},
      {{"-noop", "-noop=false"}, kDefaultNode},
      {{"-noop", "-noop=0"}, kDefaultNode},
      {{"-noop", "-noop=F"}, kDefaultNode},
      {{"-noop=yes"}, "-noop must be true or false, got \"yes\""},
      // Go's flag package reads `-noop false` as -noop plus an argument.
      {{"-noop", "false"},
       "unexpected argument \"false\": flags come first, a command to run goes after --"},
  };
  for (const FlagCase& c : cases) {
    EXPECT_EQ(c.described, Described(c.args)) << absl::StrJoin(c.args, " ");
  }
}

TEST(LoadOptions, NodesRepeatAndSplitOnCommas) {
  EXPECT_EQ("node=a:2379,b:2379,c:2379,d:2379,e:2379",
            Described({"-node", "a:2379", "--node=b:2379,c:2379", "-node", " d:2379 , e:2379,"}));
  EXPECT_EQ("backend=file file=/a.yaml,/b.yaml,/c.yaml",
            Described({"-backend=file", "-file", "/a.yaml", "-file=/b.yaml,/c.yaml"}));
}

TEST(LoadOptions, EverythingAfterDoubleDashIsTheCommandVerbatim) {
  absl::StatusOr<Options> o =
      Parse({"-watch", "--", "nginx", "-g", "daemon off;", "--", "-onetime"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->watch);
  EXPECT_FALSE(o->onetime);
  EXPECT_THAT(o->exec_command, ElementsAre("nginx", "-g", "daemon off;", "--", "-onetime"));
}

TEST(LoadOptions, BadCommandLinesSayWhatIsWrong) {
  const FlagCase cases[] = {
      {{"-intervall", "5"}, "unknown flag -intervall (did you mean -interval?)"},
      {{"-wacth"}, "unknown flag -wacth (did you mean -watch?)"},
      {{"--onetim"}, "unknown flag --onetim (did you mean --onetime?)"},
      {{"--bogus=1"}, "unknown flag --bogus (see confwatch --help)"},
      {{"-debug"}, "unknown flag -debug (see confwatch --help)"},
      {{"-interval", "x"}, "-interval must be a positive number of seconds, got \"x\""},
      {{"--interval=0"}, "--interval must be a positive number of seconds, got \"0\""},
      {{"-interval=-5"}, "-interval must be a positive number of seconds, got \"-5\""},
      {{"-interval=1.5"}, "-interval must be a positive number of seconds, got \"1.5\""},
      {{"-interval"}, "flag needs an argument: -interval"},
      {{"-onetime=maybe"}, "-onetime must be true or false, got \"maybe\""},
      {{"nginx"},
       "unexpected argument \"nginx\": flags come first, a command to run goes after --"},
      {{"-"}, "unexpected argument \"-\": flags come first, a command to run goes after --"},
      {{"---x"}, "bad flag syntax: ---x"},
      {{"-=x"}, "bad flag syntax: -=x"},
      {{"-backend", "consul"}, "-backend must be etcdv3 (or etcd), file or env, got \"consul\""},
      {{"-log-level", "loud"},
       "-log-level must be debug, info, warning, error, fatal or panic, got \"loud\""},
      {{"-log-format", "xml"}, "-log-format must be text or json, got \"xml\""},
      {{"-exec-wait-timeout", "soon"},
       "-exec-wait-timeout must be a duration such as 10s or 1m30s, got \"soon\""},
      {{"-exec-wait-timeout", "-1s"},
       "-exec-wait-timeout must be a duration such as 10s or 1m30s, got \"-1s\""},
      {{"-backend", "file"}, "-backend file needs at least one -file"},
      {{"-client-cert", "c.pem"}, "-client-cert and -client-key must be given together"},
      {{"-client-key", "k.pem"}, "-client-cert and -client-key must be given together"},
      {{"--scheme", "ftp"}, "--scheme must be http or https, got \"ftp\""},
      {{"-metrics-addr", "9100"},
       "-metrics-addr must be host:port such as 127.0.0.1:9100, got \"9100\""},
  };
  for (const FlagCase& c : cases) {
    EXPECT_EQ(c.described, Described(c.args)) << absl::StrJoin(c.args, " ");
  }
}

TEST(LoadOptions, EnvironmentSetsEveryOption) {
  FakeEnvironment env;
  env.vars = {
      {"CONFWATCH_ONETIME", "true"},
      {"CONFWATCH_INTERVAL", "30"},
      {"CONFWATCH_LOG_LEVEL", "debug"},
      {"CONFWATCH_NODE", "a:2379,b:2379"},
      {"CONFWATCH_CLIENT_CA_KEYS", "/ca.pem"},
      {"CONFWATCH_KEEP_STAGE_FILE", "1"},
      {"CONFWATCH_CONFDIR", ""},  // empty counts as unset
      {"CONFWATCH_PASSWORD", "s3cret"},
  };
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(
      "onetime=true interval=30s keep-stage-file=true node=a:2379,b:2379 client-ca-keys=/ca.pem "
      "password=<redacted> log-level=debug",
      DescribeOptions(*o));
  EXPECT_EQ("s3cret", o->password);
}

TEST(LoadOptions, EnvironmentErrorsNameTheVariable) {
  FakeEnvironment env;
  env.vars = {{"CONFWATCH_INTERVAL", "abc"}};
  EXPECT_EQ("CONFWATCH_INTERVAL must be a positive number of seconds, got \"abc\"",
            Described({}, env));
}

TEST(LoadOptions, ConfdClientVariablesRankBelowOurs) {
  FakeEnvironment env;
  env.vars = {{"CONFD_CLIENT_CERT", "/confd.crt"},
              {"CONFD_CLIENT_KEY", "/confd.key"},
              {"CONFWATCH_CLIENT_KEY", "/ours.key"},
              {"CONFD_CLIENT_CAKEYS", "/confd-ca.pem"}};
  EXPECT_EQ("node=127.0.0.1:2379 client-cert=/confd.crt client-key=/ours.key "
            "client-ca-keys=/confd-ca.pem",
            Described({}, env));
}

TEST(LoadOptions, FlagsBeatEnvironmentBeatsFileBeatsDefaults) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] =
      "interval = 100\n"
      "confdir = \"/file\"\n"
      "prefix = \"/file\"\n"
      "log-level = \"warning\"\n"
      "nodes = [\"file:2379\", \"file2:2379\"]\n";
  env.vars = {{"CONFWATCH_INTERVAL", "200"},
              {"CONFWATCH_CONFDIR", "/env"},
              {"CONFWATCH_NODE", "env:2379"}};
  absl::StatusOr<Options> o = Parse({"-interval", "300"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("/etc/confd/confd.toml", o->config_file);
  // interval: flag; confdir and node (whole list): environment; prefix and
  // log-level: file; everything else: defaults.
  EXPECT_EQ("interval=5m confdir=/env config-file=/etc/confd/confd.toml prefix=/file "
            "node=env:2379 log-level=warning",
            DescribeOptions(*o));
}

TEST(LoadOptions, AnOverriddenBadValueInTheFileIsNotAnError) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "backend = \"consul\"\n";
  EXPECT_EQ("config-file=/etc/confd/confd.toml backend=env", Described({"-backend", "env"}, env));
}

TEST(LoadOptions, ConfdExampleConfigFileIsUnderstood) {
  // The example of confd's docs/configuration-guide.md, nodes on port 2379.
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = R"(backend = "etcd"
client_cert = "/etc/confd/ssl/client.crt"
client_key = "/etc/confd/ssl/client.key"
confdir = "/etc/confd"
log-level = "debug"
interval = 600
nodes = [
  "http://127.0.0.1:2379",
]
noop = false
prefix = "/production"
scheme = "https"
srv_domain = "etcd.example.com"
)";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(
      "config-file=/etc/confd/confd.toml prefix=/production node=http://127.0.0.1:2379 "
      "scheme=https "
      "srv-domain=etcd.example.com srv-record=_etcd._tcp.etcd.example.com. "
      "client-cert=/etc/confd/ssl/client.crt client-key=/etc/confd/ssl/client.key "
      "log-level=debug",
      DescribeOptions(*o));
  EXPECT_THAT(o->warnings, ElementsAre("/etc/confd/confd.toml:1:11: backend etcd: the etcd v2 "
                                       "API is not supported; reading etcd's v3 keyspace"));
}

TEST(LoadOptions, FileKeysMatchCaseInsensitivelyAndTakeConfdSpellings) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] =
      "Backend = \"ETCDV3\"\n"
      "KeepStageFile = true\n"
      "sync-only = true\n"
      "client_cakeys = \"/ca.pem\"\n"
      "basic_auth = true\n"
      "Watch = true\n";
  EXPECT_EQ("watch=true sync-only=true keep-stage-file=true config-file=/etc/confd/confd.toml "
            "node=127.0.0.1:2379 client-ca-keys=/ca.pem basic-auth=true",
            Described({}, env));
}

TEST(LoadOptions, UnknownFileKeysAreWarningsWithPosition) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] =
      "backend = \"etcdv3\"\n"
      "intervall = 5\n"
      "  colour = \"blue\"\n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->warnings,
              ElementsAre("/etc/confd/confd.toml:2:1: unknown key \"intervall\" in the "
                          "configuration file (did you mean \"interval\"?)",
                          "/etc/confd/confd.toml:3:3: unknown key \"colour\" in the "
                          "configuration file"));
}

TEST(LoadOptions, BadFileValuesPointAtTheValue) {
  const struct {
    const char* file;
    const char* error;
  } cases[] = {
      {"interval = \"600\"\n",
       "/etc/confd/confd.toml:1:12: interval: expected an integer (seconds), got string"},
      {"\ninterval = 0\n",
       "/etc/confd/confd.toml:2:12: interval must be a positive number of seconds, got \"0\""},
      {"noop = \"yes\"\n", "/etc/confd/confd.toml:1:8: noop: expected a boolean, got string"},
      {"nodes = [1]\n", "/etc/confd/confd.toml:1:10: nodes: expected a string, got integer"},
      {"backend = \"zookeeper\"\n",
       "/etc/confd/confd.toml:1:11: backend must be etcdv3 (or etcd), file or env, got "
       "\"zookeeper\""},
      {"client_cakeys = \"/a\"\nclient_ca_keys = \"/b\"\n",
       "/etc/confd/confd.toml:2:18: client_ca_keys: sets the same option as \"client_cakeys\""},
  };
  for (const auto& c : cases) {
    FakeEnvironment env;
    env.files["/etc/confd/confd.toml"] = c.file;
    EXPECT_EQ(c.error, Described({}, env)) << c.file;
  }
}

TEST(LoadOptions, TomlSyntaxErrorsNameTheFile) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "interval = \n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(std::string(o.status().message()), ::testing::StartsWith("/etc/confd/confd.toml:1:"));
}

TEST(LoadOptions, InvalidUtf8InTheConfigFileIsRefusedWithItsPosition) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "prefix = \"/a\"\nnodes = [\"\xff\"]\n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ("/etc/confd/confd.toml:2:11: invalid UTF-8 (byte 0xff)", o.status().message());
}

TEST(LoadOptions, ConfigFileIsFoundOrNamed) {
  FakeEnvironment env;
  env.files["/etc/confwatch/confwatch.toml"] = "prefix = \"/ours\"\n";
  env.files["/etc/confd/confd.toml"] = "prefix = \"/confd\"\n";
  env.files["/srv/named.toml"] = "prefix = \"/named\"\n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ("/etc/confwatch/confwatch.toml", o->config_file);
  EXPECT_EQ("/ours", o->prefix);

  o = Parse({"-config-file", "/srv/named.toml"}, env);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ("/srv/named.toml", o->config_file);
  EXPECT_EQ("/named", o->prefix);

  FakeEnvironment with_var = env;
  with_var.vars["CONFWATCH_CONFIG_FILE"] = "/srv/named.toml";
  o = Parse({}, with_var);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ("/named", o->prefix);

  // An empty name reads no file at all.
  o = Parse({"-config-file="}, env);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ("", o->config_file);
  EXPECT_EQ("", o->prefix);

  env.files.erase("/etc/confwatch/confwatch.toml");
  o = Parse({}, env);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ("/etc/confd/confd.toml", o->config_file);
  EXPECT_EQ("/confd", o->prefix);
}

TEST(LoadOptions, NamedConfigFileThatIsMissingIsAnError) {
  EXPECT_EQ("config file: IO error: /nope.toml: No such file or directory",
            Described({"--config-file=/nope.toml"}));
}

// The config file chooses the [exec] command run as root: one another user
// could write is refused, whether named or found at a default path.
TEST(LoadOptions, ConfigFileAnotherUserCouldWriteIsRefused) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "[exec]\ncommand = \"sh -c evil\"\n";
  env.untrusted["/etc/confd/confd.toml"] = absl::FailedPreconditionError(
      "untrusted path /etc/confd/confd.toml (owner uid 1001, mode 0644): owned by another user");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, std::vector<std::string>{"-config-file=/etc/confd/confd.toml"}}) {
    absl::StatusOr<Options> o = Parse(args, env);
    EXPECT_EQ(absl::FailedPreconditionError("config file: untrusted path /etc/confd/confd.toml "
                                            "(owner uid 1001, mode 0644): owned by another user"),
              o.status());
  }
}

TEST(LoadOptions, IgnoredConfdOptionsWarnWhereverTheyComeFrom) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "table = \"t\"\n";
  env.vars["CONFWATCH_AUTH_TYPE"] = "app-id";
  absl::StatusOr<Options> o = Parse({"-auth-token", "x", "-client-insecure=false"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->warnings,
              ElementsAre("-auth-token is a confd option confwatch ignores (vault and consul "
                          "backends)",
                          "CONFWATCH_AUTH_TYPE is a confd option confwatch ignores (vault backend)",
                          "/etc/confd/confd.toml:1:9: table is a confd option confwatch ignores "
                          "(dynamodb backend)"));
}

// README: -client-insecure is refused (false, confd's default, is accepted).
TEST(LoadOptions, ClientInsecureIsRefused) {
  EXPECT_EQ("-client-insecure is not supported: trust a private CA with -client-ca-keys",
            Described({"-client-insecure"}));
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "client_insecure = true\n";
  EXPECT_EQ(
      "/etc/confd/confd.toml:1:19: client_insecure is not supported: trust a private CA with "
      "-client-ca-keys",
      Described({}, env));
}

// confd's "etcd" is the v2 API; confwatch reads v3 and says so once.
TEST(LoadOptions, BackendEtcdWarnsThatV2IsNotSupported) {
  const std::string kV2 = " etcd: the etcd v2 API is not supported; reading etcd's v3 keyspace";
  absl::StatusOr<Options> o = Parse({"-backend", "etcd"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->warnings, ElementsAre("-backend" + kV2));
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "backend = \"etcd\"\n";
  o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->warnings, ElementsAre("/etc/confd/confd.toml:1:11: backend" + kV2));
  for (const char* quiet : {"etcdv3", "env"}) {
    o = Parse({"-backend", quiet});
    ASSERT_TRUE(o.ok()) << o.status();
    EXPECT_THAT(o->warnings, IsEmpty()) << quiet;
  }
  o = Parse({});  // the default is not the user asking for v2
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->warnings, IsEmpty());
}

TEST(LoadOptions, WatchWithOnetimeWarns) {
  absl::StatusOr<Options> o = Parse({"-onetime", "--watch"});
  ASSERT_TRUE(o.ok());
  EXPECT_THAT(o->warnings, ElementsAre("--watch is ignored with -onetime"));
}

TEST(LoadOptions, SrvRecordIsDerivedFromTheBackendAsWritten) {
  EXPECT_EQ("srv-domain=example.com srv-record=_etcd._tcp.example.com.",
            Described({"-srv-domain", "example.com"}));
  EXPECT_EQ("srv-domain=example.com srv-record=_etcdv3._tcp.example.com.",
            Described({"-backend", "etcdv3", "-srv-domain", "example.com"}));
  EXPECT_EQ("srv-record=_etcd-client._tcp.example.com",
            Described({"-srv-record", "_etcd-client._tcp.example.com"}));
}

TEST(LoadOptions, HelpAndVersionIgnoreABrokenConfigFile) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "this is not toml";
  for (const char* flag : {"-h", "-help", "--help", "--help=true"}) {
    absl::StatusOr<Options> o = Parse({flag}, env);
    ASSERT_TRUE(o.ok()) << flag << ": " << o.status();
    EXPECT_TRUE(o->help) << flag;
  }
  absl::StatusOr<Options> o = Parse({"--version"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->version);
  EXPECT_FALSE(Parse({}, env).ok());
}

TEST(LoadOptions, PasswordFileIsReadOnceWithOneTrailingNewlineDropped) {
  FakeEnvironment env;
  env.files = {{"/run/secrets/pw", "s3cret\n\n"}, {"/c.toml", "password_file = \"/pw2\"\n"},
               {"/pw2", "from-config\n"}};
  absl::StatusOr<Options> o = Parse({"-password-file", "/run/secrets/pw"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("s3cret\n", o->password);  // only one newline is dropped
  EXPECT_EQ("node=127.0.0.1:2379 password=<redacted> password-file=/run/secrets/pw",
            Described({"-password-file", "/run/secrets/pw"}, env));

  o = Parse({"-config-file", "/c.toml"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("from-config", o->password);

  env.vars = {{"CONFWATCH_PASSWORD_FILE", "/pw2"}};
  o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("from-config", o->password);
}

TEST(LoadOptions, PasswordFileOthersCanReadIsRefused) {
  FakeEnvironment env;
  env.files = {{"/pw", "s3cret\n"}};
  const std::pair<mode_t, const char*> cases[] = {
      {0644, "password file /pw is readable by group or others (mode 0644): chmod 600 it"},
      {0640, "password file /pw is readable by group or others (mode 0640): chmod 600 it"},
      {0604, "password file /pw is readable by group or others (mode 0604): chmod 600 it"},
  };
  for (const auto& [mode, message] : cases) {
    env.modes["/pw"] = mode;
    EXPECT_EQ(message, Described({"-password-file", "/pw"}, env));
  }
  env.modes["/pw"] = 0400;
  EXPECT_TRUE(Parse({"-password-file", "/pw"}, env).ok());
  EXPECT_EQ("password file: IO error: /missing: No such file or directory",
            Described({"-password-file", "/missing"}, env));
  EXPECT_EQ("-password-file and -password are both set: keep one",
            Described({"-password-file", "/pw", "-password", "x"}, env));
}

// Every flag the brief names, with a value it must accept. Written out here,
// not taken from the option table, so a flag missing from the table fails.
const std::pair<const char*, const char*> kEveryFlag[] = {
    {"onetime", ""},          {"watch", ""},
    {"interval", "60"},       {"confdir", "/c"},
    {"config-file", "/c.toml"}, {"backend", "etcdv3"},
    {"node", "h:1"},          {"prefix", "/p"},
    {"noop", ""},             {"sync-only", ""},
    {"keep-stage-file", ""},  {"log-level", "warn"},
    {"client-cert", "/c"},    {"client-key", "/k"},
    {"client-ca-keys", "/a"}, {"basic-auth", ""},
    {"username", "u"},        {"password", "p"},
    {"srv-domain", "d"},      {"srv-record", "r"},
    {"scheme", "https"},      {"file", "/f"},
    {"filter", "*.yaml"},     {"version", ""},
    {"diff", ""},             {"log-format", "json"},
    {"diff-secrets", ""},     {"password-file", "/pw"},
    {"check-config", ""},     {"preflight", ""},
    {"metrics-addr", ":9100"}, {"subreaper", ""},
    {"exec-wait-timeout", "5s"}, {"help", ""},
    {"exec-reload-signal", "USR1"}, {"exec-kill-signal", "QUIT"},
    {"exec-kill-timeout", "3s"}, {"exec-splay", "1s"},
    {"exec-restart", "always"}, {"exec-restart-limit", "0"},
    {"auth-token", "t"},      {"auth-type", "t"},
    {"app-id", "a"},          {"user-id", "u"},
    {"role-id", "r"},         {"secret-id", "s"},
    {"path", "p"},            {"table", "t"},
    {"separator", "/"},       {"secret-keyring", "/k"},
    {"client-insecure", "false"},
};

TEST(LoadOptions, EveryFlagIsAccepted) {
  for (const auto& [name, value] : kEveryFlag) {
    std::vector<std::string> args = {absl::StrCat("--", name, *value ? "=" : "", value)};
    // Options that only make sense with a partner.
    if (std::string(name) == "client-cert") args.push_back("-client-key=/k");
    if (std::string(name) == "client-key") args.push_back("-client-cert=/c");
    FakeEnvironment env;
    env.files["/c.toml"] = "";
    env.files["/pw"] = "p\n";
    absl::StatusOr<Options> o = Parse(args, env);
    EXPECT_TRUE(o.ok()) << name << ": " << o.status();
  }
}

TEST(HelpText, ListsEveryFlagWithItsDefault) {
  std::string help = HelpText();
  std::vector<std::string> lines = absl::StrSplit(help, '\n');
  for (const auto& [name, value] : kEveryFlag) {
    std::string start = absl::StrCat("  -", name, " ");
    bool found = false;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind(start, 0) != 0 && lines[i] != absl::StrCat("  -", name)) continue;
      found = true;
      // The flag's entry runs until the next flag or section.
      std::string entry = lines[i];
      for (size_t j = i + 1; j < lines.size() && absl::StartsWith(lines[j], "    "); ++j) {
        entry += lines[j];
      }
      EXPECT_THAT(entry, HasSubstr("(default ")) << name;
    }
    EXPECT_TRUE(found) << name << " missing from:\n" << help;
  }
  EXPECT_THAT(help, HasSubstr("-interval seconds"));
  EXPECT_THAT(help, HasSubstr("(default 600)"));
  EXPECT_THAT(help, HasSubstr("CONFWATCH_<FLAG>"));
  EXPECT_THAT(help, HasSubstr("\n       confwatch register --key KEY"));
  EXPECT_THAT(help, HasSubstr("YAML, JSON or TOML file"));
  for (const std::string& line : lines) EXPECT_LT(line.size(), 80u) << line;
}

TEST(LoadOptions, ExecTableSetsTheExecOptionsAndItsCommand) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] =
      "watch = true\n"
      "[exec]\n"
      "command = [\"nginx\", \"-g\", \"daemon off;\"]\n"
      "reload_signal = \"SIGUSR1\"\n"
      "kill_signal = \"QUIT\"\n"
      "kill_timeout = \"20s\"\n"
      "splay = \"2s\"\n"
      "restart = \"on-failure\"\n"
      "restart_limit = 3\n"
      "wait_timeout = \"1m\"\n"
      "[[register]]\n"
      "key = \"/svc/web/a\"\n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->exec_command, ElementsAre("nginx", "-g", "daemon off;"));
  EXPECT_THAT(o->warnings, IsEmpty());  // [[register]] is not ours, and not unknown
  EXPECT_EQ(
      "watch=true config-file=/etc/confd/confd.toml node=127.0.0.1:2379 "
      "exec-wait-timeout=1m exec-reload-signal=SIGUSR1 exec-kill-signal=QUIT exec-kill-timeout=20s exec-splay=2s "
      "exec-restart=on-failure exec-restart-limit=3",
      DescribeOptions(*o));
}

TEST(LoadOptions, ExecStringCommandRunsThroughShellAndCommandLineWins) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "[exec]\ncommand = \"app --flag && echo done\"\n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->exec_command, ElementsAre("/bin/sh", "-c", "app --flag && echo done"));
  o = Parse({"--", "other", "x"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->exec_command, ElementsAre("other", "x"));
  // A shared file's [exec] command does not get in the way of -onetime.
  o = Parse({"-onetime"}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->exec_command, IsEmpty());
}

TEST(LoadOptions, UnknownExecKeysAreWarnings) {
  FakeEnvironment env;
  env.files["/etc/confd/confd.toml"] = "[exec]\nkill_timout = \"5s\"\n";
  absl::StatusOr<Options> o = Parse({}, env);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_THAT(o->warnings, ElementsAre("/etc/confd/confd.toml:2:1: unknown key \"kill_timout\" "
                                       "in [exec] (did you mean \"kill_timeout\"?)"));
}

TEST(LoadOptions, EmptyReloadSignalMeansRestart) {
  absl::StatusOr<Options> o = Parse({"-exec-reload-signal="});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ("", o->exec_reload_signal);
}

TEST(LoadOptions, BadExecValuesNameTheFlagOrKey) {
  const FlagCase cases[] = {
      {{"-exec-kill-signal", "SIGFOO"},
       "-exec-kill-signal: invalid signal \"SIGFOO\": use a name such as HUP or SIGUSR1, or a "
       "number 1-64"},
      {{"--exec-reload-signal=0"},
       "--exec-reload-signal: invalid signal \"0\": use a name such as HUP or SIGUSR1, or a "
       "number 1-64"},
      {{"-exec-restart", "sometimes"},
       "-exec-restart: invalid restart policy \"sometimes\": use never, on-failure or always"},
      {{"-exec-restart-limit", "-1"},
       "-exec-restart-limit must be a whole number, 0 or more, got \"-1\""},
      {{"-onetime", "--", "app"},
       "-onetime cannot run a command (exec mode): drop -onetime, or run the command after "
       "confwatch -onetime"},
  };
  for (const FlagCase& c : cases) {
    EXPECT_EQ(c.described, Described(c.args)) << absl::StrJoin(c.args, " ");
  }
  FakeEnvironment env;
  env.vars["CONFWATCH_EXEC_KILL_SIGNAL"] = "TERMINATE";
  EXPECT_EQ(
      "CONFWATCH_EXEC_KILL_SIGNAL: invalid signal \"TERMINATE\": use a name such as HUP or "
      "SIGUSR1, or a number 1-64",
      Described({}, env));
  FakeEnvironment file;
  file.files["/etc/confd/confd.toml"] = "[exec]\nkill_signal = \"HUPP\"\n";
  EXPECT_EQ(
      "/etc/confd/confd.toml:2:15: [exec] kill_signal: invalid signal \"HUPP\": use a name "
      "such as HUP or SIGUSR1, or a number 1-64",
      Described({}, file));
  file.files["/etc/confd/confd.toml"] = "exec = 1\n";
  EXPECT_EQ("/etc/confd/confd.toml:1:8: exec: expected a table ([exec]), got integer",
            Described({}, file));
}

}  // namespace
}  // namespace confwatch
