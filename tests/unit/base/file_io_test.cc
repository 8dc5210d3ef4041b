// ReadFile and IoError (base/file_io.h) against the real file system.
#include "base/file_io.h"

#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

TEST(IoError, NamesThePathAndTheErrnoWithTheMatchingCode) {
  struct Case {
    int err;
    absl::Status want;
  };
  const Case cases[] = {
      {ENOENT, absl::NotFoundError("IO error: /etc/a: No such file or directory")},
      {EACCES, absl::PermissionDeniedError("IO error: /etc/a: Permission denied")},
      {ENOSPC, absl::ResourceExhaustedError("IO error: /etc/a: No space left on device")},
      {EISDIR, absl::FailedPreconditionError("IO error: /etc/a: Is a directory")},
      {EIO, absl::UnknownError("IO error: /etc/a: Input/output error")},
  };
  for (const Case& c : cases) EXPECT_EQ(c.want, IoError("/etc/a", c.err)) << c.err;
}

TEST(ReadFile, ReturnsTheWholeFile) {
  TempDir dir;
  const std::string big(200000, 'x');  // more than one read()
  ASSERT_TRUE(WriteTestFile(dir.Path("a"), big + "\nend\n").ok());
  EXPECT_EQ(big + "\nend\n", ReadFile(dir.Path("a")).value_or("<error>"));
}

TEST(ReadFile, EmptyFileIsEmptyNotAnError) {
  TempDir dir;
  ASSERT_TRUE(WriteTestFile(dir.Path("a"), "").ok());
  EXPECT_EQ("", ReadFile(dir.Path("a")).value_or("<error>"));
}

TEST(ReadFile, SetsTheModeOfTheFileRead) {
  TempDir dir;
  ASSERT_TRUE(WriteTestFile(dir.Path("pw"), "secret\n").ok());
  ASSERT_EQ(0, chmod(dir.Path("pw").c_str(), 0640));
  mode_t mode = 0;
  EXPECT_EQ("secret\n", ReadFile(dir.Path("pw"), &mode).value_or("<error>"));
  EXPECT_EQ(0640u, mode);
}

TEST(ReadFile, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_EQ(absl::NotFoundError("IO error: " + dir.Path("nope") + ": No such file or directory"),
            ReadFile(dir.Path("nope")).status());
}

TEST(ReadFile, DirectoryIsAnErrorNotAnEmptyFile) {
  TempDir dir;
  EXPECT_EQ(absl::FailedPreconditionError("IO error: " + dir.path() + ": Is a directory"),
            ReadFile(dir.path()).status());
}

}  // namespace
}  // namespace confwatch
