// ParseResource: every [template] field, defaults, and the exact message of
// each way a resource file can be wrong. Positions are 1-based line:column of
// the offending value, counted by hand from the TOML in each case.
#include "resource/resource_loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

ResourceLoadOptions TestOptions(const std::string& global_prefix = "") {
  ResourceLoadOptions options;
  options.confdir = "/etc/confd";
  options.global_prefix = global_prefix;
  options.lookup_user = [](const std::string& name) -> std::optional<uid_t> {
    if (name == "www-data") return 33;
    if (name == "nginx") return 101;
    return std::nullopt;
  };
  options.lookup_group = [](const std::string& name) -> std::optional<gid_t> {
    if (name == "www-data") return 33;
    if (name == "adm") return 4;
    return std::nullopt;
  };
  return options;
}

absl::StatusOr<TemplateResource> Parse(const std::string& toml,
                                       std::vector<std::string>* warnings = nullptr,
                                       const std::string& global_prefix = "") {
  return ParseResource(toml, "app.toml", "app.toml", TestOptions(global_prefix),
                       warnings);
}

// A valid resource plus `extra` as line 4.
std::string WithLine(const std::string& extra) {
  return absl::StrCat("[template]\nsrc = \"a.tmpl\"\ndest = \"/etc/a\"\n", extra, "\n");
}

TEST(ResourceLoader, ReadsEveryField) {
  const std::string toml = R"([template]
src = "nginx.tmpl"
dest = "/etc/nginx/conf.d/upstream.conf"
keys = ["/services/web", "db/"]
prefix = "app"
mode = "0640"
owner = "www-data"
group = "adm"
check_cmd = "nginx -t -c {{.src}}"
reload_cmd = "nginx -s reload"
check_cmd_timeout = "10s"
reload_cmd_timeout = "1m30s"
wait = "2s:10s"
min_reload_interval = "5s"
create_dest_dirs = true
backup = true
output_format = "json"
left_delimiter = "[["
right_delimiter = "]]"
)";
  std::vector<std::string> warnings;
  absl::StatusOr<TemplateResource> r = Parse(toml, &warnings, "/prod");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(R"(name = "app.toml"
src = "/etc/confd/templates/nginx.tmpl"
dest = "/etc/nginx/conf.d/upstream.conf"
prefix = "/prod/app"
keys = ["/prod/app/services/web", "/prod/app/db"]
mode = 0640
uid = 33
gid = 4
check_cmd = "nginx -t -c {{.src}}"
reload_cmd = "nginx -s reload"
check_cmd_timeout = 10s
reload_cmd_timeout = 1m30s
reload_signal = none
pid_file = ""
wait = 2s:10s
min_reload_interval = 5s
create_dest_dirs = true
backup = true
output_format = "json"
delimiters = "[[" "]]"
)",
            r->DebugString());
  EXPECT_EQ("app.toml", r->config_path);
  EXPECT_TRUE(warnings.empty());
}

TEST(ResourceLoader, DefaultsMatchConfd) {
  absl::StatusOr<TemplateResource> r =
      Parse("[template]\nsrc = \"a.tmpl\"\ndest = \"/etc/a\"\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(R"(name = "app.toml"
src = "/etc/confd/templates/a.tmpl"
dest = "/etc/a"
prefix = "/"
keys = []
mode = unset
uid = unset
gid = unset
check_cmd = ""
reload_cmd = ""
check_cmd_timeout = 30s
reload_cmd_timeout = 1m
reload_signal = none
pid_file = ""
wait = 0:0
min_reload_interval = 0
create_dest_dirs = false
backup = false
output_format = ""
delimiters = "{{" "}}"
)",
            r->DebugString());
}

struct ModeCase {
  const char* line;
  mode_t mode;
};

TEST(ResourceLoader, ModeIsAlwaysOctal) {
  const ModeCase cases[] = {
      {"mode = \"0644\"", 0644},  {"mode = \"644\"", 0644},  // confd: decimal 644
      {"mode = 644", 0644},       {"mode = 0o600", 0600},   {"mode = \"0o755\"", 0755},
      {"mode = \"0\"", 0},        {"mode = 0", 0},          {"mode = \"4755\"", 04755},
      {"mode = \"00640\"", 0640},
  };
  for (const ModeCase& c : cases) {
    absl::StatusOr<TemplateResource> r = Parse(WithLine(c.line));
    ASSERT_TRUE(r.ok()) << c.line << ": " << r.status();
    ASSERT_TRUE(r->mode.has_value()) << c.line;
    EXPECT_EQ(c.mode, *r->mode) << c.line;
  }
}

