// GoSort: Go 1.19's sort.Sort (pattern-defeating quicksort, sort/
// zsortinterface.go) reproduced step for step. sort.Sort is not stable, so
// confd's sortByLength / sortKVByLength leave equal-length entries in an
// order that only the very same algorithm reproduces; std::sort would not.
// (Slices of at most 12 elements use insertion sort and so are stable.)
//
// Thread-safety: a pure function over the caller's vector.
#ifndef CONFWATCH_GOLANG_SORT_H_
#define CONFWATCH_GOLANG_SORT_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace confwatch {
namespace gosort_internal {

// Number of bits needed to represent n (Go's bits.Len).
inline int BitLen(uint64_t n) {
  int len = 0;
  while (n != 0) {
    ++len;
    n >>= 1;
  }
  return len;
}

enum class Hint { kUnknown, kIncreasing, kDecreasing };

template <typename T, typename Less>
class Sorter {
 public:
  Sorter(std::vector<T>* data, Less less) : d_(*data), less_(less) {}

  void Sort() {
    int n = static_cast<int>(d_.size());
    if (n <= 1) return;
    PdqSort(0, n, BitLen(static_cast<uint64_t>(n)));
  }

 private:
  bool L(int i, int j) { return less_(d_[i], d_[j]); }
  void S(int i, int j) { std::swap(d_[i], d_[j]); }

  void InsertionSort(int a, int b) {
    for (int i = a + 1; i < b; ++i) {
      for (int j = i; j > a && L(j, j - 1); --j) S(j, j - 1);
    }
  }

  void SiftDown(int lo, int hi, int first) {
    int root = lo;
    while (true) {
      int child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && L(first + child, first + child + 1)) ++child;
      if (!L(first + root, first + child)) return;
      S(first + root, first + child);
      root = child;
    }
  }

  void HeapSort(int a, int b) {
    int first = a, hi = b - a;
    for (int i = (hi - 1) / 2; i >= 0; --i) SiftDown(i, hi, first);
    for (int i = hi - 1; i >= 0; --i) {
      S(first, first + i);
      SiftDown(0, i, first);
    }
  }

  void PdqSort(int a, int b, int limit) {
    constexpr int kMaxInsertion = 12;
    bool was_balanced = true, was_partitioned = true;
    while (true) {
      int length = b - a;
      if (length <= kMaxInsertion) return InsertionSort(a, b);
      if (limit == 0) return HeapSort(a, b);
      if (!was_balanced) {
        BreakPatterns(a, b);
        --limit;
      }
      auto [pivot, hint] = ChoosePivot(a, b);
      if (hint == Hint::kDecreasing) {
        ReverseRange(a, b);
        pivot = (b - 1) - (pivot - a);
        hint = Hint::kIncreasing;
      }
      if (was_balanced && was_partitioned && hint == Hint::kIncreasing &&
          PartialInsertionSort(a, b)) {
        return;
      }
      if (a > 0 && !L(a - 1, pivot)) {
        a = PartitionEqual(a, b, pivot);
        continue;
      }
      auto [mid, already] = Partition(a, b, pivot);
      was_partitioned = already;
      int left = mid - a, right = b - mid, threshold = length / 8;
      if (left < right) {
        was_balanced = left >= threshold;
        PdqSort(a, mid, limit);
        a = mid + 1;
      } else {
        was_balanced = right >= threshold;
        PdqSort(mid + 1, b, limit);
        b = mid;
      }
    }
  }

  std::pair<int, bool> Partition(int a, int b, int pivot) {
    S(a, pivot);
    int i = a + 1, j = b - 1;
    while (i <= j && L(i, a)) ++i;
    while (i <= j && !L(j, a)) --j;
    if (i > j) {
      S(j, a);
      return {j, true};
    }
    S(i, j);
    ++i;
    --j;
    while (true) {
      while (i <= j && L(i, a)) ++i;
      while (i <= j && !L(j, a)) --j;
      if (i > j) break;
      S(i, j);
      ++i;
      --j;
    }
    S(j, a);
    return {j, false};
  }

  int PartitionEqual(int a, int b, int pivot) {
    S(a, pivot);
    int i = a + 1, j = b - 1;
    while (true) {
      while (i <= j && !L(a, i)) ++i;
      while (i <= j && L(a, j)) --j;
      if (i > j) break;
      S(i, j);
      ++i;
      --j;
    }
    return i;
  }

  bool PartialInsertionSort(int a, int b) {
    constexpr int kMaxSteps = 5, kShortestShifting = 50;
    int i = a + 1;
    for (int step = 0; step < kMaxSteps; ++step) {
      while (i < b && !L(i, i - 1)) ++i;
      if (i == b) return true;
      if (b - a < kShortestShifting) return false;
      S(i, i - 1);
      if (i - a >= 2) {
        for (int j = i - 1; j >= 1 && L(j, j - 1); --j) S(j, j - 1);
      }
      if (b - i >= 2) {
        for (int j = i + 1; j < b && L(j, j - 1); ++j) S(j, j - 1);
      }
    }
    return false;
  }

  void BreakPatterns(int a, int b) {
    int length = b - a;
    if (length < 8) return;
    uint64_t random = static_cast<uint64_t>(length);  // Go's xorshift seed
    uint64_t modulus = uint64_t{1} << BitLen(static_cast<uint64_t>(length));
    for (int idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; ++idx) {
      random ^= random << 13;
      random ^= random >> 17;
      random ^= random << 5;
      int other = static_cast<int>(random & (modulus - 1));
      if (other >= length) other -= length;
      S(idx, a + other);
    }
  }

  std::pair<int, Hint> ChoosePivot(int a, int b) {
    constexpr int kShortestNinther = 50, kMaxSwaps = 4 * 3;
    int l = b - a, swaps = 0;
    int i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
    if (l >= 8) {
      if (l >= kShortestNinther) {
        i = Median(i - 1, i, i + 1, &swaps);
        j = Median(j - 1, j, j + 1, &swaps);
        k = Median(k - 1, k, k + 1, &swaps);
      }
      j = Median(i, j, k, &swaps);
    }
    if (swaps == 0) return {j, Hint::kIncreasing};
    if (swaps == kMaxSwaps) return {j, Hint::kDecreasing};
    return {j, Hint::kUnknown};
  }

  void Order2(int* a, int* b, int* swaps) {
    if (L(*b, *a)) {
      ++*swaps;
      std::swap(*a, *b);
    }
  }

  int Median(int a, int b, int c, int* swaps) {
    Order2(&a, &b, swaps);
    Order2(&b, &c, swaps);
    Order2(&a, &b, swaps);
    return b;
  }

  void ReverseRange(int a, int b) {
    for (int i = a, j = b - 1; i < j; ++i, --j) S(i, j);
  }

  std::vector<T>& d_;
  Less less_;
};

}  // namespace gosort_internal

// Sorts *data exactly as Go's sort.Sort with the given Less.
template <typename T, typename Less>
void GoSort(std::vector<T>* data, Less less) {
  gosort_internal::Sorter<T, Less>(data, less).Sort();
}

}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_SORT_H_
