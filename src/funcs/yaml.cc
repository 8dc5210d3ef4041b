// Helm's toYaml: sigs.k8s.io/yaml.Marshal (json.Marshal, then go-yaml v2
// reads that JSON back and marshals it), the trailing newline trimmed.
//
// go-yaml v2's output reproduced here:
//   - null, booleans, numbers (as go-yaml resolves the JSON number text:
//     int64, uint64, else float64 printed with 'g');
//   - strings as yaml_emit.h writes them (plain, quoted, literal, folded);
//     a string that may be a date-time, a key over 128 bytes or with a line
//     break, and integers beyond 2^53 are refused with an error rather
//     than written differently;
//   - maps (keys in go-yaml's natural order) and lists, nested, in go-yaml
//     v2's block layout ("a:\n  b: 1", "a:\n- 1", "- a: 1\n  b: 2").
// And Helm's fromYaml (from_yaml.cc).
//
// Thread-safety: pure functions.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "golang/sort.h"
#include "funcs/internal.h"
#include "funcs/json.h"
#include "funcs/yaml_emit.h"
#include "golang/strconv.h"
#include "golang/utf8.h"
#include "template/json_value.h"

namespace confwatch {
namespace {

using funcs_internal::AppendYamlString;
using funcs_internal::YamlUnsupported;
using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;

// A JSON number as go-yaml resolves its text: int64, uint64, else float64.
absl::StatusOr<std::string> YamlNumber(const Value& v) {
  double f = v.AsFloat();
  // Beyond 2^53 every float64 is an integer.
  if (std::isfinite(f) && std::fabs(f) >= 9007199254740992.0 && std::fabs(f) < 1.8446744073709552e19) {
    return YamlUnsupported("an integer beyond 2^53");
  }
  absl::StatusOr<std::string> text = GoJsonMarshal(v);
  if (!text.ok()) return text.status();
  if (absl::StatusOr<int64_t> i = gostrconv::ParseInt(*text, 0, 64); i.ok()) return absl::StrCat(*i);
  return gostrconv::FormatFloat(f, 'g', -1, 64);
}

std::u32string Runes(std::string_view s) {
  std::u32string out;
  while (!s.empty()) {
    const utf8::Decoded d = utf8::DecodeRune(s);
    out.push_back(d.rune);
    s.remove_prefix(d.width);
  }
  return out;
}

// go-yaml v2's keyList.Less for string keys, over runes: letters sort
// before other runes, runs of digits compare as numbers.
bool KeyLess(const std::string& as, const std::string& bs) {
  const std::u32string a = Runes(as), b = Runes(bs);
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    bool al = utf8::IsLetter(a[i]), bl = utf8::IsLetter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return bl;
    int64_t an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && utf8::IsDigit(a[j]);) {
        if (a[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    // Go's int64 arithmetic wraps; so does this (unsigned, then cast).
    auto number = [](const std::u32string& r, size_t k, uint64_t n, size_t* end) {
      for (; k < r.size() && utf8::IsDigit(r[k]); ++k) n = n * 10 + static_cast<uint64_t>(r[k] - U'0');
      *end = k;
      return static_cast<int64_t>(n);
    };
    size_t ai = i, bi = i;
    an = number(a, i, static_cast<uint64_t>(an), &ai);
    bn = number(b, i, static_cast<uint64_t>(bn), &bi);
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

bool IsBlockCollection(const Value& v) {
  return v.valid() && (v.kind() == Kind::kMap || v.kind() == Kind::kSlice) && v.Len() > 0;
}

// Writes scalar v (or an empty collection); *ends_line as AppendYamlString.
absl::Status AppendScalar(const Value& v, int indent, std::string* out, bool* ends_line) {
  *ends_line = false;
  if (!v.valid() || v.kind() == Kind::kInterface || v.IsNil()) {
    out->append("null");
  } else if (v.kind() == Kind::kBool) {
    out->append(v.AsBool() ? "true" : "false");
  } else if (v.kind() == Kind::kFloat64) {
    absl::StatusOr<std::string> n = YamlNumber(v);
    if (!n.ok()) return n.status();
    out->append(*n);
  } else if (v.kind() == Kind::kString) {
    return AppendYamlString(v.AsString(), /*key=*/false, indent, out, ends_line);
  } else if (v.kind() == Kind::kMap) {
    out->append("{}");
  } else {
    out->append("[]");
  }
  return absl::OkStatus();
}

// A scalar value and the end of its line.
absl::Status AppendScalarLine(const Value& v, int indent, std::string* out) {
  bool ends_line = false;
  if (absl::Status s = AppendScalar(v, indent, out, &ends_line); !s.ok()) return s;
  if (!ends_line) out->push_back('\n');
  return absl::OkStatus();
}

// A block map or list being written, one entry per line at column `indent`;
// the first entry continues the parent's line ("- a: 1") when first_inline.
struct Block {
  Value v;
  int indent;
  bool first_inline;
  size_t next = 0;
  std::vector<std::string> keys;  // maps: in go-yaml's order
};

Block OpenBlock(const Value& v, int indent, bool first_inline) {
  Block block{v, indent, first_inline, 0, {}};
  if (v.kind() != Kind::kMap) return block;
  for (const auto& entry : v.AsMap()) block.keys.push_back(entry.first);
  GoSort(&block.keys, KeyLess);
  return block;
}

// Writes the start of the next entry of `top` and returns its value. Nested
// maps indent by two; nested lists stay at the key's column (go-yaml v2's
// layout); a list's element that is a collection starts on the "- " line.
absl::StatusOr<Value> StartEntry(Block* top, int* child_indent, bool* child_inline,
                                 std::string* out) {
  const size_t i = top->next++;
  if (i > 0 || !top->first_inline) out->append(top->indent, ' ');
  if (top->v.kind() == Kind::kSlice) {
    out->append("- ");
    *child_indent = top->indent + 2;
    *child_inline = true;
    return top->v.Index(i);
  }
  bool unused = false;
  absl::Status key = AppendYamlString(top->keys[i], /*key=*/true, top->indent, out, &unused);
  if (!key.ok()) return key;
  out->push_back(':');
  const Value& child = top->v.AsMap().find(top->keys[i])->second;
  *child_indent = child.kind() == Kind::kMap ? top->indent + 2 : top->indent;
  *child_inline = false;
  if (IsBlockCollection(child)) out->push_back('\n');
  return child;
}

// Iterative (a stack of Blocks, not recursion): a value may be nested as
// deep as JSON allows, deeper than a thread's stack would take.
absl::Status AppendNode(const Value& root, std::string* out) {
  if (!IsBlockCollection(root)) return AppendScalarLine(root, 0, out);
  std::vector<Block> stack;
  stack.push_back(OpenBlock(root, 0, false));
  while (!stack.empty()) {
    Block& top = stack.back();
    if (top.next == top.v.Len()) {
      stack.pop_back();
      continue;
    }
    int indent = 0;
    bool inline_first = false;
    absl::StatusOr<Value> child = StartEntry(&top, &indent, &inline_first, out);
    if (!child.ok()) return child.status();
    if (IsBlockCollection(*child)) {
      stack.push_back(OpenBlock(*child, indent, inline_first));
      continue;
    }
    if (top.v.kind() == Kind::kMap) out->push_back(' ');
    if (absl::Status s = AppendScalarLine(*child, top.indent, out); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// yaml_check_utf8 / reader.go: DEL, C1 controls but NEL, U+FFFE, U+FFFF.
bool HasCharNotAllowedInYaml(std::string_view json) {
  while (!json.empty()) {
    const utf8::Decoded d = utf8::DecodeRune(json);
    const char32_t r = d.rune;
    if (r == 0x7F || (r >= 0x80 && r <= 0x9F && r != 0x85) || r == 0xFFFE || r == 0xFFFF) return true;
    json.remove_prefix(d.width);
  }
  return false;
}

Result ToYaml(const Value& v) {
  // Helm's toYaml renders "" when marshalling fails (json.Marshal errors).
  absl::StatusOr<std::string> json = GoJsonMarshal(v);
  if (!json.ok()) return Value::String("");
  // go-yaml's reader refuses characters YAML does not allow in a stream;
  // JSON escapes the other control characters.
  if (HasCharNotAllowedInYaml(*json)) return Value::String("");
  // go-yaml reads a raw U+0085 inside the JSON's quoted string as a line
  // break and folds it (with the spaces around it); not ported.
  if (json->find("\xC2\x85") != std::string::npos) return YamlUnsupported("a string with U+0085");
  absl::StatusOr<Value> tree = GoJsonUnmarshal(*json, Type::Any());
  if (!tree.ok()) return tree.status();
  std::string out;
  if (absl::Status s = AppendNode(*tree, &out); !s.ok()) return s;
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
