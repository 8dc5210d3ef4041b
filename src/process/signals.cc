#include "process/signals.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

absl::Status Untrusted(const std::string& path, absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("pid_file ", path, " ", why, "; not signalling"));
}

bool OwnedByOneOf(uid_t uid, const PidFileOwners& owners) {
  return uid == owners.self || uid == owners.dest_owner;
}

std::string NotOwnedBy(uid_t uid, const PidFileOwners& owners) {
  std::string text = absl::StrCat("owned by uid ", uid, ", not by ", owners.self, " (confwatch)");
  if (owners.dest_owner != owners.self) {
    absl::StrAppend(&text, " or ", owners.dest_owner, " (the dest's owner)");
  }
  return text;
}

// What is around the file: a symlink or a directory another user controls
// could point a trusted name at any file (another daemon's pid file).
absl::Status CheckPath(const std::string& path, const PidFileOwners& owners) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return PidFileError(path, errno);
  if (S_ISLNK(st.st_mode) && !OwnedByOneOf(st.st_uid, owners)) {
    return Untrusted(path, absl::StrCat("is a symlink ", NotOwnedBy(st.st_uid, owners)));
  }
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) != 0 &&
      (st.st_mode & S_ISVTX) == 0) {
    return Untrusted(path, absl::StrFormat("is in a directory anyone can write (mode %04o)",
                                           st.st_mode & 07777));
  }
  return absl::OkStatus();
}

// The file itself, as opened.
absl::Status CheckFile(int fd, const std::string& path, const PidFileOwners& owners) {
  struct stat st;
  if (fstat(fd, &st) != 0) return PidFileError(path, errno);
  if (!S_ISREG(st.st_mode)) return Untrusted(path, "is not a regular file");
  if (!OwnedByOneOf(st.st_uid, owners)) {
    return Untrusted(path, absl::StrCat("is ", NotOwnedBy(st.st_uid, owners)));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Untrusted(path, absl::StrFormat("is writable by others (mode %04o)",
                                           st.st_mode & 07777));
  }
  return absl::OkStatus();
}

// Reads at most `limit` bytes; a pid file is a few bytes, a huge file is
// simply not a pid file. With `owners`, CheckFile() first.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t limit,
                                          const PidFileOwners* owners) {
  // O_NONBLOCK: a FIFO put there is refused by CheckFile, not waited on.
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return PidFileError(path, errno);
  if (owners != nullptr) {
    if (absl::Status s = CheckFile(fd, path, *owners); !s.ok()) {
      close(fd);
      return s;
    }
  }
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

namespace {

absl::StatusOr<pid_t> ParsePidFile(const std::string& path, const PidFileOwners* owners) {
  absl::StatusOr<std::string> data = ReadSmallFile(path, 4096, owners);
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

}  // namespace

absl::StatusOr<pid_t> ReadPidFile(const std::string& path) {
  return ParsePidFile(path, nullptr);
}

absl::StatusOr<pid_t> ReadTrustedPidFile(const std::string& path,
                                         const PidFileOwners& owners) {
  if (absl::Status s = CheckPath(path, owners); !s.ok()) return s;
  return ParsePidFile(path, &owners);
}

absl::Status SignalPid(pid_t pid, int signo) {
  if (kill(pid, signo) == 0) return absl::OkStatus();
  int err = errno;
  std::string msg = absl::StrCat("kill ", pid, ": ", ErrnoText(err));
  if (err == ESRCH) return absl::NotFoundError(msg);
  if (err == EPERM) return absl::PermissionDeniedError(msg);
  return absl::InternalError(msg);
}

absl::StatusOr<pid_t> SignalPidFile(const std::string& path, int signo,
                                    const PidFileOwners& owners) {
  absl::StatusOr<pid_t> pid = ReadTrustedPidFile(path, owners);
  if (!pid.ok()) return pid.status();
  if (absl::Status s = SignalPid(*pid, signo); !s.ok()) return s;
  return pid;
}

}  // namespace confwatch
