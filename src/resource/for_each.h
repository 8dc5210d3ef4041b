// for_each turns one [template] into a family of files, one per etcd
// directory that matches a glob (see docs/templates.md, "One file per directory"):
//
//   for_each = "/services/*"                 lsdir "/services", names matching "*"
//   dest     = "/etc/nginx/conf.d/{{.name}}.conf"   one file per matched name
//
// This header holds the rules, apart from any I/O: how for_each is parsed,
// which child names may become file names, what a child's dest is, and where
// the family keeps the manifest of the files it created.
//
// A child name comes from etcd, so whoever may write keys chooses it: a name
// that would put a file anywhere but directly in the dest directory, or hide
// it among confwatch's own stage and manifest files, is refused for that
// child alone.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_RESOURCE_FOR_EACH_H_
#define CONFWATCH_RESOURCE_FOR_EACH_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "resource/template_resource.h"

namespace confwatch {

// Longest file name a child may get (Linux NAME_MAX).
inline constexpr size_t kMaxChildFileName = 255;

struct ForEachPattern {
  // "/services": listed as lsdir lists it (view names); "/" for "/*", which
  // lists the top-level directories (confd's lsdir "/" is always empty).
  std::string dir;
  std::string glob;  // "*": Go path.Match pattern over each listed name
};

// Parses for_each: an absolute path whose last element is a glob and whose
// other elements are literal. Errors (InvalidArgument) say what is wrong:
// "must start with '/'", "ends with '/'...", "may only have a glob in its
// last element", "syntax error in pattern".
absl::StatusOr<ForEachPattern> ParseForEach(absl::string_view text);

// OK when a resource with for_each has a usable dest: "{{.name}}" (or
// "{{ .name }}") in its file name, no template in its directory, a file
// name not starting with '.'.
absl::Status ValidateForEachDest(const std::string& dest);

// The dest of child `name`: each "{{.name}}" / "{{ .name }}" in `dest`
// replaced textually (no other template syntax is interpreted).
std::string ChildDest(const std::string& dest, absl::string_view name);

// OK when child `name` may get a file in the dest directory of `dest`.
// InvalidArgument otherwise, saying why: "empty name", "\"..\" would leave
// the dest directory", "contains '/', which would leave the dest directory",
// "contains control character 0x0a", "starts with '.' (hidden names are
// confwatch's stage and manifest files)", "file name \"...\" is 300 bytes,
// longer than 255".
absl::Status ValidateChildName(const std::string& dest, absl::string_view name);

// The family's directory: where every child file and the manifest live.
std::string FamilyDir(const TemplateResource& resource);

// "<FamilyDir>/.confwatch-<resource name, [A-Za-z0-9._-] kept, others '_'>.manifest"
std::string ManifestPath(const TemplateResource& resource);

// `name` quoted for messages: '"' and '\\' backslashed, bytes outside
// printable ASCII as \xNN ("a\x01b", "caf\xc3\xa9").
std::string QuoteChildName(absl::string_view name);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_FOR_EACH_H_
