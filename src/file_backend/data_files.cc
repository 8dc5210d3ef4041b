// See data_files.h.
#include "file_backend/data_files.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

#include "absl/strings/match.h"
#include "process/file_path.h"

namespace confwatch {
namespace {

std::string WithoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The file's path with every symlink resolved; empty when that fails.
std::string Resolved(const std::string& path) {
  std::unique_ptr<char, decltype(&free)> real(realpath(path.c_str(), nullptr), &free);
  return real ? std::string(real.get()) : std::string();
}

bool Same(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

bool operator==(const FileStamp& a, const FileStamp& b) {
  if (a.exists != b.exists) return false;
  if (!a.exists) return true;
  return a.dev == b.dev && a.ino == b.ino && a.size == b.size && Same(a.mtime, b.mtime) &&
         Same(a.ctime, b.ctime);
}

FileStamp StampOf(const std::string& path) {
  FileStamp s;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime = st.st_mtim;
  s.ctime = st.st_ctim;
  return s;
}

DataFiles::DataFiles(std::vector<std::string> paths) {
  for (std::string& p : paths) paths_.push_back(WithoutTrailingSlashes(std::move(p)));
}

std::vector<WatchRoot> DataFiles::Roots() const {
  std::vector<WatchRoot> roots;
  auto add = [&roots](const std::string& dir, bool recursive) {
    for (WatchRoot& r : roots) {
      if (r.dir == dir) {
        r.recursive = r.recursive || recursive;
        return;
      }
    }
    roots.push_back({dir, recursive});
  };
  for (const std::string& p : paths_) {
    if (IsDirectory(p)) {
      add(p, true);
      continue;
    }
    add(DirName(p), false);
    const std::string target = Resolved(p);
    if (!target.empty() && DirName(target) != Resolved(DirName(p))) add(DirName(target), false);
  }
  return roots;
}

void DataFiles::Mark() {
  marked_.clear();
  for (const std::string& p : paths_) {
    if (!IsDirectory(p)) marked_[p] = StampOf(p);
  }
}

bool DataFiles::Changed(const std::string& path) const {
  for (const std::string& p : paths_) {
    if (path == p || absl::StartsWith(path, p == "/" ? p : p + "/")) return true;
  }
  return std::any_of(marked_.begin(), marked_.end(),
                     [](const auto& m) { return StampOf(m.first) != m.second; });
}

}  // namespace confwatch
