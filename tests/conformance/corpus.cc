#include "corpus.h"

#include <algorithm>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/file_io.h"
#include "nlohmann/json.hpp"

namespace confwatch {
namespace conformance {
namespace {

using nlohmann::json;


using PairList = std::vector<std::pair<std::string, std::string>>;

// j[field] plus j[field + "_base64"], whose values are base64: gen moves
// values that are not valid UTF-8 there, since a JSON string cannot hold them.
absl::StatusOr<PairList> Pairs(const json& j, const std::string& field) {
  PairList out;
  if (j.contains(field)) {
    for (auto it = j[field].begin(); it != j[field].end(); ++it) {
      out.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  const std::string b64_field = field + "_base64";
  if (!j.contains(b64_field)) return out;
  for (auto it = j[b64_field].begin(); it != j[b64_field].end(); ++it) {
    std::string value;
    if (!absl::Base64Unescape(it.value().get<std::string>(), &value)) {
      return absl::DataLossError(absl::StrCat("bad ", b64_field, " for ", it.key()));
    }
    out.emplace_back(it.key(), std::move(value));
  }
  return out;
}

// The expected result: "error", or the output as text or base64 (Go output
// that is not valid UTF-8 cannot be a JSON string).
absl::Status ReadExpectation(const json& j, Case* c) {
  if (j.contains("error")) {
    c->expect_error = true;
    c->expected = j["error"].get<std::string>();
  } else if (j.contains("output")) {
    c->expected = j["output"].get<std::string>();
  } else if (!absl::Base64Unescape(j.at("output_base64").get<std::string>(),
                                   &c->expected)) {
    return absl::DataLossError("bad output_base64");
  }
  return absl::OkStatus();
}

absl::StatusOr<Case> ParseCase(const std::string& group, const std::string& source,
                               const json& j) {
  Case c;
  c.group = group;
  c.name = j.at("name").get<std::string>();
  c.source = absl::StrCat(source, ":", j.at("line").get<int>());
  c.template_text = j.at("template").get<std::string>();
  c.prefix = j.value("prefix", "");
  c.keys = j.at("keys").get<std::vector<std::string>>();
  absl::StatusOr<PairList> kvs = Pairs(j, "kvs");
  absl::StatusOr<PairList> store = Pairs(j, "store");
  absl::StatusOr<PairList> env = Pairs(j, "env");
  for (const auto* list : {&kvs, &store, &env}) {
    if (!list->ok()) return list->status();
  }
  c.kvs = *std::move(kvs);
  c.store.insert(store->begin(), store->end());
  c.env = *std::move(env);
  if (absl::Status s = ReadExpectation(j, &c); !s.ok()) return s;
  return c;
}

absl::Status LoadGoldenFile(const std::filesystem::path& path, std::vector<Case>* out) {
  absl::StatusOr<std::string> text = ReadFile(path.string());
  if (!text.ok()) return text.status();
  const std::string group = path.stem().string();
  try {
    json doc = json::parse(*text);
    const std::string source = doc.at("source").get<std::string>();
    for (const json& j : doc.at("cases")) {
      absl::StatusOr<Case> c = ParseCase(group, source, j);
      if (!c.ok()) return absl::DataLossError(absl::StrCat(path.string(), ": ", c.status().message()));
      out->push_back(*std::move(c));
    }
  } catch (const json::exception& e) {
    return absl::DataLossError(absl::StrCat(path.string(), ": ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Case>> LoadCorpus(const std::string& golden_dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return absl::NotFoundError(absl::StrCat(golden_dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const auto& f : files) {
    if (absl::Status s = LoadGoldenFile(f, &cases); !s.ok()) return s;
  }
  return cases;
}

absl::StatusOr<std::map<std::string, std::string>> LoadKnownFailures(
    const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::map<std::string, std::string> known;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::pair<std::string, std::string> entry =
        absl::StrSplit(line, absl::MaxSplits(absl::ByAnyChar(" \t"), 1));
    std::string reason(absl::StripAsciiWhitespace(entry.second));
    if (reason.empty() || entry.first.find('/') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_no, ": want \"<group>/<case> <reason>\""));
    }
    known[entry.first] = reason;
  }
  return known;
}

std::string TestName(const Case& c) {
  std::string name = absl::StrCat(c.group, "__", c.name);
  for (char& ch : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

}  // namespace conformance
}  // namespace confwatch
