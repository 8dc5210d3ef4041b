// Exec mode end to end: the real confwatch binary supervises a small /bin/sh
// child that appends what happens to it (its start, each signal it gets,
// with the rendered file's content at that moment) to a log file. etcd is
// real where changes matter; the env backend with an empty conf.d is used
// where only the child's lifecycle matters.
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "etcd/etcd_client.h"
#include "http/http_client.h"
#include "gtest/gtest.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/integration/exec_test_util.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

using exec_test::Binary;
using exec_test::PollUntil;
using exec_test::Process;
using exec_test::WriteAll;

// The child: `sh child.sh LOG OUT TERM_CODE`. Logs "start <pid> <OUT>" and
// "<SIGNAL> <OUT>" for each signal; exits TERM_CODE on SIGTERM.
constexpr char kChildScript[] = R"sh(log=$1; out=$2; term_code=$3
got() { echo "$1 $(cat "$out" 2>/dev/null)" >> "$log"; }
echo "start $$ $(cat "$out" 2>/dev/null || echo missing)" >> "$log"
for s in HUP USR1 USR2 WINCH QUIT CONT ALRM; do trap "got $s" $s; done
trap 'got TERM; exit $term_code' TERM
while :; do sleep 1 & wait $!; done
)sh";

class ExecModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mkdir(dir_.Path("conf.d").c_str(), 0755);
    mkdir(dir_.Path("templates").c_str(), 0755);
    WriteAll(dir_.Path("child.sh"), kChildScript);
  }

  // One resource: out.conf = "x=<value of /app/x>".
  void StartEtcdWithResource() {
    auto etcd = EtcdTestServer::Start();
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
    client_ = ConnectForTest({etcd_->endpoint()});
    ASSERT_NE(client_, nullptr);
    WriteAll(dir_.Path("templates/app.tmpl"), "x={{getv \"/app/x\"}}");
    WriteAll(dir_.Path("conf.d/app.toml"),
             absl::StrCat("[template]\nsrc = \"app.tmpl\"\ndest = \"", Out(),
                          "\"\nkeys = [\"/app\"]\n"));
  }
  void Put(const std::string& key, const std::string& value) {
    absl::StatusOr<int64_t> r = client_->Put(key, value);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::string Out() const { return dir_.Path("out.conf"); }
  std::string ChildLog() const { return ReadFile(dir_.Path("child.log")).value_or(""); }
  bool ChildLogHas(const std::string& line) const {
    for (absl::string_view l : absl::StrSplit(ChildLog(), '\n')) {
      if (l == line) return true;
    }
    return false;
  }
  // The pids of the "start <pid> ..." lines, in order.
  std::vector<std::string> StartedPids() const {
    std::vector<std::string> pids;
    for (absl::string_view l : absl::StrSplit(ChildLog(), '\n')) {
      std::vector<std::string> f = absl::StrSplit(l, ' ');
      if (f.size() >= 2 && f[0] == "start") pids.push_back(f[1]);
    }
    return pids;
  }

  // confwatch against etcd, in exec mode with the child script.
  std::unique_ptr<Process> StartConfwatch(std::vector<std::string> flags,
                                          const std::string& term_code = "0") {
    std::vector<std::string> argv = {Binary(), "-confdir", dir_.path(), "-node",
                                     etcd_->endpoint(), "-log-level", "debug"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const std::string& a :
         {std::string("--"), std::string("/bin/sh"), dir_.Path("child.sh"),
          dir_.Path("child.log"), Out(), term_code}) {
      argv.push_back(a);
    }
    return std::make_unique<Process>(argv, dir_.Path("confwatch.log"));
  }

  TempDir dir_;
  std::unique_ptr<EtcdTestServer> etcd_;
  std::unique_ptr<EtcdClient> client_;
};

TEST_F(ExecModeTest, ChildStartsAfterRenderGetsForwardedSignalsAndTermStopsIt) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  auto p = StartConfwatch({}, "7");
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; })) << p->Log();
  // The file was there, rendered, when the child started.
  std::string pid = StartedPids()[0];
  EXPECT_TRUE(ChildLogHas(absl::StrCat("start ", pid, " x=1"))) << ChildLog();

  const std::vector<std::pair<int, std::string>> forwarded = {
      {SIGHUP, "HUP"},   {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"}, {SIGWINCH, "WINCH"},
      {SIGQUIT, "QUIT"}, {SIGCONT, "CONT"}, {SIGALRM, "ALRM"}};
  for (const auto& [signo, name] : forwarded) {
    p->Signal(signo);
    EXPECT_TRUE(PollUntil([&] { return ChildLogHas(name + " x=1"); }))
        << name << "\n" << ChildLog() << p->Log();
  }
  // SIGHUP went to the child, not to confwatch's own configuration.
  EXPECT_FALSE(absl::StrContains(p->Log(), "reloading the configuration")) << p->Log();
  p->Signal(SIGTERM);
  std::optional<int> code = p->WaitExit();
  ASSERT_TRUE(code.has_value()) << p->Log();
  EXPECT_EQ(7, *code) << p->Log();  // the child's exit code on TERM
  EXPECT_TRUE(ChildLogHas("TERM x=1")) << ChildLog();
  EXPECT_EQ(1u, StartedPids().size()) << ChildLog();
  EXPECT_EQ(-1, kill(std::stoi(pid), 0));  // the child is gone
}