struct PrefixCase {
  const char* global;
  const char* prefix_line;
  const char* keys_line;
  const char* prefix;
  std::vector<std::string> keys;
};

// confd would use only the global prefix when one is set ("/prod" for the
// second and fourth cases); here they concatenate.
TEST(ResourceLoader, GlobalAndResourcePrefixConcatenate) {
  const PrefixCase cases[] = {
      {"", "", "keys = [\"/a\"]", "/", {"/a"}},
      {"/prod", "", "keys = [\"/a\"]", "/prod", {"/prod/a"}},
      {"", "prefix = \"app\"", "keys = [\"a\", \"/b/\"]", "/app", {"/app/a", "/app/b"}},
      {"/prod/", "prefix = \"/app/\"", "keys = [\"/\"]", "/prod/app", {"/prod/app"}},
      {"prod", "prefix = \"app\"", "keys = [\"../x\"]", "/prod/app", {"/prod/x"}},
  };
  for (const PrefixCase& c : cases) {
    std::string toml = WithLine(absl::StrCat(c.prefix_line, "\n", c.keys_line));
    absl::StatusOr<TemplateResource> r = Parse(toml, nullptr, c.global);
    ASSERT_TRUE(r.ok()) << toml << r.status();
    EXPECT_EQ(c.prefix, r->prefix) << toml;
    EXPECT_EQ(c.keys, r->keys) << toml;
  }
}

// OpenIM-style registries write keys without a leading '/'
// ("openim:///user/10.0.2.1:80"): a prefix with a URI scheme keeps it.
TEST(ResourceLoader, PrefixWithUriSchemeKeepsItVerbatim) {
  const PrefixCase cases[] = {
      {"", "prefix = \"openim:///\"", "keys = [\"/\"]", "openim:///", {"openim:///"}},
      {"", "prefix = \"openim:///\"", "keys = [\"user\", \"/msg/\"]", "openim:///",
       {"openim:///user", "openim:///msg"}},
      {"/prod", "prefix = \"etcd+x://svc\"", "keys = [\"a\"]", "etcd+x:///svc",
       {"etcd+x:///svc/a"}},
      {"openim://", "prefix = \"user\"", "keys = [\"/\"]", "openim:///user", {"openim:///user"}},
      {"", "prefix = \"1x://a\"", "keys = [\"/\"]", "/1x:/a", {"/1x:/a"}},  // not a scheme
  };
  for (const PrefixCase& c : cases) {
    std::string toml = WithLine(absl::StrCat(c.prefix_line, "\n", c.keys_line));
    absl::StatusOr<TemplateResource> r = Parse(toml, nullptr, c.global);
    ASSERT_TRUE(r.ok()) << toml << r.status();
    EXPECT_EQ(c.prefix, r->prefix) << toml;
    EXPECT_EQ(c.keys, r->keys) << toml;
  }
}

// go-zero registers "user.rpc/<lease id>": no leading '/', no scheme.
// verbatim_keys concatenates prefix and key as written, without the global
// prefix; without it the same lines are rooted as in confd.
TEST(ResourceLoader, VerbatimKeysAreNotJoinedOntoTheRoot) {
  const PrefixCase cases[] = {
      {"", "verbatim_keys = true", "keys = [\"user.rpc\", \"order.rpc/\"]", "",
       {"user.rpc", "order.rpc/"}},
      {"/prod", "verbatim_keys = true\nprefix = \"prod/\"", "keys = [\"user.rpc\"]", "prod/",
       {"prod/user.rpc"}},
      {"", "verbatim_keys = true", "keys = [\"\"]", "", {""}},
      {"", "verbatim_keys = false", "keys = [\"user.rpc\"]", "/", {"/user.rpc"}},
  };
  for (const PrefixCase& c : cases) {
    std::string toml = WithLine(absl::StrCat(c.prefix_line, "\n", c.keys_line));
    absl::StatusOr<TemplateResource> r = Parse(toml, nullptr, c.global);
    ASSERT_TRUE(r.ok()) << toml << r.status();
    EXPECT_EQ(c.prefix, r->prefix) << toml;
    EXPECT_EQ(c.keys, r->keys) << toml;
  }
}

