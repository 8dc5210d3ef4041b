// See register_command.h.
#include "app/register_command.h"

#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "app/etcd_options_from.h"
#include "app/run.h"
#include "etcd/etcd_client.h"
#include "process/posix_command_runner.h"
#include "register/registration_set.h"
#include "golang/duration.h"

namespace confwatch {
namespace {

enum class Flag {
  kKey, kValue, kTtl, kHealth, kHealthInterval, kHealthTimeout,
  kNode, kSrvDomain, kSrvRecord, kScheme, kClientCert, kClientKey, kClientCaKeys, kUsername,
  kPassword, kPasswordFile, kBasicAuth, kLogLevel, kHelp,
};

const std::map<std::string, Flag>& Flags() {
  static const auto* flags = new std::map<std::string, Flag>{
      {"key", Flag::kKey},
      {"value", Flag::kValue},
      {"ttl", Flag::kTtl},
      {"health", Flag::kHealth},
      {"health-interval", Flag::kHealthInterval},
      {"health-timeout", Flag::kHealthTimeout},
      {"node", Flag::kNode},
      {"srv-domain", Flag::kSrvDomain},
      {"srv-record", Flag::kSrvRecord},
      {"scheme", Flag::kScheme},
      {"client-cert", Flag::kClientCert},
      {"client-key", Flag::kClientKey},
      {"client-ca-keys", Flag::kClientCaKeys},
      {"username", Flag::kUsername},
      {"password", Flag::kPassword},
      {"password-file", Flag::kPasswordFile},
      {"basic-auth", Flag::kBasicAuth},
      {"log-level", Flag::kLogLevel},
      {"help", Flag::kHelp},
      {"h", Flag::kHelp},
  };
  return *flags;
}

bool IsBool(Flag f) { return f == Flag::kBasicAuth || f == Flag::kHelp; }

absl::Status FlagError(absl::string_view name, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", message));
}

absl::Status ParseDurationFlag(absl::string_view name, absl::string_view text,
                               absl::Status (*check)(absl::Duration), absl::Duration* out) {
  absl::StatusOr<absl::Duration> d = ParseGoDuration(text);
  if (!d.ok()) return FlagError(name, d.status().message());
  if (absl::Status s = check(*d); !s.ok()) return FlagError(name, s.message());
  *out = *d;
  return absl::OkStatus();
}

absl::Status ParseBoolFlag(absl::string_view name, absl::string_view text, bool* out) {
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "1" || lower == "t") {
    *out = true;
  } else if (lower == "false" || lower == "0" || lower == "f") {
    *out = false;
  } else {
    return FlagError(name, absl::StrCat("expected true or false, got \"", text, "\""));
  }
  return absl::OkStatus();
}

absl::Status Apply(Flag flag, absl::string_view name, const std::string& value,
                   RegisterCommandOptions* o) {
  RegistrationSpec& s = o->spec;
  Options& c = o->connection;
  switch (flag) {
    case Flag::kKey: s.key = value; break;
    case Flag::kValue: s.value = value; break;
    case Flag::kTtl: return ParseDurationFlag(name, value, CheckRegisterTtl, &s.ttl);
    case Flag::kHealth: {
      absl::StatusOr<HealthTarget> t = ParseHealthTarget(value);
      if (!t.ok()) return FlagError(name, t.status().message());
      s.health = value;
      break;
    }
    case Flag::kHealthInterval:
      return ParseDurationFlag(name, value, CheckPositive, &s.health_interval);
    case Flag::kHealthTimeout:
      return ParseDurationFlag(name, value, CheckPositive, &s.health_timeout);
    case Flag::kNode:
      for (absl::string_view n : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        c.nodes.emplace_back(absl::StripAsciiWhitespace(n));
      }
      break;
    case Flag::kSrvDomain: c.srv_domain = value; break;
    case Flag::kSrvRecord: c.srv_record = value; break;
    case Flag::kScheme:
      if (value != "http" && value != "https") {
        return FlagError(name, absl::StrCat("must be http or https, got \"", value, "\""));
      }
      c.scheme = value;
      break;
    case Flag::kClientCert: c.client_cert = value; break;
    case Flag::kClientKey: c.client_key = value; break;
    case Flag::kClientCaKeys: c.client_ca_keys = value; break;
    case Flag::kUsername: c.username = value; break;
    case Flag::kPassword: c.password = value; break;
    case Flag::kPasswordFile: c.password_file = value; break;
    case Flag::kBasicAuth: return ParseBoolFlag(name, value, &c.basic_auth);
    case Flag::kHelp: return ParseBoolFlag(name, value, &o->help);
    case Flag::kLogLevel: {
      absl::StatusOr<LogLevel> level = ParseLogLevel(value);
      if (!level.ok()) return FlagError(name, level.status().message());
      o->log_level = *level;
      break;
    }
  }
  return absl::OkStatus();
}

// A wrong username or password does not heal by retrying (and each retry
// costs etcd a bcrypt check): find out before registering, as the daemon
// does at its first read. etcd being unreachable is not an error here: the
// registration retries until it is back.
absl::Status CheckCredentials(EtcdClient* client) {
  absl::StatusOr<MemberStatus> status = client->Status();
  if (status.status().code() == absl::StatusCode::kUnauthenticated) return status.status();
  return absl::OkStatus();
}

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);  // taken so that it cannot kill us unregistered
  return set;
}

