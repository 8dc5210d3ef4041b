// `confwatch register` as a real process against a real etcd: it registers,
// SIGTERM removes the key at once and exits 0, SIGKILL leaves the key to
// expire with its lease, and bad input exits 2 without registering anything.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"  // SpawnLogged
#include "tests/integration/etcd_test_util.h"
#include "tests/integration/register_test_util.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

// `confwatch register ARGS...` with INSTANCE=web-7 in its environment;
// stdout and stderr go to a log file.
class RegisterProcess {
 public:
  RegisterProcess(const TempDir& dir, const std::vector<std::string>& args)
      : log_path_(dir.Path("register.log")) {
    std::vector<std::string> argv = {std::string(CONFWATCH_BINARY_DIR) + "/confwatch",
                                     "register"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = SpawnLogged(argv, log_path_, {{"INSTANCE", "web-7"}}, /*truncate=*/true);
  }
  ~RegisterProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  RegisterProcess(const RegisterProcess&) = delete;
  RegisterProcess& operator=(const RegisterProcess&) = delete;

  void Signal(int sig) { kill(pid_, sig); }
  // The exit code (128 + signal when killed), nullopt if still running after `bound`.
  std::optional<int> WaitExit(absl::Duration bound = absl::Seconds(10)) {
    int status = 0;
    bool done = PollFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, bound);
    if (!done) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Log() const {
    return ReadFile(log_path_).value_or("");
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
};

class RegisterBinaryTest : public BinaryEtcdTest {
 protected:
  std::unique_ptr<RegisterProcess> Run(std::vector<std::string> args) {
    args.insert(args.end(), {"-node", etcd_->endpoint()});
    return std::make_unique<RegisterProcess>(dir_, args);
  }
  // The key with a live lease of `ttl` seconds granted.
  bool Registered(const std::string& key, int64_t ttl) {
    std::optional<KeyValue> kv = GetKey(client_.get(), key);
    if (!kv || kv->lease == 0) return false;
    absl::StatusOr<LeaseTtl> t = client_->LeaseTimeToLive(kv->lease);
    return t.ok() && t->ttl_seconds > 0 && t->granted_ttl_seconds == ttl;
  }
  bool Absent(const std::string& key) {
    absl::StatusOr<std::optional<KeyValue>> kv = client_->Get(key);
    return kv.ok() && !kv->has_value();
  }
  size_t KeyCount() {
    absl::StatusOr<Snapshot> all = client_->RangePrefix("");
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? all->kvs.size() : 0;
  }

  TempDir dir_;
};

TEST_F(RegisterBinaryTest, SigtermRemovesTheKeyAtOnceAndExitsZero) {
  auto p = Run({"--key", "/services/web/{{getenv \"INSTANCE\"}}", "--value",
                "{{getenv \"INSTANCE\"}}:8080", "--ttl", "10s"});
  ASSERT_TRUE(PollFor([&] { return Registered("/services/web/web-7", 10); })) << p->Log();
  EXPECT_EQ("web-7:8080", GetKey(client_.get(), "/services/web/web-7")->value);
  p->Signal(SIGTERM);
  std::optional<int> code = p->WaitExit();
  ASSERT_TRUE(code.has_value()) << "ignored SIGTERM\n" << p->Log();
  EXPECT_EQ(0, *code) << p->Log();
  // No polling: revoked before the process exited, not left to the 10 s TTL.
  EXPECT_TRUE(Absent("/services/web/web-7")) << p->Log();
}

TEST_F(RegisterBinaryTest, SigintToo) {
  auto p = Run({"-key=/services/web/x", "-ttl=10s"});
  ASSERT_TRUE(PollFor([&] { return Registered("/services/web/x", 10); })) << p->Log();
  p->Signal(SIGINT);
  EXPECT_EQ(std::optional<int>(0), p->WaitExit()) << p->Log();
  EXPECT_TRUE(Absent("/services/web/x"));
}

TEST_F(RegisterBinaryTest, KilledProcessLeavesTheKeyToExpireAfterTheTtl) {
  auto p = Run({"--key", "/services/web/k9", "--ttl", "2s"});
  ASSERT_TRUE(PollFor([&] { return Registered("/services/web/k9", 2); })) << p->Log();
  p->Signal(SIGKILL);
  EXPECT_EQ(std::optional<int>(128 + SIGKILL), p->WaitExit());
  absl::Time killed = absl::Now();
  // Nobody revoked it: still there right after the kill...
  EXPECT_FALSE(Absent("/services/web/k9"));
  // ...and gone once the lease runs out.
  ASSERT_TRUE(PollFor([&] { return Absent("/services/web/k9"); }));
  std::fprintf(stderr, "key expired %s after kill -9 (ttl 2s)\n",
               absl::FormatDuration(absl::Now() - killed).c_str());
}

TEST_F(RegisterBinaryTest, HealthCheckGatesTheRegistration) {
  TestListener service;
  auto p = Run({"--key", "/services/web/h", "--health",
                "tcp://127.0.0.1:" + std::to_string(service.port()), "--health-interval",
                "200ms", "--health-timeout", "500ms"});
  ASSERT_TRUE(PollFor([&] { return Registered("/services/web/h", 10); })) << p->Log();
  service.Close();
  ASSERT_TRUE(PollFor([&] { return Absent("/services/web/h"); }, absl::Seconds(8))) << p->Log();
  service.Reopen();
  ASSERT_TRUE(PollFor([&] { return Registered("/services/web/h", 10); })) << p->Log();
  p->Signal(SIGTERM);
  EXPECT_EQ(std::optional<int>(0), p->WaitExit()) << p->Log();
  EXPECT_TRUE(Absent("/services/web/h"));
}

TEST_F(RegisterBinaryTest, BadInputExitsTwoAndRegistersNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--value", "v"}, "confwatch register: --key is required\n"},
      {{"--key", "/k", "--ttl", "0.5s"}, "confwatch register: --ttl: must be at least 1s, got 500ms\n"},
      {{"--key", "/k", "--health", "ftp://x:1"},
       "confwatch register: --health: health check \"ftp://x:1\": unsupported scheme \"ftp\" "
       "(use tcp://, http://, https:// or a command)\n"},
      {{"--key", "/k/{{nope}}"},
       "confwatch register: command line: key: template: key:1: function \"nope\" not "
       "defined\n"},
  };
  for (const Case& c : cases) {
    auto p = Run(c.args);
    EXPECT_EQ(std::optional<int>(2), p->WaitExit()) << c.message;
    EXPECT_EQ(c.message, p->Log());
  }
  EXPECT_EQ(0u, KeyCount());
}

// The real resolver: ".invalid" never resolves (RFC 6761), so the failed
// lookup runs for real; no fallback to the default node (where this test's
// etcd could be listening is irrelevant: nothing may be registered anywhere).
TEST_F(RegisterBinaryTest, SrvRecordWithoutAnswerExitsThreeNamingItAndRegistersNothing) {
  RegisterProcess p(dir_, {"--key", "/k", "--srv-domain", "confwatch-test.invalid"});
  EXPECT_EQ(std::optional<int>(3), p.WaitExit()) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "confwatch register: cannot find the etcd nodes: SRV "
                                         "record _etcd._tcp.confwatch-test.invalid.: "))
      << p.Log();
  EXPECT_EQ(0u, KeyCount());
}

}  // namespace
}  // namespace confwatch