TEST(ResourceLoader, SrcIsUnderTemplatesDirLikeFilepathJoin) {
  absl::StatusOr<TemplateResource> r =
      Parse("[template]\nsrc = \"sub/../nginx.tmpl\"\ndest = \"/etc/a\"\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/etc/confd/templates/nginx.tmpl", r->src);
  r = Parse("[template]\nsrc = \"/abs.tmpl\"\ndest = \"/etc/a\"\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/etc/confd/templates/abs.tmpl", r->src);
}

TEST(ResourceLoader, WaitFormsOfConsulTemplate) {
  struct {
    const char* line;
    absl::Duration min, max;
  } cases[] = {
      {"wait = \"5s\"", absl::Seconds(5), absl::Seconds(20)},
      {"wait = \"2s:10s\"", absl::Seconds(2), absl::Seconds(10)},
      {"wait = \" 1s : 3s \"", absl::Seconds(1), absl::Seconds(3)},
      {"wait = \"500ms:500ms\"", absl::Milliseconds(500), absl::Milliseconds(500)},
      {"wait = { min = \"1s\", max = \"2s\" }", absl::Seconds(1), absl::Seconds(2)},
      {"wait = { min = \"1s\" }", absl::Seconds(1), absl::Seconds(4)},
  };
  for (const auto& c : cases) {
    absl::StatusOr<TemplateResource> r = Parse(WithLine(c.line));
    ASSERT_TRUE(r.ok()) << c.line << ": " << r.status();
    EXPECT_EQ(c.min, r->wait_min) << c.line;
    EXPECT_EQ(c.max, r->wait_max) << c.line;
  }
}

TEST(ResourceLoader, OwnerGroupAndIds) {
  absl::StatusOr<TemplateResource> r =
      Parse(WithLine("owner = \"nginx\"\ngroup = \"www-data\""));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(101u, r->uid.value_or(0));
  EXPECT_EQ(33u, r->gid.value_or(0));

  r = Parse(WithLine("owner = \"1000\"\ngroup = \"0\""));  // numeric, as chown(1)
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(1000u, r->uid.value_or(0));
  EXPECT_EQ(0u, r->gid.value_or(1));

  r = Parse(WithLine("uid = 0\ngid = 4294967294"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(0u, r->uid.value_or(1));
  EXPECT_EQ(4294967294u, r->gid.value_or(0));

  r = Parse(WithLine("uid = -1\ngid = -1"));  // confd's own "unset"
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->uid.has_value());
  EXPECT_FALSE(r->gid.has_value());
}

TEST(ResourceLoader, ReloadSignalWithPidFileOrChild) {
  absl::StatusOr<TemplateResource> r =
      Parse(WithLine("reload_signal = \"SIGUSR1\"\npid_file = \"/run/app.pid\""));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(SIGUSR1, r->reload_signal);
  EXPECT_EQ("/run/app.pid", r->pid_file);
  EXPECT_TRUE(r->has_reload());

  r = Parse(WithLine("reload_signal = 1"));  // no pid_file: the supervised child
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(SIGHUP, r->reload_signal);
  EXPECT_EQ("", r->pid_file);

  r = Parse(WithLine("reload_signal = \"hup\""));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(SIGHUP, r->reload_signal);
}

TEST(ResourceLoader, FieldNamesMatchCaseInsensitivelyLikeConfd) {
  absl::StatusOr<TemplateResource> r =
      Parse("[template]\nSrc = \"a.tmpl\"\nDEST = \"/etc/a\"\nKeys = [\"/k\"]\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/etc/a", r->dest);
  EXPECT_EQ(std::vector<std::string>{"/k"}, r->keys);
}

TEST(ResourceLoader, OutputFormatAnyCase) {
  absl::StatusOr<TemplateResource> r = Parse(WithLine("output_format = \"YAML\""));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(OutputFormat::kYaml, r->output_format);
  r = Parse(WithLine("output_format = \"toml\""));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(OutputFormat::kToml, r->output_format);
}

struct ErrorCase {
  std::string toml;
  std::string message;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    absl::StatusOr<TemplateResource> r = Parse(c.toml);
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_EQ(absl::StatusCode::kInvalidArgument, r.status().code()) << c.toml;
    EXPECT_EQ(c.message, r.status().message()) << c.toml;
  }
}

