#include "app/option_specs.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "golang/duration.h"

namespace confwatch {
namespace {

using K = OptionKind;
using O = Options;

constexpr absl::string_view kModes = "Modes";
constexpr absl::string_view kWhere = "Files";
constexpr absl::string_view kBackend = "Backend";
constexpr absl::string_view kOps = "Logging and operations";
constexpr absl::string_view kExec = "Exec mode (confwatch [flags] -- command [args...])";
constexpr absl::string_view kIgnored = "Accepted for confd compatibility and ignored";

// clang-format off
const OptionSpec kOptions[] = {
  {kModes, "onetime", K::kBool, &O::onetime, "", "false",
   "render once and exit", {"onetime"}, true},
  {kModes, "watch", K::kBool, &O::watch, "", "false",
   "follow changes of the backend instead of polling every -interval", {"watch"}, true},
  {kModes, "interval", K::kSeconds, &O::interval, "seconds", "600",
   "polling interval when not watching", {"interval"}, true},
  {kModes, "noop", K::kBool, &O::noop, "", "false",
   "render and compare, never install or reload", {"noop"}, true},
  {kModes, "diff", K::kBool, &O::diff, "", "false",
   "log a unified diff of each pending change (handy with -noop)", {"diff"}, true},
  {kModes, "diff-secrets", K::kBool, &O::diff_secrets, "", "false",
   "also show the diff of a file that is not world-readable (mode 0600, 0640: it may hold "
   "secrets); without it such a diff only says how many lines changed",
   {"diff_secrets", "diff-secrets"}, true},
  {kModes, "sync-only", K::kBool, &O::sync_only, "", "false",
   "install without running check_cmd and reload_cmd", {"sync-only", "sync_only"}, true},
  {kModes, "keep-stage-file", K::kBool, &O::keep_stage_file, "", "false",
   "keep the staged files", {"keep-stage-file", "keep_stage_file", "keepstagefile"}, true},
  {kModes, "check-config", K::kBool, &O::check_config, "", "false",
   "load conf.d and the templates, report every problem and exit", {}, true},
  {kModes, "preflight", K::kBool, &O::preflight, "", "false",
   "check configuration, backend reachability and destination permissions, then exit",
   {}, true},
  {kModes, "version", K::kBool, &O::version, "", "false", "print the version and exit", {},
   false},
  {kModes, "help", K::kBool, &O::help, "", "false", "print this help and exit", {}, false},

  {kWhere, "confdir", K::kString, &O::confdir, "path", "/etc/confd",
   "directory holding conf.d/ and templates/", {"confdir"}, true},
  {kWhere, "config-file", K::kString, &O::config_file, "path",
   "/etc/confwatch/confwatch.toml, then /etc/confd/confd.toml",
   "configuration file (confd.toml keys)", {}, true},
  {kWhere, "prefix", K::kString, &O::prefix, "path", "none",
   "key prefix joined before every resource's prefix", {"prefix"}, true},

  {kBackend, "backend", K::kBackend, &O::backend, "name", "etcd",
   "etcdv3 (alias etcd), file or env", {"backend"}, true},
  {kBackend, "node", K::kList, &O::nodes, "host:port", "127.0.0.1:2379",
   "backend node (URL or host:port); repeatable, or comma-separated", {"nodes", "node"}, true},
  {kBackend, "scheme", K::kString, &O::scheme, "scheme", "http",
   "URL scheme of nodes found by SRV lookup (http or https)", {"scheme"}, true},
  {kBackend, "srv-domain", K::kString, &O::srv_domain, "domain", "none",
   "without -node: find the nodes with the SRV record _<backend>._tcp.<domain>.",
   {"srv_domain", "srv-domain"}, true},
  {kBackend, "srv-record", K::kString, &O::srv_record, "record", "none",
   "without -node: find the nodes with this SRV record, e.g. _etcd-client._tcp.example.com.",
   {"srv_record", "srv-record"}, true},
  {kBackend, "client-cert", K::kString, &O::client_cert, "path", "none",
   "client certificate (PEM) for TLS client authentication",
   {"client_cert", "client-cert"}, true},
  {kBackend, "client-key", K::kString, &O::client_key, "path", "none",
   "key of -client-cert (PEM)", {"client_key", "client-key"}, true},
  {kBackend, "client-ca-keys", K::kString, &O::client_ca_keys, "path", "none",
   "CA certificates (PEM) to verify the backend with",
   {"client_cakeys", "client_ca_keys", "client-ca-keys"}, true},
  {kBackend, "basic-auth", K::kBool, &O::basic_auth, "", "false",
   "authenticate with -username and -password", {"basic_auth", "basic-auth"}, true},
  {kBackend, "username", K::kString, &O::username, "name", "none",
   "user to authenticate as", {"username"}, true},
  {kBackend, "password", K::kString, &O::password, "secret", "none",
   "password to authenticate with (prefer -password-file: flags show in ps)",
   {"password"}, true},
  {kBackend, "password-file", K::kString, &O::password_file, "path", "none",
   "read the password from this file (one trailing newline dropped); refused unless only "
   "its owner can read it (chmod 600)",
   {"password_file", "password-file"}, true},
  {kBackend, "file", K::kList, &O::files, "path", "none",
   "file backend: YAML, JSON or TOML file or directory; repeatable, or comma-separated", {"file"},
   true},
  {kBackend, "filter", K::kString, &O::filter, "glob", "*",
   "file backend: which files of a directory to read", {"filter"}, true},

  {kOps, "log-level", K::kLogLevel, &O::log_level, "level", "info",
   "debug, info, warning, error, fatal or panic", {"log-level", "log_level"}, true},
  {kOps, "log-format", K::kLogFormat, &O::log_format, "format", "text",
   "text (confd's lines) or json (one object per line)", {"log-format", "log_format"}, true},
  {kOps, "metrics-addr", K::kString, &O::metrics_addr, "host:port", "off",
   "serve /metrics, /healthz and /readyz on this address", {"metrics-addr", "metrics_addr"}, true},
  {kOps, "subreaper", K::kBool, &O::subreaper, "", "false",
   "become a child subreaper and reap orphaned processes", {"subreaper"}, true},

  {kExec, "exec-wait-timeout", K::kDuration, &O::exec_wait_timeout, "duration", "30s",
   "how long every resource may take to load and render before the command starts",
   {"exec-wait-timeout", "exec_wait_timeout"}, true},
  {kExec, "exec-reload-signal", K::kString, &O::exec_reload_signal, "signal", "SIGHUP",
   "sent to the command when a file changed; empty: restart the command", {}, true},
  {kExec, "exec-kill-signal", K::kString, &O::exec_kill_signal, "signal", "SIGTERM",
   "stops the command (on SIGTERM/SIGINT, or to restart it)", {}, true},
  {kExec, "exec-kill-timeout", K::kDuration, &O::exec_kill_timeout, "duration", "10s",
   "how long the command may take to exit after the kill signal before SIGKILL", {}, true},
  {kExec, "exec-splay", K::kDuration, &O::exec_splay, "duration", "0s",
   "wait a random time up to this long before sending the reload signal", {}, true},
  {kExec, "exec-restart", K::kString, &O::exec_restart, "policy", "never",
   "when the command exits by itself: never (exit with its code), on-failure or always",
   {}, true},
  {kExec, "exec-restart-limit", K::kCount, &O::exec_restart_limit, "n", "5",
   "restarts in a row before giving up with the command's exit code (0: no limit)", {}, true},

  {kIgnored, "auth-token", K::kString, {}, "token", "none", "vault and consul backends",
   {"auth_token"}, true},
  {kIgnored, "auth-type", K::kString, {}, "type", "none", "vault backend", {"auth_type"}, true},
  {kIgnored, "app-id", K::kString, {}, "id", "none", "vault backend", {"app_id"}, true},
  {kIgnored, "user-id", K::kString, {}, "id", "none", "vault backend", {"user_id"}, true},
  {kIgnored, "role-id", K::kString, {}, "id", "none", "vault backend", {"role_id"}, true},
  {kIgnored, "secret-id", K::kString, {}, "id", "none", "vault backend", {"secret_id"}, true},
  {kIgnored, "path", K::kString, {}, "path", "none", "vault backend", {"path"}, true},
  {kIgnored, "table", K::kString, {}, "name", "none", "dynamodb backend", {"table"}, true},
  {kIgnored, "separator", K::kString, {}, "sep", "none", "redis backend", {"separator"}, true},
  {kIgnored, "secret-keyring", K::kString, {}, "path", "none",
   "confd's PGP crypt functions", {"secret_keyring"}, true},
  {kIgnored, "client-insecure", K::kBool, {}, "", "false",
   "not supported: trust a private CA with -client-ca-keys", {"client_insecure"}, true},
};
// clang-format on

absl::Status Invalid(absl::string_view label, absl::string_view expected,
                     absl::string_view value) {
  return absl::InvalidArgumentError(
      absl::StrCat(label, " must be ", expected, ", got \"", value, "\""));
}

// Whole non-negative seconds ("30") or a Go duration ("30s", "1m30s").
bool ParseWaitDuration(absl::string_view text, absl::Duration* out) {
  int64_t seconds = 0;
  if (absl::SimpleAtoi(text, &seconds)) {
    *out = absl::Seconds(seconds);
    return seconds >= 0;
  }
  absl::StatusOr<absl::Duration> d = ParseGoDuration(text);
  if (!d.ok() || *d < absl::ZeroDuration()) return false;
  *out = *d;
  return true;
}

// "etcd" is an alias: confwatch speaks etcd's v3 API only.
bool ParseBackend(absl::string_view text, std::string* out) {
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "etcd" || lower == "etcdv3") {
    *out = "etcdv3";
  } else if (lower == "file" || lower == "env") {
    *out = lower;
  } else {
    return false;
  }
  return true;
}

template <typename T>
void Store(const OptionSpec& spec, T value, Options* out) {
  out->*std::get<T Options::*>(spec.target) = std::move(value);
}

}  // namespace

