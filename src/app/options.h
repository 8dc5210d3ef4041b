// Options: what confwatch was told to do, from its command line, its
// environment and its configuration file -- confd's flags and confd.toml keys
// plus confwatch's own.
//
// Sources and precedence (highest first):
//   1. flags: `-flag` or `--flag`; values as `-flag=value` or `-flag value`;
//      booleans as `-flag` or `-flag=true|false` (Go's flag package rules, so
//      confd command lines work unchanged). -node and -file repeat and also
//      take comma-separated lists.
//   2. environment: CONFWATCH_<FLAG> with dashes as underscores
//      (CONFWATCH_LOG_LEVEL, CONFWATCH_NODE="a:2379,b:2379"); an empty
//      variable counts as unset. confd's CONFD_CLIENT_CERT, CONFD_CLIENT_KEY
//      and CONFD_CLIENT_CAKEYS are honoured below their CONFWATCH_ names.
//   3. the configuration file, confd.toml syntax and key names (`nodes`,
//      `client_cakeys`, `log-level`, ...; matched case-insensitively as confd
//      does): -config-file, else /etc/confwatch/confwatch.toml, else
//      /etc/confd/confd.toml when it exists.
//   4. defaults, confd's.
// A source that sets a list replaces it; lists are not merged across sources.
//
// Differences from confd, each on purpose:
//  - confd applies the config file AFTER parsing flags, so the file silently
//    wins over the command line; here flags win, as users expect.
//  - an explicitly named config file that does not exist is an error (confd
//    skips it silently); unknown keys in it are reported as warnings with
//    file:line:col (confd ignores them).
//  - "etcd" means etcd's v3 API (confd's "etcd" is the v2 API): the default
//    node is 127.0.0.1:2379 for both names.
//  - flags of confd backends confwatch does not have (vault, consul, dynamodb,
//    redis, ...) are accepted with a warning instead of doing something.
//  - the config file may hold an [exec] table (command, reload_signal,
//    kill_signal, kill_timeout, splay, restart, restart_limit: the -exec-*
//    flags) and [[register]] tables (read by src/register, ignored here).
//    A command after `--` wins over [exec] command.
//  - a stray argument is an error (Go's flag package silently stops parsing
//    there, so `confd -onetime x -noop` ignores -noop); the command to run in
//    exec mode goes after `--`.
//
// Thread-safety: LoadOptions() and HelpText() are thread-safe if the
// Environment is. Options is a plain value.
#ifndef CONFWATCH_APP_OPTIONS_H_
#define CONFWATCH_APP_OPTIONS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/logging.h"

namespace confwatch {

struct Options {
  // --- What to do ---
  bool onetime = false;     // render once and exit (wins over watch, as in confd)
  bool watch = false;       // follow changes; otherwise poll every `interval`
  absl::Duration interval = absl::Seconds(600);  // -interval, whole seconds
  bool noop = false;        // render and compare, never install or reload
  bool diff = false;        // log a unified diff of each pending change
  // Also show the diff of a file whose mode is not world-readable (its
  // content may be a secret); otherwise only how many lines changed.
  bool diff_secrets = false;
  bool sync_only = false;   // install without check_cmd and reload_cmd
  bool keep_stage_file = false;
  bool check_config = false;  // load confdir and templates, report, exit
  bool preflight = false;     // check config, reachability and permissions, exit
  bool version = false;       // print the version and exit
  bool help = false;          // print HelpText() and exit
  // The command of exec mode (everything after `--`), verbatim; empty when
  // not in exec mode.
  std::vector<std::string> exec_command;

  // --- Where ---
  std::string confdir = "/etc/confd";  // holds conf.d/ and templates/
  std::string config_file;  // the file that was read; empty when none was
  std::string prefix;       // global key prefix, joined before each resource's

  // --- Backend ---
  std::string backend = "etcdv3";   // "etcdv3" (also for "etcd"), "file" or "env"
  std::vector<std::string> nodes;   // etcd endpoints; 127.0.0.1:2379 by default
  std::string scheme = "http";      // for nodes found by SRV lookup
  std::string srv_domain;
  // The SRV record to find nodes with; confd's default from srv_domain:
  // "_<backend as written>._tcp.<srv_domain>." Empty: no SRV lookup.
  std::string srv_record;
  std::string client_cert;     // PEM; with client_key: TLS client auth
  std::string client_key;
  std::string client_ca_keys;  // PEM CA bundle to verify etcd with
  // confd sends username/password only when basic_auth is set; the field
  // keeps what the user said, the daemon decides.
  bool basic_auth = false;
  std::string username;
  std::string password;  // a secret: never log it
  // Where `password` was read from (-password-file): the file's contents,
  // one trailing newline dropped. Refused if group or others may read it.
  std::string password_file;
  std::vector<std::string> files;  // file backend: YAML/JSON files to read
  std::string filter = "*";        // file backend: glob for files in dirs

