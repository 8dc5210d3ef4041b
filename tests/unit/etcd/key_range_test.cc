#include "etcd/key_range.h"

#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(PrefixRange, EndIsPrefixWithLastByteIncremented) {
  struct Case {
    std::string prefix, key, range_end;
  };
  const std::string nul(1, '\0');
  const Case cases[] = {
      {"/app/", "/app/", "/app0"},  // '/' + 1 == '0'
      {"a", "a", "b"},
      {"/config/db", "/config/db", "/config/dc"},
      // Trailing 0xff bytes cannot be incremented: drop them, bump the byte before.
      {"a\xff", "a\xff", "b"},
      {"a\xff\xff", "a\xff\xff", "b"},
      {std::string("a\xfe", 2), std::string("a\xfe", 2), "a\xff"},
      // Nothing to increment: everything from the prefix to the end.
      {"\xff", "\xff", nul},
      {"\xff\xff", "\xff\xff", nul},
      // The whole keyspace; etcd rejects an empty key, so start at "\0".
      {"", nul, nul},
      // A 0 byte inside the prefix is just a byte.
      {std::string("a\0b", 3), std::string("a\0b", 3), std::string("a\0c", 3)},
  };
  for (const Case& c : cases) {
    KeyRange r = PrefixRange(c.prefix);
    EXPECT_EQ(r.key, c.key) << c.prefix;
    EXPECT_EQ(r.range_end, c.range_end) << c.prefix;
  }
}

}  // namespace
}  // namespace confwatch