TEST(ResourceLoader, BadModeNamesFileLineColumn) {
  const std::string kTail =
      "\" is not an octal file mode from 0000 to 07777 like \"0644\"";
  ExpectErrors({
      {WithLine("mode = \"0x1A4\""), "app.toml:4:8: mode: \"0x1A4" + kTail},
      {WithLine("mode = 0x1A4"), "app.toml:4:8: mode: \"0x1A4" + kTail},
      {WithLine("mode = \"rw-r--r--\""), "app.toml:4:8: mode: \"rw-r--r--" + kTail},
      {WithLine("mode = 800"), "app.toml:4:8: mode: \"800" + kTail},
      {WithLine("mode = \"17777\""), "app.toml:4:8: mode: \"17777" + kTail},
      {WithLine("mode = \"\""), "app.toml:4:8: mode: \"" + kTail},
      {WithLine("mode = -644"), "app.toml:4:8: mode: \"-644" + kTail},
      {WithLine("mode = true"),
       "app.toml:4:8: mode: expected an octal string like \"0644\", got boolean"},
  });
}

TEST(ResourceLoader, BadOwnership) {
  ExpectErrors({
      {WithLine("uid = \"0\""), "app.toml:4:7: uid: expected an integer, got string"},
      {WithLine("uid = -2"), "app.toml:4:7: uid: must be from 0 to 4294967294, got -2"},
      {WithLine("gid = 4294967295"),
       "app.toml:4:7: gid: must be from 0 to 4294967294, got 4294967295"},
      {WithLine("owner = \"nosuchuser\""),
       "app.toml:4:9: owner: unknown user \"nosuchuser\""},
      {WithLine("group = \"nosuchgroup\""),
       "app.toml:4:9: group: unknown group \"nosuchgroup\""},
      {WithLine("owner = \"\""), "app.toml:4:9: owner: must not be empty"},
      {WithLine("uid = 1\nowner = \"nginx\""),
       "app.toml:5:9: owner: uid is also set; use one of them"},
      {WithLine("group = \"adm\"\ngid = 4"),
       "app.toml:4:9: group: gid is also set; use one of them"},
  });
}

TEST(ResourceLoader, BadDurations) {
  ExpectErrors({
      {WithLine("check_cmd_timeout = \"30\""),
       "app.toml:4:21: check_cmd_timeout: time: missing unit in duration \"30\""},
      {WithLine("check_cmd_timeout = \"0s\""),
       "app.toml:4:21: check_cmd_timeout: must be positive"},
      {WithLine("reload_cmd_timeout = 30"),
       "app.toml:4:22: reload_cmd_timeout: expected a duration string like \"30s\", "
       "got integer"},
      {WithLine("reload_cmd_timeout = \"1d\""),
       "app.toml:4:22: reload_cmd_timeout: time: unknown unit \"d\" in duration "
       "\"1d\""},
      {WithLine("min_reload_interval = \"-1s\""),
       "app.toml:4:23: min_reload_interval: must not be negative"},
  });
}

TEST(ResourceLoader, BadWait) {
  ExpectErrors({
      {WithLine("wait = \"10s:5s\""), "app.toml:4:8: wait: max 5s is less than min 10s"},
      {WithLine("wait = \"1s:2s:3s\""),
       "app.toml:4:8: wait: \"1s:2s:3s\" is not \"min:max\" or \"min\""},
      {WithLine("wait = \"\""), "app.toml:4:8: wait: must not be empty"},
      {WithLine("wait = \"soon\""),
       "app.toml:4:8: wait: time: invalid duration \"soon\""},
      {WithLine("wait = \"-1s\""), "app.toml:4:8: wait: must not be negative"},
      {WithLine("wait = 5"),
       "app.toml:4:8: wait: expected a string like \"5s:30s\", got integer"},
      {WithLine("wait = { max = \"5s\" }"), "app.toml:4:8: wait: has no min"},
      {WithLine("wait = { min = 5 }"),
       "app.toml:4:16: wait.min: expected a duration string like \"30s\", got integer"},
  });
}

