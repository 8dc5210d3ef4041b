#include "app/options.h"

#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <sstream>
#include <utility>

#include <toml.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "app/option_specs.h"
#include "base/file_io.h"
#include "base/path_trust.h"
#include "exec/exec_policy.h"
#include "process/signals.h"
#include "resource/toml_error.h"
#include "resource/toml_table.h"

namespace confwatch {
namespace {

// One option as one source gave it.
struct Setting {
  const OptionSpec* spec = nullptr;
  std::vector<std::string> values;  // lists: every occurrence; scalars: one
  std::string label;                // names the source in errors: "-interval"
};
// By option name. A later source replaces a whole entry.
using Settings = std::map<absl::string_view, Setting>;

const Setting* FindSetting(const Settings& settings, absl::string_view name) {
  auto it = settings.find(name);
  return it == settings.end() ? nullptr : &it->second;
}

void Put(const OptionSpec& spec, std::string value, std::string label, Settings* settings) {
  Setting& s = (*settings)[spec.name];
  s.spec = &spec;
  if (spec.kind != OptionKind::kList) s.values.clear();  // last one wins, as in Go
  s.values.push_back(std::move(value));
  s.label = std::move(label);
}

// "unknown flag -wacth (did you mean -watch?)", or "(see confwatch --help)"
// when no flag is close.
absl::Status UnknownFlag(absl::string_view name, absl::string_view label) {
  std::vector<absl::string_view> names;
  for (const OptionSpec& spec : AllOptions()) names.push_back(spec.name);
  absl::string_view close = ClosestName(name, names);
  if (close.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown flag ", label, " (see confwatch --help)"));
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown flag ", label, " (did you mean ",
                                                 label.substr(0, label.size() - name.size()),
                                                 close, "?)"));
}

absl::Status ParseFlags(int argc, const char* const* argv, Settings* flags,
                        std::vector<std::string>* exec_command) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") {
      exec_command->assign(argv + i + 1, argv + argc);
      return absl::OkStatus();
    }
    if (arg.size() < 2 || arg[0] != '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument \"", arg, "\": flags come first, a command to run goes after --"));
    }
    absl::string_view dashes = absl::StartsWith(arg, "--") ? "--" : "-";
    absl::string_view body = arg.substr(dashes.size());
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return absl::InvalidArgumentError(absl::StrCat("bad flag syntax: ", arg));
    }
    size_t eq = body.find('=');
    absl::string_view name = body.substr(0, eq);
    const OptionSpec* spec = FindOption(name);
    std::string label = absl::StrCat(dashes, name);
    if (spec == nullptr) return UnknownFlag(name, label);
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(body.substr(eq + 1));
    } else if (spec->kind == OptionKind::kBool) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag needs an argument: ", label));
    }
    Put(*spec, std::move(value), std::move(label), flags);
  }
  return absl::OkStatus();
}

// confd reads these three itself; they rank below the CONFWATCH_ names.
constexpr std::pair<absl::string_view, absl::string_view> kConfdEnv[] = {
    {"client-cert", "CONFD_CLIENT_CERT"},
    {"client-key", "CONFD_CLIENT_KEY"},
    {"client-ca-keys", "CONFD_CLIENT_CAKEYS"},
};

void ReadEnvironment(const Environment& env, Settings* settings) {
  for (const OptionSpec& spec : AllOptions()) {
    if (!spec.from_env) continue;
    std::string name = EnvName(spec);
    std::optional<std::string> value = env.GetEnv(name);
    if (value && !value->empty()) Put(spec, *value, name, settings);
  }
  for (const auto& [option, name] : kConfdEnv) {
    if (settings->count(option) != 0) continue;
    std::optional<std::string> value = env.GetEnv(std::string(name));
    if (value && !value->empty()) Put(*FindOption(option), *value, std::string(name), settings);
  }
}

