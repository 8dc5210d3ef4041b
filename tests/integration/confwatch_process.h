// Helpers for tests that run the confwatch binary as a subprocess against a
// real etcd: a confdir in a temp dir (Confdir), the binary as a child process
// with its log captured and a SIGTERM stop (ConfwatchProcess), and polling
// with generous bounds (PollUntil, FileBecomes). Nothing here asserts speed.
//
// Thread-safety: test-thread only.
#ifndef CONFWATCH_TESTS_INTEGRATION_CONFWATCH_PROCESS_H_
#define CONFWATCH_TESTS_INTEGRATION_CONFWATCH_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {

inline constexpr auto kWait = std::chrono::seconds(10);

// Milliseconds since `t`.
inline long long MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

// "k=v\n" for every pair, in key order: what a `{{range gets ...}}{{base .Key}}={{.Value}}`
// style template renders from the same keys.
inline std::string KvLines(const std::map<std::string, std::string>& kvs) {
  std::string s;
  for (const auto& [k, v] : kvs) absl::StrAppend(&s, k, "=", v, "\n");
  return s;
}

// ReadFile() for tests that only ask whether the file is there yet and what
// it holds: nullopt when it cannot be read.
inline std::optional<std::string> ReadWholeFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return std::nullopt;
  return *std::move(text);
}

// Polls `done` every 50 ms until it holds or `bound` passes.
inline bool PollUntil(const std::function<bool()>& done,
               std::chrono::milliseconds bound = kWait) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Waits until `path` holds exactly `want`; on timeout the assertion shows what
// the file held last.
inline ::testing::AssertionResult FileBecomes(const std::string& path, const std::string& want,
                                       std::chrono::milliseconds bound = kWait) {
  if (PollUntil([&] { return ReadWholeFile(path) == want; }, bound)) {
    return ::testing::AssertionSuccess();
  }
  std::optional<std::string> got = ReadWholeFile(path);
  return ::testing::AssertionFailure()
         << path << " never became:\n[" << want << "]\nlast content:\n["
         << (got ? *got : "<missing>") << "]";
}

inline int CountLines(const std::string& path) {
  std::optional<std::string> s = ReadWholeFile(path);
  if (!s) return 0;
  return static_cast<int>(std::count(s->begin(), s->end(), '\n'));
}

inline void WriteFile(const std::string& path, const std::string& contents) {
  absl::Status s = WriteTestFile(path, contents);
  ASSERT_TRUE(s.ok()) << s;
}

// Replaces `path` by rename, the way editors and installers do, so the
// watcher never reads half a file.
inline void ReplaceFile(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".swp-tmp";
  WriteFile(tmp, contents);
  ASSERT_EQ(0, rename(tmp.c_str(), path.c_str())) << path;
}

// Forks and execs `argv` with stdout and stderr appended to `log_path` (or
// truncating it first) and `env` added to the environment. The child gets
// SIGKILL if the test dies (PR_SET_PDEATHSIG), so a crashed test leaves
// nothing running. Returns the pid; -1 after a test failure.
inline pid_t SpawnLogged(const std::vector<std::string>& argv, const std::string& log_path,
                         const std::vector<std::pair<std::string, std::string>>& env = {},
                         bool truncate = false) {
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  int fd = open(log_path.c_str(),
                O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0644);
  if (fd < 0) {
    ADD_FAILURE() << "cannot open " << log_path;
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(fd, 1);
    dup2(fd, 2);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(fd);
  if (pid < 0) ADD_FAILURE() << "fork failed";
  return pid;
}

// A confdir (conf.d + templates) in a temp dir; outputs go to out/.
class Confdir {
 public:
  Confdir() {
    mkdir(dir_.Path("conf.d").c_str(), 0755);
    mkdir(dir_.Path("templates").c_str(), 0755);
    mkdir(dir_.Path("out").c_str(), 0755);
  }
  std::string path() const { return dir_.path(); }
  std::string Out(const std::string& name) const { return dir_.Path("out/" + name); }
  std::string Toml(const std::string& name) const { return dir_.Path("conf.d/" + name); }
  std::string Tmpl(const std::string& name) const { return dir_.Path("templates/" + name); }
  std::string Scratch(const std::string& name) const { return dir_.Path(name); }

  // A [template] resource: keys is the TOML array body, extra is more lines.
  void AddResource(const std::string& toml, const std::string& src, const std::string& dest,
                   const std::string& keys, const std::string& extra = "") {
    ReplaceFile(Toml(toml), absl::StrCat("[template]\nsrc = \"", src, "\"\ndest = \"", Out(dest),
                                         "\"\nkeys = [", keys, "]\n", extra));
  }
  void AddTemplate(const std::string& name, const std::string& text) {
    ReplaceFile(Tmpl(name), text);
  }

 private:
  TempDir dir_;
};

// The confwatch binary as a child process; stderr and stdout go to a log file.
class ConfwatchProcess {
 public:
  // `confdir` is a Confdir or anything with path() and Scratch(name) (the
  // e2e tests' TemplateConfdir). `env` is added to the environment.
  template <typename ConfdirLike>
  ConfwatchProcess(const ConfdirLike& confdir, std::vector<std::string> args,
                   std::vector<std::pair<std::string, std::string>> env = {})
      : log_path_(confdir.Scratch("confwatch.log")) {
    std::vector<std::string> argv = {std::string(CONFWATCH_BINARY_DIR) + "/confwatch",
                                     "-confdir", confdir.path()};
    argv.insert(argv.end(), args.begin(), args.end());
    env.emplace_back("HOSTNAME", "localhost");
    pid_ = SpawnLogged(argv, log_path_, env);
  }
  ~ConfwatchProcess() { Stop(); }
  ConfwatchProcess(const ConfwatchProcess&) = delete;
  ConfwatchProcess& operator=(const ConfwatchProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string Log() const { return ReadWholeFile(log_path_).value_or(""); }

  // Exit code once the process exits within `bound`; nullopt if it is still
  // running then (it is left running).
  std::optional<int> WaitExit(std::chrono::milliseconds bound) {
    if (pid_ <= 0) return exit_code_;
    PollUntil([&] { return Reap(WNOHANG); }, bound);
    return pid_ <= 0 ? exit_code_ : std::nullopt;
  }

  // SIGTERM, up to 10 s for a clean exit, then SIGKILL. Returns the exit code
  // (128 + signal when killed).
  int Stop() {
    if (pid_ <= 0) return exit_code_.value_or(-1);
    // Debugging aid: CONFWATCH_ITEST_LOGS=1 prints every run's log.
    if (getenv("CONFWATCH_ITEST_LOGS") != nullptr) std::fprintf(stderr, "%s", Log().c_str());
    kill(pid_, SIGTERM);
    if (!WaitExit(std::chrono::seconds(10))) {
      ADD_FAILURE() << "confwatch ignored SIGTERM for 10 s\n" << Log();
      kill(pid_, SIGKILL);
      Reap(0);
    }
    return exit_code_.value_or(-1);
  }

 private:
  bool Reap(int flags) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, flags);
    if (r != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return true;
  }

  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_INTEGRATION_CONFWATCH_PROCESS_H_
