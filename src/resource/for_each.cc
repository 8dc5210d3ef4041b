// See for_each.h.
#include "resource/for_each.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "process/file_path.h"
#include "golang/path_match.h"

namespace confwatch {
namespace {

constexpr absl::string_view kNameMarks[] = {"{{.name}}", "{{ .name }}"};

bool HasGlobChar(absl::string_view s) { return s.find_first_of("*?[\\") != absl::string_view::npos; }

bool HasNameMark(absl::string_view s) {
  for (absl::string_view mark : kNameMarks) {
    if (absl::StrContains(s, mark)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<ForEachPattern> ParseForEach(absl::string_view text) {
  auto error = [text](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" ", why));
  };
  if (!absl::StartsWith(text, "/")) return error("must start with '/'");
  const size_t slash = text.rfind('/');
  ForEachPattern p{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  if (p.dir.empty()) p.dir = "/";  // "/*": the directories at the top of the view
  if (p.glob.empty()) return error("ends with '/'; it must end with a glob such as \"*\"");
  if (HasGlobChar(p.dir)) return error("may only have a glob in its last element");
  if (absl::Status s = ValidateGoPattern(std::string_view(p.glob)); !s.ok()) return error(s.message());
  return p;
}

absl::Status ValidateForEachDest(const std::string& dest) {
  const std::string dir = DirName(dest);
  const std::string base = BaseName(dest);
  if (absl::StrContains(dir, "{{")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", dest, "\": with for_each only the file name may hold {{.name}}"));
  }
  if (!HasNameMark(base)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", dest, "\": with for_each the file name must hold {{.name}}"));
  }
  if (absl::StartsWith(base, ".")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", dest, "\": a file name starting with '.' could clash with confwatch's "
        "stage and manifest files"));
  }
  return absl::OkStatus();
}

std::string ChildDest(const std::string& dest, absl::string_view name) {
  return absl::StrReplaceAll(dest, {{kNameMarks[0], name}, {kNameMarks[1], name}});
}

absl::Status ValidateChildName(const std::string& dest, absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("empty name");
  if (name == "." || name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", name, "\" would leave the dest directory"));
  }
  if (absl::StrContains(name, '/')) {
    return absl::InvalidArgumentError("contains '/', which would leave the dest directory");
  }
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return absl::InvalidArgumentError(absl::StrFormat("contains control character 0x%02x", u));
    }
  }
  if (name.front() == '.') {
    return absl::InvalidArgumentError(
        "starts with '.' (hidden names are confwatch's stage and manifest files)");
  }
  const std::string file = BaseName(ChildDest(dest, name));
  if (file.size() > kMaxChildFileName) {
    return absl::InvalidArgumentError(absl::StrCat("file name is ", file.size(),
                                                   " bytes, longer than ", kMaxChildFileName));
  }
  return absl::OkStatus();
}

std::string FamilyDir(const TemplateResource& resource) { return DirName(resource.dest); }

std::string ManifestPath(const TemplateResource& resource) {
  std::string name = resource.name;
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      c = '_';
    }
  }
  return absl::StrCat(FamilyDir(resource), "/.confwatch-", name, ".manifest");
}

std::string QuoteChildName(absl::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", absl::string_view(&c, 1));
    } else if (u < 0x20 || u >= 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

}  // namespace confwatch