TEST(ResourceLoader, BadTypes) {
  ExpectErrors({
      {WithLine("keys = \"/a\""),
       "app.toml:4:8: keys: expected an array of strings, got string"},
      {WithLine("keys = [\"/a\", 1]"),
       "app.toml:4:15: keys: expected a string, got integer"},
      {WithLine("prefix = 1"), "app.toml:4:10: prefix: expected a string, got integer"},
      {WithLine("check_cmd = [\"nginx\", \"-t\"]"),
       "app.toml:4:13: check_cmd: expected a string, got array"},
      {WithLine("create_dest_dirs = \"yes\""),
       "app.toml:4:20: create_dest_dirs: expected a boolean, got string"},
      {WithLine("backup = 1"), "app.toml:4:10: backup: expected a boolean, got integer"},
      {WithLine("verbatim_keys = \"yes\""),
       "app.toml:4:17: verbatim_keys: expected a boolean, got string"},
      {WithLine("output_format = \"xml\""),
       "app.toml:4:17: output_format: \"xml\" is not one of json, yaml, toml"},
      {WithLine("left_delimiter = \"\""),
       "app.toml:4:18: left_delimiter: must not be empty"},
      {WithLine("right_delimiter = 2.5"),
       "app.toml:4:19: right_delimiter: expected a string, got float"},
  });
}

TEST(ResourceLoader, BadReloadSignal) {
  ExpectErrors({
      {WithLine("reload_signal = \"SIGFOO\""),
       "app.toml:4:17: reload_signal: invalid signal \"SIGFOO\": use a name such as "
       "HUP or SIGUSR1, or a number 1-64"},
      {WithLine("reload_signal = true"),
       "app.toml:4:17: reload_signal: expected a signal name like \"SIGHUP\", got "
       "boolean"},
      {WithLine("pid_file = \"/run/app.pid\""),
       "app.toml:4:12: pid_file: is set but reload_signal is not"},
      {WithLine("reload_cmd = \"kill -HUP 1\"\nreload_signal = \"HUP\""),
       "app.toml:5:17: reload_signal: reload_cmd is also set; use one of them"},
  });
}

TEST(ResourceLoader, MissingOrBadTemplateTable) {
  ExpectErrors({
      {"", "app.toml:1:1: missing [template] table"},
      {"[templates]\nsrc = \"a\"\n", "app.toml:1:1: missing [template] table"},
      {"template = 5\n", "app.toml:1:12: [template] must be a table, got integer"},
      {"[[template]]\nsrc = \"a\"\n",
       "app.toml:1:1: [template] must be a table, got array"},
      {"[template]\ndest = \"/etc/a\"\n", "app.toml:1:1: [template] has no src"},
      {"\n[template]\nsrc = \"a.tmpl\"\n", "app.toml:2:1: [template] has no dest"},
      {"[template]\nsrc = \"\"\ndest = \"/etc/a\"\n",
       "app.toml:2:7: src: must not be empty"},
      {"[template]\nsrc = \"a\"\ndest = \"/etc/nginx/\"\n",
       "app.toml:3:8: dest: \"/etc/nginx/\" names a directory, not a file"},
  });
}

TEST(ResourceLoader, SyntaxErrorsCarryPositions) {
  ExpectErrors({
      {"[template]\nsrc = \"a.tmpl\ndest = \"/x\"\n",
       "app.toml:2:7: the next token is not a valid string"},
      {"[template]\nmode = 0644\n", "app.toml:2:8: bad integer: leading zero"},
      {"[template]\nsrc = \"a\"\nsrc = \"b\"\n",
       "app.toml:3:7: value (\"src\") already exists."},
      {"[template]\nsrc = \"a\"\ndest = \"/x\"\nDest = \"/y\"\n",
       "app.toml:4:8: \"dest\" is set twice (as \"Dest\" and \"dest\")"},
      // Checked before toml11, which reads past its buffer on this one.
      {"'\xff'", "app.toml:1:2: invalid UTF-8 (byte 0xff)"},
      {"[template]\nsrc = 'a\xff'\n", "app.toml:2:9: invalid UTF-8 (byte 0xff)"},
      {"# caf\xc3\xa9\n\xed\xa0\x80", "app.toml:2:1: invalid UTF-8 (byte 0xed)"},
  });
}

