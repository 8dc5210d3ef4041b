// ErrnoText turns an errno value into the C library's text for it ("No such
// file or directory", "Permission denied"): the same text IoError
// (base/file_io.h) puts after the path, so every message built around a
// failed system call reads the same way, "<what>: <strerror text>"
// ("kill 1234: No such process").
//
// Thread-safety: thread-safe (the text comes from absl, which uses
// strerror_r; never calls strerror()).
#ifndef CONFWATCH_PROCESS_ERRNO_TEXT_H_
#define CONFWATCH_PROCESS_ERRNO_TEXT_H_

#include <string>

namespace confwatch {

// strerror(err)'s text, capitalised as the C library prints it, e.g.
// ENOENT -> "No such file or directory", ESRCH -> "No such process".
std::string ErrnoText(int err);

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_ERRNO_TEXT_H_
