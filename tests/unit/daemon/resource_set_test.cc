// ResourceSet::Render executes templates as confd does, with nil data (Go's
// invalid reflect.Value): the daemon's output must be Go's bytes for
// templates that touch dot.
#include "daemon/resource_set.h"

#include <string>
#include <vector>

#include "daemon/template_cache.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "funcs/confd.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

struct NilDataCase {
  std::string text;
  std::string want;  // output, or the error message
};

TEST(ResourceSet, RendersWithNilDataAsGo) {
  // Outputs checked against Go 1.19 (the same cases are in
  // tests/conformance/cases/lang_fields.txt).
  const std::vector<NilDataCase> cases = {
      {"a{{.Foo.Bar}}b", "a<no value>b"},
      {"a{{.}}b", "a<no value>b"},
      {"{{$x := .Foo}}{{$x.Bar}}", "<no value>"},
      {"{{with .Foo.Bar}}yes{{else}}no{{end}}", "no"},
  };
  for (const NilDataCase& c : cases) {
    TempDir dir;
    ASSERT_EQ(0, system(("mkdir " + dir.Path("conf.d") + " " + dir.Path("templates")).c_str()));
    ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/a.toml"),
                              "[template]\nsrc = \"a.tmpl\"\ndest = \"/tmp/a\"\nkeys = [\"/\"]\n")
                    .ok());
    ASSERT_TRUE(WriteTestFile(dir.Path("templates/a.tmpl"), c.text).ok());
    TemplateCache cache(ConfwatchFuncMap());
    absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
        ResourceSet::Load(dir.path(), "", &cache);
    ASSERT_TRUE(set.ok()) << set.status();
    ASSERT_EQ(1u, (*set)->resources().size()) << c.text;
    absl::StatusOr<std::string> out = (*set)->Render(0, Store(), &cache);
    EXPECT_EQ(c.want, out.ok() ? *out : std::string(out.status().message())) << c.text;
  }
}

}  // namespace
}  // namespace confwatch
