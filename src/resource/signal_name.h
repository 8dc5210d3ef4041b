// Signal names as written in resource configuration (reload_signal = "SIGHUP",
// "HUP", "hup" or "1"), mapped to Linux signal numbers, and back for messages.
//
// Thread-safety: pure functions, safe from any thread.
#ifndef CONFWATCH_RESOURCE_SIGNAL_NAME_H_
#define CONFWATCH_RESOURCE_SIGNAL_NAME_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace confwatch {

// Returns the signal number for a name with or without the "SIG" prefix (any
// case) or a decimal number between 1 and SIGRTMAX. InvalidArgument otherwise:
// `unknown signal "SIGFOO"`.
absl::StatusOr<int> ParseSignal(absl::string_view text);

// "SIGHUP" for 1; "signal 40" for numbers without a name.
std::string SignalName(int signal);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_SIGNAL_NAME_H_
