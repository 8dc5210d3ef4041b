// The confwatch binary against an etcd that wants both TLS client
// certificates and a username (tracker issue 7): the user's role reads only
// /app/, so a resource on /secret is refused, by name, while the /app one
// renders and keeps following changes; the password never reaches the log.
// And the installer's stage file on the real filesystem (PosixFileSystem):
// a mode "0600" resource's stage is 0600 when check_cmd sees it, and is
// created 0600 and never chmod'ed looser (strace), even under umask 000.
// And the confdir's trust (base/path_trust.h): as root, a resource another
// user owns, or a conf.d others may write, is refused and never runs.
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {
namespace {

class SecureEtcdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EtcdTestOptions o;
    o.tls = true;
    auto etcd = EtcdTestServer::Start(o);
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
    ASSERT_TRUE(etcd_->EnableAuth().ok());
    root_ = Connect(kTestRootUser, kTestRootPassword);
    ASSERT_NE(root_, nullptr);
  }

  std::unique_ptr<EtcdClient> Connect(const std::string& user, const std::string& password) {
    EtcdOptions o;
    o.endpoints = {etcd_->url()};
    o.ca_file = etcd_->certs()->ca_file();
    o.cert_file = etcd_->certs()->client_cert_file();
    o.key_file = etcd_->certs()->client_key_file();
    o.username = user;
    o.password = password;
    o.dial_timeout = absl::Seconds(5);
    absl::StatusOr<std::unique_ptr<EtcdClient>> c = EtcdClient::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }
  void Put(const std::string& key, const std::string& value) {
    absl::StatusOr<int64_t> r = root_->Put(key, value);
    ASSERT_TRUE(r.ok()) << key << ": " << r.status();
  }

  // TLS files and the reader's credentials, as a user would pass them.
  std::vector<std::string> Flags(std::vector<std::string> extra) const {
    std::vector<std::string> f = {"-node",           etcd_->url(),
                                  "-client-cert",    etcd_->certs()->client_cert_file(),
                                  "-client-key",     etcd_->certs()->client_key_file(),
                                  "-client-ca-keys", etcd_->certs()->ca_file(),
                                  "-username",       kTestReader,
                                  "-password",       kTestReaderPassword,
                                  "-log-level",      "debug"};
    f.insert(f.end(), extra.begin(), extra.end());
    return f;
  }

  // app.toml reads /app/x (allowed), secret.toml reads /secret/db (not).
  void AddResources(Confdir* c) {
    c->AddTemplate("app.tmpl", "x={{getv \"/app/x\"}}\n");
    c->AddTemplate("secret.tmpl", "db={{getv \"/secret/db\"}}\n");
    c->AddResource("app.toml", "app.tmpl", "app.conf", "\"/app/x\"");
    c->AddResource("secret.toml", "secret.tmpl", "secret.conf", "\"/secret/db\"");
  }

  std::unique_ptr<EtcdTestServer> etcd_;
  std::unique_ptr<EtcdClient> root_;
};

TEST_F(SecureEtcdTest, WatchRendersTheAllowedPrefixRefusesTheOtherByNameAndHidesThePassword) {
  Put("/app/x", "1");
  Put("/secret/db", "hunter2");
  Confdir c;
  AddResources(&c);
  ConfwatchProcess p(c, Flags({"-watch"}));
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=1\n")) << p.Log();
  Put("/app/x", "2");
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=2\n")) << p.Log();
  Put("/app/x", "3");
  ASSERT_TRUE(FileBecomes(c.Out("app.conf"), "x=3\n")) << p.Log();

  const std::string log = p.Log();
  EXPECT_TRUE(absl::StrContains(log,
                                "secret.toml: etcd: permission denied reading /secret/db: "
                                "user \"web\" has no read access"))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "not rendering secret.toml")) << log;
  EXPECT_FALSE(ReadWholeFile(c.Out("secret.conf")).has_value());
  EXPECT_FALSE(absl::StrContains(log, "hunter2")) << "nothing of /secret reached us";
  EXPECT_EQ(0, p.Stop()) << p.Log();
  EXPECT_FALSE(absl::StrContains(p.Log(), kTestReaderPassword)) << "the password is never logged";
}

