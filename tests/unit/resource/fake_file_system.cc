#include "fake_file_system.h"

#include <sys/stat.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "process/file_path.h"
#include "resource/installer.h"

namespace confwatch {

int FakeFileSystem::Take(int* field) {
  int err = *field;
  *field = 0;
  return err;
}

int FakeFileSystem::TakeFor(std::map<std::string, int>* fields, const std::string& path) {
  auto it = fields->find(path);
  if (it == fields->end()) return 0;
  const int err = it->second;
  fields->erase(it);
  return err;
}

std::string FakeFileSystem::PathOf(int fd) const {
  auto it = open_.find(fd);
  return it == open_.end() ? "" : it->second;
}

FakeFileSystem::File FakeFileSystem::NewFile(std::string contents, mode_t mode, uid_t uid,
                                             gid_t gid) {
  File f{std::move(contents), mode, uid, gid};
  f.ino = next_ino_++;
  Modified(&f);
  return f;
}

void FakeFileSystem::Describe(const File& f, FileInfo* info) {
  *info = FileInfo{};
  info->mode = f.mode;
  info->uid = f.uid;
  info->gid = f.gid;
  info->size = static_cast<off_t>(f.contents.size());
  info->is_regular = true;
  info->type = S_IFREG;
  info->dev = 1;
  info->ino = f.ino;
  info->mtime_ns = f.mtime_ns;
  info->ctime_ns = f.ctime_ns;
}

void FakeFileSystem::AddDir(const std::string& dir) {
  for (std::string d = dir; d != "/" && d != "."; d = DirName(d)) dirs_.insert(d);
}

void FakeFileSystem::AddFile(const std::string& path, const std::string& contents,
                             mode_t mode, uid_t uid, gid_t gid) {
  AddDir(DirName(path));
  files_[path] = NewFile(contents, mode, uid, gid);
}

void FakeFileSystem::EditInPlace(const std::string& path, const std::string& contents) {
  File& f = files_.at(path);
  f.contents = contents;
  Modified(&f);
}

void FakeFileSystem::AddSymlink(const std::string& path, const std::string& target,
                                uid_t uid) {
  AddDir(DirName(path));
  symlinks_[path] = {target, uid};
}

void FakeFileSystem::AddSpecial(const std::string& path, mode_t type, uid_t uid) {
  AddDir(DirName(path));
  specials_[path] = {type, uid};
}

const FakeFileSystem::File* FakeFileSystem::GetFile(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

std::vector<std::string> FakeFileSystem::FilePaths() const {
  std::vector<std::string> paths;
  for (const auto& [path, file] : files_) paths.push_back(path);
  return paths;
}

int FakeFileSystem::Lstat(const std::string& path, FileInfo* info) {
  calls.push_back("lstat " + path);
  if (int err = Take(&fail_next_lstat)) return err;
  if (int err = TakeFor(&fail_next_lstat_of, path)) return err;
  if (auto it = symlinks_.find(path); it != symlinks_.end()) {
    *info = FileInfo{};
    info->mode = 0777;
    info->uid = it->second.second;
    info->gid = it->second.second;
    info->size = static_cast<off_t>(it->second.first.size());
    info->is_symlink = true;
    info->type = S_IFLNK;
    return 0;
  }
  if (dirs_.count(path)) {
    *info = FileInfo{};
    info->mode = 0755;
    info->is_directory = true;
    info->type = S_IFDIR;
    return 0;
  }
  if (auto it = specials_.find(path); it != specials_.end()) {
    *info = FileInfo{};
    info->mode = 0666;
    info->uid = it->second.second;
    info->gid = it->second.second;
    info->type = it->second.first;
    return 0;
  }
  const File* f = GetFile(path);
  if (f == nullptr) return ENOENT;
  Describe(*f, info);
  return 0;
}

int FakeFileSystem::Fstat(int fd, FileInfo* info) {
  const std::string path = PathOf(fd);
  calls.push_back("fstat " + path);
  const File* f = GetFile(path);
  if (f == nullptr) return EBADF;
  Describe(*f, info);
  return 0;
}

int FakeFileSystem::ReadFile(const std::string& path, std::string* contents) {
  calls.push_back("read " + path);
  if (int err = Take(&fail_next_read)) return err;
  if (int err = TakeFor(&fail_next_read_of, path)) return err;
  if (symlinks_.count(path)) return ELOOP;
  if (specials_.count(path)) return EINVAL;
  const File* f = GetFile(path);
  if (f == nullptr) return dirs_.count(path) ? EISDIR : ENOENT;
  *contents = f->contents;
  return 0;
}

int FakeFileSystem::CreateUnique(const std::string& dir, const std::string& prefix,
                                 mode_t mode, int* fd, std::string* path) {
  std::string candidate = absl::StrFormat("%s/%s%06d", dir, prefix, next_unique_++);
  calls.push_back(absl::StrFormat("create %s %04o", candidate, mode));
  if (int err = Take(&fail_next_create)) return err;
  if (!dirs_.count(dir)) return ENOENT;
  files_[candidate] = NewFile("", mode, process_uid, process_gid);
  *fd = next_fd_++;
  open_[*fd] = candidate;
  *path = candidate;
  return 0;
}

int FakeFileSystem::OpenTruncate(const std::string& path, int* fd) {
  calls.push_back("open-truncate " + path);
  if (int err = Take(&fail_next_open)) return err;
  if (symlinks_.count(path)) return ELOOP;
  auto it = files_.find(path);
  if (it == files_.end()) return ENOENT;
  it->second.contents.clear();
  Modified(&it->second);
  *fd = next_fd_++;
  open_[*fd] = path;
  return 0;
}

int FakeFileSystem::Write(int fd, absl::string_view data) {
  const std::string path = PathOf(fd);
  const File* f = GetFile(path);
  calls.push_back(
      absl::StrFormat("write %s mode=%04o %d bytes", path, f ? f->mode : 0, data.size()));
  if (f == nullptr) return EBADF;
  int to_path = 0;
  if (auto it = fail_next_write_to.find(path); it != fail_next_write_to.end()) {
    to_path = it->second;
    fail_next_write_to.erase(it);
  }
  File& file = files_[path];
  Modified(&file);
  if (int err = to_path != 0 ? to_path : Take(&fail_next_write)) {
    file.contents.append(data.data(), data.size() / 2);
    return err;
  }
  file.contents.append(data.data(), data.size());
  return 0;
}

int FakeFileSystem::Fsync(int fd) {
  calls.push_back("fsync " + PathOf(fd));
  return Take(&fail_next_fsync);
}

int FakeFileSystem::Fchmod(int fd, mode_t mode) {
  const std::string path = PathOf(fd);
  calls.push_back(absl::StrFormat("fchmod %s %04o", path, mode));
  if (int err = Take(&fail_next_fchmod)) return err;
  files_[path].mode = mode;
  Changed(&files_[path]);
  return 0;
}

int FakeFileSystem::Fchown(int fd, uid_t uid, gid_t gid) {
  const std::string path = PathOf(fd);
  calls.push_back(absl::StrFormat("fchown %s %d:%d", path, uid, gid));
  if (int err = Take(&fail_next_fchown)) return err;
  File& f = files_[path];
  if (process_uid != 0 && uid != f.uid) return EPERM;
  f.uid = uid;
  f.gid = gid;
  Changed(&f);
  return 0;
}

int FakeFileSystem::Close(int fd) {
  calls.push_back("close " + PathOf(fd));
  open_.erase(fd);
  return Take(&fail_next_close);
}

int FakeFileSystem::Rename(const std::string& from, const std::string& to) {
  calls.push_back("rename " + from + " " + to);
  if (int err = Take(&fail_next_rename)) return err;
  if (int err = TakeFor(&fail_next_rename_to, to)) return err;
  auto it = files_.find(from);
  if (it == files_.end()) return ENOENT;
  if (!dirs_.count(DirName(to))) return ENOENT;
  if (dirs_.count(to)) return EISDIR;  // a file never replaces a directory
  File moved = it->second;
  Changed(&moved);  // as Linux file systems do for the renamed inode
  files_.erase(it);
  symlinks_.erase(to);
  specials_.erase(to);
  files_[to] = moved;
  return 0;
}

int FakeFileSystem::Unlink(const std::string& path) {
  calls.push_back("unlink " + path);
  if (int err = Take(&fail_next_unlink)) return err;
  if (dirs_.count(path)) return EISDIR;
  return files_.erase(path) + symlinks_.erase(path) + specials_.erase(path) ? 0 : ENOENT;
}

int FakeFileSystem::FsyncDir(const std::string& dir) {
  calls.push_back("fsyncdir " + dir);
  if (int err = Take(&fail_next_fsync_dir)) return err;
  return dirs_.count(dir) ? 0 : ENOENT;
}

int FakeFileSystem::MkdirAll(const std::string& dir, mode_t mode) {
  calls.push_back(absl::StrFormat("mkdir -p %s %04o", dir, mode));
  if (int err = Take(&fail_next_mkdir)) return err;
  AddDir(dir);
  return 0;
}

}  // namespace confwatch