absl::Span<const OptionSpec> AllOptions() { return kOptions; }

const OptionSpec* FindOption(absl::string_view name) {
  if (name == "h") name = "help";
  for (const OptionSpec& spec : kOptions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string EnvName(const OptionSpec& spec) {
  return absl::StrCat("CONFWATCH_",
                      absl::AsciiStrToUpper(absl::StrReplaceAll(spec.name, {{"-", "_"}})));
}

bool ParseGoBool(absl::string_view text, bool* out) {
  for (absl::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == t) {
      *out = true;
      return true;
    }
  }
  for (absl::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == f) {
      *out = false;
      return true;
    }
  }
  return false;
}

absl::Status ApplyValue(const OptionSpec& spec, absl::string_view value,
                        absl::string_view label, Options* out) {
  if (spec.name == "client-insecure") {
    // Skipping TLS verification is refused, not ignored: a user who asked for
    // it would otherwise believe a connection works that never will (README).
    bool on = false;
    if (!ParseGoBool(value, &on)) return Invalid(label, "true or false", value);
    if (!on) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(label, " is not supported: trust a private CA with -client-ca-keys"));
  }
  if (std::holds_alternative<std::monostate>(spec.target)) {
    out->warnings.push_back(absl::StrCat(label, " is a confd option confwatch ignores (",
                                         spec.help, ")"));
    return absl::OkStatus();
  }
  switch (spec.kind) {
    case K::kBool: {
      bool b = false;
      if (!ParseGoBool(value, &b)) return Invalid(label, "true or false", value);
      Store(spec, b, out);
      return absl::OkStatus();
    }
    case K::kSeconds: {
      int64_t seconds = 0;
      if (!absl::SimpleAtoi(value, &seconds) || seconds <= 0) {
        return Invalid(label, "a positive number of seconds", value);
      }
      Store(spec, absl::Seconds(seconds), out);
      return absl::OkStatus();
    }
    case K::kDuration: {
      absl::Duration d;
      if (!ParseWaitDuration(value, &d)) {
        return Invalid(label, "a duration such as 10s or 1m30s", value);
      }
      Store(spec, d, out);
      return absl::OkStatus();
    }
    case K::kString:
      Store(spec, std::string(value), out);
      return absl::OkStatus();
    case K::kList: {
      auto& list = out->*std::get<std::vector<std::string> Options::*>(spec.target);
      for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        list.emplace_back(absl::StripAsciiWhitespace(item));
      }
      return absl::OkStatus();
    }
    case K::kLogLevel: {
      absl::StatusOr<LogLevel> level = ParseLogLevel(value);
      if (!level.ok()) {
        return Invalid(label, "debug, info, warning, error, fatal or panic", value);
      }
      Store(spec, *level, out);
      return absl::OkStatus();
    }
    case K::kLogFormat: {
      absl::StatusOr<LogFormat> format = ParseLogFormat(value);
      if (!format.ok()) return Invalid(label, "text or json", value);
      Store(spec, *format, out);
      return absl::OkStatus();
    }
    case K::kCount: {
      int n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < 0) {
        return Invalid(label, "a whole number, 0 or more", value);
      }
      Store(spec, n, out);
      return absl::OkStatus();
    }
    case K::kBackend: {
      std::string backend;
      if (!ParseBackend(value, &backend)) {
        return Invalid(label, "etcdv3 (or etcd), file or env", value);
      }
      Store(spec, std::move(backend), out);
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

void ClearList(const OptionSpec& spec, Options* out) {
  if (auto* list = std::get_if<std::vector<std::string> Options::*>(&spec.target)) {
    (out->**list).clear();
  }
}

namespace {

// Visitor printing one option's value.
struct ValueText {
  const Options& o;
  std::string operator()(std::monostate) const { return ""; }
  std::string operator()(bool Options::*m) const { return o.*m ? "true" : "false"; }
  std::string operator()(absl::Duration Options::*m) const {
    return absl::FormatDuration(o.*m);
  }
  std::string operator()(std::string Options::*m) const { return o.*m; }
  std::string operator()(std::vector<std::string> Options::*m) const {
    return absl::StrJoin(o.*m, ",");
  }
  std::string operator()(LogLevel Options::*m) const { return std::string(LogLevelName(o.*m)); }
  std::string operator()(int Options::*m) const { return absl::StrCat(o.*m); }
  std::string operator()(LogFormat Options::*m) const {
    return o.*m == LogFormat::kJson ? "json" : "text";
  }
};

}  // namespace

std::string DescribeOptions(const Options& options) {
  static const Options* defaults = new Options();
  std::vector<std::string> parts;
  for (const OptionSpec& spec : kOptions) {
    std::string value = std::visit(ValueText{options}, spec.target);
    if (value == std::visit(ValueText{*defaults}, spec.target)) continue;
    if (spec.name == "password") value = "<redacted>";
    parts.push_back(absl::StrCat(spec.name, "=", value));
  }
  return absl::StrJoin(parts, " ");
}

constexpr int kHelpColumn = 26;
constexpr int kHelpWidth = 80;

// Joins the words of `text` into lines that end before kHelpWidth, each after
// the first indented to kHelpColumn.
std::string Wrap(absl::string_view text) {
  std::string out;
  int column = kHelpColumn;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    int width = static_cast<int>(word.size());
    if (column > kHelpColumn && column + 1 + width >= kHelpWidth) {
      absl::StrAppend(&out, "\n", std::string(kHelpColumn, ' '));
      column = kHelpColumn;
    }
    if (column > kHelpColumn) {
      out += ' ';
      ++column;
    }
    absl::StrAppend(&out, word);
    column += width;
  }
  return out;
}