// One resource reads /app/x and /zz/y, both readable; /secret lies between
// them. etcd refuses the one watch over the range that covers both, so they
// are watched one by one: the resource keeps following both, and a warning
// names it as no longer read at one revision.
TEST_F(SecureEtcdTest, RefusedCoveringWatchFallsBackToOneWatchPerPrefixAndSaysSo) {
  ASSERT_TRUE(etcd_->GrantReaderPrefix("/zz/").ok());
  Put("/app/x", "1");
  Put("/zz/y", "1");
  Put("/secret/db", "hunter2");
  Confdir c;
  c.AddTemplate("both.tmpl", "{{getv \"/app/x\"}} {{getv \"/zz/y\"}}\n");
  c.AddResource("both.toml", "both.tmpl", "both.conf", "\"/app/x\", \"/zz/y\"");
  ConfwatchProcess p(c, Flags({"-watch"}));
  ASSERT_TRUE(FileBecomes(c.Out("both.conf"), "1 1\n")) << p.Log();
  Put("/zz/y", "2");
  ASSERT_TRUE(FileBecomes(c.Out("both.conf"), "1 2\n", std::chrono::seconds(30))) << p.Log();
  Put("/app/x", "2");
  ASSERT_TRUE(FileBecomes(c.Out("both.conf"), "2 2\n")) << p.Log();
  const std::string log = p.Log();
  EXPECT_TRUE(absl::StrContains(log, "both.toml: etcd refused one watch over the keys from "
                                     "/app/x up to /zz/z (permission denied)"))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "watching /app/x, /zz/y separately, so a transaction that "
                                     "writes under more than one of them may reach both.toml in "
                                     "two renders"))
      << log;
  EXPECT_FALSE(absl::StrContains(log, "hunter2")) << "nothing of /secret reached us";
}

TEST_F(SecureEtcdTest, OnetimeInstallsTheAllowedResourceAndExitsOneNamingTheRefusedOne) {
  Put("/app/x", "1");
  Confdir c;
  AddResources(&c);
  ConfwatchProcess p(c, Flags({"-onetime"}));
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(1, *code) << p.Log();
  EXPECT_EQ(std::optional<std::string>("x=1\n"), ReadWholeFile(c.Out("app.conf")));
  EXPECT_TRUE(absl::StrContains(p.Log(), "secret.toml: etcd: permission denied reading /secret/db"))
      << p.Log();
  EXPECT_FALSE(absl::StrContains(p.Log(), kTestReaderPassword));
}

TEST_F(SecureEtcdTest, WithoutTheClientCertificateTheConnectionIsRefused) {
  Put("/app/x", "1");
  Confdir c;
  AddResources(&c);
  ConfwatchProcess p(
      c, {"--preflight", "-node", etcd_->url(), "-client-ca-keys", etcd_->certs()->ca_file(),
          "-username", kTestReader, "-password", kTestReaderPassword});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(3, *code) << p.Log();
  EXPECT_FALSE(absl::StrContains(p.Log(), "read /app/x: 1 key(s)")) << p.Log();
  EXPECT_FALSE(absl::StrContains(p.Log(), kTestReaderPassword));
}

using StageFileTest = BinaryEtcdTest;

// check_cmd runs while the stage file exists: it records the stage's mode
// bits and size, so the whole secret is seen sitting in a 0600 file, under
// umask 000, with an existing 0644 dest. (It cannot see the moment of
// creation: see the strace test below.)
TEST_F(StageFileTest, StageOfA0600ResourceIs0600WhileCheckCmdRunsEvenUnderUmask000) {
  Put("/db/password", "s3cret");
  Confdir c;
  const std::string modes = c.Scratch("modes.log");
  c.AddTemplate("db.tmpl", "password={{getv \"/db/password\"}}\n");
  WriteFile(c.Out("db.conf"), "old\n");
  chmod(c.Out("db.conf").c_str(), 0644);  // an existing, looser file
  c.AddResource(
      "db.toml", "db.tmpl", "db.conf", "\"/db\"",
      absl::StrCat("mode = \"0600\"\ncheck_cmd = \"stat -c '%a %s' {{.src}} >> ", modes, "\"\n"));
  const mode_t old_umask = umask(0);
  ConfwatchProcess p(c, {"-onetime", "-node", etcd_->endpoint()});
  umask(old_umask);
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value()) << p.Log();
  ASSERT_EQ(0, *code) << p.Log();
  // The stage held the whole rendered file, at 0600.
  EXPECT_EQ(std::optional<std::string>("600 16\n"), ReadWholeFile(modes)) << p.Log();
  struct stat st {};
  ASSERT_EQ(0, stat(c.Out("db.conf").c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 07777);
  EXPECT_EQ(std::optional<std::string>("password=s3cret\n"), ReadWholeFile(c.Out("db.conf")));
  for (const auto& e : std::filesystem::directory_iterator(c.Out(""))) {
    EXPECT_EQ("db.conf", e.path().filename().string()) << "no stage file is left behind";
  }
}