  // --- Logging and operations ---
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kText;
  std::string metrics_addr;  // host:port for /metrics and /health; empty: off
  bool subreaper = false;    // become a child subreaper (see ProcessTable)

  // --- Exec mode (`-- command`, or command in the config file's [exec]) ---
  // How long to wait for every template to render before starting the
  // command; confwatch exits 1 when they do not.
  absl::Duration exec_wait_timeout = absl::Seconds(30);
  // Signal names as given (validated by LoadOptions: "HUP", "SIGHUP", "1").
  // An empty reload signal restarts the command on a change instead.
  std::string exec_reload_signal = "SIGHUP";
  std::string exec_kill_signal = "SIGTERM";
  // How long the command has to exit after kill_signal before SIGKILL.
  absl::Duration exec_kill_timeout = absl::Seconds(10);
  // The reload signal waits a random 0..splay (spreads a fleet's reloads).
  absl::Duration exec_splay = absl::ZeroDuration();
  std::string exec_restart = "never";  // never, on-failure or always
  int exec_restart_limit = 5;          // restarts in a row; 0: no limit

  // Things the user should hear about that are not errors (an ignored confd
  // flag, an unknown key in the config file). Log them after logging is set
  // up.
  std::vector<std::string> warnings;
};

// Where LoadOptions() reads environment variables and files: the real
// process in production, a fake in tests.
class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value; nullopt when it is not set.
  virtual std::optional<std::string> GetEnv(const std::string& name) const = 0;
  // The whole file. Errors as base/file_io.h's ReadFile: NotFound when it
  // does not exist, each naming the path ("IO error: /x: Permission denied").
  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) const = 0;
  // ReadFile(), also setting *mode to the permission bits of the file read
  // (taken from the open file, so they are the bits of what was read).
  virtual absl::StatusOr<std::string> ReadFileAndMode(const std::string& path,
                                                      mode_t* mode) const = 0;
  // OK unless confwatch runs as root and another user could change `path`
  // (base/path_trust.h's CheckTrustedPath and its errors).
  virtual absl::Status CheckTrusted(const std::string& path) const = 0;
};

// -password-file: sets o->password from o->password_file (if set), read
// once, one trailing newline dropped. Refused: a file group or others may
// read, and a password given too (the labels name the two settings):
//   password file /etc/pw is readable by group or others (mode 0644): chmod 600 it
//   -password-file and -password are both set: keep one
absl::Status ReadPasswordFile(const Environment& env, absl::string_view file_label,
                              absl::string_view password_label, Options* o);

// The CONFWATCH_ variables that carry credentials (USERNAME, PASSWORD,
// PASSWORD_FILE, BASIC_AUTH). Once LoadOptions() has read them they are
// removed from the process's environment, so that no child (check_cmd,
// reload_cmd, the exec child), no template `getenv` and no -backend env
// ever sees them. REQUIRES: no other thread runs (unsetenv is not
// thread-safe).
void RemoveCredentialsFromEnvironment();

// getenv() and the real file system. Thread-safe as long as nobody calls
// setenv() meanwhile.
const Environment& SystemEnvironment();

// The config files tried, in order, when none is named.
inline constexpr const char* kDefaultConfigFiles[] = {"/etc/confwatch/confwatch.toml",
                                                      "/etc/confd/confd.toml"};

// Parses argv[1..argc-1] (argv[0] is the program), the environment and the
// config file into Options. (Not "ParseOptions": that is the template
// parser's options struct.) With -help or -version only the flags are
// looked at, so a broken config file cannot hide the help. Errors say which
// flag, variable or file:line:col was wrong, e.g.
//   -interval must be a positive number of seconds, got "x"
//   unknown flag -intervall (see confwatch --help)
//   /etc/confd/confd.toml:3:12: interval must be a positive number of seconds, got "0"
absl::StatusOr<Options> LoadOptions(int argc, const char* const* argv,
                                     const Environment& env);

// The text of --help: every flag with its help line and default.
std::string HelpText();

// The options that differ from their defaults, as "name=value" separated by
// spaces in --help order: "onetime=true interval=30s node=a:2379,b:2379".
// The password prints as <redacted>. For the startup log and tests.
std::string DescribeOptions(const Options& options);

}  // namespace confwatch

#endif  // CONFWATCH_APP_OPTIONS_H_
