// for_each's rules: parsing the pattern, which child names may become file
// names (the names come from etcd: whoever writes keys chooses them), the
// child's dest and where the manifest lives.
#include "resource/for_each.h"

#include <string>

#include "gtest/gtest.h"

namespace confwatch {
namespace for_each_test {
namespace {

constexpr char kDest[] = "/etc/nginx/conf.d/{{.name}}.conf";

TEST(ForEach, PatternSplitsIntoLiteralDirectoryAndGlob) {
  absl::StatusOr<ForEachPattern> p = ParseForEach("/services/*");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ("/services", p->dir);
  EXPECT_EQ("*", p->glob);
  p = ParseForEach("/a/b/web-*");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ("/a/b", p->dir);
  EXPECT_EQ("web-*", p->glob);
  p = ParseForEach("/*");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ("/", p->dir);
  EXPECT_EQ("*", p->glob);
}

TEST(ForEach, BadPatternsAreRefusedSayingWhy) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"services/*", "\"services/*\" must start with '/'"},
      {"/services/", "\"/services/\" ends with '/'; it must end with a glob such as \"*\""},
      {"/*/x/*", "\"/*/x/*\" may only have a glob in its last element"},
      {"/services/[", "\"/services/[\" syntax error in pattern"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ForEachPattern> p = ParseForEach(c.text);
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(c.error, p.status().message()) << c.text;
  }
}

TEST(ForEach, DestMustNameTheChildInItsFileNameOnly) {
  EXPECT_TRUE(ValidateForEachDest(kDest).ok());
  EXPECT_TRUE(ValidateForEachDest("/etc/x/{{ .name }}").ok());
  EXPECT_EQ("\"/etc/x/all.conf\": with for_each the file name must hold {{.name}}",
            ValidateForEachDest("/etc/x/all.conf").message());
  EXPECT_EQ("\"/etc/{{.name}}/x.conf\": with for_each only the file name may hold {{.name}}",
            ValidateForEachDest("/etc/{{.name}}/x.conf").message());
  EXPECT_EQ("\"/etc/x/.{{.name}}\": a file name starting with '.' could clash with "
            "confwatch's stage and manifest files",
            ValidateForEachDest("/etc/x/.{{.name}}").message());
}

TEST(ForEach, ChildDestReplacesTheNameTextually) {
  EXPECT_EQ("/etc/nginx/conf.d/web.conf", ChildDest(kDest, "web"));
  EXPECT_EQ("/x/a-a", ChildDest("/x/{{.name}}-{{ .name }}", "a"));
  // A name that looks like template syntax is just bytes.
  EXPECT_EQ("/x/{{.name}}.conf", ChildDest("/x/{{.name}}.conf", "{{.name}}"));
}

TEST(ForEach, NamesThatWouldEscapeOrHideAreRefused) {
  struct Case {
    std::string name;
    const char* error;  // "" when the name is fine
  } cases[] = {
      {"web", ""},
      {"web.v2_x-1", ""},
      {"caf\xc3\xa9", ""},
      {"", "empty name"},
      {".", "\".\" would leave the dest directory"},
      {"..", "\"..\" would leave the dest directory"},
      {"a/b", "contains '/', which would leave the dest directory"},
      {std::string("a\0b", 3), "contains control character 0x00"},
      {"a\nb", "contains control character 0x0a"},
      {"a\x7f", "contains control character 0x7f"},
      {".hidden", "starts with '.' (hidden names are confwatch's stage and manifest files)"},
      {std::string(250, 'x'), ""},  // "<name>.conf": 255 bytes, NAME_MAX
      {std::string(251, 'x'), "file name is 256 bytes, longer than 255"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.error, ValidateChildName(kDest, c.name).message()) << QuoteChildName(c.name);
  }
}

TEST(ForEach, ManifestLivesHiddenInTheDestDirectoryNamedAfterTheResource) {
  TemplateResource r;
  r.name = "web/services v2.toml";
  r.dest = kDest;
  EXPECT_EQ("/etc/nginx/conf.d/.confwatch-web_services_v2.toml.manifest", ManifestPath(r));
}

TEST(ForEach, QuotedNamesShowControlBytes) {
  EXPECT_EQ("\"a\\x0ab\"", QuoteChildName("a\nb"));
  EXPECT_EQ("\"q\\\"\\\\x\\xc3\\xa9\"", QuoteChildName("q\"\\x\xc3\xa9"));
}

}  // namespace
}  // namespace for_each_test
}  // namespace confwatch
