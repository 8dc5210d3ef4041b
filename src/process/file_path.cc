// See file_path.h.
#include "process/file_path.h"

namespace confwatch {

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool IsHiddenName(const std::string& name) { return !name.empty() && name[0] == '.'; }

}  // namespace confwatch
