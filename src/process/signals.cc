#include "process/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "process/errno_text.h"

namespace confwatch {
namespace {

struct NamedSignal {
  const char* name;  // without "SIG"
  int number;
};

constexpr NamedSignal kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD},     {"CONT", SIGCONT},     {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},     {"URG", SIGURG},     {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"IO", SIGIO},         {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

constexpr int kMaxSignal = 64;

// Longest part of a pid file quoted back in an error.
constexpr size_t kMaxQuoted = 32;

absl::Status InvalidSignal(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid signal \"", text, "\": use a name such as HUP or SIGUSR1, or a number 1-",
      kMaxSignal));
}

absl::Status PidFileError(const std::string& path, int err) {
  std::string msg = absl::StrCat("pid file ", path, ": ", ErrnoText(err));
  if (err == ENOENT) return absl::NotFoundError(msg);
  if (err == EACCES) return absl::PermissionDeniedError(msg);
  return absl::InternalError(msg);
}

// Reads at most `limit` bytes; a pid file is a few bytes, a huge file is
// simply not a pid file.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t limit) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PidFileError(path, errno);
  std::string data(limit, '\0');
  size_t used = 0;
  while (used < limit) {
    ssize_t n = read(fd, &data[used], limit - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return PidFileError(path, err);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  close(fd);
  data.resize(used);
  return data;
}

}  // namespace

absl::StatusOr<int> ParseSignal(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  int number = 0;
  if (absl::SimpleAtoi(trimmed, &number)) {
    if (number < 1 || number > kMaxSignal) return InvalidSignal(text);
    return number;
  }
  std::string upper = absl::AsciiStrToUpper(trimmed);
  absl::string_view name = upper;
  absl::ConsumePrefix(&name, "SIG");
  for (const NamedSignal& s : kSignals) {
    if (name == s.name) return s.number;
  }
  return InvalidSignal(text);
}

std::string SignalName(int signo) {
  for (const NamedSignal& s : kSignals) {
    if (s.number == signo) return absl::StrCat("SIG", s.name);
  }
  return absl::StrCat("signal ", signo);
}

absl::StatusOr<pid_t> ReadPidFile(const std::string& path) {
  absl::StatusOr<std::string> data = ReadSmallFile(path, 4096);
  if (!data.ok()) return data.status();
  absl::string_view text = absl::StripAsciiWhitespace(*data);
  int pid = 0;
  if (!absl::SimpleAtoi(text, &pid) || pid <= 1 || text[0] == '+') {
    std::string quoted(text.substr(0, kMaxQuoted));
    if (text.size() > kMaxQuoted) quoted += "...";
    return absl::InvalidArgumentError(
        absl::StrCat("pid file ", path, ": not a pid: \"", quoted, "\""));
  }
  return static_cast<pid_t>(pid);
}

absl::Status SignalPid(pid_t pid, int signo) {
  if (kill(pid, signo) == 0) return absl::OkStatus();
  int err = errno;
  std::string msg = absl::StrCat("kill ", pid, ": ", ErrnoText(err));
  if (err == ESRCH) return absl::NotFoundError(msg);
  if (err == EPERM) return absl::PermissionDeniedError(msg);
  return absl::InternalError(msg);
}

absl::Status SignalPidFile(const std::string& path, int signo) {
  absl::StatusOr<pid_t> pid = ReadPidFile(path);
  if (!pid.ok()) return pid.status();
  return SignalPid(*pid, signo);
}

}  // namespace confwatch
