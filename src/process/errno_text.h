// ErrnoText turns an errno value into the lower-case phrase our error messages
// use after "<what>: " ("no such file", "permission denied"), so every message
// built around a failed system call reads the same way.
//
// Thread-safety: thread-safe (no shared state; never calls strerror()).
#ifndef CONFWATCH_PROCESS_ERRNO_TEXT_H_
#define CONFWATCH_PROCESS_ERRNO_TEXT_H_

#include <string>

namespace confwatch {

// "no such file" for ENOENT (the C library's "No such file or directory"
// reads badly after a path), otherwise the system text with a lower-case
// first letter, e.g. ESRCH -> "no such process".
std::string ErrnoText(int err);

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_ERRNO_TEXT_H_
