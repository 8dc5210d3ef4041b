// ErrnoText words an errno as the C library does, the same text IoError's
// "IO error: <path>: <text>" messages end with.
#include "process/errno_text.h"

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

TEST(ErrnoText, IsTheCLibrarysTextCapitalisedAsItPrintsIt) {
  struct Case {
    int err;
    std::string want;
  };
  const std::vector<Case> cases = {
      {ENOENT, "No such file or directory"}, {EACCES, "Permission denied"},
      {ESRCH, "No such process"},           {ECONNREFUSED, "Connection refused"},
      {EADDRINUSE, "Address already in use"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.want, ErrnoText(c.err)) << "errno " << c.err;
}

TEST(ErrnoText, MatchesTheTextOfIoError) {
  for (int err : {ENOENT, EACCES, EISDIR, ENOSPC, EBUSY, EXDEV, ELOOP, EMFILE}) {
    EXPECT_EQ(absl::StrCat("IO error: /p: ", ErrnoText(err)), IoError("/p", err).message());
  }
}

}  // namespace
}  // namespace confwatch
