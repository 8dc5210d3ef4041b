// A bounded generator of hostile inputs, run as a unit test: a few hundred
// resource TOML files, templates and etcd values of the shapes that crashed or
// froze confwatch (deep nesting, long dotted keys, NULs, invalid UTF-8,
// truncation, random byte damage), loaded and rendered as the daemon does
// (ResourceSet). The process must survive, every bad resource must fail alone
// with an error that names its file, and the good resource beside them must
// still load and render. Seeded, so a failure reproduces.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "daemon/resource_set.h"
#include "daemon/template_cache.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "funcs/confd.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

constexpr char kGoodToml[] =
    "[template]\nsrc = \"good.tmpl\"\ndest = \"/tmp/good\"\nkeys = [\"/app\"]\n";
constexpr char kGoodTemplate[] =
    "{{range gets \"/app/*\"}}{{.Key}}={{.Value}}\n{{end}}{{if exists \"/app/j\"}}"
    "{{$j := json (getv \"/app/j\")}}{{$j.a}}{{end}}\n";

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  // Flips, inserts and deletes a few bytes, from a set that matters to the
  // parsers (brackets, quotes, NUL, a stray UTF-8 byte), or cuts the text.
  std::string Damage(std::string text) {
    static constexpr char kRaw[] = "[]{}\"'#.=\\\n\0\xff\xc3{}|()$";
    static const std::string kBytes(kRaw, sizeof kRaw - 1);  // the NUL inside included
    if (Below(4) == 0) return text.substr(0, Below(text.size() + 1));
    for (size_t n = 1 + Below(4); n > 0 && !text.empty(); --n) {
      const size_t at = Below(text.size());
      const char c = kBytes[Below(kBytes.size())];
      switch (Below(3)) {
        case 0: text[at] = c; break;
        case 1: text.insert(at, 1, c); break;
        default: text.erase(at, 1);
      }
    }
    return text;
  }

  std::string DeepToml() {
    const size_t depth = 65 + Below(20000);
    switch (Below(5)) {
      case 0: return "[template]\nkeys = " + Repeat("[", depth) + "\"/app\"" + Repeat("]", depth);
      case 1: return "[template]\nkeys = " + Repeat("[", depth);
      case 2: return "[template]\nx = " + Repeat("{a = ", depth) + "1" + Repeat("}", depth);
      case 3: return "[[x" + Repeat(".x", 32 + Below(50000)) + ".y]]\n";
      default: return "[template]\nx" + Repeat(".a", 32 + Below(50000)) + " = 1\n";
    }
  }

  std::string BadTemplate() {
    const size_t depth = 1 + Below(3000);
    switch (Below(4)) {
      case 0: return "{{" + Repeat("(", depth) + "1" + Repeat(")", depth) + "}}";
      case 1: return Repeat("{{if 1}}", depth) + Repeat("{{end}}", depth);
      case 2: return Repeat("{{", depth);
      default: return Damage(kGoodTemplate);
    }
  }

  std::string BadValue() {
    const size_t depth = 1 + Below(100000);
    switch (Below(5)) {
      case 0: return Repeat("[", depth);
      case 1: {
        // Nested objects up to Go's limit of 10000, which print (and free)
        // without recursion at any depth, or past it, which the decoder
        // refuses before anything prints.
        const size_t d = Below(2) == 0 ? 1 + Below(10000) : 10001 + Below(90000);
        return Repeat("{\"a\":", d) + "1" + Repeat("}", d);
      }
      case 2: return std::string("{\"a\":\"x\0y\"}", 11);
      case 3: return "{\"a\": 1e999999}";
      default: return Damage("{\"a\": [1, \"two\", {\"b\": null}]}");
    }
  }

 private:
  std::mt19937 rng_;
};

TEST(HostileInput, EachBadInputFailsAloneNamingItsFileAndTheRestWorks) {
  TempDir dir;
  ASSERT_EQ(0, system(("mkdir -p " + dir.Path("conf.d") + " " + dir.Path("templates")).c_str()));
  ASSERT_TRUE(WriteTestFile(dir.Path("conf.d/good.toml"), kGoodToml).ok());
  ASSERT_TRUE(WriteTestFile(dir.Path("templates/good.tmpl"), kGoodTemplate).ok());
  Generator gen(20261207);
  size_t files = 1;
  for (int i = 0; i < 150; ++i, ++files) {
    const std::string text = i % 2 == 0 ? gen.DeepToml() : gen.Damage(kGoodToml);
    ASSERT_TRUE(WriteTestFile(dir.Path(absl::StrCat("conf.d/t", i, ".toml")), text).ok());
  }
  for (int i = 0; i < 150; ++i, ++files) {
    const std::string toml = absl::StrCat("[template]\nsrc = \"b", i, ".tmpl\"\ndest = \"/tmp/b",
                                          i, "\"\nkeys = [\"/app\"]\n");
    ASSERT_TRUE(WriteTestFile(dir.Path(absl::StrCat("conf.d/b", i, ".toml")), toml).ok());
    ASSERT_TRUE(
        WriteTestFile(dir.Path(absl::StrCat("templates/b", i, ".tmpl")), gen.BadTemplate()).ok());
  }

  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(dir.path(), "", &cache);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(files, (*set)->resources().size() + (*set)->errors().size());
  for (const ResourceLoadError& e : (*set)->errors()) {
    const absl::string_view message = e.status.message();
    EXPECT_TRUE(absl::StrContains(message, ".toml") || absl::StrContains(message, ".tmpl"))
        << e.status;
    EXPECT_TRUE(absl::EndsWith(e.name, ".toml")) << e.name << ": " << e.status;
  }
  bool good_loaded = false;
  for (const LoadedResource& r : (*set)->resources()) good_loaded |= r.config.name == "good.toml";
  EXPECT_TRUE(good_loaded);

  // 200 bad values under the keys every loaded template reads.
  int good_renders = 0;
  for (int round = 0; round < 200; ++round) {
    Store store;
    store.Put("/app/j", gen.BadValue());
    store.Put("/app/k", gen.Damage("value"));
    for (size_t i = 0; i < (*set)->resources().size(); ++i) {
      const LoadedResource& r = (*set)->resources()[i];
      absl::StatusOr<std::string> out = (*set)->Render(i, store, &cache);
      if (out.ok()) {
        good_renders += r.config.name == "good.toml";
        continue;
      }
      EXPECT_TRUE(absl::StartsWith(out.status().message(),
                                   absl::StrCat("template: ", r.tmpl->name(), ":")))
          << out.status();
    }
  }
  EXPECT_GT(good_renders, 0);
}

}  // namespace
}  // namespace confwatch
