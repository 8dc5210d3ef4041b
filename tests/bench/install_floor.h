// The install floor shared by install_floor_bench and daemon_bench: the
// bytes daemon_bench's resource renders, and the system calls of one atomic
// install of them the way confwatch's installer makes it (stage file in the
// dest directory, write, fsync, rename, fsync the directory), with nothing
// of confwatch in the way. Header-only; no state, callable from any thread.
#ifndef CONFWATCH_TESTS_BENCH_INSTALL_FLOOR_H_
#define CONFWATCH_TESTS_BENCH_INSTALL_FLOOR_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace confwatch {
namespace bench {

// daemon_bench's value of key i.
inline std::string FloorValue(int i) {
  return absl::StrCat("10.", i / 65536 % 256, ".", i / 256 % 256, ".", i % 256, ":80");
}

// daemon_bench's rendered file for `keys` keys (`upstream app {`,
// `  server <value>;` per key, `}`), the value of key `change_index`
// replaced by `changed` (none when -1).
inline std::string FloorRendered(int keys, int change_index, const std::string& changed) {
  std::string out = "upstream app {\n";
  for (int i = 0; i < keys; ++i) {
    absl::StrAppend(&out, "  server ", i == change_index ? changed : FloorValue(i), ";\n");
  }
  out += "}\n";
  return out;
}

[[noreturn]] inline void FloorDie(const std::string& what) {
  std::perror(("install floor: " + what).c_str());
  std::exit(1);
}

// Installs `data` at <dir>/up.conf: open ".up.conf.<n>" O_CREAT|O_EXCL
// 0600 -> write -> fchmod 0644 -> fsync -> close -> rename over up.conf ->
// open + fsync dir. Exits on any failure (a bench has nothing to recover).
// Returns when the rename was done: the moment a reader (daemon_bench's
// inotify watch) sees the new file; the directory's fsync comes after it.
inline absl::Time FloorInstall(const std::string& dir, const std::string& data, int n) {
  const std::string stage = absl::StrCat(dir, "/.up.conf.", n);
  int fd = open(stage.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) FloorDie("open " + stage);
  for (size_t done = 0; done < data.size();) {
    ssize_t w = write(fd, data.data() + done, data.size() - done);
    if (w < 0) FloorDie("write");
    done += static_cast<size_t>(w);
  }
  if (fchmod(fd, 0644) != 0) FloorDie("fchmod");
  if (fsync(fd) != 0) FloorDie("fsync");
  if (close(fd) != 0) FloorDie("close");
  if (rename(stage.c_str(), (dir + "/up.conf").c_str()) != 0) FloorDie("rename");
  const absl::Time renamed = absl::Now();
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || fsync(dfd) != 0) FloorDie("fsync " + dir);
  close(dfd);
  return renamed;
}

}  // namespace bench
}  // namespace confwatch

#endif  // CONFWATCH_TESTS_BENCH_INSTALL_FLOOR_H_