// A NUL would cut the path short when handed to open(2): "out/case\0.conf"
// installed at "out/case", a file the resource never names.
TEST(ResourceLoader, ControlCharactersInPathsAreRefused) {
  const std::string kValid = "[template]\nsrc = \"a.tmpl\"\ndest = \"/etc/a\"\n";
  ExpectErrors({
      {"[template]\nsrc = \"a.tmpl\"\ndest = \"/out/case\\u0000.conf\"\n",
       "app.toml:3:8: dest: contains control character 0x00 at byte 10"},
      {"[template]\nsrc = \"a\\n.tmpl\"\ndest = \"/etc/a\"\n",
       "app.toml:2:7: src: contains control character 0x0a at byte 2"},
      {WithLine("reload_signal = \"SIGHUP\"\npid_file = \"/run/a\\u001b.pid\""),
       "app.toml:5:12: pid_file: contains control character 0x1b at byte 7"},
      {WithLine("owner = \"ro\\u0000ot\""),
       "app.toml:4:9: owner: contains control character 0x00 at byte 3"},
      {WithLine("group = \"adm\\u007f\""),
       "app.toml:4:9: group: contains control character 0x7f at byte 4"},
  });
  // Not control characters: spaces and non-ASCII stay allowed.
  absl::StatusOr<TemplateResource> r =
      Parse("[template]\nsrc = \"a b.tmpl\"\ndest = \"/etc/caf\u00e9 x\"\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/etc/caf\u00e9 x", r->dest);
}

// toml11 recurses on nesting: deep input was a SIGSEGV; long dotted keys
// took time quadratic in their parts.
TEST(ResourceLoader, DeepNestingIsRefusedBeforeToml11) {
  const std::string deep(6000, '[');
  std::string inline_tables;
  for (int i = 0; i < 4000; ++i) inline_tables += "{a = ";
  std::string dotted = "x";
  for (int i = 0; i < 50000; ++i) dotted += ".a";
  ExpectErrors({
      {"[template]\nkeys = " + deep + "\"/app\"" + std::string(6000, ']'),
       "app.toml:2:72: nested too deep (limit 64)"},
      {"[template]\nkeys = " + deep, "app.toml:2:72: nested too deep (limit 64)"},
      {"[template]\nx = " + inline_tables + "1", "app.toml:2:325: nested too deep (limit 64)"},
      {"[template]\n" + dotted + " = 1",
       "app.toml:2:64: key has too many dotted parts (limit 32)"},
      {"[[" + dotted + "]]", "app.toml:1:66: key has too many dotted parts (limit 32)"},
  });
}

TEST(ResourceLoader, UnknownKeysAreWarningsWithPositions) {
  std::vector<std::string> warnings;
  absl::StatusOr<TemplateResource> r = Parse(
      "title = \"x\"\n[template]\nsrc = \"a\"\ndest = \"/x\"\nreload_comd = \"x\"\n"
      "  foo = 1\n",
      &warnings);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<std::string>{
                "app.toml:1:1: unknown key \"title\" outside [template] is ignored",
                "app.toml:5:1: unknown key \"reload_comd\" in [template] (did you mean "
                "\"reload_cmd\"?)",
                "app.toml:6:3: unknown key \"foo\" in [template]",
            }),
            warnings);
}

// A TOML copied without changing its dest: both load, the second is named.
TEST(ResourceLoader, TwoResourcesWithOneDestAreAWarning) {
  TempDir dir;
  const std::string confd = dir.Path("conf.d");
  ASSERT_EQ(0, mkdir(confd.c_str(), 0755));
  const std::string body = "src = \"a.tmpl\"\nkeys = [\"/a\"]\n";
  ASSERT_TRUE(WriteTestFile(confd + "/a.toml", "[template]\ndest = \"/etc/a.conf\"\n" + body).ok());
  ASSERT_TRUE(WriteTestFile(confd + "/b.toml", "[template]\ndest = \"/etc/b.conf\"\n" + body).ok());
  ASSERT_TRUE(WriteTestFile(confd + "/c.toml", "[template]\ndest = \"/etc//a.conf\"\n" + body).ok());
  absl::StatusOr<LoadResult> loaded = LoadResources(dir.path(), "");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(3u, loaded->resources.size());
  EXPECT_EQ((std::vector<std::string>{
                confd + "/c.toml: dest /etc//a.conf is also the dest of " + confd +
                "/a.toml; unless both render the same bytes, each install replaces the "
                "other's file",
            }),
            loaded->warnings);
}