std::string HelpText() {
  std::string text =
      "Usage: confwatch [flags] [-- command [args...]]\n"
      "       confwatch register --key KEY [--value VALUE] [flags]\n"
      "                   keep a key in etcd under a lease while this runs\n"
      "                   (confwatch register --help)\n"
      "\n"
      "Keeps configuration files rendered from templates and the keys of etcd (v3),\n"
      "local files or the environment, and reloads what uses them; confd's flags,\n"
      "confd.toml and templates work unchanged. With `-- command`, confwatch renders,\n"
      "then runs the command as its child, forwards signals to it and exits with it.\n"
      "\n"
      "Every flag takes one or two dashes, as -flag=value or -flag value (booleans:\n"
      "-flag or -flag=false), and can be set as CONFWATCH_<FLAG> in the environment\n"
      "(dashes as underscores) or in the config file under confd.toml's key.\n"
      "Precedence: flags, then environment, then config file, then defaults.\n";
  absl::string_view group;
  for (const OptionSpec& spec : kOptions) {
    if (spec.group != group) {
      group = spec.group;
      absl::StrAppend(&text, "\n", group, ":\n");
    }
    std::string left = absl::StrCat("  -", spec.name);
    if (!spec.value_name.empty()) absl::StrAppend(&left, " ", spec.value_name);
    std::string right = absl::StrCat(spec.help, " (default ", spec.default_text, ")");
    if (left.size() >= kHelpColumn) left = absl::StrCat(left, "\n", std::string(kHelpColumn, ' '));
    absl::StrAppend(&text, absl::StrFormat("%-*s", kHelpColumn, left), Wrap(right), "\n");
  }
  return text;
}

}  // namespace confwatch
