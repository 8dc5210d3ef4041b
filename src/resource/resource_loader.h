// Reads confd template resources: <confdir>/conf.d/**/*.toml, each with one
// `[template]` table, into TemplateResource values. A file that does not parse
// or does not make sense fails alone, with "<file>:<line>:<col>: <what>";
// every other resource still loads. Unknown keys are warnings with their
// position (confd silently ignores them, which hides typos like reload_comd).
//
// Differences from confd, on purpose:
//  - `mode` is always octal: "644", "0644", 644 and 0o644 all mean rw-r--r--.
//    confd parses the string with strconv.ParseUint(mode, 0, 32), so "644"
//    (no leading 0) is decimal 644 = 01204 there.
//  - The global prefix and the resource prefix concatenate (Go path.Join);
//    confd lets a global prefix replace the resource's prefix.
//  - Field names match case-insensitively as in confd (BurntSushi/toml), but
//    two spellings of one field in the same table are an error.
//  - Hidden files and directories under conf.d are skipped: Kubernetes
//    ConfigMap mounts keep a second copy of every file under "..data/".
//  - Two resources with one dest (compared after path.Clean) are a warning
//    naming both: unless they render the same bytes, each install replaces
//    the other's file. confd says nothing; both still load here too.
//
// Thread-safety: functions only; safe from any thread. The default owner /
// group lookups use getpwnam_r / getgrnam_r.
#ifndef CONFWATCH_RESOURCE_RESOURCE_LOADER_H_
#define CONFWATCH_RESOURCE_RESOURCE_LOADER_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resource/template_resource.h"

namespace confwatch {

struct ResourceLoadOptions {
  std::string confdir;        // templates are found in <confdir>/templates
  std::string global_prefix;  // -prefix / confd.toml `prefix`
  // Resolve owner / group names; nullopt when the name is unknown. Empty
  // functions mean the system databases (getpwnam_r / getgrnam_r).
  std::function<std::optional<uid_t>(const std::string&)> lookup_user;
  std::function<std::optional<gid_t>(const std::string&)> lookup_group;
};

// Parses one resource from `toml_text`. `config_path` is used in messages and
// `name` names the resource. Unknown keys are appended to *warnings (may be
// null). Errors are InvalidArgument "<config_path>:<line>:<col>: <message>".
absl::StatusOr<TemplateResource> ParseResource(absl::string_view toml_text,
                                               const std::string& config_path,
                                               const std::string& name,
                                               const ResourceLoadOptions& options,
                                               std::vector<std::string>* warnings);

// Reads `config_path` and parses it as above. A read failure is
// "IO error: <config_path>: <strerror>".
absl::StatusOr<TemplateResource> LoadResourceFile(const std::string& config_path,
                                                  const std::string& name,
                                                  const ResourceLoadOptions& options,
                                                  std::vector<std::string>* warnings);

// A resource that failed to load: its name (the TOML path relative to
// conf.d, as TemplateResource::name; empty for an error listing conf.d
// itself) and why, e.g. "<config_path>:3:7: expected a value".
struct ResourceLoadError {
  std::string name;
  absl::Status status;
};

// "conf.d/<name> failed to load: <status message>" ("conf.d failed to load:
// ..." when the name is empty): how readiness and exec mode name it.
std::string LoadErrorText(const ResourceLoadError& error);

struct LoadResult {
  std::vector<TemplateResource> resources;  // the good ones, sorted by name
  std::vector<ResourceLoadError> errors;    // one per bad file
  std::vector<std::string> warnings;        // "<file>:<line>:<col>: ..."
};

// Loads every non-hidden *.toml under <options.confdir>/conf.d, recursively,
// in name order. Fails as a whole only when conf.d itself cannot be listed.
absl::StatusOr<LoadResult> LoadResources(const ResourceLoadOptions& options);
absl::StatusOr<LoadResult> LoadResources(const std::string& confdir,
                                         const std::string& global_prefix);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_RESOURCE_LOADER_H_
