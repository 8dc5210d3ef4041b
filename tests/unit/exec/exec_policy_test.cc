// Exec mode's rules with a fake child: what SupervisorCore does on file
// changes, signals, exits and timers, and the exit code rules.
#include "exec/exec_policy.h"

#include <signal.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

// waitpid() statuses as the kernel encodes them.
int Exited(int code) { return (code & 0xff) << 8; }
int Killed(int signo) { return signo & 0x7f; }

// Records every call as text: "start 100", "signal 100 SIGHUP" (by number).
class FakeChild : public ChildControl {
 public:
  absl::StatusOr<pid_t> Start(const std::vector<std::string>& argv) override {
    if (!fail_start.ok()) return fail_start;
    pid_t pid = next_pid++;
    calls.push_back(absl::StrCat("start ", pid));
    return pid;
  }
  void Signal(pid_t pid, int signo) override {
    calls.push_back(absl::StrCat("signal ", pid, " ", signo));
  }
  absl::Status fail_start = absl::OkStatus();
  pid_t next_pid = 100;
  std::vector<std::string> calls;
};

const absl::Time kT0 = absl::FromUnixSeconds(1000000);

class SupervisorCoreTest : public ::testing::Test {
 protected:
  SupervisorCore& Core() {
    if (!core_) {
      config_.command = {"app"};
      core_ = std::make_unique<SupervisorCore>(
          config_, &child_, [this] { return random_; }, [this] { ++shutdowns_; });
    }
    return *core_;
  }
  std::string Calls() const {
    std::string out;
    for (const std::string& c : child_.calls) absl::StrAppend(&out, c, "\n");
    return out;
  }

  ExecConfig config_;
  FakeChild child_;
  double random_ = 0.5;
  int shutdowns_ = 0;
  std::unique_ptr<SupervisorCore> core_;
};

TEST(ExitCode, ExitStatusPassesThroughAndSignalIs128PlusN) {
  EXPECT_EQ(0, ExitCodeOf(Exited(0)));
  EXPECT_EQ(3, ExitCodeOf(Exited(3)));
  EXPECT_EQ(255, ExitCodeOf(Exited(255)));
  EXPECT_EQ(128 + SIGTERM, ExitCodeOf(Killed(SIGTERM)));
  EXPECT_EQ(128 + SIGKILL, ExitCodeOf(Killed(SIGKILL)));
}

TEST(ExitCode, StartFailureIsShellLike) {
  EXPECT_EQ(127, ExitCodeOfStartFailure(absl::NotFoundError("x")));
  EXPECT_EQ(126, ExitCodeOfStartFailure(absl::PermissionDeniedError("x")));
  EXPECT_EQ(126, ExitCodeOfStartFailure(absl::FailedPreconditionError("x")));
}

TEST(RestartBackoff, DoublesFromOneSecondUpToThirty) {
  std::vector<int64_t> got;
  for (int n = 1; n <= 8; ++n) got.push_back(absl::ToInt64Seconds(RestartBackoff(n)));
  EXPECT_EQ((std::vector<int64_t>{1, 2, 4, 8, 16, 30, 30, 30}), got);
}

TEST(RestartPolicyParse, AcceptsTheThreeNamesAndRejectsOthers) {
  EXPECT_EQ(RestartPolicy::kNever, *ParseRestartPolicy("never"));
  EXPECT_EQ(RestartPolicy::kOnFailure, *ParseRestartPolicy("on-failure"));
  EXPECT_EQ(RestartPolicy::kAlways, *ParseRestartPolicy("Always"));
  absl::StatusOr<RestartPolicy> bad = ParseRestartPolicy("sometimes");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ("invalid restart policy \"sometimes\": use never, on-failure or always",
            bad.status().message());
}

TEST_F(SupervisorCoreTest, ChildExitCodeBecomesOurs) {
  Core().Start(kT0);
  Core().OnChildExited(100, Exited(3), kT0 + absl::Seconds(1));
  ASSERT_TRUE(Core().exit_code().has_value());
  EXPECT_EQ(3, *Core().exit_code());
}

TEST_F(SupervisorCoreTest, CommandNotFoundExits127WithoutRetry) {
  config_.restart = RestartPolicy::kAlways;
  child_.fail_start = absl::NotFoundError("cannot start \"nope\": command not found");
  Core().Start(kT0);
  EXPECT_EQ(127, Core().exit_code().value_or(-1));
  EXPECT_EQ(absl::InfiniteFuture(), Core().NextDeadline());
}