// The daemon's credential variables, for what the command line left unset:
// one set of credentials (a Kubernetes Secret in the environment, a password
// file) serves the daemon and its `register` sidecar alike.
// Where the password came from, for ReadPasswordFile's errors.
struct PasswordLabels {
  std::string password = "--password";
  std::string file = "--password-file";
};

absl::Status ReadCredentialEnvironment(const Environment& env, Options* c,
                                       PasswordLabels* labels) {
  auto get = [&](const char* name) { return env.GetEnv(name).value_or(""); };
  if (c->username.empty()) c->username = get("CONFWATCH_USERNAME");
  if (c->password.empty() && c->password_file.empty()) {
    c->password = get("CONFWATCH_PASSWORD");
    c->password_file = get("CONFWATCH_PASSWORD_FILE");
    labels->password = "CONFWATCH_PASSWORD";
    labels->file = "CONFWATCH_PASSWORD_FILE";
  }
  if (!c->basic_auth && !get("CONFWATCH_BASIC_AUTH").empty()) {
    return ParseBoolFlag("basic-auth", get("CONFWATCH_BASIC_AUTH"), &c->basic_auth);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RegisterCommandOptions> ParseRegisterFlags(int argc, const char* const* argv,
                                                          const Environment& env) {
  RegisterCommandOptions o;
  o.spec.where = "command line";
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::StartsWith(arg, "-") || arg == "-" || arg == "--") {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    arg.remove_prefix(absl::StartsWith(arg, "--") ? 2 : 1);
    std::string name(arg.substr(0, arg.find('=')));
    auto it = Flags().find(name);
    if (it == Flags().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see confwatch register --help)"));
    }
    std::string value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (IsBool(it->second)) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
    }
    if (absl::Status s = Apply(it->second, name, value, &o); !s.ok()) return s;
  }
  if (!o.help && o.spec.key.empty()) return absl::InvalidArgumentError("--key is required");
  PasswordLabels labels;
  if (absl::Status s = ReadCredentialEnvironment(env, &o.connection, &labels); !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadPasswordFile(env, labels.file, labels.password, &o.connection);
      !s.ok()) {
    return s;
  }
  // As the main command names it for its default backend: _etcd._tcp.<domain>.
  if (o.connection.srv_record.empty() && !o.connection.srv_domain.empty()) {
    o.connection.srv_record = absl::StrCat("_etcd._tcp.", o.connection.srv_domain, ".");
  }
  return o;
}

absl::Status ResolveRegisterNodes(RegisterCommandOptions* o, const SrvLookup& lookup) {
  const bool from_srv = o->connection.nodes.empty() && !o->connection.srv_record.empty();
  if (absl::Status s = ResolveSrvNodes(&o->connection, lookup); !s.ok()) return s;
  if (from_srv) {
    LogInfo(absl::StrCat("SRV record ", o->connection.srv_record, ": etcd nodes ",
                         absl::StrJoin(o->connection.nodes, ",")));
  }
  return absl::OkStatus();
}

