#include "process/posix_command_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

// Generous bound for commands that must finish on their own; reaching it
// means the runner hung, which is the failure these tests look for.
constexpr absl::Duration kNoHang = absl::Seconds(30);

CommandResult RunOk(PosixCommandRunner& runner, const std::string& command,
                    absl::Duration timeout = kNoHang) {
  absl::StatusOr<CommandResult> result = runner.Run(command, timeout);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : CommandResult{};
}

// Processes of process group `pgid` that are still running (zombies are dead:
// they only wait for whoever reaps orphans here).
std::vector<pid_t> LiveMembersOfGroup(pid_t pgid) {
  std::vector<pid_t> live;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return live;
  while (struct dirent* entry = readdir(proc)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // "pid (comm) state ppid pgrp ...": comm may contain spaces.
    size_t close = text.rfind(')');
    if (close == std::string::npos || close + 2 > text.size()) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(absl::string_view(text).substr(close + 2), ' ');
    int group = 0;
    if (fields.size() > 2 && absl::SimpleAtoi(fields[2], &group) && group == pgid &&
        fields[0] != "Z") {
      live.push_back(pid);
    }
  }
  closedir(proc);
  return live;
}

struct ExitCase {
  const char* command;
  int exit_code;
  int term_signal;
};

TEST(PosixCommandRunner, ReportsExitCodesAndSignals) {
  const ExitCase cases[] = {
      {"true", 0, 0},
      {"false", 1, 0},
      {"exit 42", 42, 0},
      {"kill -TERM $$", 128 + SIGTERM, SIGTERM},
      {"kill -KILL $$", 128 + SIGKILL, SIGKILL},
      {"no-such-command-confwatch-test", 127, 0},  // sh: command not found
  };
  PosixCommandRunner runner;
  for (const ExitCase& c : cases) {
    CommandResult r = RunOk(runner, c.command);
    EXPECT_EQ(c.exit_code, r.exit_code) << c.command;
    EXPECT_EQ(c.term_signal, r.term_signal) << c.command;
    EXPECT_FALSE(r.timed_out) << c.command;
    EXPECT_EQ(c.exit_code == 0, r.ok()) << c.command;
  }
}

TEST(PosixCommandRunner, CapturesStdoutAndStderrInterleaved) {
  PosixCommandRunner runner;
  CommandResult r = RunOk(runner, "echo one; echo two >&2; echo three");
  EXPECT_EQ("one\ntwo\nthree\n", r.output);
}

TEST(PosixCommandRunner, MissingCommandSaysNotFound) {
  PosixCommandRunner runner;
  CommandResult r = RunOk(runner, "no-such-command-confwatch-test");
  EXPECT_NE(std::string::npos, r.output.find("not found")) << r.output;
}

TEST(PosixCommandRunner, StdinIsDevNull) {
  PosixCommandRunner runner;
  // With an inherited stdin, cat would wait for input until the timeout.
  CommandResult r = RunOk(runner, "cat");
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(0, r.exit_code);
  EXPECT_EQ("", r.output);
}

TEST(PosixCommandRunner, TimeoutKillsTheWholeGroup) {
  PosixCommandRunner runner;
  CommandResult r = RunOk(runner, "echo $$; sleep 100 & sleep 100; wait", absl::Milliseconds(300));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(SIGTERM, r.term_signal);
  EXPECT_FALSE(r.ok());
  int pgid = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(r.output), &pgid)) << r.output;
  // Both sleeps got SIGTERM with the shell; give the kernel time to finish
  // them off, then no member of the group may be running.
  std::vector<pid_t> live = LiveMembersOfGroup(pgid);
  for (int i = 0; i < 100 && !live.empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    live = LiveMembersOfGroup(pgid);
  }
  EXPECT_TRUE(live.empty()) << "still running in group " << pgid << ": " << live.size();
}

