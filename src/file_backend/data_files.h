// DataFiles says which filesystem events change what the file backend reads
// (-backend file -file <path>...), and which directories to watch for them.
//
// A data directory is watched whole: any event below it is a change. A
// single file is watched through its directory (editors replace files by
// rename), but an event naming the file is not the only way it changes: in
// a Kubernetes ConfigMap or Secret volume `data.yaml -> ..data/data.yaml`
// and `..data -> ..2026_12_03_10_00_00.1`, and an update swaps `..data` by
// rename, so the events name `..data_tmp`, `..data` and the old directory,
// never data.yaml. DataFiles therefore keeps what each single file resolved
// to when it was last read (device, inode, size, mtime, ctime, through every
// symlink) and calls any event in a watched directory a change when one of
// them differs now. A file that is a symlink into another directory has that
// directory watched too, so the target replaced there is seen as well.
//
// Left out: a symlink re-pointed into a third directory is followed (the
// link's own directory sees that), but later edits in that third directory
// are seen only once something else triggers a read; watches are set once.
//
// Thread-safety: not thread-safe; FileKeySource calls it under its mutex.
#ifndef CONFWATCH_FILE_BACKEND_DATA_FILES_H_
#define CONFWATCH_FILE_BACKEND_DATA_FILES_H_

#include <sys/types.h>
#include <time.h>

#include <map>
#include <string>
#include <vector>

#include "watch/dir_watcher.h"

namespace confwatch {

// What a path resolves to, as far as a reader can tell.
struct FileStamp {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{};
  timespec ctime{};
};
bool operator==(const FileStamp& a, const FileStamp& b);
inline bool operator!=(const FileStamp& a, const FileStamp& b) { return !(a == b); }

// stat() through symlinks; exists = false when that fails.
FileStamp StampOf(const std::string& path);

class DataFiles {
 public:
  explicit DataFiles(std::vector<std::string> paths);

  // The directories to watch, each once: a data directory recursively; the
  // directory of a single file, and of what it resolves to, not.
  std::vector<WatchRoot> Roots() const;

  // Records what every single file resolves to now. Call it before reading
  // the files, so that a change while they are read is a change again.
  void Mark();

  // True when an event at `path` may have changed what the files hold: it
  // names a data file or lies below a data directory, or a single file no
  // longer resolves to what Mark() recorded.
  bool Changed(const std::string& path) const;

 private:
  std::vector<std::string> paths_;
  std::map<std::string, FileStamp> marked_;  // single files only
};

}  // namespace confwatch

#endif  // CONFWATCH_FILE_BACKEND_DATA_FILES_H_
