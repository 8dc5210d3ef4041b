#include "resource/unified_diff.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace confwatch {
namespace {

// Each line keeps its '\n' so "x" at EOF and "x\n" differ, as in diff(1).
std::vector<absl::string_view> SplitLines(absl::string_view text) {
  std::vector<absl::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    size_t len = end == text.npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return lines;
}

enum class Op { kEqual, kDelete, kInsert };

using Lines = std::vector<absl::string_view>;

// Myers' O(ND) greedy search over a[a0,a0+n) and b[b0,b0+m), keeping each
// round's frontier (diagonals -d..d only, so memory is O(D^2)) to walk the
// path back. Empty when more than max_d edits are needed.
std::vector<Op> MyersScript(const Lines& a, size_t a0, size_t n, const Lines& b,
                            size_t b0, size_t m, int max_d) {
  const int N = static_cast<int>(n), M = static_cast<int>(m);
  const int offset = N + M + 1;
  std::vector<int> v(2 * offset + 1, 0);
  std::vector<std::vector<int>> trace;
  int found_d = -1;
  for (int d = 0; d <= std::min(N + M, max_d) && found_d < 0; ++d) {
    // Diagonals -d..d of the frontier reached after round d-1.
    trace.emplace_back(v.begin() + offset - d, v.begin() + offset + d + 1);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < N && y < M && a[a0 + x] == b[b0 + y]) ++x, ++y;
      v[offset + k] = x;
      if (x >= N && y >= M) {
        found_d = d;
        break;
      }
    }
  }
  if (found_d < 0) return {};
  std::vector<Op> script;
  int x = N, y = M;
  for (int d = found_d; d > 0; --d) {
    const std::vector<int>& prev = trace[d];  // prev[k + d]: diagonal k
    int k = x - y;
    bool down = k == -d || (k != d && prev[k - 1 + d] < prev[k + 1 + d]);
    int prev_k = down ? k + 1 : k - 1;
    int prev_x = prev[prev_k + d];
    int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) script.push_back(Op::kEqual), --x, --y;
    script.push_back(down ? Op::kInsert : Op::kDelete);
    x = prev_x;
    y = prev_y;
  }
  while (x > 0 && y > 0) script.push_back(Op::kEqual), --x, --y;
  std::reverse(script.begin(), script.end());
  return script;
}

std::vector<Op> EditScript(const Lines& a, const Lines& b) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  size_t n = a.size() - head - tail, m = b.size() - head - tail;
  std::vector<Op> middle = MyersScript(a, head, n, b, head, m, kMaxDiffEdits);
  if (middle.empty() && n + m > 0) {
    middle.assign(n, Op::kDelete);
    middle.insert(middle.end(), m, Op::kInsert);
  }
  std::vector<Op> script(head, Op::kEqual);
  script.insert(script.end(), middle.begin(), middle.end());
  script.insert(script.end(), tail, Op::kEqual);
  return script;
}

// "l,n" as diff(1) prints a range: "l" alone when n == 1, and the line
// before the range when it is empty.
std::string Range(size_t start, size_t count) {
  if (count == 1) return absl::StrCat(start + 1);
  if (count == 0) return absl::StrCat(start, ",0");
  return absl::StrCat(start + 1, ",", count);
}

void AppendLine(std::string* out, char tag, absl::string_view line) {
  out->push_back(tag);
  out->append(line.data(), line.size());
  if (line.empty() || line.back() != '\n') {
    out->append("\n\\ No newline at end of file\n");
  }
}

// Prints script[begin, end) as one hunk; i and j are the line indexes in a
// and b where script[begin] applies.
void AppendHunk(const std::vector<Op>& script, size_t begin, size_t end, size_t i,
                size_t j, const Lines& a, const Lines& b, std::string* out) {
  size_t a_count = 0, b_count = 0;
  for (size_t s = begin; s < end; ++s) {
    if (script[s] != Op::kInsert) ++a_count;
    if (script[s] != Op::kDelete) ++b_count;
  }
  absl::StrAppend(out, "@@ -", Range(i, a_count), " +", Range(j, b_count), " @@\n");
  size_t s = begin;
  while (s < end) {
    if (script[s] == Op::kEqual) {
      AppendLine(out, ' ', a[i]);
      ++i, ++j, ++s;
      continue;
    }
    // A run of changes prints its deletions first, then its insertions.
    size_t run_end = s;
    while (run_end < end && script[run_end] != Op::kEqual) ++run_end;
    for (size_t t = s; t < run_end; ++t) {
      if (script[t] == Op::kDelete) AppendLine(out, '-', a[i++]);
    }
    for (size_t t = s; t < run_end; ++t) {
      if (script[t] == Op::kInsert) AppendLine(out, '+', b[j++]);
    }
    s = run_end;
  }
}

}  // namespace

std::string UnifiedDiff(absl::string_view before, absl::string_view after,
                        absl::string_view before_label, absl::string_view after_label,
                        int context) {
  if (before == after) return "";
  const Lines a = SplitLines(before), b = SplitLines(after);
  const std::vector<Op> script = EditScript(a, b);
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  std::string out = absl::StrCat("--- ", before_label, "\n+++ ", after_label, "\n");
  size_t s = 0, i = 0, j = 0;  // position in script, a, b
  while (s < script.size()) {
    if (script[s] == Op::kEqual) {
      ++s, ++i, ++j;
      continue;
    }
    // A change at s: the hunk starts ctx lines earlier and runs until more
    // than 2*ctx equal lines separate it from the next change.
    // Every line before s not yet printed is equal (hunks end > 2*ctx
    // equal lines before the next change).
    size_t lead = std::min(ctx, s);
    size_t begin = s - lead, end = s;
    while (end < script.size()) {
      size_t equal_run = 0;
      while (end + equal_run < script.size() && script[end + equal_run] == Op::kEqual) {
        ++equal_run;
      }
      if (end + equal_run == script.size()) {
        end += std::min(equal_run, ctx);
        break;
      }
      if (equal_run > 2 * ctx) {
        end += ctx;
        break;
      }
      end += equal_run;
      while (end < script.size() && script[end] != Op::kEqual) ++end;
    }
    AppendHunk(script, begin, end, i - lead, j - lead, a, b, &out);
    for (; s < end; ++s) {
      if (script[s] != Op::kInsert) ++i;
      if (script[s] != Op::kDelete) ++j;
    }
  }
  return out;
}

}  // namespace confwatch
