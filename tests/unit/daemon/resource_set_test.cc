// ResourceSet::Render executes templates as confd does, with nil data (Go's
// invalid reflect.Value): the daemon's output must be Go's bytes for
// templates that touch dot.
#include "daemon/resource_set.h"

#include <string>
#include <vector>

#include "daemon/template_cache.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "template/funcs_confd.h"
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

// A for_each resource renders one file per matching directory with
// .name/.prefix, all from one store; a name that may not become a file name
// is refused for that child alone.
TEST(ResourceSet, ForEachRendersEachMatchingDirectoryAndRefusesBadNames) {
  TempDir dir;
  ASSERT_EQ(0, system(("mkdir " + dir.Path("conf.d") + " " + dir.Path("templates")).c_str()));
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/s.toml"),
                            "[template]\nsrc = \"s.tmpl\"\ndest = \"/tmp/x/{{.name}}.conf\"\n"
                            "for_each = \"/services/*\"\nkeys = [\"/services\", \"/global\"]\n")
                  .ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("templates/s.tmpl"),
                            "{{.name}} {{.prefix}}:{{range gets (printf \"%s/*\" .prefix)}} "
                            "{{.Value}}{{end}} {{getv \"/global/port\"}}")
                  .ok());
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set = ResourceSet::Load(dir.path(), "", &cache);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(1u, (*set)->resources().size());
  Store store;
  store.Put("/services/web/1", "10.0.0.1");
  store.Put("/services/web/2", "10.0.0.2");
  store.Put("/services/api/1", "10.0.0.3");
  store.Put("/services/.hidden/1", "x");
  store.Put("/services/a\nb/1", "x");
  store.Put("/services/leaf", "not a directory");
  store.Put("/global/port", "80");
  store.Put("/other/x/1", "outside the scope");
  absl::StatusOr<BatchItem> item = (*set)->RenderItem(0, store, &cache);
  ASSERT_TRUE(item.ok()) << item.status();
  ASSERT_EQ(2u, item->children.size());
  EXPECT_EQ("api", item->children[0].name);
  EXPECT_EQ("/tmp/x/api.conf", item->children[0].dest);
  EXPECT_EQ("api /services/api: 10.0.0.3 80", item->children[0].rendered);
  EXPECT_EQ("/tmp/x/web.conf", item->children[1].dest);
  EXPECT_EQ("web /services/web: 10.0.0.1 10.0.0.2 80", item->children[1].rendered);
  ASSERT_EQ(2u, item->refused.size());
  EXPECT_EQ("s.toml: child \".hidden\" refused: starts with '.' (hidden names are confwatch's "
            "stage and manifest files); the other children go on",
            item->refused[0].message());
  EXPECT_EQ("s.toml: child \"a\\x0ab\" refused: contains control character 0x0a; the other "
            "children go on",
            item->refused[1].message());
}

TEST(ResourceSet, ForEachChildRenderErrorFailsTheWholeFamilyNamingTheChild) {
  TempDir dir;
  ASSERT_EQ(0, system(("mkdir " + dir.Path("conf.d") + " " + dir.Path("templates")).c_str()));
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/s.toml"),
                            "[template]\nsrc = \"s.tmpl\"\ndest = \"/tmp/x/{{.name}}\"\n"
                            "for_each = \"/services/*\"\n")
                  .ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("templates/s.tmpl"),
                            "{{getv (printf \"%s/port\" .prefix)}}")
                  .ok());
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set = ResourceSet::Load(dir.path(), "", &cache);
  ASSERT_TRUE(set.ok()) << set.status();
  Store store;
  store.Put("/services/a/port", "80");
  store.Put("/services/b/host", "h");
  absl::StatusOr<BatchItem> item = (*set)->RenderItem(0, store, &cache);
  ASSERT_FALSE(item.ok());
  EXPECT_EQ("child \"b\": template: s.tmpl:1:2: executing \"s.tmpl\" at <getv (printf \"%s/port\" "
            ".prefix)>: error calling getv: key does not exist: /services/b/port",
            item.status().message());
}

TEST(ResourceSet, ForEachAtTheTopOfThePrefixListsTopLevelDirectories) {
  TempDir dir;
  ASSERT_EQ(0, system(("mkdir " + dir.Path("conf.d") + " " + dir.Path("templates")).c_str()));
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/s.toml"),
                            "[template]\nsrc = \"s.tmpl\"\ndest = \"/tmp/x/{{.name}}\"\n"
                            "prefix = \"/grpc\"\nfor_each = \"/*\"\n")
                  .ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("templates/s.tmpl"), "{{.prefix}}").ok());
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set = ResourceSet::Load(dir.path(), "", &cache);
  ASSERT_TRUE(set.ok()) << set.status();
  Store store;
  store.Put("/grpc/a/1", "x");
  store.Put("/grpc/a-b/1", "x");
  store.Put("/grpc/a/2", "x");
  store.Put("/grpc/leaf", "x");
  store.Put("/other/c/1", "x");
  absl::StatusOr<BatchItem> item = (*set)->RenderItem(0, store, &cache);
  ASSERT_TRUE(item.ok()) << item.status();
  std::vector<std::string> got;
  for (const RenderedChild& c : item->children) got.push_back(c.name + "=" + c.rendered);
  EXPECT_EQ((std::vector<std::string>{"a=/a", "a-b=/a-b"}), got);
}

}  // namespace
}  // namespace confwatch
