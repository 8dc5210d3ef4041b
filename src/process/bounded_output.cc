#include "process/bounded_output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace confwatch {

BoundedOutput::BoundedOutput(size_t limit)
    : head_limit_(limit / 2), tail_limit_(limit - limit / 2) {}

void BoundedOutput::Append(absl::string_view data) {
  total_ += data.size();
  size_t to_head = std::min(data.size(), head_limit_ - head_.size());
  head_.append(data.data(), to_head);
  data.remove_prefix(to_head);
  if (data.empty()) return;
  tail_.append(data.data(), data.size());
  if (tail_.size() > 2 * tail_limit_) tail_.erase(0, tail_.size() - tail_limit_);
}

std::string BoundedOutput::Text() const {
  size_t kept_tail = std::min(tail_.size(), tail_limit_);
  absl::string_view tail(tail_);
  tail.remove_prefix(tail_.size() - kept_tail);
  size_t omitted = total_ - head_.size() - kept_tail;
  if (omitted == 0) return absl::StrCat(head_, tail);
  return absl::StrCat(head_, "\n[... ", omitted, " bytes omitted ...]\n", tail);
}

}  // namespace confwatch
