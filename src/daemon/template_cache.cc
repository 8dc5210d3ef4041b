// See template_cache.h.
#include "daemon/template_cache.h"

#include <sys/stat.h>

#include <cerrno>

#include "base/file_io.h"
#include "base/path_trust.h"
#include "process/file_path.h"

namespace confwatch {

absl::StatusOr<std::shared_ptr<const Template>> TemplateCache::Get(const std::string& path,
                                                                   const ParseOptions& options) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return IoError(path, errno);
  const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  Key key{path, options.left_delim, options.right_delim};
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    // Unchanged, and still not writable by others (a chmod leaves mtime
    // alone): the directories above were checked when it was parsed.
    if (it != entries_.end() && it->second.inode == st.st_ino && it->second.size == st.st_size &&
        it->second.mtime_ns == mtime_ns && it->second.uid == st.st_uid &&
        it->second.mode == st.st_mode) {
      return it->second.tmpl;
    }
  }
  // What it renders is installed as confwatch's user (often root): refuse a
  // template another user could have written.
  if (absl::Status s = CheckTrustedPath(path); !s.ok()) return s;
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::shared_ptr<const Template>> parsed =
      Template::Parse(BaseName(path), *text, funcs_, options);
  if (!parsed.ok()) return parsed.status();
  absl::MutexLock lock(&mu_);
  entries_[key] = Entry{st.st_ino, st.st_size, mtime_ns, st.st_uid, st.st_mode, *parsed};
  return *parsed;
}

void TemplateCache::Clear() {
  absl::MutexLock lock(&mu_);
  entries_.clear();
}

}  // namespace confwatch