// What CheckTrustedPath says about root's `path` that others may write.
std::string Untrusted(const std::string& path, const std::string& mode) {
  return absl::StrCat("untrusted path ", path, " (owner uid 0, mode ", mode,
                      "): writable by group or others; confwatch runs as root, so it and every "
                      "directory above it must be owned by root and not writable by group or "
                      "others (chown root, chmod go-w)");
}

// Another user who may write a resource chooses the commands confwatch runs.
TEST(ResourceLoader, TomlOthersMayWriteIsRefusedAloneNamingPathOwnerAndMode) {
  if (geteuid() != 0) GTEST_SKIP() << "the check is made only as root";
  TempDir dir;
  const std::string confd = dir.Path("conf.d");
  ASSERT_EQ(0, mkdir(confd.c_str(), 0755));
  const std::string body = "src = \"a.tmpl\"\nkeys = [\"/a\"]\n";
  ASSERT_TRUE(WriteTestFile(confd + "/a.toml", "[template]\ndest = \"/etc/a.conf\"\n" + body).ok());
  ASSERT_TRUE(WriteTestFile(confd + "/b.toml", "[template]\ndest = \"/etc/b.conf\"\n" + body).ok());
  ASSERT_EQ(0, chmod((confd + "/b.toml").c_str(), 0666));
  absl::StatusOr<LoadResult> loaded = LoadResources(dir.path(), "");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(1u, loaded->resources.size());
  EXPECT_EQ("a.toml", loaded->resources[0].name);
  ASSERT_EQ(1u, loaded->errors.size());
  EXPECT_EQ("b.toml", loaded->errors[0].name);
  EXPECT_EQ(absl::FailedPreconditionError(Untrusted(confd + "/b.toml", "0666")),
            loaded->errors[0].status);
}

TEST(ResourceLoader, ConfDirOthersMayWriteLoadsNothing) {
  if (geteuid() != 0) GTEST_SKIP() << "the check is made only as root";
  TempDir dir;
  const std::string confd = dir.Path("conf.d");
  ASSERT_EQ(0, mkdir(confd.c_str(), 0755));
  ASSERT_TRUE(WriteTestFile(confd + "/a.toml", "[template]\nsrc = \"a.tmpl\"\ndest = \"/a\"\n").ok());
  for (mode_t mode : {0777, 01777, 0775}) {  // sticky or group-only: still anyone's resources
    ASSERT_EQ(0, chmod(confd.c_str(), mode));
    char octal[8];
    snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_EQ(absl::FailedPreconditionError(Untrusted(confd, octal)),
              LoadResources(dir.path(), "").status());
  }
}

// A family: for_each names directories, dest names the file of each.
std::string ForEachToml(const std::string& extra) {
  return absl::StrCat("[template]\nsrc = \"a.tmpl\"\ndest = \"/etc/nginx/{{.name}}.conf\"\n",
                      "for_each = \"/services/*\"\n", extra, "\n");
}

TEST(ResourceLoader, ForEachWatchesItsDirectoryUnlessKeysAreGiven) {
  absl::StatusOr<TemplateResource> r = Parse(ForEachToml("prefix = \"/prod\""));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("/services/*", r->for_each);
  EXPECT_EQ("/etc/nginx/{{.name}}.conf", r->dest);
  EXPECT_EQ(std::vector<std::string>{"/prod/services"}, r->keys);
  r = Parse(ForEachToml("keys = [\"/services\", \"/global\"]"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<std::string>{"/services", "/global"}), r->keys);
}

TEST(ResourceLoader, ForEachMistakesNameFileLineColumn) {
  ExpectErrors({
      {"[template]\nsrc = \"a.tmpl\"\ndest = \"/etc/a\"\nfor_each = \"/s/*\"\n",
       "app.toml:3:8: dest: \"/etc/a\": with for_each the file name must hold {{.name}}"},
      {"[template]\nsrc = \"a.tmpl\"\ndest = \"/etc/{{.name}}\"\nfor_each = \"s/*\"\n",
       "app.toml:4:12: for_each: \"s/*\" must start with '/'"},
      {ForEachToml("backup = true"), "app.toml:5:10: backup: is not supported with for_each"},
      {ForEachToml("reload_cmd = \"reload {{.dest}}\""),
       "app.toml:5:14: reload_cmd: {{.src}} and {{.dest}} have no single value with for_each"},
  });
}

}  // namespace
}  // namespace confwatch
