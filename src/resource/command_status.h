// Turns the outcome of a check_cmd / reload_cmd run into a Status that names
// the command and why it failed, with the command's output:
// `check_cmd "nginx -t -c /etc/nginx/.nginx.conf.x1Y2z3" exited with status 1:
// nginx: [emerg] unexpected "}" in ...`. The daemon puts the resource's name
// in front (install_worker.cc), once, as for every error about a resource.
//
// Thread-safety: pure function, safe from any thread.
#ifndef CONFWATCH_RESOURCE_COMMAND_STATUS_H_
#define CONFWATCH_RESOURCE_COMMAND_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "process/command_runner.h"

namespace confwatch {

// OK when the command ran and succeeded. A command that failed, was killed
// or timed out is FailedPrecondition; a command that could not be started
// keeps the runner's code. `field` is "check_cmd" or "reload_cmd".
absl::Status CommandStatus(absl::string_view field, const std::string& command,
                           absl::Duration timeout,
                           const absl::StatusOr<CommandResult>& result);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_COMMAND_STATUS_H_
