// Credentials and secret values with the confwatch binary against an etcd
// with auth enabled (tracker issue 17, section 3): CONFWATCH_PASSWORD reaches
// no check_cmd, reload_cmd, exec child or template getenv; -password-file is
// read, and refused when others can read it; `confwatch register` takes the
// daemon's credentials and exits 2, with the daemon's message, when etcd
// refuses them; no key value is ever logged, not even at debug level. And
// (section 4) a reload_signal's pid_file: each signal is logged with its
// pid, and a pid file others can write is refused, naming why.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

// A value that must appear in rendered files only, never in a log.
constexpr char kSecretValue[] = "v4lue-s3cr3t-9d1f";

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto etcd = EtcdTestServer::Start();
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
    ASSERT_TRUE(etcd_->EnableAuth().ok());
    EtcdOptions o;
    o.endpoints = {etcd_->endpoint()};
    o.username = kTestRootUser;
    o.password = kTestRootPassword;
    o.dial_timeout = absl::Seconds(5);
    absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
    ASSERT_TRUE(c.ok()) << c.status();
    root_ = *std::move(c);
    ASSERT_TRUE(root_->Put("/app/x", kSecretValue).ok());
  }

  // The reader's credentials in the environment, as a Kubernetes Secret
  // would put them there.
  static std::vector<std::pair<std::string, std::string>> ReaderEnv() {
    return {{"CONFWATCH_USERNAME", kTestReader}, {"CONFWATCH_PASSWORD", kTestReaderPassword}};
  }

  std::unique_ptr<EtcdTestServer> etcd_;
  std::unique_ptr<EtcdClient> root_;
};

TEST_F(SecretsTest, PasswordFromTheEnvironmentReachesNoCommandNoTemplateAndNoLog) {
  Confdir c;
  const std::string check_env = c.Scratch("check.env"), reload_env = c.Scratch("reload.env");
  c.AddTemplate("app.tmpl",
                "x={{getv \"/app/x\"}} pw=[{{getenv \"CONFWATCH_PASSWORD\"}}] "
                "user=[{{getenv \"CONFWATCH_USERNAME\"}}]\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"",
                absl::StrCat("check_cmd = \"env > ", check_env, "\"\nreload_cmd = \"env > ",
                             reload_env, "\"\n"));
  ConfwatchProcess p(c, {"-onetime", "-node", etcd_->endpoint(), "-log-level", "debug"},
                     ReaderEnv());
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << p.Log();
  ASSERT_EQ(0, *code) << p.Log();
  EXPECT_EQ(absl::StrCat("x=", kSecretValue, " pw=[] user=[]\n"),
            ReadWholeFile(c.Out("app.conf")).value_or("<missing>"));
  for (const std::string& env : {check_env, reload_env}) {
    std::optional<std::string> text = ReadWholeFile(env);
    ASSERT_TRUE(text.has_value()) << env << "\n" << p.Log();
    EXPECT_TRUE(absl::StrContains(*text, "PATH=")) << *text;
    EXPECT_FALSE(absl::StrContains(*text, "CONFWATCH_PASSWORD")) << env << ":\n" << *text;
    EXPECT_FALSE(absl::StrContains(*text, "CONFWATCH_USERNAME")) << env << ":\n" << *text;
    EXPECT_FALSE(absl::StrContains(*text, kTestReaderPassword)) << env << ":\n" << *text;
  }
  const std::string log = p.Log();
  EXPECT_FALSE(absl::StrContains(log, kSecretValue)) << "a key value was logged:\n" << log;
  EXPECT_FALSE(absl::StrContains(log, kTestReaderPassword)) << log;
}