TEST_F(SupervisorCoreTest, FileChangeSendsReloadSignal) {
  Core().Start(kT0);
  Core().OnFilesChanged(kT0);
  Core().OnFilesChanged(kT0);
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGHUP, "\nsignal 100 ", SIGHUP, "\n"),
            Calls());
}

TEST_F(SupervisorCoreTest, SplayDelaysOneReloadSignalForChangesMeanwhile) {
  config_.splay = absl::Seconds(10);
  random_ = 0.25;
  Core().Start(kT0);
  Core().OnFilesChanged(kT0);
  Core().OnFilesChanged(kT0 + absl::Seconds(1));
  EXPECT_EQ(kT0 + absl::Milliseconds(2500), Core().NextDeadline());
  Core().OnTimer(kT0 + absl::Seconds(2));
  EXPECT_EQ("start 100\n", Calls());
  Core().OnTimer(kT0 + absl::Milliseconds(2500));
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGHUP, "\n"), Calls());
  EXPECT_EQ(absl::InfiniteFuture(), Core().NextDeadline());
}

TEST_F(SupervisorCoreTest, EmptyReloadSignalRestartsAndMergesChangesDuringRestart) {
  config_.reload_signal = 0;
  config_.kill_signal = SIGQUIT;
  Core().Start(kT0);
  Core().OnFilesChanged(kT0);
  Core().OnFilesChanged(kT0 + absl::Seconds(1));  // restart in progress
  Core().OnFilesChanged(kT0 + absl::Seconds(2));
  Core().OnChildExited(100, Killed(SIGQUIT), kT0 + absl::Seconds(3));
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGQUIT, "\nstart 101\n"), Calls());
  EXPECT_FALSE(Core().exit_code().has_value());
  EXPECT_EQ(101, Core().child());
  // The new child is restarted by the next change.
  Core().OnFilesChanged(kT0 + absl::Seconds(4));
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGQUIT, "\nstart 101\nsignal 101 ", SIGQUIT,
                         "\n"),
            Calls());
}

TEST_F(SupervisorCoreTest, RestartKillsAfterKillTimeout) {
  config_.reload_signal = 0;
  config_.kill_timeout = absl::Seconds(5);
  Core().Start(kT0);
  Core().OnFilesChanged(kT0);
  EXPECT_EQ(kT0 + absl::Seconds(5), Core().NextDeadline());
  Core().OnTimer(kT0 + absl::Seconds(5));
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGTERM, "\nsignal 100 ", SIGKILL, "\n"),
            Calls());
}

TEST_F(SupervisorCoreTest, TermCallsShutdownHookThenStopsChildWithKillSignal) {
  config_.kill_signal = SIGUSR2;
  Core().Start(kT0);
  Core().OnSignal(SIGTERM, kT0);
  EXPECT_EQ(1, shutdowns_);
  Core().OnSignal(SIGINT, kT0);  // a second stop request changes nothing
  EXPECT_EQ(1, shutdowns_);
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGUSR2, "\n"), Calls());
  Core().OnChildExited(100, Exited(0), kT0 + absl::Seconds(1));
  EXPECT_EQ(0, Core().exit_code().value_or(-1));
}

TEST_F(SupervisorCoreTest, TermStopsEvenAnAlwaysRestartedChildWithItsCode) {
  config_.restart = RestartPolicy::kAlways;
  Core().Start(kT0);
  Core().OnSignal(SIGTERM, kT0);
  Core().OnTimer(kT0 + absl::Seconds(10));  // ignored TERM: SIGKILL
  Core().OnChildExited(100, Killed(SIGKILL), kT0 + absl::Seconds(10));
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGTERM, "\nsignal 100 ", SIGKILL, "\n"),
            Calls());
  EXPECT_EQ(128 + SIGKILL, Core().exit_code().value_or(-1));
}

TEST_F(SupervisorCoreTest, OtherSignalsAreForwardedAsTheyAre) {
  Core().Start(kT0);
  for (int s : {SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT}) Core().OnSignal(s, kT0);
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGHUP, "\nsignal 100 ", SIGQUIT,
                         "\nsignal 100 ", SIGUSR1, "\nsignal 100 ", SIGUSR2, "\nsignal 100 ",
                         SIGWINCH, "\nsignal 100 ", SIGCONT, "\n"),
            Calls());
  EXPECT_FALSE(Core().exit_code().has_value());
}

