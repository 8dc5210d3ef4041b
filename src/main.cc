// confwatch: argv -> Options -> Run. See app/run.h for the exit codes.
#include <cstring>
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "app/options.h"
#include "app/run.h"
#include "app/register_command.h"

#if __has_include("confwatch_build_info.h")
#include "confwatch_build_info.h"  // CONFWATCH_COMMIT, CONFWATCH_LINKAGE
#endif
#ifndef CONFWATCH_COMMIT
#define CONFWATCH_COMMIT "unknown"
#endif
#ifndef CONFWATCH_LINKAGE
#define CONFWATCH_LINKAGE "unknown"
#endif

int main(int argc, char** argv) {
  // Debian builds abseil without NDEBUG, so every Mutex acquisition would
  // update a lock-order graph for deadlock detection (a cost on each watch
  // event, render and install). The tests keep it on; the product does not.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (argc > 1 && std::strcmp(argv[1], "register") == 0) {
    return confwatch::RunRegisterCommand(argc - 1, argv + 1);
  }
  absl::StatusOr<confwatch::Options> options =
      confwatch::LoadOptions(argc, argv, confwatch::SystemEnvironment());
  // Before any thread or child exists: nothing after this sees them.
  confwatch::RemoveCredentialsFromEnvironment();
  if (!options.ok()) {
    std::cerr << "confwatch: " << options.status().message() << "\n";
    return confwatch::kExitUsage;
  }
  if (options->help) {
    std::cout << confwatch::HelpText();
    return confwatch::kExitOk;
  }
  if (options->version) {
    // CONFWATCH_COMMIT is as of the last CMake configure (cmake/install.cmake).
    std::cout << "confwatch " << CONFWATCH_VERSION << " (commit " << CONFWATCH_COMMIT << ", "
              << CONFWATCH_LINKAGE << ")\n";
    return confwatch::kExitOk;
  }
  return confwatch::Run(*options);
}