TEST_F(SecretsTest, ExecChildDoesNotInheritThePassword) {
  Confdir c;
  const std::string child_env = c.Scratch("child.env");
  c.AddTemplate("app.tmpl", "x={{getv \"/app/x\"}}\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"");
  ConfwatchProcess p(c,
                     {"-node", etcd_->endpoint(), "--", "/bin/sh", "-c",
                      absl::StrCat("env > ", child_env, ".tmp && mv ", child_env, ".tmp ",
                                   child_env, " && exec sleep 600")},
                     ReaderEnv());
  ASSERT_TRUE(PollUntil([&] { return ReadWholeFile(child_env).has_value(); },
                        std::chrono::seconds(60)))
      << p.Log();
  const std::string text = *ReadWholeFile(child_env);
  EXPECT_TRUE(absl::StrContains(text, "PATH=")) << text;
  EXPECT_FALSE(absl::StrContains(text, "CONFWATCH_PASSWORD")) << text;
  EXPECT_FALSE(absl::StrContains(text, kTestReaderPassword)) << text;
  p.Stop();
}

TEST_F(SecretsTest, PasswordFileIsReadAndRefusedWhenOthersCanReadIt) {
  Confdir c;
  c.AddTemplate("app.tmpl", "x={{getv \"/app/x\"}}\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"");
  const std::string password_file = c.Scratch("etcd-password");
  WriteFile(password_file, absl::StrCat(kTestReaderPassword, "\n"));
  ASSERT_EQ(0, chmod(password_file.c_str(), 0600));
  {
    ConfwatchProcess p(c, {"-onetime", "-node", etcd_->endpoint(), "-username", kTestReader,
                           "-password-file", password_file});
    std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
    ASSERT_TRUE(code.has_value()) << p.Log();
    EXPECT_EQ(0, *code) << p.Log();
    EXPECT_EQ(absl::StrCat("x=", kSecretValue, "\n"), ReadWholeFile(c.Out("app.conf")));
  }
  ASSERT_EQ(0, chmod(password_file.c_str(), 0640));
  ConfwatchProcess p(c, {"-onetime", "-node", etcd_->endpoint(), "-username", kTestReader,
                         "-password-file", password_file});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(2, *code) << p.Log();
  EXPECT_TRUE(absl::StrContains(
      p.Log(), absl::StrCat("password file ", password_file,
                            " is readable by group or others (mode 0640): chmod 600 it")))
      << p.Log();
}

// `confwatch register` as a process; its output goes to register.log.
std::optional<int> RunRegister(const TempDir& dir, std::vector<std::string> args,
                               const std::vector<std::pair<std::string, std::string>>& env,
                               std::string* log, std::chrono::seconds bound) {
  std::vector<std::string> argv = {std::string(CONFWATCH_BINARY_DIR) + "/confwatch", "register"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log_path = dir.Path("register.log");
  pid_t pid = SpawnLogged(argv, log_path, env, /*truncate=*/true);
  int status = 0;
  const bool exited = PollUntil([&] { return waitpid(pid, &status, WNOHANG) == pid; }, bound);
  if (!exited) {
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
  }
  *log = ReadWholeFile(log_path).value_or("");
  if (!exited) return std::nullopt;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_F(SecretsTest, RegisterTakesTheDaemonsCredentialsAndStopsOnAWrongPassword) {
  TempDir dir;
  std::string log;
  // Wrong password from the environment: exit 2 at once, the daemon's words.
  std::optional<int> code =
      RunRegister(dir, {"--key", "/svc/a", "--node", etcd_->endpoint()},
                  {{"CONFWATCH_USERNAME", kTestRootUser}, {"CONFWATCH_PASSWORD", "wrong"}}, &log,
                  std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "register kept retrying a wrong password:\n" << log;
  EXPECT_EQ(2, *code) << log;
  EXPECT_TRUE(absl::StrContains(log, "etcd: authentication failed for user \"root\"")) << log;

  Confdir c;
  ConfwatchProcess daemon(c, {"-watch", "-node", etcd_->endpoint()},
                          {{"CONFWATCH_USERNAME", kTestRootUser}, {"CONFWATCH_PASSWORD", "wrong"}});
  code = daemon.WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << daemon.Log();
  EXPECT_EQ(2, *code) << daemon.Log();
  EXPECT_TRUE(absl::StrContains(daemon.Log(), "etcd: authentication failed for user \"root\""))
      << daemon.Log();

  // The right one from a password file: registered until SIGTERM.
  const std::string password_file = dir.Path("pw");
  WriteFile(password_file, absl::StrCat(kTestRootPassword, "\n"));
  ASSERT_EQ(0, chmod(password_file.c_str(), 0600));
  std::vector<std::string> argv = {std::string(CONFWATCH_BINARY_DIR) + "/confwatch", "register",
                                   "--key", "/svc/a", "--value", "up", "--node",
                                   etcd_->endpoint(), "--password-file", password_file};
  pid_t pid = SpawnLogged(argv, dir.Path("register.log"),
                          {{"CONFWATCH_USERNAME", kTestRootUser}}, /*truncate=*/true);
  EXPECT_TRUE(PollUntil(
      [&] {
        absl::StatusOr<std::optional<KeyValue>> kv = root_->Get("/svc/a");
        return kv.ok() && kv->has_value() && (*kv)->value == "up";
      },
      std::chrono::seconds(30)))
      << ReadWholeFile(dir.Path("register.log")).value_or("");
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // A password file others can read: refused as the daemon refuses it.
  ASSERT_EQ(0, chmod(password_file.c_str(), 0644));
  code = RunRegister(dir, {"--key", "/svc/a", "--node", etcd_->endpoint(), "--password-file",
                           password_file},
                     {{"CONFWATCH_USERNAME", kTestRootUser}}, &log, std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << log;
  EXPECT_EQ(2, *code) << log;
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("password file ", password_file,
                        " is readable by group or others (mode 0644): chmod 600 it")))
      << log;
}

using PidFileTest = BinaryEtcdTest;

TEST_F(PidFileTest, EachSignalIsLoggedWithItsPidAndAPidFileOthersCanWriteIsRefused) {
  Confdir c;
  const std::string hups = c.Scratch("hups"), pid_file = c.Scratch("app.pid");
  // The "consumer": counts the SIGHUPs it gets.
  pid_t consumer = SpawnLogged(
      {"/bin/sh", "-c", absl::StrCat("trap 'echo hup >> ", hups, "' HUP; while :; do sleep 0.1; done")},
      c.Scratch("consumer.log"));
  ASSERT_GT(consumer, 0);
  WriteFile(pid_file, absl::StrCat(consumer, "\n"));
  ASSERT_EQ(0, chmod(pid_file.c_str(), 0644));
  c.AddTemplate("app.tmpl", "x={{getv \"/app/x\"}}\n");
  c.AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"",
                absl::StrCat("reload_signal = \"SIGHUP\"\npid_file = \"", pid_file, "\"\n"));
  Put("/app/x", "1");
  auto p = Watch(c);
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=1\n")) << p->Log();
  Put("/app/x", "2");
  ASSERT_TRUE(PollUntil([&] { return CountLines(hups) >= 1; }, std::chrono::seconds(30)))
      << p->Log();
  EXPECT_TRUE(absl::StrContains(
      p->Log(), absl::StrCat("app.toml: sent SIGHUP to pid ", consumer, " (from ", pid_file, ")")))
      << p->Log();

  ASSERT_EQ(0, chmod(pid_file.c_str(), 0666));
  Put("/app/x", "3");
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=3\n")) << p->Log();
  const std::string refused =
      absl::StrCat("app.toml: reload_signal SIGHUP: pid_file ", pid_file,
                   " is writable by others (mode 0666); not signalling");
  EXPECT_TRUE(PollUntil([&] { return absl::StrContains(p->Log(), refused); },
                        std::chrono::seconds(30)))
      << p->Log();
  const std::string log = p->Log();
  EXPECT_EQ(std::string::npos, log.find("sent SIGHUP", log.find(refused)))
      << "no signal sent through a pid file others can write:\n" << log;
  p->Stop();
  kill(consumer, SIGKILL);
  waitpid(consumer, nullptr, 0);
}

}  // namespace
}  // namespace confwatch