TEST_F(SupervisorCoreTest, ResourceReloadSignalGoesToTheRunningChildEvenSigterm) {
  Core().OnResourceReloadSignal(SIGUSR2);  // before the start: nobody to tell
  Core().Start(kT0);
  Core().OnResourceReloadSignal(SIGUSR2);
  Core().OnResourceReloadSignal(SIGTERM);  // the resource's choice: not a stop
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGUSR2, "\nsignal 100 ", SIGTERM, "\n"),
            Calls());
  EXPECT_EQ(0, shutdowns_);
  EXPECT_FALSE(Core().exit_code().has_value());
}

TEST_F(SupervisorCoreTest, ResourceReloadSignalReachesTheNewChildAfterARestart) {
  config_.reload_signal = 0;  // file changes restart the child
  Core().Start(kT0);
  Core().OnFilesChanged(kT0);
  Core().OnResourceReloadSignal(SIGUSR2);  // 100 is being replaced: dropped
  Core().OnChildExited(100, Killed(SIGTERM), kT0 + absl::Seconds(1));
  Core().OnResourceReloadSignal(SIGUSR2);
  EXPECT_EQ(absl::StrCat("start 100\nsignal 100 ", SIGTERM, "\nstart 101\nsignal 101 ", SIGUSR2,
                         "\n"),
            Calls());
}

TEST_F(SupervisorCoreTest, OnFailureRestartsWithBackoffUntilTheLimitThenExitsWithCode) {
  config_.restart = RestartPolicy::kOnFailure;
  config_.restart_limit = 3;
  Core().Start(kT0);
  absl::Time now = kT0;
  std::vector<int64_t> delays;
  for (int i = 0; i < 3; ++i) {
    now += absl::Seconds(1);  // a quick failure each time
    Core().OnChildExited(Core().child(), Exited(4), now);
    ASSERT_FALSE(Core().exit_code().has_value()) << i;
    delays.push_back(absl::ToInt64Seconds(Core().NextDeadline() - now));
    now = Core().NextDeadline();
    Core().OnTimer(now);
  }
  EXPECT_EQ((std::vector<int64_t>{1, 2, 4}), delays);
  EXPECT_EQ(4, Core().starts());
  Core().OnChildExited(Core().child(), Exited(4), now + absl::Seconds(1));
  EXPECT_EQ(4, Core().exit_code().value_or(-1));
}

TEST_F(SupervisorCoreTest, OnFailureDoesNotRestartACleanExit) {
  config_.restart = RestartPolicy::kOnFailure;
  Core().Start(kT0);
  Core().OnChildExited(100, Exited(0), kT0 + absl::Seconds(1));
  EXPECT_EQ(0, Core().exit_code().value_or(-1));
  EXPECT_EQ(1, Core().starts());
}

TEST_F(SupervisorCoreTest, ALongRunResetsTheRestartCount) {
  config_.restart = RestartPolicy::kAlways;
  config_.restart_limit = 1;
  Core().Start(kT0);
  absl::Time now = kT0 + absl::Seconds(1);
  Core().OnChildExited(100, Exited(0), now);  // restart 1 of 1
  now = Core().NextDeadline();
  Core().OnTimer(now);
  now += kStableRun;  // a healthy run: the count starts again
  Core().OnChildExited(101, Exited(0), now);
  EXPECT_FALSE(Core().exit_code().has_value());
  EXPECT_EQ(now + absl::Seconds(1), Core().NextDeadline());
}

TEST_F(SupervisorCoreTest, TermDuringBackoffExitsWithTheLastCode) {
  config_.restart = RestartPolicy::kAlways;
  Core().Start(kT0);
  Core().OnChildExited(100, Exited(9), kT0 + absl::Seconds(1));
  Core().OnSignal(SIGTERM, kT0 + absl::Seconds(1));
  EXPECT_EQ(9, Core().exit_code().value_or(-1));
  EXPECT_EQ(1, shutdowns_);
  EXPECT_EQ("start 100\n", Calls());
}

TEST_F(SupervisorCoreTest, StopBeforeStartMeansTheChildNeverStarts) {
  Core().OnSignal(SIGUSR1, kT0);  // no child yet: dropped
  Core().OnSignal(SIGTERM, kT0);
  Core().Start(kT0);
  EXPECT_EQ(0, Core().exit_code().value_or(-1));
  EXPECT_EQ(1, shutdowns_);
  EXPECT_EQ("", Calls());
}

TEST_F(SupervisorCoreTest, ExitOfAStrangerPidIsIgnored) {
  Core().Start(kT0);
  Core().OnChildExited(555, Exited(1), kT0);
  EXPECT_FALSE(Core().exit_code().has_value());
  EXPECT_EQ(100, Core().child());
}

}  // namespace
}  // namespace confwatch