// The values of one confd.toml key as the flag parser would see them.
absl::StatusOr<std::vector<std::string>> TomlValues(const TomlTable& table,
                                                    const toml::value& v,
                                                    absl::string_view key, OptionKind kind) {
  switch (kind) {
    case OptionKind::kBool:
      if (!v.is_boolean()) return table.TypeError(v, key, "a boolean");
      return std::vector<std::string>{v.as_boolean() ? "true" : "false"};
    case OptionKind::kSeconds:
      if (!v.is_integer()) return table.TypeError(v, key, "an integer (seconds)");
      return std::vector<std::string>{absl::StrCat(v.as_integer())};
    case OptionKind::kCount:
      if (!v.is_integer()) return table.TypeError(v, key, "an integer");
      return std::vector<std::string>{absl::StrCat(v.as_integer())};
    case OptionKind::kDuration:
      if (v.is_integer()) return std::vector<std::string>{absl::StrCat(v.as_integer())};
      if (!v.is_string()) return table.TypeError(v, key, "a duration string like \"10s\"");
      return std::vector<std::string>{v.as_string().str};
    case OptionKind::kList: {
      if (v.is_string()) return std::vector<std::string>{v.as_string().str};
      if (!v.is_array()) return table.TypeError(v, key, "an array of strings");
      std::vector<std::string> values;
      for (const toml::value& element : v.as_array()) {
        if (!element.is_string()) return table.TypeError(element, key, "a string");
        values.push_back(element.as_string().str);
      }
      return values;
    }
    default:
      if (!v.is_string()) return table.TypeError(v, key, "a string");
      return std::vector<std::string>{v.as_string().str};
  }
}

// The [exec] key of an exec option: "exec-kill-timeout" -> "kill_timeout".
std::string ExecKey(const OptionSpec& spec) {
  return absl::StrReplaceAll(spec.name.substr(5), {{"-", "_"}});
}

bool IsExecOption(const OptionSpec& spec) { return absl::StartsWith(spec.name, "exec-"); }

// The [exec] table: its command, and the exec options under their short
// names. A string command runs through /bin/sh -c.
absl::Status ParseExecTable(const std::string& path, const toml::value& exec,
                            Settings* settings, std::vector<std::string>* command,
                            std::vector<std::string>* warnings) {
  std::vector<std::string> keys = {"command"};
  for (const OptionSpec& spec : AllOptions()) {
    if (IsExecOption(spec)) keys.push_back(ExecKey(spec));
  }
  std::vector<absl::string_view> known(keys.begin(), keys.end());
  TomlTable table(path, exec, "[exec]", known);
  if (absl::Status s = table.Index(); !s.ok()) return s;
  table.WarnUnknown(warnings);
  if (const toml::value* v = table.Find("command"); v != nullptr && v->is_string()) {
    if (v->as_string().str.empty()) return table.Error(*v, "command", "must not be empty");
    *command = {"/bin/sh", "-c", v->as_string().str};
  } else if (v != nullptr) {
    if (absl::Status s = table.GetStringArray("command", command); !s.ok()) return s;
    if (command->empty()) return table.Error(*v, "command", "must not be empty");
  }
  for (const OptionSpec& spec : AllOptions()) {
    if (!IsExecOption(spec)) continue;
    std::string key = ExecKey(spec);
    const toml::value* v = table.Find(key);
    if (v == nullptr) continue;
    absl::StatusOr<std::vector<std::string>> values = TomlValues(table, *v, key, spec.kind);
    if (!values.ok()) return values.status();
    std::string label = absl::StrCat(TomlWhere(path, *v), ": [exec] ", key);
    (*settings)[spec.name] = Setting{&spec, std::move(*values), std::move(label)};
  }
  return absl::OkStatus();
}

absl::Status ParseConfigFile(const std::string& path, const std::string& contents,
                             Settings* settings, std::vector<std::string>* exec_command,
                             std::vector<std::string>* warnings) {
  absl::StatusOr<toml::value> parsed = ParseTomlText(contents, path);
  if (!parsed.ok()) return parsed.status();
  const toml::value root = *std::move(parsed);
  std::vector<absl::string_view> known;
  for (const OptionSpec& spec : AllOptions()) {
    for (absl::string_view key : spec.file_keys) {
      if (!key.empty()) known.push_back(key);
    }
  }
  // [[register]] tables belong to src/register (the `register` subcommand).
  known.push_back("exec");
  known.push_back("register");
  TomlTable table(path, root, "the configuration file", known);
  if (absl::Status s = table.Index(); !s.ok()) return s;
  table.WarnUnknown(warnings);
  if (const toml::value* exec = table.Find("exec"); exec != nullptr) {
    if (!exec->is_table()) return table.TypeError(*exec, "exec", "a table ([exec])");
    absl::Status s = ParseExecTable(path, *exec, settings, exec_command, warnings);
    if (!s.ok()) return s;
  }
  for (const OptionSpec& spec : AllOptions()) {
    absl::string_view found_key;
    for (absl::string_view key : spec.file_keys) {
      const toml::value* v = key.empty() ? nullptr : table.Find(key);
      if (v == nullptr) continue;
      if (!found_key.empty()) {
        return table.Error(*v, key, absl::StrCat("sets the same option as \"", found_key, "\""));
      }
      found_key = key;
      absl::StatusOr<std::vector<std::string>> values = TomlValues(table, *v, key, spec.kind);
      if (!values.ok()) return values.status();
      std::string label = absl::StrCat(TomlWhere(path, *v), ": ", key);
      (*settings)[spec.name] = Setting{&spec, std::move(*values), std::move(label)};
    }
  }
  return absl::OkStatus();
}

