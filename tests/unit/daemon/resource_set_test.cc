// ResourceSet::Render executes templates as confd does, with nil data (Go's
// invalid reflect.Value): the daemon's output must be Go's bytes for
// templates that touch dot.
#include "daemon/resource_set.h"

#include <string>
#include <utility>
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

// Renders the one resource (for_each) of a confdir holding conf.d/s.toml = `toml` and
// templates/s.tmpl = `tmpl` over `kvs`.
absl::StatusOr<BatchItem> RenderOne(const std::string& toml, const std::string& tmpl,
                                    const std::vector<std::pair<std::string, std::string>>& kvs) {
  TempDir dir;
  if (system(("mkdir " + dir.Path("conf.d") + " " + dir.Path("templates")).c_str()) != 0 ||
      !WriteTestFile(dir.Path("conf.d/s.toml"), toml).ok() ||
      !WriteTestFile(dir.Path("templates/s.tmpl"), tmpl).ok()) {
    return absl::InternalError("cannot write the confdir");
  }
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set = ResourceSet::Load(dir.path(), "", &cache);
  if (!set.ok()) return set.status();
  if ((*set)->resources().size() != 1) return absl::InternalError("s.toml did not load");
  Store store;
  for (const auto& [k, v] : kvs) store.Put(k, v);
  // item.resource dangles once the set is gone: the tests read only the
  // children, the refusals and the status.
  return (*set)->RenderItem(0, store, &cache);
}

// A for_each resource renders one file per matching directory with
// .name/.prefix, all from one store; a name that may not become a file name
// is refused for that child alone.
TEST(ResourceSet, ForEachRendersEachMatchingDirectoryAndRefusesBadNames) {
  absl::StatusOr<BatchItem> item = RenderOne(
      "[template]\nsrc = \"s.tmpl\"\ndest = \"/tmp/x/{{.name}}.conf\"\n"
      "for_each = \"/services/*\"\nkeys = [\"/services\", \"/global\"]\n",
      "{{.name}} {{.prefix}}:{{range gets (printf \"%s/*\" .prefix)}} {{.Value}}{{end}} "
      "{{getv \"/global/port\"}}",
      {{"/services/web/1", "10.0.0.1"},
       {"/services/web/2", "10.0.0.2"},
       {"/services/api/1", "10.0.0.3"},
       {"/services/.hidden/1", "x"},
       {"/services/a\nb/1", "x"},
       {"/services/leaf", "not a directory"},
       {"/global/port", "80"},
       {"/other/x/1", "outside the scope"}});
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
  absl::StatusOr<BatchItem> item = RenderOne(
      "[template]\nsrc = \"s.tmpl\"\ndest = \"/tmp/x/{{.name}}\"\nfor_each = \"/services/*\"\n",
      "{{getv (printf \"%s/port\" .prefix)}}",
      {{"/services/a/port", "80"}, {"/services/b/host", "h"}});
  ASSERT_FALSE(item.ok());
  EXPECT_EQ("child \"b\": template: s.tmpl:1:2: executing \"s.tmpl\" at <getv (printf \"%s/port\" "
            ".prefix)>: error calling getv: key does not exist: /services/b/port",
            item.status().message());
}

TEST(ResourceSet, ForEachAtTheTopOfThePrefixListsTopLevelDirectories) {
  absl::StatusOr<BatchItem> item = RenderOne(
      "[template]\nsrc = \"s.tmpl\"\ndest = \"/tmp/x/{{.name}}\"\nprefix = \"/grpc\"\n"
      "for_each = \"/*\"\n",
      "{{.prefix}}",
      {{"/grpc/a/1", "x"}, {"/grpc/a-b/1", "x"}, {"/grpc/a/2", "x"}, {"/grpc/leaf", "x"},
       {"/other/c/1", "x"}});
  ASSERT_TRUE(item.ok()) << item.status();
  std::vector<std::string> got;
  for (const RenderedChild& c : item->children) got.push_back(c.name + "=" + c.rendered);
  EXPECT_EQ((std::vector<std::string>{"a=/a", "a-b=/a-b"}), got);
}

}  // namespace
}  // namespace confwatch
