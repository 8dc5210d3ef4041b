// The confwatch binary's one-shot checks, --check-config and --preflight,
// run as a subprocess against a real etcd (with auth where permissions are
// the point). Each must report every problem, name it, and exit with the
// documented code: 0 all good, 1 a dest directory that cannot take a file
// (preflight), 2 configuration errors, 3 etcd unreachable or refusing.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

int RunToExit(ConfwatchProcess& p) {
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));  // a hang bound
  EXPECT_TRUE(code.has_value()) << "still running after 60 s\n" << p.Log();
  return code.value_or(-1);
}

TEST(CheckConfig, GoodConfdirExitsZeroAndCountsResources) {
  Confdir c;
  c.AddTemplate("a.tmpl", "{{getv \"/a\"}}\n");
  c.AddResource("a.toml", "a.tmpl", "a.conf", "\"/a\"");
  c.AddResource("b.toml", "a.tmpl", "b.conf", "\"/a\"");
  ConfwatchProcess p(c, {"--check-config"});
  EXPECT_EQ(0, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "2 template resource(s) OK, 0 with errors")) << p.Log();
  EXPECT_FALSE(ReadWholeFile(c.Out("a.conf")).has_value()) << "a check renders nothing";
}

TEST(CheckConfig, ReportsEveryBrokenTomlAndTemplateWithPositions) {
  Confdir c;
  c.AddTemplate("good.tmpl", "{{getv \"/a\"}}\n");
  c.AddTemplate("broken.tmpl", "line one\n{{if .x}}\n");
  c.AddResource("good.toml", "good.tmpl", "good.conf", "\"/a\"");
  c.AddResource("broken.toml", "broken.tmpl", "broken.conf", "\"/a\"");
  WriteFile(c.Toml("bad.toml"), "[template]\nsrc = \"good.tmpl\"\ndest = \n");
  c.AddResource("nosrc.toml", "missing.tmpl", "nosrc.conf", "\"/a\"");
  ConfwatchProcess p(c, {"--check-config"});
  EXPECT_EQ(2, RunToExit(p)) << p.Log();
  const std::string log = p.Log();
  EXPECT_TRUE(absl::StrContains(log, "broken.toml: template: broken.tmpl:3: unexpected EOF")) << log;
  EXPECT_TRUE(absl::StrContains(log, "bad.toml:3:")) << log;
  EXPECT_TRUE(absl::StrContains(log, "missing.tmpl")) << log;
  EXPECT_TRUE(absl::StrContains(log, "1 template resource(s) OK, 3 with errors")) << log;
}

// One line, exit 2, whatever the mode (onetime used to exit 1 after an
// "IO error:" on two lines).
TEST(MissingConfdir, IsTheSameUsageErrorInEveryMode) {
  for (const std::vector<std::string>& mode : std::vector<std::vector<std::string>>{
           {"-onetime"}, {"-watch"}, {"--check-config"}, {"--preflight"}, {}, {"--", "true"}}) {
    Confdir c;  // a log of its own
    const std::string nope = c.Scratch("nope");
    const std::string want =
        "confwatch: -confdir " + nope + ": " + nope + "/conf.d: No such file or directory\n";
    std::vector<std::string> args = {"-confdir", nope, "-backend", "env"};
    args.insert(args.end(), mode.begin(), mode.end());
    ConfwatchProcess p(c, args);
    EXPECT_EQ(2, RunToExit(p)) << (mode.empty() ? "interval" : mode[0]);
    EXPECT_EQ(want, p.Log()) << (mode.empty() ? "interval" : mode[0]);
  }
}

// JSON lines of a failed render carry the resource, dest and error as fields
// (a log collector filters on them); the message stays what text prints.
TEST(JsonLog, RenderErrorCarriesResourceDestAndError) {
  Confdir c;
  c.AddTemplate("a.tmpl", "{{getv \"/nope\"}}\n");
  c.AddResource("a.toml", "a.tmpl", "a.conf", "\"/nope\"");
  ConfwatchProcess p(c, {"-onetime", "-backend", "env", "-log-format", "json"});
  EXPECT_EQ(1, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(
      p.Log(), absl::StrCat("\"resource\":\"a.toml\",\"dest\":\"", c.Out("a.conf"),
                            "\",\"error\":\"template: a.tmpl:1:2: executing \\\"a.tmpl\\\" at "
                            "<getv \\\"/nope\\\">: error calling getv: key does not exist: "
                            "/nope\"}")))
      << p.Log();
}

TEST(CheckConfig, MissingConfdirIsAUsageError) {
  Confdir c;
  ConfwatchProcess p(c, {"--check-config", "-confdir", c.Scratch("nope")});
  EXPECT_EQ(2, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), c.Scratch("nope"))) << p.Log();
}

using CliAgainstEtcd = BinaryEtcdTest;

