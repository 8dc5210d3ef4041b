#include "resource/resource_loader.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/file_io.h"
#include "base/path_trust.h"
#include "process/file_path.h"
#include "process/signals.h"
#include "golang/duration.h"
#include "resource/for_each.h"
#include "resource/toml_error.h"
#include "resource/toml_table.h"
#include "golang/path.h"

namespace confwatch {
namespace {

constexpr absl::string_view kTemplateKeys[] = {
    // confd's fields
    "src", "dest", "keys", "prefix", "mode", "uid", "gid", "check_cmd", "reload_cmd",
    // ours
    "owner", "group", "check_cmd_timeout", "reload_cmd_timeout", "reload_signal",
    "pid_file", "wait", "min_reload_interval", "create_dest_dirs", "backup",
    "output_format", "left_delimiter", "right_delimiter", "verbatim_keys", "for_each"};

// Largest valid uid_t / gid_t: (uid_t)-1 is reserved to mean "unchanged".
constexpr int64_t kMaxId = 4294967294;

using IdLookup = std::function<std::optional<uint32_t>(const std::string&)>;

std::optional<uint32_t> SystemUser(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry;
  passwd* found = nullptr;
  int rc;
  while ((rc = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
         ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0 || found == nullptr) return std::nullopt;
  return entry.pw_uid;
}

std::optional<uint32_t> SystemGroup(const std::string& name) {
  std::vector<char> buffer(16384);
  group entry;
  group* found = nullptr;
  int rc;
  while ((rc = getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
         ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0 || found == nullptr) return std::nullopt;
  return entry.gr_gid;
}

bool ParseOctalMode(absl::string_view text, mode_t* mode) {
  absl::ConsumePrefix(&text, "0o");
  if (text.empty() || text.find_first_not_of("01234567") != text.npos) {
    return false;
  }
  unsigned long value = 0;
  for (char c : text) {
    value = value * 8 + static_cast<unsigned long>(c - '0');
    if (value > 07777) return false;
  }
  *mode = static_cast<mode_t>(value);
  return true;
}

// mode: always octal. A TOML integer is read from its source text, so both
// `mode = 644` (what confd users write) and `mode = 0o644` mean 0644.
absl::Status ReadMode(const TomlTable& t, TemplateResource* r) {
  const toml::value* v = t.Find("mode");
  if (v == nullptr) return absl::OkStatus();
  std::string text;
  if (v->is_string()) {
    text = v->as_string().str;
  } else if (v->is_integer()) {
    text = TomlTokenText(*v);
  } else {
    return t.TypeError(*v, "mode", "an octal string like \"0644\"");
  }
  mode_t mode = 0;
  if (!ParseOctalMode(text, &mode)) {
    return t.Error(*v, "mode",
                   absl::StrCat("\"", text,
                                "\" is not an octal file mode from 0000 to "
                                "07777 like \"0644\""));
  }
  r->mode = mode;
  return absl::OkStatus();
}

// uid / gid: an integer id; -1 means unset, as confd's own default.
absl::Status ReadId(const TomlTable& t, absl::string_view key,
                    std::optional<uint32_t>* out) {
  const toml::value* v = t.Find(key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_integer()) return t.TypeError(*v, key, "an integer");
  int64_t id = v->as_integer();
  if (id == -1) return absl::OkStatus();
  if (id < 0 || id > kMaxId) {
    return t.Error(*v, key, absl::StrCat("must be from 0 to ", kMaxId, ", got ", id));
  }
  *out = static_cast<uint32_t>(id);
  return absl::OkStatus();
}

// owner / group: a name, or all digits for a numeric id as chown(1) takes
// it. Setting both the name and the numeric field is ambiguous: an error.
absl::Status ReadOwner(const TomlTable& t, absl::string_view key,
                       absl::string_view id_key, const IdLookup& lookup,
                       std::optional<uint32_t>* out) {
  const toml::value* v = t.Find(key);
  if (v == nullptr) return absl::OkStatus();
  std::string name;
  if (absl::Status s = t.GetPath(key, &name); !s.ok()) return s;
  if (t.Find(id_key) != nullptr) {
    return t.Error(*v, key, absl::StrCat(id_key, " is also set; use one of them"));
  }
  uint32_t numeric = 0;
  if (name.find_first_not_of("0123456789") == std::string::npos &&
      absl::SimpleAtoi(name, &numeric) && numeric <= kMaxId) {
    *out = numeric;
    return absl::OkStatus();
  }
  std::optional<uint32_t> id = lookup(name);
  if (!id.has_value()) {
    return t.Error(
        *v, key,
        absl::StrCat("unknown ", key == "owner" ? "user" : "group", " \"", name, "\""));
  }
  *out = *id;
  return absl::OkStatus();
}

absl::Status ReadOwnership(const TomlTable& t, const ResourceLoadOptions& options,
                           TemplateResource* r) {
  std::optional<uint32_t> uid, gid;
  IdLookup user = options.lookup_user ? IdLookup(options.lookup_user) : SystemUser;
  IdLookup group = options.lookup_group ? IdLookup(options.lookup_group) : SystemGroup;
  if (absl::Status s = ReadId(t, "uid", &uid); !s.ok()) return s;
  if (absl::Status s = ReadId(t, "gid", &gid); !s.ok()) return s;
  if (absl::Status s = ReadOwner(t, "owner", "uid", user, &uid); !s.ok()) return s;
  if (absl::Status s = ReadOwner(t, "group", "gid", group, &gid); !s.ok()) return s;
  if (uid.has_value()) r->uid = *uid;
  if (gid.has_value()) r->gid = *gid;
  return ReadMode(t, r);
}

// wait = "min:max", or "min" meaning max = 4*min, or a table {min, max}: the
// forms consul-template accepts.
absl::Status ParseWaitString(const TomlTable& t, const toml::value& v,
                             absl::Duration* min, absl::Duration* max) {
  std::string text(absl::StripAsciiWhitespace(v.as_string().str));
  if (text.empty()) return t.Error(v, "wait", "must not be empty");
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() > 2) {
    return t.Error(v, "wait",
                   absl::StrCat("\"", text, "\" is not \"min:max\" or \"min\""));
  }
  std::vector<absl::Duration> d;
  for (const std::string& part : parts) {
    absl::StatusOr<absl::Duration> one =
        ParseGoDuration(absl::StripAsciiWhitespace(part));
    if (!one.ok()) return t.Error(v, "wait", one.status().message());
    if (*one < absl::ZeroDuration()) return t.Error(v, "wait", "must not be negative");
    d.push_back(*one);
  }
  *min = d[0];
  *max = d.size() == 2 ? d[1] : 4 * d[0];
  return absl::OkStatus();
}

absl::Status ParseWaitTable(const TomlTable& t, const toml::value& v, absl::Duration* min,
                            absl::Duration* max) {
  if (!v.contains("min")) return t.Error(v, "wait", "has no min");
  absl::StatusOr<absl::Duration> lo = t.DurationOf(v.at("min"), "wait.min");
  if (!lo.ok()) return lo.status();
  *min = *lo;
  *max = 4 * *lo;
  if (!v.contains("max")) return absl::OkStatus();
  absl::StatusOr<absl::Duration> hi = t.DurationOf(v.at("max"), "wait.max");
  if (!hi.ok()) return hi.status();
  *max = *hi;
  return absl::OkStatus();
}

absl::Status ReadWait(const TomlTable& t, TemplateResource* r) {
  const toml::value* v = t.Find("wait");
  if (v == nullptr) return absl::OkStatus();
  absl::Duration min, max;
  absl::Status status;
  if (v->is_string()) {
    status = ParseWaitString(t, *v, &min, &max);
  } else if (v->is_table()) {
    status = ParseWaitTable(t, *v, &min, &max);
  } else {
    status = t.TypeError(*v, "wait", "a string like \"5s:30s\"");
  }
  if (!status.ok()) return status;
  if (max < min) {
    return t.Error(*v, "wait",
                   absl::StrCat("max ", absl::FormatDuration(max), " is less than min ",
                                absl::FormatDuration(min)));
  }
  r->wait_min = min;
  r->wait_max = max;
  return absl::OkStatus();
}

absl::Status ReadOutputFormat(const TomlTable& t, TemplateResource* r) {
  const toml::value* v = t.Find("output_format");
  if (v == nullptr) return absl::OkStatus();
  std::string text;
  if (absl::Status s = t.GetString("output_format", &text); !s.ok()) return s;
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "json") {
    r->output_format = OutputFormat::kJson;
  } else if (lower == "yaml") {
    r->output_format = OutputFormat::kYaml;
  } else if (lower == "toml") {
    r->output_format = OutputFormat::kToml;
  } else {
    return t.Error(*v, "output_format",
                   absl::StrCat("\"", text, "\" is not one of json, yaml, toml"));
  }
  return absl::OkStatus();
}

// reload_signal: a name ("SIGHUP", "HUP") or number, sent to the process in
// pid_file, or to the supervised child when there is no pid_file.
absl::Status ReadReloadSignal(const TomlTable& t, TemplateResource* r) {
  const toml::value* v = t.Find("reload_signal");
  const toml::value* pid_file = t.Find("pid_file");
  if (absl::Status s = t.GetPath("pid_file", &r->pid_file); !s.ok()) {
    return s;
  }
  if (v == nullptr) {
    if (pid_file == nullptr) return absl::OkStatus();
    return t.Error(*pid_file, "pid_file", "is set but reload_signal is not");
  }
  std::string text;
  if (v->is_integer()) {
    text = std::to_string(v->as_integer());
  } else if (v->is_string()) {
    text = v->as_string().str;
  } else {
    return t.TypeError(*v, "reload_signal", "a signal name like \"SIGHUP\"");
  }
  absl::StatusOr<int> signal = ParseSignal(text);
  if (!signal.ok()) return t.Error(*v, "reload_signal", signal.status().message());
  if (!r->reload_cmd.empty()) {
    return t.Error(*v, "reload_signal", "reload_cmd is also set; use one of them");
  }
  r->reload_signal = *signal;
  return absl::OkStatus();
}

absl::Status ReadPaths(const TomlTable& t, const ResourceLoadOptions& options,
                       TemplateResource* r) {
  for (absl::string_view key : {"src", "dest"}) {
    if (t.Find(key) == nullptr) {
      return t.TableError(absl::StrCat("[template] has no ", key));
    }
  }
  std::string src;
  if (absl::Status s = t.GetPath("src", &src); !s.ok()) return s;
  if (absl::Status s = t.GetPath("dest", &r->dest); !s.ok()) return s;
  if (r->dest.back() == '/') {
    return t.Error(*t.Find("dest"), "dest",
                   absl::StrCat("\"", r->dest, "\" names a directory, not a file"));
  }
  // As confd (filepath.Join): src is always under the template directory.
  r->src = GoPathJoin({options.confdir, "templates", src});
  return absl::OkStatus();
}

// for_each (for_each.h): checked against dest; keys default to its directory.
absl::Status ReadForEach(const TomlTable& t, const ResourceLoadOptions&, TemplateResource* r) {
  if (absl::Status s = t.GetString("for_each", &r->for_each); !s.ok()) return s;
  if (r->for_each.empty()) return absl::OkStatus();
  absl::StatusOr<ForEachPattern> p = ParseForEach(r->for_each);
  if (!p.ok()) return t.Error(*t.Find("for_each"), "for_each", p.status().message());
  if (absl::Status s = ValidateForEachDest(r->dest); !s.ok()) {
    return t.Error(*t.Find("dest"), "dest", s.message());
  }
  if (const toml::value* backup = t.Find("backup"); backup != nullptr) {
    return t.Error(*backup, "backup", "is not supported with for_each");
  }
  return absl::OkStatus();
}

// Length of a leading URI scheme with its "//" ("openim://" in
// "openim:///user"); 0 when there is none.
size_t SchemeLength(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && (absl::ascii_isalnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  if (i == 0 || !absl::ascii_isalpha(s[0]) || s.compare(i, 3, "://") != 0) return 0;
  return i + 3;
}

absl::Status ReadKeys(const TomlTable& t, const ResourceLoadOptions& options,
                      TemplateResource* r) {
  std::string prefix;
  std::vector<std::string> keys;
  if (absl::Status s = t.GetString("prefix", &prefix); !s.ok()) return s;
  if (absl::Status s = t.GetStringArray("keys", &keys); !s.ok()) return s;
  if (keys.empty() && !r->for_each.empty()) keys.push_back(ParseForEach(r->for_each)->dir);
  bool verbatim = false;
  if (absl::Status s = t.GetBool("verbatim_keys", &verbatim); !s.ok()) return s;
  if (verbatim) {
    // Registries with no common root and no scheme (go-zero: "user.rpc/<lease
    // id>") need keys that do not start with '/': prefix + key byte for byte,
    // no path.Join, no global prefix ("" watches the whole keyspace).
    r->prefix = prefix;
    r->keys.clear();
    for (const std::string& key : keys) r->keys.push_back(prefix + key);
    return absl::OkStatus();
  }
  // Registries that put a URI scheme first write keys without a leading '/'
  // ("openim:///user/10.0.2.1:80"); path.Join would fold "openim:///" into
  // "/openim:" and match nothing. A prefix that starts with "<scheme>://"
  // keeps the scheme verbatim (then the global prefix, which cannot precede
  // it, is not applied) and joins the rest as a rooted path.
  std::string scheme, global = options.global_prefix;
  if (size_t n = SchemeLength(prefix); n > 0) {
    scheme = prefix.substr(0, n);
    prefix.erase(0, n);
    global.clear();
  } else if (size_t n = SchemeLength(global); n > 0) {
    scheme = global.substr(0, n);
    global.erase(0, n);
  }
  r->prefix = scheme + GoPathJoin({"/", global, prefix});
  for (const std::string& key : keys) {
    r->keys.push_back(scheme + GoPathJoin({"/", global, prefix, key}));
  }
  return absl::OkStatus();
}

absl::Status ReadCommands(const TomlTable& t, const ResourceLoadOptions&,
                          TemplateResource* r) {
  if (absl::Status s = t.GetString("check_cmd", &r->check_cmd); !s.ok()) return s;
  if (absl::Status s = t.GetString("reload_cmd", &r->reload_cmd); !s.ok()) return s;
  if (absl::Status s = t.GetDuration("check_cmd_timeout", true, &r->check_cmd_timeout);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = t.GetDuration("reload_cmd_timeout", true, &r->reload_cmd_timeout);
      !s.ok()) {
    return s;
  }
  return ReadReloadSignal(t, r);
}

absl::Status ReadBehaviour(const TomlTable& t, const ResourceLoadOptions&,
                           TemplateResource* r) {
  if (absl::Status s = ReadWait(t, r); !s.ok()) return s;
  if (absl::Status s =
          t.GetDuration("min_reload_interval", false, &r->min_reload_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = t.GetBool("create_dest_dirs", &r->create_dest_dirs); !s.ok()) {
    return s;
  }
  if (absl::Status s = t.GetBool("backup", &r->backup); !s.ok()) return s;
  if (absl::Status s = ReadOutputFormat(t, r); !s.ok()) return s;
  if (absl::Status s = t.GetNonEmptyString("left_delimiter", &r->left_delimiter);
      !s.ok()) {
    return s;
  }
  return t.GetNonEmptyString("right_delimiter", &r->right_delimiter);
}

// confd ignores top-level keys other than [template]; say so.
void WarnUnknownTopLevel(const std::string& file, const toml::value& root,
                         std::vector<std::string>* warnings) {
  if (warnings == nullptr) return;
  std::map<std::pair<unsigned, std::string>, unsigned> found;  // in line order
  for (const auto& [key, value] : root.as_table()) {
    if (key == "template") continue;
    found[{static_cast<unsigned>(value.location().line()), key}] =
        TomlKeyColumn(value, key);
  }
  for (const auto& [line_key, column] : found) {
    warnings->push_back(absl::StrCat(file, ":", line_key.first, ":", column,
                                     ": unknown key \"", line_key.second,
                                     "\" outside [template] is ignored"));
  }
}

}  // namespace

absl::StatusOr<TemplateResource> ParseResource(absl::string_view toml_text,
                                               const std::string& config_path,
                                               const std::string& name,
                                               const ResourceLoadOptions& options,
                                               std::vector<std::string>* warnings) {
  absl::StatusOr<toml::value> root = ParseTomlText(toml_text, config_path);
  if (!root.ok()) return root.status();
  if (!root->is_table() || !root->contains("template")) {
    return absl::InvalidArgumentError(
        absl::StrCat(config_path, ":1:1: missing [template] table"));
  }
  const toml::value& table = root->at("template");
  if (!table.is_table()) {
    return TomlErrorAt(
        config_path, table,
        absl::StrCat("[template] must be a table, got ", TomlTypeName(table)));
  }
  TomlTable t(config_path, table, "[template]", kTemplateKeys);
  if (absl::Status s = t.Index(); !s.ok()) return s;
  TemplateResource r;
  r.name = name;
  r.config_path = config_path;
  for (auto read : {ReadPaths, ReadForEach, ReadKeys, ReadOwnership, ReadCommands, ReadBehaviour}) {
    if (absl::Status s = read(t, options, &r); !s.ok()) return s;
  }
  if (!r.for_each.empty() && (r.reload_cmd.find(".dest") != std::string::npos ||
                              r.reload_cmd.find(".src") != std::string::npos)) {
    // One reload runs for the whole batch of files: which one would it name?
    return t.Error(*t.Find("reload_cmd"), "reload_cmd",
                   "{{.src}} and {{.dest}} have no single value with for_each");
  }
  WarnUnknownTopLevel(config_path, *root, warnings);
  t.WarnUnknown(warnings);
  return r;
}

absl::StatusOr<TemplateResource> LoadResourceFile(const std::string& config_path,
                                                  const std::string& name,
                                                  const ResourceLoadOptions& options,
                                                  std::vector<std::string>* warnings) {
  // Its commands run as confwatch's user (often root): refuse a file another
  // user could have written, before reading a byte of it.
  if (absl::Status s = CheckTrustedPath(config_path); !s.ok()) return s;
  absl::StatusOr<std::string> text = ReadFile(config_path);
  if (!text.ok()) return text.status();
  return ParseResource(*text, config_path, name, options, warnings);
}

namespace {

// Two resources writing one file (a copied TOML whose dest was not changed)
// replace each other's version on every change, and both reload: confd does
// the same silently. Both still run, since identical output is harmless.
void WarnSharedDests(const std::vector<TemplateResource>& resources,
                     std::vector<std::string>* warnings) {
  std::map<std::string, const TemplateResource*> first_by_dest;
  for (const TemplateResource& r : resources) {
    auto [it, added] = first_by_dest.emplace(GoPathClean(r.dest), &r);
    if (added) continue;
    warnings->push_back(absl::StrCat(r.config_path, ": dest ", r.dest, " is also the dest of ",
                                     it->second->config_path,
                                     "; unless both render the same bytes, each install "
                                     "replaces the other's file"));
  }
}

}  // namespace

absl::StatusOr<LoadResult> LoadResources(const ResourceLoadOptions& options) {
  namespace fs = std::filesystem;
  const fs::path confd = fs::path(options.confdir) / "conf.d";
  // Whoever may write conf.d may add resources: nothing from it is loaded.
  if (absl::Status s = CheckTrustedPath(confd.string()); !s.ok()) return s;
  std::error_code ec;
  fs::recursive_directory_iterator it(confd, ec);
  if (ec) return IoError(confd.string(), ec.value());
  LoadResult result;
  std::vector<std::string> names;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code type_ec;  // a dangling symlink is a file that fails to read
    bool is_directory = it->is_directory(type_ec);
    if (IsHiddenName(path.filename().string())) {
      if (is_directory) it.disable_recursion_pending();
      continue;
    }
    if (!is_directory && path.extension() == ".toml") {
      names.push_back(path.lexically_relative(confd).string());
    }
  }
  if (ec) {
    result.errors.push_back(ResourceLoadError{"", IoError(confd.string(), ec.value())});
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    absl::StatusOr<TemplateResource> r =
        LoadResourceFile((confd / name).string(), name, options, &result.warnings);
    if (r.ok()) {
      result.resources.push_back(*std::move(r));
    } else {
      result.errors.push_back(ResourceLoadError{name, r.status()});
    }
  }
  WarnSharedDests(result.resources, &result.warnings);
  return result;
}

std::string LoadErrorText(const ResourceLoadError& error) {
  return absl::StrCat(error.name.empty() ? "conf.d" : absl::StrCat("conf.d/", error.name),
                      " failed to load: ", error.status.message());
}

absl::StatusOr<LoadResult> LoadResources(const std::string& confdir,
                                         const std::string& global_prefix) {
  ResourceLoadOptions options;
  options.confdir = confdir;
  options.global_prefix = global_prefix;
  return LoadResources(options);
}

}  // namespace confwatch
