#include "process/bounded_output.h"

#include <string>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(BoundedOutput, OutputWithinLimitIsKeptWhole) {
  BoundedOutput out(10);
  out.Append("abc");
  out.Append("defghij");
  EXPECT_EQ("abcdefghij", out.Text());
  EXPECT_EQ(10u, out.total_bytes());
}

TEST(BoundedOutput, LongOutputKeepsHeadAndTailWithMarker) {
  BoundedOutput out(10);
  out.Append("0123456789");
  out.Append("ABCDEFGHIJ");
  // Head: first 5 bytes; tail: last 5 bytes; 10 bytes in between dropped.
  EXPECT_EQ("01234\n[... 10 bytes omitted ...]\nFGHIJ", out.Text());
  EXPECT_EQ(20u, out.total_bytes());
}

TEST(BoundedOutput, ManySmallAppendsKeepTheLatestTail) {
  BoundedOutput out(8);
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    std::string piece(1, static_cast<char>('a' + i % 26));
    all += piece;
    out.Append(piece);
  }
  std::string expected = all.substr(0, 4) + "\n[... 992 bytes omitted ...]\n" +
                         all.substr(all.size() - 4);
  EXPECT_EQ(expected, out.Text());
}

TEST(BoundedOutput, OddLimitGivesTheExtraByteToTheTail) {
  BoundedOutput out(5);
  out.Append("abcdefgh");
  EXPECT_EQ("ab\n[... 3 bytes omitted ...]\nfgh", out.Text());
}

}  // namespace
}  // namespace confwatch