// check_cmd only sees the stage once it is complete. To see that it is 0600
// from the first moment (created so, never chmod'ed looser), watch the
// system calls: strace records the mode of the O_CREAT open and of every
// fchmod. Skipped where strace cannot trace (no strace, ptrace forbidden).
TEST_F(StageFileTest, StageOfA0600ResourceIsCreated0600AndNeverChmodedLooser) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/strace";
  Put("/db/password", "s3cret");
  Confdir c;
  c.AddTemplate("db.tmpl", "password={{getv \"/db/password\"}}\n");
  c.AddResource("db.toml", "db.tmpl", "db.conf", "\"/db\"", "mode = \"0600\"\n");
  const std::string trace = c.Scratch("trace.txt");
  const mode_t old_umask = umask(0);
  std::vector<std::string> argv = {"/usr/bin/strace", "-f", "-qq", "-o", trace, "-e",
                                   "trace=open,openat,creat,chmod,fchmod,fchmodat"};
  // In the ASan build (tests/sanitize): LeakSanitizer cannot run under
  // ptrace and would end the traced confwatch with a fatal error.
  if (const char* asan = getenv("ASAN_OPTIONS")) {
    argv.insert(argv.end(), {"-E", absl::StrCat("ASAN_OPTIONS=", asan, ":detect_leaks=0")});
  }
  argv.insert(argv.end(), {std::string(CONFWATCH_BINARY_DIR) + "/confwatch", "-confdir", c.path(),
                           "-onetime", "-node", etcd_->endpoint()});
  pid_t pid = SpawnLogged(argv, c.Scratch("confwatch.log"));
  umask(old_umask);
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  const std::string log = ReadWholeFile(c.Scratch("confwatch.log")).value_or("");
  if (absl::StrContains(log, "PTRACE_TRACEME") ||
      absl::StrContains(log, "Operation not permitted")) {
    GTEST_SKIP() << "ptrace is not allowed here: " << log;
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  ASSERT_EQ(std::optional<std::string>("password=s3cret\n"), ReadWholeFile(c.Out("db.conf")));

  const std::string stage_prefix = c.Out(".db.conf.");
  int creates = 0, chmods = 0;
  for (absl::string_view line : absl::StrSplit(ReadWholeFile(trace).value_or(""), '\n')) {
    if (absl::StrContains(line, absl::StrCat("\"", stage_prefix)) &&
        absl::StrContains(line, "O_CREAT")) {
      ++creates;
      EXPECT_TRUE(absl::StrContains(line, ", 0600)")) << line;
    }
    if (absl::StrContains(line, "chmod(")) {
      ++chmods;
      // Every chmod confwatch makes here is of the stage, to the resource's
      // mode: nothing with group or other bits.
      EXPECT_TRUE(absl::StrContains(line, ", 0600)")) << line;
    }
  }
  EXPECT_EQ(1, creates) << ReadWholeFile(trace).value_or("");
  EXPECT_GE(chmods, 1) << ReadWholeFile(trace).value_or("");
}

using ConfdirTrustTest = BinaryEtcdTest;

std::string Refusal(const std::string& path, const std::string& owner_mode,
                    const std::string& why) {
  return absl::StrCat("untrusted path ", path, " (", owner_mode, "): ", why,
                      "; confwatch runs as root, so it and every directory above it must be "
                      "owned by root and not writable by group or others (chown root, chmod go-w)");
}

// A resource chooses the commands confwatch runs as root: one that another
// user owns is refused when it appears, by path, owner and mode, and never
// renders or runs; the other resources go on. A conf.d that others may write
// is refused on SIGHUP, keeping the configuration loaded before.
TEST_F(ConfdirTrustTest, ResourceAnotherUserOwnsOrMayAddIsRefusedAndNeverRuns) {
  if (geteuid() != 0) GTEST_SKIP() << "the check is made only when confwatch runs as root";
  Put("/app/v", "1");
  Confdir c;
  c.AddTemplate("a.tmpl", "{{getv \"/app/v\"}}\n");
  c.AddResource("a.toml", "a.tmpl", "a.conf", "\"/app\"");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint()});
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "1\n")) << p.Log();

  const std::string marker = c.Scratch("ran-as-root");
  const std::string planted = c.Scratch("b.toml");
  WriteFile(planted, absl::StrCat("[template]\nsrc = \"a.tmpl\"\ndest = \"", c.Out("b.conf"),
                                  "\"\nkeys = [\"/app\"]\nreload_cmd = \"touch ", marker, "\"\n"));
  ASSERT_EQ(0, chmod(planted.c_str(), 0644));
  ASSERT_EQ(0, chown(planted.c_str(), 65534, 65534));
  ASSERT_EQ(0, rename(planted.c_str(), c.Toml("b.toml").c_str()));
  const std::string owned =
      Refusal(c.Toml("b.toml"), "owner uid 65534, mode 0644", "owned by another user");
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p.Log(), owned); }, kWait)) << p.Log();
  Put("/app/v", "2");
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "2\n")) << p.Log();

  ASSERT_EQ(0, chmod(c.Scratch("conf.d").c_str(), 0777));
  ASSERT_EQ(0, kill(p.pid(), SIGHUP));
  const std::string open = absl::StrCat(
      "configuration reload failed, keeping the previous one: ",
      Refusal(c.Scratch("conf.d"), "owner uid 0, mode 0777", "writable by group or others"));
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p.Log(), open); }, kWait)) << p.Log();
  Put("/app/v", "3");
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "3\n")) << p.Log();
  EXPECT_FALSE(std::filesystem::exists(c.Out("b.conf")));
  EXPECT_FALSE(std::filesystem::exists(marker)) << p.Log();
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

}  // namespace
}  // namespace confwatch
