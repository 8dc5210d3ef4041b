// FakeCommandRunner: a CommandRunner for tests that runs nothing. It records
// each command line and timeout, and answers with `result` (or what
// `on_run` returns, which can also look at the filesystem at that moment,
// e.g. to see the staged file a check_cmd would read).
//
// Thread-safety: not thread-safe; one test, one thread.
#ifndef CONFWATCH_TESTS_UNIT_RESOURCE_FAKE_COMMAND_RUNNER_H_
#define CONFWATCH_TESTS_UNIT_RESOURCE_FAKE_COMMAND_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "process/command_runner.h"

namespace confwatch {

class FakeCommandRunner : public CommandRunner {
 public:
  absl::StatusOr<CommandResult> Run(const std::string& command,
                                    absl::Duration timeout) override {
    commands.push_back(command);
    timeouts.push_back(timeout);
    if (on_run) return on_run(command);
    return result;
  }

  std::vector<std::string> commands;
  std::vector<absl::Duration> timeouts;
  absl::StatusOr<CommandResult> result = CommandResult{};
  std::function<absl::StatusOr<CommandResult>(const std::string&)> on_run;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_UNIT_RESOURCE_FAKE_COMMAND_RUNNER_H_
