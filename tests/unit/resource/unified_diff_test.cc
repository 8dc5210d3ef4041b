// UnifiedDiff: exact output for the shapes `diff -u` distinguishes (expected
// texts are GNU diffutils' own output for the same inputs and labels), and a
// randomized check that every diff, applied to the old text, gives the new.
#include "resource/unified_diff.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

constexpr char kHeader[] = "--- /etc/app.conf\n+++ /etc/app.conf (rendered)\n";

std::string Diff(const std::string& before, const std::string& after) {
  return UnifiedDiff(before, after, "/etc/app.conf", "/etc/app.conf (rendered)");
}

struct DiffCase {
  const char* name;
  std::string before;
  std::string after;
  std::string hunks;  // expected output after the two header lines
};

TEST(UnifiedDiff, MatchesDiffU) {
  const std::string ten = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  const std::string sixteen = ten + "11\n12\n13\n14\n15\n16\n";
  const DiffCase cases[] = {
      {"one line changed, 3 lines of context", ten, "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n",
       "@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9\n"},
      {"new file", "", "a\nb\nc\n", "@@ -0,0 +1,3 @@\n+a\n+b\n+c\n"},
      {"emptied file", "a\nb\n", "", "@@ -1,2 +0,0 @@\n-a\n-b\n"},
      {"newline removed at end", "a\nb\n", "a\nb",
       "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"},
      {"both without final newline", "a\nb", "a\nc",
       "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
       "\\ No newline at end of file\n"},
      {"single-line ranges drop the count", "x\n", "y\n", "@@ -1 +1 @@\n-x\n+y\n"},
      {"append at end", "1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n6\n",
       "@@ -3,3 +3,4 @@\n 3\n 4\n 5\n+6\n"},
      {"7 equal lines between changes: two hunks", sixteen,
       "1\nTWO\n3\n4\n5\n6\n7\n8\n9\nTEN\n11\n12\n13\n14\n15\n16\n",
       "@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n"
       "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+TEN\n 11\n 12\n 13\n"},
      {"6 equal lines between changes: one hunk",
       "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
       "1\nTWO\n3\n4\n5\n6\n7\n8\nNINE\n10\n11\n12\n",
       "@@ -1,12 +1,12 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+NINE\n 10\n"
       " 11\n 12\n"},
  };
  for (const DiffCase& c : cases) {
    EXPECT_EQ(kHeader + c.hunks, Diff(c.before, c.after)) << c.name;
  }
}

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ("", Diff("", ""));
  EXPECT_EQ("", Diff("a\nb\n", "a\nb\n"));
}

TEST(UnifiedDiff, ChangeRunPrintsDeletionsBeforeInsertions) {
  EXPECT_EQ(std::string(kHeader) + "@@ -1,3 +1,3 @@\n a\n-b\n-c\n+B\n+C\n",
            Diff("a\nb\nc\n", "a\nB\nC\n"));
}

// Lines with their '\n' kept, so a missing final newline is visible.
std::vector<std::string> LinesOf(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// Applies a unified diff to `before`, independently of how it was made;
// fails the test when a context or deleted line does not match.
std::string Apply(const std::string& before, const std::string& diff) {
  const std::vector<std::string> old_lines = LinesOf(before);
  const std::vector<std::string> diff_lines = LinesOf(diff);
  std::string out;
  size_t next_old = 0;  // first old line not yet consumed
  for (size_t i = 2; i < diff_lines.size(); ++i) {
    const std::string& l = diff_lines[i];
    if (l.rfind("@@ -", 0) == 0) {
      // "@@ -start[,count] ..." : the hunk's old lines begin at start-1,
      // or right after line `start` when count is 0.
      std::vector<std::string> range =
          absl::StrSplit(l.substr(4, l.find(' ', 4) - 4), ',');
      size_t start = 0, count = 1;
      EXPECT_TRUE(absl::SimpleAtoi(range[0], &start)) << l;
      if (range.size() == 2) {
        EXPECT_TRUE(absl::SimpleAtoi(range[1], &count)) << l;
      }
      const size_t first = count == 0 ? start : start - 1;
      while (next_old < first) out += old_lines[next_old++];
      continue;
    }
    EXPECT_NE('\\', l[0]) << "marker without a line before it:\n" << diff;
    std::string text = l.substr(1);
    if (i + 1 < diff_lines.size() && diff_lines[i + 1][0] == '\\') {
      text.pop_back();  // "\ No newline at end of file" follows
      ++i;
    }
    if (l[0] == ' ' || l[0] == '-') {
      EXPECT_LT(next_old, old_lines.size()) << diff;
      if (next_old >= old_lines.size()) return out;
      EXPECT_EQ(old_lines[next_old], text) << diff;
      ++next_old;
    } else {
      EXPECT_EQ('+', l[0]) << diff;
    }
    if (l[0] != '-') out += text;
  }
  while (next_old < old_lines.size()) out += old_lines[next_old++];
  return out;
}

std::string RandomLines(std::mt19937* rng, int max_lines) {
  std::string s;
  int n = static_cast<int>((*rng)() % (max_lines + 1));
  for (int i = 0; i < n; ++i) s += "line" + std::to_string((*rng)() % 5) + "\n";
  if (!s.empty() && (*rng)() % 4 == 0) s.pop_back();
  return s;
}

TEST(UnifiedDiff, RandomDiffsApplyBackToTheNewText) {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 2000; ++i) {
    const std::string before = RandomLines(&rng, 30);
    const std::string after = RandomLines(&rng, 30);
    const std::string diff = Diff(before, after);
    if (before == after) {
      EXPECT_EQ("", diff);
      continue;
    }
    ASSERT_EQ(after, Apply(before, diff)) << "before:\n"
                                          << before << "after:\n"
                                          << after << "diff:\n"
                                          << diff;
  }
}

TEST(UnifiedDiff, HugeUnrelatedFilesStayCorrect) {
  // More than kMaxDiffEdits differences: the middle is shown replaced.
  std::string before, after;
  for (int i = 0; i < 3000; ++i) {
    before += "old " + std::to_string(i) + "\n";
    after += "new " + std::to_string(i) + "\n";
  }
  const std::string diff = Diff(before, after);
  EXPECT_EQ(0u, diff.find(std::string(kHeader) + "@@ -1,3000 +1,3000 @@\n-old 0\n"));
  EXPECT_EQ(after, Apply(before, diff));
}

}  // namespace
}  // namespace confwatch
