// Lets spdlog/fmt print absl::string_view (Debian's abseil does not alias it
// to std::string_view), so Status messages can be logged without copies.
#ifndef CONFWATCH_DAEMON_LOG_ABSL_H_
#define CONFWATCH_DAEMON_LOG_ABSL_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "fmt/format.h"

template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(absl::string_view s, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.data(), s.size()), ctx);
  }
};

#endif  // CONFWATCH_DAEMON_LOG_ABSL_H_