// Reads the named config file, or the first default one that exists. Leaves
// *path empty when there is none (or -config-file="" asked for none).
absl::Status LoadConfigFile(const Settings& flags, const Settings& environment,
                            const Environment& env, std::string* path, Settings* settings,
                            std::vector<std::string>* exec_command,
                            std::vector<std::string>* warnings) {
  const Setting* named = FindSetting(flags, "config-file");
  if (named == nullptr) named = FindSetting(environment, "config-file");
  std::vector<std::string> candidates;
  if (named != nullptr) {
    if (named->values.back().empty()) return absl::OkStatus();
    candidates.push_back(named->values.back());
  } else {
    candidates.assign(std::begin(kDefaultConfigFiles), std::end(kDefaultConfigFiles));
  }
  for (const std::string& candidate : candidates) {
    absl::StatusOr<std::string> contents = env.ReadFile(candidate);
    if (absl::IsNotFound(contents.status()) && named == nullptr) continue;
    if (!contents.ok()) {
      return absl::Status(contents.status().code(),
                          absl::StrCat("config file: ", contents.status().message()));
    }
    // It chooses the [exec] command, the confdir and the backend: as root,
    // no one else may be able to write it.
    if (absl::Status s = env.CheckTrusted(candidate); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("config file: ", s.message()));
    }
    *path = candidate;
    return ParseConfigFile(candidate, *contents, settings, exec_command, warnings);
  }
  return absl::OkStatus();
}

absl::Status ApplySettings(const Settings& settings, Options* options) {
  for (const auto& [name, setting] : settings) {
    ClearList(*setting.spec, options);
    for (const std::string& value : setting.values) {
      absl::Status s = ApplyValue(*setting.spec, value, setting.label, options);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

std::string LabelOf(const Settings& settings, absl::string_view name) {
  const Setting* s = FindSetting(settings, name);
  return s == nullptr ? absl::StrCat("-", name) : s->label;
}

// Signal names and the restart policy are checked even outside exec mode:
// a typo in the config file should not wait for the day exec mode is used.
absl::Status CheckExec(const Settings& settings, const Options& o) {
  auto signal_ok = [&](absl::string_view name, const std::string& value) -> absl::Status {
    absl::StatusOr<int> signo = ParseSignal(value);
    if (signo.ok()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(LabelOf(settings, name), ": ", signo.status().message()));
  };
  if (!o.exec_reload_signal.empty()) {
    if (absl::Status s = signal_ok("exec-reload-signal", o.exec_reload_signal); !s.ok()) return s;
  }
  if (absl::Status s = signal_ok("exec-kill-signal", o.exec_kill_signal); !s.ok()) return s;
  if (absl::StatusOr<RestartPolicy> p = ParseRestartPolicy(o.exec_restart); !p.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(LabelOf(settings, "exec-restart"), ": ", p.status().message()));
  }
  if (o.onetime && !o.exec_command.empty()) {
    return absl::InvalidArgumentError(
        "-onetime cannot run a command (exec mode): drop -onetime, or run the command after "
        "confwatch -onetime");
  }
  return absl::OkStatus();
}

absl::Status PasswordFromFile(const Settings& settings, const Environment& env, Options* o) {
  return ReadPasswordFile(env, LabelOf(settings, "password-file"), LabelOf(settings, "password"),
                          o);
}

// Checks across options and defaults that depend on other options.
absl::Status Finish(const Settings& settings, Options* o) {
  if (o->onetime && o->watch) {
    o->warnings.push_back(absl::StrCat(LabelOf(settings, "watch"), " is ignored with -onetime"));
  }
  if (absl::Status s = CheckExec(settings, *o); !s.ok()) return s;
  if (o->backend == "file" && o->files.empty()) {
    return absl::InvalidArgumentError("-backend file needs at least one -file");
  }
  if (o->client_cert.empty() != o->client_key.empty()) {
    return absl::InvalidArgumentError("-client-cert and -client-key must be given together");
  }
  if (o->scheme != "http" && o->scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat(LabelOf(settings, "scheme"),
                                                   " must be http or https, got \"", o->scheme,
                                                   "\""));
  }
  if (!o->metrics_addr.empty() && o->metrics_addr.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(LabelOf(settings, "metrics-addr"),
                     " must be host:port such as 127.0.0.1:9100, got \"", o->metrics_addr, "\""));
  }
  if (o->srv_record.empty() && !o->srv_domain.empty()) {
    // confd names the record after the backend as the user wrote it.
    const Setting* backend_setting = FindSetting(settings, "backend");
    std::string backend = backend_setting == nullptr ? "etcd" : backend_setting->values.back();
    o->srv_record = absl::StrCat("_", backend, "._tcp.", o->srv_domain, ".");
  }
  // confd's "etcd" backend speaks the v2 API, which confwatch does not have:
  // say so once rather than silently read the v3 keyspace (empty for data
  // written through v2).
  if (const Setting* b = FindSetting(settings, "backend");
      b != nullptr && absl::EqualsIgnoreCase(b->values.back(), "etcd")) {
    o->warnings.push_back(absl::StrCat(
        b->label, " etcd: the etcd v2 API is not supported; reading etcd's v3 keyspace"));
  }
  if (o->nodes.empty() && o->backend == "etcdv3" && o->srv_record.empty()) {
    o->nodes.push_back("127.0.0.1:2379");
  }
  return absl::OkStatus();
}