// A TOML that does not parse is a resource that never renders: the child
// waits for it like for any other, and is not started when the wait ends.
TEST_F(ExecModeTest, ResourceThatFailsToLoadKeepsTheChildFromStartingAndIsNamed) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  WriteAll(dir_.Path("conf.d/b.toml"), "[template]\nsrc = \"app.tmpl\"\ndest = \n");
  auto p = StartConfwatch({"-exec-wait-timeout", "3s"});
  std::optional<int> code = p->WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << p->Log();
  EXPECT_EQ(1, *code) << p->Log();
  EXPECT_TRUE(StartedPids().empty()) << ChildLog();
  EXPECT_EQ("x=1", ReadFile(Out()).value_or("")) << "the resource that loads was rendered";
  const std::string log = p->Log();
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("exec: conf.d/b.toml failed to load: ", dir_.Path("conf.d/b.toml"), ":3:")))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "exec: not every resource loaded and rendered within "
                                     "-exec-wait-timeout 3s (1 failed to load"))
      << log;
}

// Fixed while confwatch waits (inotify reloads conf.d): the child starts,
// with both files rendered.
TEST_F(ExecModeTest, ResourceFixedDuringTheWaitLetsTheChildStart) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  WriteAll(dir_.Path("conf.d/b.toml"), "[template]\nsrc = \"app.tmpl\"\ndest = \n");
  auto p = StartConfwatch({"-exec-wait-timeout", "120s"});
  ASSERT_TRUE(PollUntil([&] { return ReadFile(Out()).value_or("") == "x=1"; })) << p->Log();
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), "1 failed"); })) << p->Log();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_TRUE(StartedPids().empty()) << "started with b.toml broken\n" << ChildLog() << p->Log();

  const std::string b_out = dir_.Path("b.conf");
  WriteAll(dir_.Path("conf.d/b.toml.tmp"),
           absl::StrCat("[template]\nsrc = \"app.tmpl\"\ndest = \"", b_out,
                        "\"\nkeys = [\"/app\"]\n"));
  ASSERT_EQ(0, rename(dir_.Path("conf.d/b.toml.tmp").c_str(), dir_.Path("conf.d/b.toml").c_str()));
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; }, std::chrono::seconds(60)))
      << ChildLog() << p->Log();
  EXPECT_EQ("x=1", ReadFile(b_out).value_or(""));
  p->Signal(SIGTERM);
  EXPECT_EQ(0, p->WaitExit().value_or(-1)) << p->Log();
}

// SIGTERM: the [[register]] key leaves etcd first, then the child is told to
// stop, so no client is routed to a program that is shutting down. The child
// looks the key up in etcd when its SIGTERM arrives.
TEST_F(ExecModeTest, RegistrationIsRevokedBeforeTheChildIsStopped) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  const std::string key = "/services/web/exec-test";
  WriteAll(dir_.Path("confwatch.toml"),
           absl::StrCat("[[register]]\nkey = \"", key, "\"\nvalue = \"up\"\nttl = \"30s\"\n"));
  WriteAll(dir_.Path("lookup.sh"),
           absl::StrCat("log=$1\necho start >> \"$log\"\n",
                        "look() { echo \"$1 key=$(ETCDCTL_API=3 etcdctl --endpoints ", etcd_->endpoint(),
                        " get --print-value-only ", key, ")\" >> \"$log\"; }\n",
                        "trap 'look USR1' USR1\ntrap 'look TERM; exit 0' TERM\n",
                        "while :; do sleep 1 & wait $!; done\n"));
  std::vector<std::string> argv = {Binary(), "-confdir", dir_.path(), "-node", etcd_->endpoint(),
                                   "-config-file", dir_.Path("confwatch.toml"), "--", "/bin/sh",
                                   dir_.Path("lookup.sh"), dir_.Path("child.log")};
  Process p(argv, dir_.Path("confwatch.log"));
  ASSERT_TRUE(PollUntil([&] { return ChildLogHas("start"); })) << p.Log();
  ASSERT_TRUE(PollUntil([&] {
    absl::StatusOr<std::optional<KeyValue>> kv = client_->Get(key);
    return kv.ok() && kv->has_value();
  })) << "registered while running\n" << p.Log();
  p.Signal(SIGUSR1);  // forwarded: proves the child's lookup sees the key
  ASSERT_TRUE(PollUntil([&] { return ChildLogHas("USR1 key=up"); })) << ChildLog() << p.Log();
  p.Signal(SIGTERM);
  std::optional<int> code = p.WaitExit();
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(0, *code) << p.Log();
  EXPECT_TRUE(ChildLogHas("TERM key=")) << "the key was still there when the child got TERM\n"
                                        << ChildLog();
}

