// Percentile: the benchmarks' one way of reading p50/p90/p99 from samples
// (nearest rank, on a sorted copy). Functions only; safe from any thread.
#ifndef CONFWATCH_TESTS_BENCH_PERCENTILE_H_
#define CONFWATCH_TESTS_BENCH_PERCENTILE_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace confwatch::bench {

// The sample at rank floor(p * n) of the sorted `samples` (p in [0, 1]).
// REQUIRES: `samples` is not empty.
inline double Percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<size_t>(p * samples.size()))];
}

}  // namespace confwatch::bench

#endif  // CONFWATCH_TESTS_BENCH_PERCENTILE_H_