bool FlagSet(const Settings& flags, absl::string_view name) {
  const Setting* s = FindSetting(flags, name);
  bool on = false;
  return s != nullptr && ParseGoBool(s->values.back(), &on) && on;
}

class RealEnvironment : public Environment {
 public:
  std::optional<std::string> GetEnv(const std::string& name) const override {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }

  absl::StatusOr<std::string> ReadFile(const std::string& path) const override {
    return confwatch::ReadFile(path);
  }

  absl::StatusOr<std::string> ReadFileAndMode(const std::string& path,
                                              mode_t* mode) const override {
    return confwatch::ReadFile(path, mode);
  }

  absl::Status CheckTrusted(const std::string& path) const override {
    return CheckTrustedPath(path);
  }
};

}  // namespace

const Environment& SystemEnvironment() {
  static const RealEnvironment* env = new RealEnvironment();
  return *env;
}

absl::StatusOr<Options> LoadOptions(int argc, const char* const* argv,
                                     const Environment& env) {
  Options options;
  Settings flags;
  absl::Status s = ParseFlags(argc, argv, &flags, &options.exec_command);
  if (!s.ok()) return s;
  if (FlagSet(flags, "help") || FlagSet(flags, "version")) {
    s = ApplySettings(flags, &options);
    if (!s.ok()) return s;
    return options;
  }
  Settings environment;
  ReadEnvironment(env, &environment);
  Settings merged;
  std::vector<std::string> file_command;
  s = LoadConfigFile(flags, environment, env, &options.config_file, &merged, &file_command,
                     &options.warnings);
  if (!s.ok()) return s;
  for (auto& [name, setting] : environment) merged[name] = std::move(setting);
  for (auto& [name, setting] : flags) merged[name] = std::move(setting);
  merged.erase("config-file");  // options.config_file is the file actually read
  s = ApplySettings(merged, &options);
  if (!s.ok()) return s;
  // A shared config file's [exec] command does not make -onetime an error.
  if (options.exec_command.empty() && !options.onetime) {
    options.exec_command = std::move(file_command);
  }
  s = PasswordFromFile(merged, env, &options);
  if (!s.ok()) return s;
  s = Finish(merged, &options);
  if (!s.ok()) return s;
  return options;
}

absl::Status ReadPasswordFile(const Environment& env, absl::string_view file_label,
                              absl::string_view password_label, Options* o) {
  if (o->password_file.empty()) return absl::OkStatus();
  if (!o->password.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_label, " and ", password_label, " are both set: keep one"));
  }
  mode_t mode = 0;
  absl::StatusOr<std::string> contents = env.ReadFileAndMode(o->password_file, &mode);
  if (!contents.ok()) {
    return absl::Status(contents.status().code(),
                        absl::StrCat("password file: ", contents.status().message()));
  }
  if ((mode & 0044) != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "password file %s is readable by group or others (mode %04o): chmod 600 it",
        o->password_file, mode));
  }
  absl::string_view password = *contents;
  absl::ConsumeSuffix(&password, "\n");
  o->password = std::string(password);
  return absl::OkStatus();
}

void RemoveCredentialsFromEnvironment() {
  for (absl::string_view name : {"username", "password", "password-file", "basic-auth"}) {
    unsetenv(EnvName(*FindOption(name)).c_str());
  }
}

}  // namespace confwatch
