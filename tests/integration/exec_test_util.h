// Helpers of the exec mode integration tests: the confwatch binary (or any
// wrapper of it, such as unshare) as a subprocess with its output in a log
// file, a confdir in a temp dir, and polling with generous bounds.
//
// Thread-safety: not thread-safe; use from the test's main thread.
#ifndef CONFWATCH_TESTS_INTEGRATION_EXEC_TEST_UTIL_H_
#define CONFWATCH_TESTS_INTEGRATION_EXEC_TEST_UTIL_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tests/integration/confwatch_process.h"  // SpawnLogged
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace exec_test {

inline std::string Binary() { return std::string(CONFWATCH_BINARY_DIR) + "/confwatch"; }

inline void WriteAll(const std::string& path, const std::string& text, mode_t mode = 0644) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  chmod(path.c_str(), mode);
}

// Polls `done` every 50 ms until it holds or `bound` passes.
inline bool PollUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds bound = std::chrono::seconds(15)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// A process started from argv; stdout and stderr go to `log_path`.
class Process {
 public:
  Process(const std::vector<std::string>& argv, std::string log_path)
      : log_path_(std::move(log_path)), pid_(SpawnLogged(argv, log_path_)) {}
  // SIGTERM first, so that confwatch stops its child (a SIGKILLed confwatch
  // would leave it running), then SIGKILL after 10 s.
  ~Process() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    if (!WaitExit(std::chrono::seconds(10))) {
      kill(pid_, SIGKILL);
      Reap(0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  std::string Log() const { return ReadFile(log_path_).value_or(""); }
  void Signal(int signo) { kill(pid_, signo); }

  // The exit code (128+n for a signal) once it exits within `bound`.
  std::optional<int> WaitExit(std::chrono::milliseconds bound = std::chrono::seconds(20)) {
    if (pid_ > 0) PollUntil([&] { return Reap(WNOHANG); }, bound);
    return exit_code_;
  }

 private:
  bool Reap(int flags) {
    int status = 0;
    if (waitpid(pid_, &status, flags) != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return true;
  }

  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace exec_test
}  // namespace confwatch

#endif  // CONFWATCH_TESTS_INTEGRATION_EXEC_TEST_UTIL_H_
