// The conformance corpus as the C++ runner sees it: the goldens written by
// regen.sh (tests/conformance/golden/*.json, every expected output or error
// produced by Go's own text/template with confd's function map) and the list
// of known failures (tests/conformance/known_failures.txt).
//
// Thread-safety: plain data and pure functions.
#ifndef CONFWATCH_TESTS_CONFORMANCE_CORPUS_H_
#define CONFWATCH_TESTS_CONFORMANCE_CORPUS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace confwatch {
namespace conformance {

struct Case {
  std::string group;   // golden file name without .json ("builtins")
  std::string name;    // unique within the group ("eq-multi")
  std::string source;  // "tests/conformance/cases/builtins.txt:57"
  std::string template_text;
  // The resource as confd would load it: prefix ("" = none), declared keys,
  // and the raw etcd keys/values before filtering and prefix stripping.
  std::string prefix;
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::string>> kvs;
  // What confd's template saw: kvs filtered by keys, prefix stripped.
  std::map<std::string, std::string> store;
  std::vector<std::pair<std::string, std::string>> env;
  bool expect_error = false;
  // Rendered bytes, or Go's error message (err.Error()) when expect_error.
  std::string expected;

  // "group/name": how known_failures.txt refers to the case.
  std::string Id() const { return group + "/" + name; }
};

// Loads every *.json in golden_dir, cases in file order, files sorted by name.
// Errors name the file and what is malformed.
absl::StatusOr<std::vector<Case>> LoadCorpus(const std::string& golden_dir);

// Parses known_failures.txt: one "group/name <reason>" per line; blank lines
// and lines starting with '#' are ignored. A reason is required. Returns
// id -> reason. Errors give path:line.
absl::StatusOr<std::map<std::string, std::string>> LoadKnownFailures(
    const std::string& path);

// A gtest-safe unique name for the case ("builtins__eq_multi"): every byte
// outside [A-Za-z0-9] becomes '_', group and name are joined by "__".
std::string TestName(const Case& c);

}  // namespace conformance
}  // namespace confwatch

#endif  // CONFWATCH_TESTS_CONFORMANCE_CORPUS_H_
