// TemplateCache (daemon/template_cache.h): reading template files from disk.
#include "daemon/template_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

TEST(TemplateCache, ReadsAndParsesTheTemplateFile) {
  TempDir dir;
  ASSERT_TRUE(WriteTestFile(dir.Path("a.tmpl"), "x={{.}}\n").ok());
  TemplateCache cache{FuncMap()};
  EXPECT_TRUE(cache.Get(dir.Path("a.tmpl"), ParseOptions()).ok());
}

TEST(TemplateCache, MissingTemplateIsNotFound) {
  TempDir dir;
  TemplateCache cache{FuncMap()};
  EXPECT_EQ(absl::NotFoundError("IO error: " + dir.Path("a.tmpl") + ": No such file or directory"),
            cache.Get(dir.Path("a.tmpl"), ParseOptions()).status());
}

// A directory named as src used to read as an empty template (and render an
// empty file); every read error was reported as NotFound.
TEST(TemplateCache, DirectoryIsAnIoErrorWithItsOwnCode) {
  TempDir dir;
  TemplateCache cache{FuncMap()};
  EXPECT_EQ(absl::FailedPreconditionError("IO error: " + dir.path() + ": Is a directory"),
            cache.Get(dir.path(), ParseOptions()).status());
}

// What a template renders is installed as confwatch's user (often root).
TEST(TemplateCache, TemplateOthersMayWriteIsRefusedEvenOnceParsed) {
  if (geteuid() != 0) GTEST_SKIP() << "the check is made only as root";
  TempDir dir;
  ASSERT_TRUE(WriteTestFile(dir.Path("a.tmpl"), "x\n").ok());
  TemplateCache cache{FuncMap()};
  ASSERT_TRUE(cache.Get(dir.Path("a.tmpl"), ParseOptions()).ok());
  ASSERT_EQ(0, chmod(dir.Path("a.tmpl").c_str(), 0646));  // mtime unchanged
  absl::Status s = cache.Get(dir.Path("a.tmpl"), ParseOptions()).status();
  EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code());
  EXPECT_EQ(0u, s.message().find("untrusted path " + dir.Path("a.tmpl") + " (owner uid "))
      << s.message();
  ASSERT_EQ(0, chmod(dir.Path("a.tmpl").c_str(), 0644));
  EXPECT_TRUE(cache.Get(dir.Path("a.tmpl"), ParseOptions()).ok());
}

}  // namespace
}  // namespace confwatch
