// TemplateResource is one parsed `[template]` table from
// <confdir>/conf.d/**/*.toml: which keys a template reads, where its output
// goes, with which mode/owner, and how the output is checked and the consumer
// reloaded. It is plain data: resource_loader.h builds it, installer.h and
// reloader.h act on it.
//
// Thread-safety: a value type; const access from several threads is safe.
#ifndef CONFWATCH_RESOURCE_TEMPLATE_RESOURCE_H_
#define CONFWATCH_RESOURCE_TEMPLATE_RESOURCE_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace confwatch {

// The output must parse as this format before it may be installed.
enum class OutputFormat { kAny, kJson, kYaml, kToml };

// "json", "yaml", "toml"; "" for kAny.
absl::string_view OutputFormatName(OutputFormat format);

inline constexpr absl::Duration kDefaultCheckCmdTimeout = absl::Seconds(30);
inline constexpr absl::Duration kDefaultReloadCmdTimeout = absl::Seconds(60);
// Mode of a new file when the resource sets none (confd's default).
inline constexpr mode_t kDefaultFileMode = 0644;

struct TemplateResource {
  // Path of the TOML file relative to conf.d ("nginx.toml", "app/db.toml");
  // names the resource in logs and errors.
  std::string name;
  // Path of the TOML file as read (for file:line messages).
  std::string config_path;

  std::string src;   // <confdir>/templates/<src as written>
  std::string dest;  // as written

  // "/services/*": one file per matching etcd directory, dest holding
  // {{.name}} (see for_each.h). Empty: one file, as in confd.
  std::string for_each;

  // Global prefix joined with the resource prefix (Go path.Join, always
  // rooted; kept after a leading "<scheme>://"; as written, with no global
  // prefix, under verbatim_keys). Keys are stripped of it before the
  // template sees them.
  std::string prefix = "/";
  // Each key as written joined onto `prefix` (concatenated under
  // verbatim_keys): what the resource watches.
  std::vector<std::string> keys;

  // Permission bits (07777). Unset: keep the mode of the existing dest, 0644
  // for a new file (as confd).
  std::optional<mode_t> mode;
  // From uid/gid or owner/group. Unset: the process's effective uid/gid.
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;

  std::string check_cmd;   // {{.src}} = staged file, {{.dest}} = dest
  std::string reload_cmd;  // {{.src}} and {{.dest}} = dest (see ExpandCommand)
  absl::Duration check_cmd_timeout = kDefaultCheckCmdTimeout;
  absl::Duration reload_cmd_timeout = kDefaultReloadCmdTimeout;

  // Signal a process instead of running reload_cmd (0: none). With an empty
  // pid_file the signal goes to the supervised child (exec mode).
  int reload_signal = 0;
  std::string pid_file;

  // Quiescence (consul-template's wait): render once no change arrived for
  // wait_min, but at the latest wait_max after the first change. Zero: off.
  absl::Duration wait_min = absl::ZeroDuration();
  absl::Duration wait_max = absl::ZeroDuration();
  // Two reloads of this resource are at least this far apart.
  absl::Duration min_reload_interval = absl::ZeroDuration();

  bool create_dest_dirs = false;  // mkdir -p the dest directory
  bool backup = false;            // keep the previous dest as dest.bak
  OutputFormat output_format = OutputFormat::kAny;
  std::string left_delimiter = "{{";
  std::string right_delimiter = "}}";

  bool has_reload() const { return !reload_cmd.empty() || reload_signal != 0; }

  // Every field, one "name = value" line each, in declaration order; tests
  // compare it whole.
  std::string DebugString() const;
};

// Replaces `{{.src}}` and `{{.dest}}` (spaces inside the braces allowed, as
// `{{ .src }}`) with the given paths, textually: no other template syntax is
// interpreted, so a command line never changes meaning because of a value.
std::string ExpandCommand(absl::string_view command, absl::string_view src,
                          absl::string_view dest);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_TEMPLATE_RESOURCE_H_
