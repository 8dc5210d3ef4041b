// Backoff: exponential delays with jitter between reconnect attempts, so that
// many clients that lost the same etcd member do not come back in lockstep.
//
//   Backoff b(absl::Milliseconds(100), absl::Seconds(5));
//   absl::SleepFor(b.Next());  // ~100ms, ~200ms, ~400ms, ... capped at ~5s
//   b.Reset();                 // after a success
//
// Thread-safety: not thread-safe; each retry loop owns one.
#ifndef CONFWATCH_ETCD_BACKOFF_H_
#define CONFWATCH_ETCD_BACKOFF_H_

#include <functional>

#include "absl/time/time.h"

namespace confwatch {

class Backoff {
 public:
  // `uniform` returns values in [0, 1) and is the only source of jitter;
  // tests pass a fixed one. Each delay is base * (1 + jitter * (2u - 1)),
  // where base starts at `initial`, doubles per Next() and stops at `max`.
  // REQUIRES: 0 < initial <= max, 0 <= jitter < 1.
  Backoff(absl::Duration initial, absl::Duration max, double jitter = 0.2,
          std::function<double()> uniform = nullptr);

  absl::Duration Next();
  void Reset() { base_ = initial_; }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  double jitter_;
  std::function<double()> uniform_;
  absl::Duration base_;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_BACKOFF_H_
