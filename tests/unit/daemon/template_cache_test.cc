// TemplateCache (daemon/template_cache.h): reading template files from disk.
#include "daemon/template_cache.h"

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

}  // namespace
}  // namespace confwatch
