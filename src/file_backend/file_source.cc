// LoadFileSource (file_source.h): which files, read how. Flattening is in
// file_flatten.cc.
#include "file_backend/file_source.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "base/file_io.h"
#include "process/file_path.h"
#include "golang/path_match.h"

namespace confwatch {
namespace {

// confd's util.RecursiveFilesLookup: filepath.Walk (lexical order, symlinks
// not followed into) keeping files whose base name matches `filter`, except
// that hidden names are skipped, as under conf.d (IsHiddenName says why).
absl::Status WalkDir(const std::string& dir, std::string_view filter,
                     std::vector<std::string>* files) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return IoError(dir, errno);
  std::vector<std::string> names;
  while (const dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (!IsHiddenName(name)) names.push_back(std::move(name));
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return IoError(path, errno);
    if (S_ISDIR(st.st_mode)) {
      if (absl::Status s = WalkDir(path, filter, files); !s.ok()) return s;
      continue;
    }
    absl::StatusOr<bool> match = GoPathMatch(filter, name);
    if (!match.ok()) return match.status();
    // confd stats through a symlink here: a link to a directory is skipped.
    if (*match && stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) files->push_back(path);
  }
  return absl::OkStatus();
}

absl::Status ListFiles(const std::string& root, std::string_view filter,
                       std::vector<std::string>* files) {
  struct stat st;
  if (stat(root.c_str(), &st) != 0) return IoError(root, errno);
  if (!S_ISDIR(st.st_mode)) {
    files->push_back(root);  // a file named explicitly is read whatever its name
    return absl::OkStatus();
  }
  return WalkDir(root, filter, files);
}

}  // namespace

absl::StatusOr<std::vector<KVPair>> LoadFileSource(const std::vector<std::string>& paths,
                                                   std::string_view filter) {
  if (absl::Status s = ValidateGoPattern(filter); !s.ok()) return s;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (absl::Status s = ListFiles(path, filter, &files); !s.ok()) return s;
  }
  std::map<std::string, std::string> vars;  // later files win
  for (const std::string& file : files) {
    absl::StatusOr<std::string> text = ReadFile(file);
    if (!text.ok()) return text.status();
    absl::StatusOr<std::vector<KVPair>> kvs = absl::EndsWith(file, ".toml")
                                                  ? FlattenToml(*text, file)
                                                  : FlattenYaml(*text, file);
    if (!kvs.ok()) return kvs.status();
    for (KVPair& kv : *kvs) vars[std::move(kv.key)] = std::move(kv.value);
  }
  std::vector<KVPair> out;
  out.reserve(vars.size());
  for (auto& [k, v] : vars) out.push_back({k, std::move(v)});
  return out;
}

}  // namespace confwatch
