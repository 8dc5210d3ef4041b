#include "resource/signal_name.h"

#include <csignal>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace confwatch {
namespace {

struct NamedSignal {
  const char* name;  // without "SIG"
  int number;
};

constexpr NamedSignal kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},
    {"ILL", SIGILL},       {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
    {"BUS", SIGBUS},       {"FPE", SIGFPE},       {"KILL", SIGKILL},
    {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},       {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},         {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

}  // namespace

absl::StatusOr<int> ParseSignal(absl::string_view text) {
  int number = 0;
  const bool numeric = !text.empty() && text.size() <= 3 &&
                       text.find_first_not_of("0123456789") == text.npos;
  if (numeric) {
    if (absl::SimpleAtoi(text, &number) && number >= 1 && number <= SIGRTMAX) {
      return number;
    }
  } else {
    std::string upper = absl::AsciiStrToUpper(text);
    absl::string_view name = upper;
    if (absl::StartsWith(name, "SIG")) name.remove_prefix(3);
    for (const NamedSignal& s : kSignals) {
      if (name == s.name) return s.number;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown signal \"", text, "\""));
}

std::string SignalName(int signal) {
  for (const NamedSignal& s : kSignals) {
    if (s.number == signal) return absl::StrCat("SIG", s.name);
  }
  return absl::StrCat("signal ", signal);
}

}  // namespace confwatch