TEST_F(CliAgainstEtcd, ReadsEachDeclaredPrefixAndRendersNothing) {
  ASSERT_TRUE(client_->PutMany({{"/app/db/host", "h"}, {"/app/db/port", "5432"}, {"/svc/a", "x"}}).ok());
  Confdir c;
  c.AddTemplate("t.tmpl", "{{getv \"/app/db/host\"}}\n");
  c.AddResource("db.toml", "t.tmpl", "db.conf", "\"/app/db\"");
  c.AddResource("svc.toml", "t.tmpl", "svc.conf", "\"/svc\"");
  ConfwatchProcess p(c, {"--preflight", "-node", etcd_->endpoint()});
  EXPECT_EQ(0, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "read /app/db: 2 key(s) at revision")) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "read /svc: 1 key(s) at revision")) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), absl::StrCat("db.toml: dest ", c.Out("db.conf"),
                                                      ": can stage a file in ", c.Scratch("out"))))
      << p.Log();
  EXPECT_TRUE(absl::EndsWith(p.Log(), "preflight: OK\n")) << p.Log();
  EXPECT_FALSE(ReadWholeFile(c.Out("db.conf")).has_value());
  EXPECT_TRUE(std::filesystem::is_empty(c.Scratch("out"))) << "the stage files were removed";
}

// -onetime with a TOML that does not parse: the other resources are
// installed, and the run exits 1 naming the broken one (README "Exit codes").
TEST_F(CliAgainstEtcd, OnetimeWithABrokenTomlInstallsTheOthersAndExitsOneNamingIt) {
  ASSERT_TRUE(client_->Put("/a", "v").ok());
  Confdir c;
  c.AddTemplate("t.tmpl", "{{getv \"/a\"}}\n");
  c.AddResource("a.toml", "t.tmpl", "a.conf", "\"/a\"");
  WriteFile(c.Toml("b.toml"), "[template]\nsrc = \"t.tmpl\"\ndest = \n");
  ConfwatchProcess p(c, {"-onetime", "-node", etcd_->endpoint()});
  EXPECT_EQ(1, RunToExit(p)) << p.Log();
  EXPECT_EQ("v\n", ReadWholeFile(c.Out("a.conf")).value_or("<missing>"));
  EXPECT_TRUE(absl::StrContains(p.Log(), absl::StrCat(c.Toml("b.toml"), ":3:"))) << p.Log();
}

// A dest directory that does not exist (and create_dest_dirs is not set)
// would fail every install: preflight says so, naming resource and directory.
TEST_F(CliAgainstEtcd, MissingDestDirectoryFailsNamingResourceAndDirectory) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("ok.toml", "t.tmpl", "ok.conf", "\"/a\"");
  const std::string missing = c.Scratch("nope");
  WriteFile(c.Toml("t.toml"), absl::StrCat("[template]\nsrc = \"t.tmpl\"\ndest = \"", missing,
                                           "/t.conf\"\nkeys = [\"/a\"]\n"));
  ConfwatchProcess p(c, {"--preflight", "-node", etcd_->endpoint()});
  EXPECT_EQ(1, RunToExit(p)) << p.Log();
  const std::string log = p.Log();
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("t.toml: dest ", missing, "/t.conf: IO error: ", missing,
                        ": No such file or directory (set create_dest_dirs = true to create it)\n")))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "read /a: 0 key(s)")) << log;
  EXPECT_TRUE(absl::EndsWith(log, "preflight: FAILED (1 problem)\n")) << log;
  EXPECT_FALSE(std::filesystem::exists(missing)) << "preflight creates nothing";
}

// The user confwatch runs as may not write the dest directory: the check is
// a real stage file created as that user, so run the binary as nobody
// against a root-owned 0755 directory (the suite runs as root).
TEST_F(CliAgainstEtcd, DestDirectoryTheUserCannotWriteFailsWithTheErrno) {
  if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0) {
    GTEST_SKIP() << "needs root and /usr/bin/setpriv to run confwatch as another user";
  }
  Confdir c;
  ASSERT_EQ(0, chmod(c.path().c_str(), 0755));  // nobody reads the confdir
  c.AddTemplate("t.tmpl", "x");
  const std::string locked = c.Scratch("locked");
  const std::string open = c.Scratch("open");
  ASSERT_EQ(0, mkdir(locked.c_str(), 0755));
  ASSERT_EQ(0, mkdir(open.c_str(), 0755));
  ASSERT_EQ(0, chmod(open.c_str(), 01777));
  for (const auto& [toml, dir] : {std::pair<std::string, std::string>{"locked.toml", locked},
                                  {"open.toml", open}}) {
    WriteFile(c.Toml(toml), absl::StrCat("[template]\nsrc = \"t.tmpl\"\ndest = \"", dir,
                                         "/t.conf\"\nkeys = [\"/a\"]\n"));
  }
  const std::string log_path = c.Scratch("nobody.log");
  pid_t pid = SpawnLogged({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           std::string(CONFWATCH_BINARY_DIR) + "/confwatch", "-confdir", c.path(),
                           "--preflight", "-node", etcd_->endpoint()},
                          log_path);
  ASSERT_GT(pid, 0);
  int status = 0;
  if (!PollUntil([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                 std::chrono::seconds(60))) {
    kill(pid, SIGKILL);  // setpriv's uid change cleared PR_SET_PDEATHSIG
    waitpid(pid, nullptr, 0);
    FAIL() << "still running after 60 s\n" << ReadWholeFile(log_path).value_or("");
  }
  const std::string log = ReadWholeFile(log_path).value_or("");
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(1, WEXITSTATUS(status)) << log;
  EXPECT_TRUE(absl::StrContains(log, absl::StrCat("locked.toml: dest ", locked, "/t.conf: IO error: ",
                                                  locked, ": Permission denied\n")))
      << log;
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("open.toml: dest ", open, "/t.conf: can stage a file in ", open, "\n")))
      << log;
  EXPECT_TRUE(absl::EndsWith(log, "preflight: FAILED (1 problem)\n")) << log;
  EXPECT_TRUE(std::filesystem::is_empty(open)) << "the stage file was removed";
}