TEST(PosixCommandRunner, CommandIgnoringSigtermIsKilledAfterGrace) {
  PosixCommandRunner::Settings settings;
  settings.kill_grace = absl::Milliseconds(200);
  PosixCommandRunner runner(settings);
  CommandResult r = RunOk(runner, "trap '' TERM; while :; do sleep 0.05; done",
                          absl::Milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(SIGKILL, r.term_signal);
}

TEST(PosixCommandRunner, ZeroTimeoutStopsTheCommandAtOnce) {
  PosixCommandRunner runner;
  CommandResult r = RunOk(runner, "sleep 100", absl::ZeroDuration());
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(SIGTERM, r.term_signal);
}

TEST(PosixCommandRunner, BackgroundProcessHoldingOutputDoesNotBlock) {
  PosixCommandRunner runner;
  // The background sleep keeps the output pipe open for 100 s; the runner
  // must return when the shell exits, long before the 30 s timeout.
  CommandResult r = RunOk(runner, "sleep 100 & echo $!");
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(0, r.exit_code);
  int background = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(r.output), &background)) << r.output;
  kill(background, SIGKILL);
}

TEST(PosixCommandRunner, OutputIsBounded) {
  PosixCommandRunner::Settings settings;
  settings.max_output_bytes = 1024;
  PosixCommandRunner runner(settings);
  CommandResult r = RunOk(runner, "head -c 200000 /dev/zero | tr '\\0' a; echo END");
  EXPECT_EQ(0, r.exit_code);
  // 200004 bytes written, 1024 kept.
  EXPECT_EQ(std::string(512, 'a') + "\n[... 198980 bytes omitted ...]\n" +
                std::string(508, 'a') + "END\n",
            r.output);
}

TEST(PosixCommandRunner, RunsInItsOwnProcessGroup) {
  PosixCommandRunner runner;
  CommandResult r = RunOk(runner, "[ \"$(cut -d' ' -f5 /proc/$$/stat)\" = \"$$\" ]");
  EXPECT_EQ(0, r.exit_code) << r.output;
}

TEST(PosixCommandRunner, OtherDescriptorsAreNotInherited) {
  int fd = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(fd, 3);
  PosixCommandRunner runner;
  CommandResult r = RunOk(runner, absl::StrCat("[ ! -e /proc/$$/fd/", fd, " ]"));
  close(fd);
  EXPECT_EQ(0, r.exit_code);
}

TEST(PosixCommandRunner, SignalMaskAndIgnoredSignalsAreReset) {
  sigset_t term, old_mask;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &old_mask);
  struct sigaction ignore {}, old_pipe {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);

  PosixCommandRunner runner;
  CommandResult killed = RunOk(runner, "kill -TERM $$; sleep 5");
  // With SIGPIPE ignored, yes would see EPIPE and complain on stderr.
  CommandResult piped = RunOk(runner, "yes | head -n 1");

  sigaction(SIGPIPE, &old_pipe, nullptr);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  EXPECT_EQ(SIGTERM, killed.term_signal);
  EXPECT_EQ("y\n", piped.output);
}

TEST(PosixCommandRunner, ShellThatCannotStartIsAnError) {
  PosixCommandRunner::Settings settings;
  settings.shell = "/nonexistent/sh";
  PosixCommandRunner runner(settings);
  absl::StatusOr<CommandResult> r = runner.Run("true", kNoHang);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("cannot start /nonexistent/sh: No such file or directory", r.status().message());
}

TEST(PosixCommandRunner, ConcurrentRunsKeepTheirOwnResults) {
  PosixCommandRunner runner;
  constexpr int kThreads = 8;
  constexpr int kRunsPerThread = 10;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&runner, &mismatches, t] {
      for (int i = 0; i < kRunsPerThread; ++i) {
        absl::StatusOr<CommandResult> r =
            runner.Run(absl::StrCat("echo thread-", t, "-", i, "; exit ", t), kNoHang);
        if (!r.ok() || r->exit_code != t || r->output != absl::StrCat("thread-", t, "-", i, "\n")) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(0, mismatches[t]) << "thread " << t;
}

}  // namespace
}  // namespace confwatch
