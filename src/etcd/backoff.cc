#include "etcd/backoff.h"

#include <algorithm>
#include <memory>

#include "absl/random/random.h"

namespace confwatch {

Backoff::Backoff(absl::Duration initial, absl::Duration max, double jitter,
                 std::function<double()> uniform)
    : initial_(initial), max_(max), jitter_(jitter), uniform_(std::move(uniform)), base_(initial) {
  if (!uniform_) {
    auto gen = std::make_shared<absl::BitGen>();
    uniform_ = [gen] { return absl::Uniform<double>(*gen, 0.0, 1.0); };
  }
}

absl::Duration Backoff::Next() {
  absl::Duration d = base_ * (1.0 + jitter_ * (2.0 * uniform_() - 1.0));
  base_ = std::min(base_ * 2, max_);
  return d;
}

}  // namespace confwatch