TEST_F(ExecModeTest, EtcdChangeSendsReloadSignalAfterTheFileChanged) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  auto p = StartConfwatch({});
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; })) << p->Log();
  Put("/app/x", "2");
  EXPECT_TRUE(PollUntil([&] { return ChildLogHas("HUP x=2"); })) << ChildLog() << p->Log();
  EXPECT_EQ(1u, StartedPids().size()) << ChildLog();
  p->Signal(SIGTERM);
  EXPECT_EQ(0, p->WaitExit().value_or(-1)) << p->Log();
}

TEST_F(ExecModeTest, CustomReloadSignalFromFlag) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  auto p = StartConfwatch({"-exec-reload-signal", "USR2"});
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; })) << p->Log();
  Put("/app/x", "2");
  EXPECT_TRUE(PollUntil([&] { return ChildLogHas("USR2 x=2"); })) << ChildLog() << p->Log();
  EXPECT_FALSE(ChildLogHas("HUP x=2")) << ChildLog();
  p->Signal(SIGTERM);
  EXPECT_EQ(0, p->WaitExit().value_or(-1)) << p->Log();
}

// A resource's own reload_signal without pid_file goes to the supervised
// child; that file then gets no second reload (the exec-level SIGHUP). At
// the first render no child runs yet: nothing to signal, and no error (the
// child starts with the file as it is).
TEST_F(ExecModeTest, ResourceReloadSignalWithoutPidFileSignalsTheChild) {
  StartEtcdWithResource();
  WriteAll(dir_.Path("conf.d/app.toml"),
           absl::StrCat("[template]\nsrc = \"app.tmpl\"\ndest = \"", Out(),
                        "\"\nkeys = [\"/app\"]\nreload_signal = \"SIGUSR2\"\n"));
  Put("/app/x", "1");
  auto p = StartConfwatch({});
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; })) << p->Log();
  Put("/app/x", "2");
  EXPECT_TRUE(PollUntil([&] { return ChildLogHas("USR2 x=2"); })) << ChildLog() << p->Log();
  Put("/app/x", "3");
  EXPECT_TRUE(PollUntil([&] { return ChildLogHas("USR2 x=3"); })) << ChildLog() << p->Log();
  usleep(500 * 1000);  // a HUP queued behind the USR2 would be logged by now
  EXPECT_FALSE(absl::StrContains(ChildLog(), "HUP")) << ChildLog();
  EXPECT_EQ(1u, StartedPids().size()) << ChildLog();
  EXPECT_FALSE(absl::StrContains(p->Log(), "no supervised child")) << p->Log();
  EXPECT_TRUE(absl::StrContains(p->Log(), "sending reload_signal SIGUSR2 to pid " + StartedPids()[0]))
      << p->Log();
  p->Signal(SIGTERM);
  EXPECT_EQ(0, p->WaitExit().value_or(-1)) << p->Log();
}

TEST_F(ExecModeTest, EmptyReloadSignalRestartsTheChild) {
  StartEtcdWithResource();
  Put("/app/x", "1");
  const int port = FreePort();
  auto p = StartConfwatch({"-exec-reload-signal=", "-metrics-addr", absl::StrCat("127.0.0.1:", port)});
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; })) << p->Log();
  Put("/app/x", "2");
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 2; })) << ChildLog() << p->Log();
  // /metrics counts the starts.
  ASSERT_TRUE(PollUntil([&] {
    absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, "/metrics"));
    return r.ok() && absl::StrContains(r->body, "\nconfwatch_child_starts_total 2\n");
  })) << p->Log();
  std::vector<std::string> pids = StartedPids();
  EXPECT_NE(pids[0], pids[1]);
  EXPECT_TRUE(ChildLogHas("TERM x=2")) << ChildLog();  // the old one was stopped
  EXPECT_TRUE(ChildLogHas(absl::StrCat("start ", pids[1], " x=2"))) << ChildLog();
  p->Signal(SIGTERM);
  EXPECT_EQ(0, p->WaitExit().value_or(-1)) << p->Log();
}

