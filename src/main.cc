// confwatch: argv -> Options -> Run. See app/run.h for the exit codes.
#include <cstring>
#include <iostream>

#include "app/options.h"
#include "app/run.h"
#include "register/register_command.h"

int main(int argc, char** argv) {
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
    std::cout << "confwatch " << CONFWATCH_VERSION << "\n";
    return confwatch::kExitOk;
  }
  return confwatch::Run(*options);
}
