#include "resource/command_status.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "process/signals.h"

namespace confwatch {

absl::Status CommandStatus(absl::string_view field, const std::string& command,
                           absl::Duration timeout,
                           const absl::StatusOr<CommandResult>& result) {
  std::string what = absl::StrCat(field, " \"", command, "\"");
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        absl::StrCat(what, ": ", result.status().message()));
  }
  if (result->ok()) return absl::OkStatus();
  if (result->timed_out) {
    absl::StrAppend(&what, " timed out after ", absl::FormatDuration(timeout));
  } else if (result->term_signal != 0) {
    absl::StrAppend(&what, " was killed by ", SignalName(result->term_signal));
  } else {
    absl::StrAppend(&what, " exited with status ", result->exit_code);
  }
  absl::string_view output = absl::StripTrailingAsciiWhitespace(result->output);
  if (!output.empty()) absl::StrAppend(&what, ": ", output);
  return absl::FailedPreconditionError(what);
}

}  // namespace confwatch