// SIGHUP belongs to the child in exec mode; conf.d is still followed live.
TEST_F(ExecModeTest, NewResourceInConfdIsPickedUpLiveAndReloadsTheChild) {
  WriteAll(dir_.Path("data.yaml"), "x: 1\ny: 2\n");
  WriteAll(dir_.Path("templates/a.tmpl"), "x={{getv \"/x\"}}");
  WriteAll(dir_.Path("templates/b.tmpl"), "y={{getv \"/y\"}}");
  WriteAll(dir_.Path("conf.d/a.toml"),
           absl::StrCat("[template]\nsrc = \"a.tmpl\"\ndest = \"", Out(),
                        "\"\nkeys = [\"/x\"]\n"));
  std::vector<std::string> argv = {Binary(), "-confdir", dir_.path(), "-backend", "file",
                                   "-file", dir_.Path("data.yaml"), "-config-file", "",
                                   "--", "/bin/sh", dir_.Path("child.sh"),
                                   dir_.Path("child.log"), dir_.Path("b.conf"), "0"};
  Process p(argv, dir_.Path("confwatch.log"));
  ASSERT_TRUE(PollUntil([&] { return StartedPids().size() == 1; })) << p.Log();
  std::string tmp = dir_.Path("b.toml.tmp");
  WriteAll(tmp, absl::StrCat("[template]\nsrc = \"b.tmpl\"\ndest = \"", dir_.Path("b.conf"),
                             "\"\nkeys = [\"/y\"]\n"));
  ASSERT_EQ(0, rename(tmp.c_str(), dir_.Path("conf.d/b.toml").c_str()));
  EXPECT_TRUE(PollUntil([&] { return ChildLogHas("HUP y=2"); })) << ChildLog() << p.Log();
  p.Signal(SIGTERM);
  EXPECT_EQ(0, p.WaitExit().value_or(-1)) << p.Log();
}

// ---- No etcd needed: the env backend and an empty conf.d ----

class ExecLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { mkdir(dir_.Path("conf.d").c_str(), 0755); }

  std::unique_ptr<Process> Run(std::vector<std::string> flags, std::vector<std::string> command) {
    std::vector<std::string> argv = {Binary(), "-confdir", dir_.path(), "-backend", "env",
                                     "-config-file", ""};
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (!command.empty()) argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    return std::make_unique<Process>(argv, dir_.Path("confwatch.log"));
  }

  TempDir dir_;
};