TEST(PreflightUnreachable, ExitsThreeNamingTheEndpoint) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/a\"");
  const std::string endpoint = absl::StrCat("127.0.0.1:", FreePort());
  ConfwatchProcess p(c, {"--preflight", "-node", endpoint});
  EXPECT_EQ(3, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), endpoint)) << p.Log();
}

// The real resolver: ".invalid" never resolves (RFC 6761), with or without
// a DNS server, so the error path runs for real.
TEST(SrvRecordWithoutAnswer, ExitsThreeNamingTheRecordAndStartsNothing) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/a\"");
  ConfwatchProcess p(c, {"-watch", "-srv-domain", "confwatch-test.invalid"});
  EXPECT_EQ(3, RunToExit(p)) << p.Log();
  const std::string log = p.Log();
  EXPECT_TRUE(absl::StrContains(log, "cannot find the etcd nodes: SRV record "
                                     "_etcd._tcp.confwatch-test.invalid.: "))
      << log;
  EXPECT_FALSE(absl::StrContains(log, "127.0.0.1:2379")) << "no fallback to the default node";
  EXPECT_FALSE(ReadWholeFile(c.Out("t.conf")).has_value());
}

TEST_F(CliAgainstEtcd, AGivenNodeWinsOverTheSrvRecord) {
  ASSERT_TRUE(client_->Put("/a", "v").ok());
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/a\"");
  ConfwatchProcess p(c, {"--preflight", "-node", etcd_->endpoint(), "-srv-domain",
                         "confwatch-test.invalid"});
  EXPECT_EQ(0, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "read /a: 1 key(s)")) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "SRV record _etcd._tcp.confwatch-test.invalid. is not looked up"))
      << p.Log();
}

TEST_F(CliAgainstEtcd, ReportsAPrefixTheUserMayNotRead) {
  ASSERT_TRUE(client_->Put("/app/x", "1").ok());
  ASSERT_TRUE(etcd_->EnableAuth().ok());
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("app.toml", "t.tmpl", "app.conf", "\"/app/x\"");
  c.AddResource("secret.toml", "t.tmpl", "secret.conf", "\"/secret\"");
  ConfwatchProcess p(c, {"--preflight", "-node", etcd_->endpoint(), "-username", kTestReader,
                         "-password", kTestReaderPassword});
  EXPECT_EQ(3, RunToExit(p)) << p.Log();
  const std::string log = p.Log();
  EXPECT_TRUE(absl::StrContains(log, "read /app/x: 1 key(s)")) << log;
  EXPECT_TRUE(absl::StrContains(log, "read /secret: ")) << log;
  EXPECT_TRUE(absl::StrContains(log, "permission denied")) << log;
  EXPECT_FALSE(absl::StrContains(log, kTestReaderPassword)) << "the password is never printed";
}

TEST_F(CliAgainstEtcd, WrongPasswordIsReportedClearly) {
  ASSERT_TRUE(etcd_->EnableAuth().ok());
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("app.toml", "t.tmpl", "app.conf", "\"/app\"");
  ConfwatchProcess p(c, {"--preflight", "-node", etcd_->endpoint(), "-username", kTestReader,
                         "-password", "wrong-pw"});
  EXPECT_EQ(3, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "authentication failed")) << p.Log();
  EXPECT_FALSE(absl::StrContains(p.Log(), "wrong-pw")) << p.Log();
}

TEST_F(CliAgainstEtcd, WatchWithWrongPasswordExitsInsteadOfRetryingForever) {
  ASSERT_TRUE(etcd_->EnableAuth().ok());
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("app.toml", "t.tmpl", "app.conf", "\"/app\"");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-username", kTestReader,
                         "-password", "wrong-pw"});
  EXPECT_EQ(2, RunToExit(p)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "authentication failed")) << p.Log();
  EXPECT_FALSE(ReadWholeFile(c.Out("app.conf")).has_value());
}

}  // namespace
}  // namespace confwatch
