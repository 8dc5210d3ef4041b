// ReadFile and IoError: the one way confwatch reads a whole file and words a
// failed file-system call. Every message reads "IO error: <path>: <strerror>"
// ("IO error: /etc/app/app.conf: Permission denied"), with the status code
// absl::ErrnoToStatus gives the errno (ENOENT -> NotFound, EACCES ->
// PermissionDenied, ENOSPC -> ResourceExhausted, ...), so callers branch on
// the code and users read one wording. Code that needs a fake file system
// for tests goes through resource/file_system.h instead.
//
// Thread-safety: thread-safe (no shared state; the errno text comes from
// absl, never from strerror()).
#ifndef CONFWATCH_BASE_FILE_IO_H_
#define CONFWATCH_BASE_FILE_IO_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confwatch {

// "IO error: <path>: <strerror of err>" with the code of absl::ErrnoToStatus.
// `path` may name two files ("a -> b") when a call takes two.
// REQUIRES: err != 0.
absl::Status IoError(absl::string_view path, int err);

// The whole contents of the file at `path`, symlinks followed. When `mode`
// is not null it is set to the permission bits (07777) of the file read,
// taken from the open file so they describe the bytes returned.
// Errors: IoError(path, errno) of the open, fstat or read that failed.
absl::StatusOr<std::string> ReadFile(const std::string& path, mode_t* mode = nullptr);

}  // namespace confwatch

#endif  // CONFWATCH_BASE_FILE_IO_H_
