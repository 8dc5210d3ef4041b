// Helm's toYaml: sigs.k8s.io/yaml.Marshal (json.Marshal, then go-yaml v2
// reads that JSON back and marshals it), the trailing newline trimmed.
//
// go-yaml v2's emitter has many style rules (quoting, folding, complex
// keys); this reproduces its bytes for the subset where they are certain
// and refuses the rest with an error, rather than write different bytes:
//   - null, booleans, numbers (as go-yaml resolves the JSON number text:
//     int64, uint64, else float64 printed with 'g');
//   - strings of [A-Za-z0-9_./-] not starting with '-' or "...": plain, or
//     double-quoted when plain would read back as another type (true, yes,
//     ~, 1_000, 0x1F, .5, ...); strings that may be timestamps
//     ("2024-..."), keys over 128 bytes, integers beyond 2^53 (lost to the
//     float64 round trip) and every other string are refused;
//   - maps (keys in go-yaml's natural order) and lists, nested, in go-yaml
//     v2's block layout ("a:\n  b: 1", "a:\n- 1", "- a: 1\n  b: 2").
//
// Thread-safety: pure functions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "golang/sort.h"
#include "funcs/internal.h"
#include "funcs/json.h"
#include "golang/strconv.h"
#include "template/json_value.h"

namespace confwatch {
namespace {

using funcs_internal::Absl;
using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

absl::Status Unsupported(std::string_view what) {
  return absl::UnimplementedError(absl::StrCat(
      "toYaml: ", Absl(what), " is not supported yet (confwatch reproduces go-yaml's bytes only for "
      "simple scalars, maps and lists)"));
}

// go-yaml v2's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool IsYamlStyleFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (digits == 0) {
    if (i >= s.size() || s[i] != '.') return false;
    ++i;
    size_t frac = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac;
    if (frac == 0) return false;
  } else if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

// go-yaml v2's resolve() of a plain scalar starting with a digit: would it
// read back as an int or a float?
bool ResolvesToNumber(std::string_view s) {
  std::string plain;
  for (char c : s) {
    if (c != '_') plain.push_back(c);
  }
  if (gostrconv::ParseInt(plain, 0, 64).ok() || gostrconv::ParseUint(plain, 0, 64).ok()) return true;
  if (IsYamlStyleFloat(plain) && gostrconv::ParseFloat(plain).ok()) return true;
  if (plain.size() > 2 && plain.compare(0, 2, "0b") == 0) {
    return gostrconv::ParseUint(std::string_view(plain).substr(2), 2, 64).ok();
  }
  return false;
}

// The scalar go-yaml v2 writes for string s, or an error when its rules
// for s are beyond this subset.
absl::StatusOr<std::string> YamlString(std::string_view s) {
  if (s.empty()) return std::string("\"\"");
  for (char c : s) {
    if (!IsLetter(c) && !IsDigit(c) && c != '_' && c != '.' && c != '/' && c != '-') {
      return Unsupported("a string with characters other than letters, digits and _./-");
    }
  }
  if (s[0] == '-' || s.substr(0, 3) == "...") return Unsupported("a string starting with - or ...");
  if (s.size() > 4 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && s[4] == '-') {
    return Unsupported("a string that may be a timestamp");
  }
  static constexpr std::string_view kSpecial[] = {
      "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
      "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
      "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"};
  bool quote = false;
  for (std::string_view special : kSpecial) quote |= s == special;
  if (s[0] == '.') quote |= gostrconv::ParseFloat(s).ok();
  if (IsDigit(s[0])) quote |= ResolvesToNumber(s);
  return quote ? absl::StrCat("\"", Absl(s), "\"") : std::string(s);
}

// A JSON number as go-yaml resolves its text: int64, uint64, else float64.
absl::StatusOr<std::string> YamlNumber(const Value& v) {
  double f = v.AsFloat();
  if (f == static_cast<double>(static_cast<int64_t>(f)) && (f >= 9007199254740992.0 || f <= -9007199254740992.0)) {
    return Unsupported("an integer beyond 2^53");
  }
  absl::StatusOr<std::string> text = GoJsonMarshal(v);
  if (!text.ok()) return text.status();
  if (absl::StatusOr<int64_t> i = gostrconv::ParseInt(*text, 0, 64); i.ok()) return absl::StrCat(*i);
  return gostrconv::FormatFloat(f, 'g', -1, 64);
}

// go-yaml v2's keyList.Less for ASCII string keys: letters sort before
// other runes, runs of digits compare as numbers.
bool KeyLess(const std::string& a, const std::string& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    bool al = IsLetter(a[i]), bl = IsLetter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return bl;
    uint64_t an = 0, bn = 0;  // int64 arithmetic in Go; wraps the same way
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && IsDigit(a[j]);) {
        if (a[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < a.size() && IsDigit(a[ai]); ++ai) an = an * 10 + (a[ai] - '0');
    for (; bi < b.size() && IsDigit(b[bi]); ++bi) bn = bn * 10 + (b[bi] - '0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

absl::Status AppendNode(const Value& v, int indent, std::string* out);

bool IsBlockCollection(const Value& v) {
  return v.valid() && (v.kind() == Kind::kMap || v.kind() == Kind::kSlice) && v.Len() > 0;
}

absl::Status AppendScalar(const Value& v, std::string* out) {
  if (!v.valid() || v.kind() == Kind::kInterface || v.IsNil()) {
    out->append("null");
  } else if (v.kind() == Kind::kBool) {
    out->append(v.AsBool() ? "true" : "false");
  } else if (v.kind() == Kind::kFloat64) {
    absl::StatusOr<std::string> n = YamlNumber(v);
    if (!n.ok()) return n.status();
    out->append(*n);
  } else if (v.kind() == Kind::kString) {
    absl::StatusOr<std::string> s = YamlString(v.AsString());
    if (!s.ok()) return s.status();
    out->append(*s);
  } else if (v.kind() == Kind::kMap) {
    out->append("{}");
  } else {
    out->append("[]");
  }
  return absl::OkStatus();
}

// A map at column `indent`, each entry on its own line. Nested maps indent
// by two; nested lists stay at the key's column (go-yaml v2's layout).
absl::Status AppendMap(const Value& v, int indent, bool first_inline, std::string* out) {
  std::vector<std::string> keys;
  for (const auto& entry : v.AsMap()) keys.push_back(entry.first);
  GoSort(&keys, KeyLess);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].size() > 128) return Unsupported("a key longer than 128 bytes");
    if (i > 0 || !first_inline) out->append(indent, ' ');
    absl::StatusOr<std::string> key = YamlString(keys[i]);
    if (!key.ok()) return key.status();
    absl::StrAppend(out, *key, ":");
    const Value& child = v.AsMap().find(keys[i])->second;
    if (IsBlockCollection(child)) {
      out->push_back('\n');
      absl::Status s = AppendNode(child, child.kind() == Kind::kMap ? indent + 2 : indent, out);
      if (!s.ok()) return s;
      continue;
    }
    out->push_back(' ');
    if (absl::Status s = AppendScalar(child, out); !s.ok()) return s;
    out->push_back('\n');
  }
  return absl::OkStatus();
}

absl::Status AppendList(const Value& v, int indent, bool first_inline, std::string* out) {
  for (size_t i = 0; i < v.Len(); ++i) {
    if (i > 0 || !first_inline) out->append(indent, ' ');
    out->append("- ");
    Value child = v.Index(i);
    if (IsBlockCollection(child)) {
      absl::Status s = child.kind() == Kind::kMap ? AppendMap(child, indent + 2, true, out)
                                                  : AppendList(child, indent + 2, true, out);
      if (!s.ok()) return s;
      continue;
    }
    if (absl::Status s = AppendScalar(child, out); !s.ok()) return s;
    out->push_back('\n');
  }
  return absl::OkStatus();
}

absl::Status AppendNode(const Value& v, int indent, std::string* out) {
  if (!IsBlockCollection(v)) {
    absl::Status s = AppendScalar(v, out);
    out->push_back('\n');
    return s;
  }
  return v.kind() == Kind::kMap ? AppendMap(v, indent, false, out) : AppendList(v, indent, false, out);
}

Result ToYaml(const Value& v) {
  // Helm's toYaml renders "" when marshalling fails (json.Marshal errors).
  absl::StatusOr<std::string> json = GoJsonMarshal(v);
  if (!json.ok()) return Value::String("");
  absl::StatusOr<Value> tree = GoJsonUnmarshal(*json, Type::Any());
  if (!tree.ok()) return tree.status();
  std::string out;
  if (absl::Status s = AppendNode(*tree, 0, &out); !s.ok()) return s;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return Value::String(std::move(out));
}

}  // namespace

namespace funcs_internal {

void AddYamlFuncs(FuncMap* m) {
  Def(m, "toYaml", {Type::Any()}, nullptr, Type::String(),
      [](ExecContext&, Args a) -> Result { return ToYaml(a[0]); });
  Def(m, "fromYaml", {Type::String()}, nullptr, JsonObjectType(),
      [](ExecContext&, Args a) -> Result { return HelmFromYaml(a[0].AsString()); });
}

}  // namespace funcs_internal
}  // namespace confwatch
