// See errno_text.h.
#include "process/errno_text.h"

#include "absl/status/status.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"

namespace confwatch {

std::string ErrnoText(int err) {
  // absl words an errno "<message>: <text>" with a thread-safe strerror_r,
  // and IoError's messages are made the same way: take the text from there
  // so the two can never differ.
  const absl::Status status = absl::ErrnoToStatus(err, "");
  absl::string_view text = status.message();
  absl::ConsumePrefix(&text, ": ");
  return std::string(text);
}

}  // namespace confwatch
