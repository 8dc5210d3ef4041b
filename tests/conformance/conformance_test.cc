// Conformance runner: renders every case of the Go-generated corpus with
// confwatch's template engine, confd + sprig functions and store view, and
// compares byte for byte with what Go's text/template produced (output, or
// the exact error message). One gtest per case, named group__case, so a
// failure names the case; tests/conformance/cases/<group>.txt holds it.
//
// Cases listed in known_failures.txt are reported as skipped with their
// reason; a listed case that now matches Go FAILS, so the list cannot go
// stale.
#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "corpus.h"
#include "gtest/gtest.h"
#include "golang/path.h"
#include "store/store.h"
#include "store/view.h"
#include "funcs/confd.h"
#include "funcs/env.h"
#include "template/function.h"
#include "template/template.h"
#include "template/value.h"

namespace confwatch {
namespace conformance {
namespace {

constexpr char kTemplateName[] = "t.tmpl";  // confd names a template after its file
constexpr size_t kMinimumCorpusSize = 300;

// The corpus of the source tree; CONFWATCH_CONFORMANCE_DIR in the
// environment overrides it (used to check that the runner fails on a
// tampered golden).
const std::string& CorpusDir() {
  static const std::string* dir = [] {
    const char* env = std::getenv("CONFWATCH_CONFORMANCE_DIR");
    return new std::string(env != nullptr ? env : CONFWATCH_CONFORMANCE_DIR);
  }();
  return *dir;
}

// Loaded once per process; a load error is reported by CorpusLoads.
const absl::StatusOr<std::vector<Case>>& Corpus() {
  static const auto* corpus =
      new absl::StatusOr<std::vector<Case>>(LoadCorpus(CorpusDir() + "/golden"));
  return *corpus;
}

const absl::StatusOr<std::map<std::string, std::string>>& KnownFailures() {
  static const auto* known = new absl::StatusOr<std::map<std::string, std::string>>(
      LoadKnownFailures(CorpusDir() + "/known_failures.txt"));
  return *known;
}

// What confwatch templates get in production: confd's and sprig's functions
// over the real environment (getenv reads the process environment).
const FuncMap& Funcs() {
  static const FuncMap* funcs = new FuncMap(ConfwatchFuncMap(SystemFuncEnv()));
  return *funcs;
}

std::vector<Case> CasesOrEmpty() {
  return Corpus().ok() ? *Corpus() : std::vector<Case>{};
}

// Sets the case's environment for getenv and removes it again.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::vector<std::pair<std::string, std::string>>& env)
      : env_(env) {
    for (const auto& [name, value] : env_) setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : env_) unsetenv(name.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const std::vector<std::pair<std::string, std::string>>& env_;
};

// The resource's scope as confd builds it: a prefix always starts with '/'
// (confd prepends one) and each declared key is path.Join(prefix, key).
absl::StatusOr<ViewScope> ScopeFor(const Case& c) {
  std::string prefix = c.prefix;
  if (prefix.empty() || prefix[0] != '/') prefix.insert(0, "/");
  std::vector<std::string> declared;
  for (const std::string& key : c.keys) declared.push_back(GoPathJoin({prefix, key}));
  return ViewScope::Create(prefix, declared);
}

struct Rendered {
  bool ok = false;
  std::string text;  // the output, or the error message
};

Rendered Render(const Case& c, const StoreView& view) {
  absl::StatusOr<std::shared_ptr<const Template>> tmpl =
      Template::Parse(kTemplateName, c.template_text, Funcs());
  if (!tmpl.ok()) return {false, std::string(tmpl.status().message())};
  ExecContext ctx;
  ctx.store = &view;
  ctx.template_name = kTemplateName;
  std::string out;
  // The daemon's own entry point, so the corpus covers what it renders.
  absl::Status s = (*tmpl)->ExecuteWithNilData(ctx, &out);
  if (!s.ok()) return {false, std::string(s.message())};
  return {true, out};
}

std::string Describe(bool is_error, const std::string& text) {
  return absl::StrCat(is_error ? "error:  " : "output: ", "\"", absl::CHexEscape(text), "\"");
}

// "" when equal, else where and how they differ.
std::string Mismatch(const Case& c, const Rendered& got) {
  if (got.ok != !c.expect_error || got.text != c.expected) {
    size_t at = 0;
    while (at < got.text.size() && at < c.expected.size() && got.text[at] == c.expected[at]) ++at;
    return absl::StrCat("\n  go:   ", Describe(c.expect_error, c.expected),
                        "\n  ours: ", Describe(!got.ok, got.text),
                        "\n  first difference at byte ", at);
  }
  return "";
}

std::string ViewMismatch(const Case& c, const StoreView& view) {
  std::map<std::string, std::string> ours;
  for (const KVPair& kv : view.All()) ours[kv.key] = kv.value;
  if (ours == c.store) return "";
  std::string text = "\n  the view differs from what confd's template sees:";
  for (const auto& [k, v] : c.store) absl::StrAppend(&text, "\n    confd: ", k, " = ", v);
  for (const auto& [k, v] : ours) absl::StrAppend(&text, "\n    ours:  ", k, " = ", v);
  return text;
}

class GoTextTemplate : public testing::TestWithParam<Case> {};

}  // namespace

// gtest prints the parameter of a failing test; the id is what a reader needs.
void PrintTo(const Case& c, std::ostream* os) { *os << c.Id(); }

namespace {

TEST_P(GoTextTemplate, RendersTheSameBytes) {
  const Case& c = GetParam();
  ASSERT_TRUE(KnownFailures().ok()) << KnownFailures().status();
  Store store;
  for (const auto& [key, value] : c.kvs) store.Put(key, value);
  absl::StatusOr<ViewScope> scope = ScopeFor(c);
  ASSERT_TRUE(scope.ok()) << c.source << ": " << scope.status();
  StoreView view(store, *scope);
  ScopedEnv env(c.env);
  std::string diff = absl::StrCat(ViewMismatch(c, view), Mismatch(c, Render(c, view)));

  auto known = KnownFailures()->find(c.Id());
  if (known != KnownFailures()->end()) {
    ASSERT_FALSE(diff.empty()) << c.Id() << " is listed in known_failures.txt ("
                               << known->second << ") but now matches Go: remove it";
    GTEST_SKIP() << "known failure: " << known->second << diff;
  }
  EXPECT_TRUE(diff.empty()) << c.source << " (" << c.Id() << ")" << diff
                            << "\n  template: \"" << absl::CHexEscape(c.template_text) << "\"";
}

INSTANTIATE_TEST_SUITE_P(Corpus, GoTextTemplate, testing::ValuesIn(CasesOrEmpty()),
                         [](const testing::TestParamInfo<Case>& info) {
                           return TestName(info.param);
                         });

TEST(ConformanceCorpus, LoadsAndCoversEnoughCases) {
  ASSERT_TRUE(Corpus().ok()) << Corpus().status();
  EXPECT_GE(Corpus()->size(), kMinimumCorpusSize);
}

TEST(ConformanceCorpus, CaseNamesAreUniqueTestNames) {
  ASSERT_TRUE(Corpus().ok()) << Corpus().status();
  std::map<std::string, std::string> seen;
  for (const Case& c : *Corpus()) {
    auto [it, inserted] = seen.emplace(TestName(c), c.Id());
    EXPECT_TRUE(inserted) << c.Id() << " and " << it->second << " share test name " << it->first;
  }
}

TEST(ConformanceCorpus, KnownFailuresNameExistingCases) {
  ASSERT_TRUE(Corpus().ok()) << Corpus().status();
  ASSERT_TRUE(KnownFailures().ok()) << KnownFailures().status();
  std::map<std::string, bool> ids;
  for (const Case& c : *Corpus()) ids[c.Id()] = true;
  for (const auto& [id, reason] : *KnownFailures()) {
    EXPECT_TRUE(ids.count(id)) << "known_failures.txt lists " << id << ", which is not in the corpus";
  }
}

}  // namespace
}  // namespace conformance
}  // namespace confwatch