std::string RegisterUsage() {
  return R"(Usage: confwatch register --key KEY [--value VALUE] [flags]

Registers this instance in etcd under KEY, bound to a lease that is kept
alive, until SIGTERM or SIGINT; then revokes the lease (the key disappears at
once) and exits 0. KEY and VALUE are Go templates rendered once at start:
hostname, getenv, hostIP, hostIPs and confwatch's other functions work.

Registration:
  --key KEY               key template, e.g. /services/web/{{hostIP}}:8080 (required)
  --value VALUE           value template (default "")
  --ttl DURATION          lease TTL, whole seconds, at least 1s (default 10s)
  --health CHECK          tcp://host:port, http(s)://host[:port]/path (2xx is
                          healthy) or a shell command (exit 0 is healthy);
                          registered only while the last check passed
  --health-interval D     time between checks (default 5s)
  --health-timeout D      limit of one check (default 2s)

etcd connection (as for confwatch itself):
  --node URL              etcd endpoint; repeat or comma-separate (default 127.0.0.1:2379)
  --srv-domain DOMAIN     without --node: the nodes from the SRV record
                          _etcd._tcp.DOMAIN, looked up once at start
  --srv-record RECORD     without --node: the nodes from this SRV record
  --scheme http|https     scheme of the nodes found by SRV (default http)
  --client-cert FILE      client certificate (PEM)
  --client-key FILE       client key (PEM)
  --client-ca-keys FILE   CA bundle to verify etcd with (PEM)
  --basic-auth            send --username/--password
  --username NAME
  --password PASS         (shows in ps: prefer --password-file or CONFWATCH_PASSWORD)
  --password-file FILE    the password, from a file only its owner can read
                          (unset ones come from CONFWATCH_USERNAME,
                          CONFWATCH_PASSWORD, CONFWATCH_PASSWORD_FILE and
                          CONFWATCH_BASIC_AUTH, as for confwatch itself)
  --log-level LEVEL       debug, info, warning, error (default info)
)";
}

int RunRegisterCommand(int argc, const char* const* argv) {
  absl::StatusOr<RegisterCommandOptions> o = ParseRegisterFlags(argc, argv);
  // As the daemon: no health check command and no getenv sees them.
  RemoveCredentialsFromEnvironment();
  if (!o.ok()) {
    std::cerr << "confwatch register: " << o.status().message() << "\n";
    return kExitUsage;
  }
  if (o->help) {
    std::cout << RegisterUsage();
    return kExitOk;
  }
  InitLogging(LoggingConfig{o->log_level, LogFormat::kText, nullptr});
  // Before gRPC starts its threads, so that every thread inherits the mask
  // and only sigwait below sees the signals.
  sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (absl::Status s = ResolveRegisterNodes(&*o, SystemSrvLookup()); !s.ok()) {
    std::cerr << "confwatch register: cannot find the etcd nodes: " << s.message() << "\n";
    return kExitSourceUnavailable;
  }
  for (const std::string& w : o->connection.warnings) LogWarning(w);
  absl::StatusOr<std::unique_ptr<EtcdClient>> client =
      EtcdClient::Create(EtcdOptionsFrom(o->connection));
  if (!client.ok()) {
    std::cerr << "confwatch register: " << client.status().message() << "\n";
    return kExitUsage;
  }
  if (absl::Status s = CheckCredentials(client->get()); !s.ok()) {
    std::cerr << "confwatch register: " << s.message() << "\n";
    return kExitUsage;
  }
  PosixCommandRunner runner;
  absl::StatusOr<std::unique_ptr<RegistrationSet>> set =
      RegistrationSet::Create({o->spec}, client->get(), &runner);
  if (!set.ok()) {
    std::cerr << "confwatch register: " << set.status().message() << "\n";
    return kExitUsage;
  }
  const Registration& reg = (*set)->registration(0);
  LogInfo("confwatch register starting", {{"key", reg.key},
                                          {"ttl", absl::StrCat(reg.ttl_seconds, "s")},
                                          {"health", reg.health ? reg.health->text : "none"}});
  (*set)->Start();
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      LogInfo("SIGHUP ignored: the registration is fixed at start");
      continue;
    }
    LogInfo(absl::StrCat(strsignal(sig), ": deregistering and exiting"));
    break;
  }
  (*set)->Shutdown();
  return kExitOk;
}

}  // namespace confwatch
