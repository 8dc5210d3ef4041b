#include "process/errno_text.h"

#include <cctype>
#include <cerrno>
#include <system_error>

namespace confwatch {

std::string ErrnoText(int err) {
  if (err == ENOENT) return "no such file";
  // std::generic_category() is thread-safe where strerror() is not.
  std::string text = std::error_code(err, std::generic_category()).message();
  if (!text.empty()) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

}  // namespace confwatch
