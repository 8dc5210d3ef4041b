// `confwatch register`: registers one service instance in etcd and keeps it
// registered until SIGTERM or SIGINT, then revokes its lease (the key is gone
// at once) and exits 0. For containers whose program cannot register itself:
//
//   confwatch register --key '/services/web/{{hostIP}}:8080'
//       --value '{{hostIP}}:8080' --ttl 10s --health tcp://127.0.0.1:8080
//       -node http://etcd:2379     (one command line)
//
// Flags are accepted as -flag or --flag, with "-flag value" or "-flag=value",
// as in the main command. Exit codes: 0 after a signal, 2 for bad flags, a
// key/value template that does not render or etcd refusing the username and
// password ("etcd: authentication failed for user \"web\"", as the daemon
// says it), 3 when --srv-domain/--srv-record
// names no etcd node (nothing is registered then).
//
// Thread-safety: RunRegisterCommand is a program's main: call it once, from
// the main thread, before any other thread exists.
#ifndef CONFWATCH_APP_REGISTER_COMMAND_H_
#define CONFWATCH_APP_REGISTER_COMMAND_H_

#include <string>

#include "absl/status/statusor.h"
#include "app/options.h"
#include "app/srv_nodes.h"
#include "base/logging.h"
#include "register/registration_spec.h"

namespace confwatch {

struct RegisterCommandOptions {
  RegistrationSpec spec;  // where = "command line"
  // Only the etcd connection fields are set: nodes, client_cert,
  // client_key, client_ca_keys, basic_auth, username, password.
  Options connection;
  LogLevel log_level = LogLevel::kInfo;
  bool help = false;
};

// Parses argv[1..argc-1] (argv[0] is "register"). Errors, e.g.:
//   "--key is required"
//   "--ttl: must be at least 1s, got 500ms"
//   "--health: health check \"udp://x:1\": unsupported scheme \"udp\" (...)"
//   "unknown flag --kye (see confwatch register --help)"
//   "flag --ttl needs a value"
// Credentials the command line leaves unset come from the daemon's
// variables (CONFWATCH_USERNAME, CONFWATCH_PASSWORD, CONFWATCH_PASSWORD_FILE,
// CONFWATCH_BASIC_AUTH); --password-file is read as the daemon reads it
// (ReadPasswordFile).
absl::StatusOr<RegisterCommandOptions> ParseRegisterFlags(
    int argc, const char* const* argv, const Environment& env = SystemEnvironment());

// With no --node and an SRV record: sets o->connection.nodes from it, as the
// main command does (app/srv_nodes.h); errors name the record.
absl::Status ResolveRegisterNodes(RegisterCommandOptions* o, const SrvLookup& lookup);

// The text of `confwatch register --help`.
std::string RegisterUsage();

// The whole subcommand; returns the exit code. argv[0] is "register".
int RunRegisterCommand(int argc, const char* const* argv);

}  // namespace confwatch

#endif  // CONFWATCH_APP_REGISTER_COMMAND_H_
