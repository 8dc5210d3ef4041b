#include "resource/template_resource.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "process/signals.h"

namespace confwatch {
namespace {

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

std::string OptionalMode(const std::optional<mode_t>& mode) {
  return mode.has_value() ? absl::StrFormat("%04o", *mode) : "unset";
}

std::string OptionalId(const std::optional<uint32_t>& id) {
  return id.has_value() ? absl::StrCat(*id) : "unset";
}

// Length of a `{{ .name }}` placeholder starting at text[pos], 0 if none.
size_t PlaceholderAt(absl::string_view text, size_t pos, absl::string_view name) {
  if (text.compare(pos, 2, "{{") != 0) return 0;
  size_t i = pos + 2;
  while (i < text.size() && text[i] == ' ') ++i;
  if (text.compare(i, 1, ".") != 0 || text.compare(i + 1, name.size(), name) != 0) {
    return 0;
  }
  i += 1 + name.size();
  while (i < text.size() && text[i] == ' ') ++i;
  if (text.compare(i, 2, "}}") != 0) return 0;
  return i + 2 - pos;
}

}  // namespace

absl::string_view OutputFormatName(OutputFormat format) {
  switch (format) {
    case OutputFormat::kAny:
      return "";
    case OutputFormat::kJson:
      return "json";
    case OutputFormat::kYaml:
      return "yaml";
    case OutputFormat::kToml:
      return "toml";
  }
  return "";
}

std::string TemplateResource::DebugString() const {
  std::vector<std::string> quoted_keys;
  for (const std::string& k : keys) quoted_keys.push_back(Quoted(k));
  std::string out;
  absl::StrAppend(&out, "name = ", Quoted(name), "\n");
  absl::StrAppend(&out, "src = ", Quoted(src), "\n");
  absl::StrAppend(&out, "dest = ", Quoted(dest), "\n");
  if (!for_each.empty()) absl::StrAppend(&out, "for_each = ", Quoted(for_each), "\n");
  absl::StrAppend(&out, "prefix = ", Quoted(prefix), "\n");
  absl::StrAppend(&out, "keys = [", absl::StrJoin(quoted_keys, ", "), "]\n");
  absl::StrAppend(&out, "mode = ", OptionalMode(mode), "\n");
  absl::StrAppend(&out, "uid = ", OptionalId(uid), "\n");
  absl::StrAppend(&out, "gid = ", OptionalId(gid), "\n");
  absl::StrAppend(&out, "check_cmd = ", Quoted(check_cmd), "\n");
  absl::StrAppend(&out, "reload_cmd = ", Quoted(reload_cmd), "\n");
  absl::StrAppend(&out, "check_cmd_timeout = ", absl::FormatDuration(check_cmd_timeout),
                  "\n");
  absl::StrAppend(&out, "reload_cmd_timeout = ", absl::FormatDuration(reload_cmd_timeout),
                  "\n");
  absl::StrAppend(&out, "reload_signal = ",
                  reload_signal == 0 ? "none" : SignalName(reload_signal), "\n");
  absl::StrAppend(&out, "pid_file = ", Quoted(pid_file), "\n");
  absl::StrAppend(&out, "wait = ", absl::FormatDuration(wait_min), ":",
                  absl::FormatDuration(wait_max), "\n");
  absl::StrAppend(
      &out, "min_reload_interval = ", absl::FormatDuration(min_reload_interval), "\n");
  absl::StrAppend(&out, "create_dest_dirs = ", create_dest_dirs ? "true" : "false", "\n");
  absl::StrAppend(&out, "backup = ", backup ? "true" : "false", "\n");
  absl::StrAppend(&out, "output_format = ", Quoted(OutputFormatName(output_format)),
                  "\n");
  absl::StrAppend(&out, "delimiters = ", Quoted(left_delimiter), " ",
                  Quoted(right_delimiter), "\n");
  return out;
}

std::string ExpandCommand(absl::string_view command, absl::string_view src,
                          absl::string_view dest) {
  std::string out;
  out.reserve(command.size());
  size_t i = 0;
  while (i < command.size()) {
    if (size_t n = PlaceholderAt(command, i, "src"); n > 0) {
      out.append(src.data(), src.size());
      i += n;
    } else if (size_t m = PlaceholderAt(command, i, "dest"); m > 0) {
      out.append(dest.data(), dest.size());
      i += m;
    } else {
      out += command[i++];
    }
  }
  return out;
}

}  // namespace confwatch