TEST_F(ExecLifecycleTest, ChildExitCodeBecomesOurs) {
  auto p = Run({}, {"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(3, p->WaitExit().value_or(-1)) << p->Log();
}

TEST_F(ExecLifecycleTest, ChildKilledBySignalGives128PlusN) {
  auto p = Run({}, {"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(128 + SIGTERM, p->WaitExit().value_or(-1)) << p->Log();
}

TEST_F(ExecLifecycleTest, CommandNotFoundExits127) {
  auto p = Run({}, {"confwatch-test-no-such-command"});
  EXPECT_EQ(127, p->WaitExit().value_or(-1)) << p->Log();
  EXPECT_TRUE(absl::StrContains(
      p->Log(), "cannot start \"confwatch-test-no-such-command\": command not found"))
      << p->Log();
}

TEST_F(ExecLifecycleTest, CommandNotExecutableExits126) {
  std::string script = dir_.Path("not-executable.sh");
  WriteAll(script, "#!/bin/sh\ntouch " + dir_.Path("ran") + "\n", 0644);
  auto p = Run({}, {script});
  EXPECT_EQ(126, p->WaitExit().value_or(-1)) << p->Log();
  EXPECT_TRUE(absl::StrContains(p->Log(),
                                absl::StrCat("cannot start \"", script, "\": Permission denied")))
      << p->Log();
  EXPECT_NE(0, access(dir_.Path("ran").c_str(), F_OK));
}

TEST_F(ExecLifecycleTest, InvalidSignalNameExits2AndStartsNothing) {
  std::string marker = dir_.Path("started");
  auto p = Run({"-exec-kill-signal", "SIGFOO"}, {"/bin/sh", "-c", "touch " + marker});
  EXPECT_EQ(2, p->WaitExit().value_or(-1)) << p->Log();
  EXPECT_EQ(
      "confwatch: -exec-kill-signal: invalid signal \"SIGFOO\": use a name such as HUP or "
      "SIGUSR1, or a number 1-64\n",
      p->Log());
  EXPECT_NE(0, access(marker.c_str(), F_OK));
}

TEST_F(ExecLifecycleTest, InvalidSignalInExecTableNamesTheKey) {
  std::string config = dir_.Path("confwatch.toml");
  WriteAll(config, "[exec]\ncommand = \"exit 0\"\nreload_signal = \"NOPE\"\n");
  std::vector<std::string> argv = {Binary(), "-confdir", dir_.path(), "-backend", "env",
                                   "-config-file", config};
  Process p(argv, dir_.Path("confwatch.log"));
  EXPECT_EQ(2, p.WaitExit().value_or(-1)) << p.Log();
  EXPECT_EQ(absl::StrCat("confwatch: ", config,
                         ":3:17: [exec] reload_signal: invalid signal \"NOPE\": use a name such "
                         "as HUP or SIGUSR1, or a number 1-64\n"),
            p.Log());
}

TEST_F(ExecLifecycleTest, ExecTableCommandRunsAndCommandLineWins) {
  std::string config = dir_.Path("confwatch.toml");
  WriteAll(config, "[exec]\ncommand = \"exit 4\"\n");
  std::vector<std::string> base = {Binary(), "-confdir", dir_.path(), "-backend", "env",
                                   "-config-file", config};
  Process from_file(base, dir_.Path("file.log"));
  EXPECT_EQ(4, from_file.WaitExit().value_or(-1)) << from_file.Log();
  std::vector<std::string> argv = base;
  for (const char* a : {"--", "/bin/sh", "-c", "exit 5"}) argv.push_back(a);
  Process from_flags(argv, dir_.Path("flags.log"));
  EXPECT_EQ(5, from_flags.WaitExit().value_or(-1)) << from_flags.Log();
}

TEST_F(ExecLifecycleTest, ChildIgnoringTheKillSignalIsKilledAfterKillTimeout) {
  std::string ready = dir_.Path("ready");
  auto p = Run({"-exec-kill-timeout", "1s"},
               {"/bin/sh", "-c", "trap '' TERM; touch " + ready + "; while :; do sleep 1; done"});
  ASSERT_TRUE(PollUntil([&] { return access(ready.c_str(), F_OK) == 0; })) << p->Log();
  p->Signal(SIGTERM);
  EXPECT_EQ(128 + SIGKILL, p->WaitExit().value_or(-1)) << p->Log();
  EXPECT_TRUE(absl::StrContains(p->Log(), "after SIGTERM; sending SIGKILL")) << p->Log();
}

TEST_F(ExecLifecycleTest, TemplateThatNeverRendersExits1WithoutStartingTheCommand) {
  mkdir(dir_.Path("templates").c_str(), 0755);
  WriteAll(dir_.Path("data.yaml"), "x: 1\n");
  WriteAll(dir_.Path("templates/a.tmpl"), "{{getv \"/missing\"}}");
  WriteAll(dir_.Path("conf.d/a.toml"), "[template]\nsrc = \"a.tmpl\"\ndest = \"" +
                                           dir_.Path("a.conf") + "\"\nkeys = [\"/\"]\n");
  std::string marker = dir_.Path("started");
  std::vector<std::string> argv = {Binary(),  "-confdir", dir_.path(), "-backend", "file",
                                   "-file",   dir_.Path("data.yaml"), "-config-file", "",
                                   "-exec-wait-timeout", "1s", "--", "/bin/sh", "-c",
                                   "touch " + marker};
  Process p(argv, dir_.Path("confwatch.log"));
  EXPECT_EQ(1, p.WaitExit().value_or(-1)) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "exec: not every resource loaded and rendered within "
                                         "-exec-wait-timeout 1s"))
      << p.Log();
  EXPECT_NE(0, access(marker.c_str(), F_OK));
}

TEST_F(ExecLifecycleTest, OnFailureRestartsUpToTheLimitThenExitsWithTheCode) {
  std::string runs = dir_.Path("runs");
  auto p = Run({"-exec-restart", "on-failure", "-exec-restart-limit", "2"},
               {"/bin/sh", "-c", "echo run >> " + runs + "; exit 3"});
  // Backoff 1 s then 2 s.
  EXPECT_EQ(3, p->WaitExit(std::chrono::seconds(30)).value_or(-1)) << p->Log();
  EXPECT_EQ("run\nrun\nrun\n", ReadFile(runs).value_or(""));
}

}  // namespace
}  // namespace confwatch
