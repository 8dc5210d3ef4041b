// BoundedOutput collects a command's output for the log while keeping memory
// bounded: a chatty or runaway command (a check that dumps a whole config, a
// reload that loops printing) must not grow confwatch without limit. When the
// output exceeds the limit, the first and the last halves are kept (the first
// lines usually say what failed, the last ones how it ended) with a marker
// saying how many bytes were dropped in between.
//
// Thread-safety: not thread-safe; one command's reader owns it.
#ifndef CONFWATCH_PROCESS_BOUNDED_OUTPUT_H_
#define CONFWATCH_PROCESS_BOUNDED_OUTPUT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace confwatch {

class BoundedOutput {
 public:
  // REQUIRES: limit >= 2 (one byte of head and one of tail at least).
  explicit BoundedOutput(size_t limit);

  void Append(absl::string_view data);

  // Everything appended if it fit in the limit; otherwise the first limit/2
  // bytes, "\n[... N bytes omitted ...]\n", and the last limit - limit/2 bytes.
  std::string Text() const;

  // Bytes appended in total, kept or not.
  size_t total_bytes() const { return total_; }

 private:
  size_t head_limit_;
  size_t tail_limit_;
  std::string head_;
  // Holds up to 2 * tail_limit_ bytes so trimming from the front is amortised.
  std::string tail_;
  size_t total_ = 0;
};

}  // namespace confwatch

#endif  // CONFWATCH_PROCESS_BOUNDED_OUTPUT_H_
