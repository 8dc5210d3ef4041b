// sprig's regexMatch, regexFind and regexReplaceAll over RE2. Go's regexp
// package implements RE2 syntax with leftmost-first semantics, which is what
// RE2 does by default, so matches agree; what Go adds on top is reproduced
// here: its error texts, ReplaceAllString's handling of empty matches and
// its $name / ${name} template expansion.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "re2/re2.h"
#include "funcs/internal.h"
#include "golang/strconv.h"
#include "golang/utf8.h"

namespace confwatch {
namespace {

using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;

// Go's regexp/syntax ErrorCode text for an RE2 error.
std::string GoErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorUnexpectedParen: return "unexpected )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "regexp/syntax: internal error";
  }
}

// regexp.Compile: the compiled pattern or Go's *syntax.Error text.
absl::StatusOr<std::shared_ptr<const RE2>> CompileUncached(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(int64_t{64} << 20);  // Go has no such limit; be generous
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (re->ok()) return re;
  return absl::InvalidArgumentError(absl::StrCat(
      "error parsing regexp: ", GoErrorCode(re->error_code()), ": `", re->error_arg(), "`"));
}

// Compiled patterns shared by every render: a template calls a regex
// function with the same literal pattern for each element it ranges over,
// and compiling costs far more than matching. RE2 objects are thread-safe.
// Bounded: when full it is simply emptied (patterns are nearly always
// literals, so it refills with the few that are in use).
class RegexCache {
 public:
  absl::StatusOr<std::shared_ptr<const RE2>> Get(std::string_view pattern) {
    {
      absl::MutexLock lock(&mu_);
      auto it = cache_.find(pattern);
      if (it != cache_.end()) return it->second;
    }
    absl::StatusOr<std::shared_ptr<const RE2>> re = CompileUncached(pattern);
    if (!re.ok()) return re;
    absl::MutexLock lock(&mu_);
    if (cache_.size() >= kMaxEntries) cache_.clear();
    cache_.emplace(std::string(pattern), *re);
    return re;
  }

 private:
  static constexpr size_t kMaxEntries = 256;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const RE2>, std::less<>> cache_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::shared_ptr<const RE2>> Compile(std::string_view pattern) {
  static RegexCache* cache = new RegexCache();
  return cache->Get(pattern);
}

// regexp.MustCompile's panic text, which text/template reports.
absl::Status MustCompileError(std::string_view pattern, const absl::Status& error) {
  std::string quoted = gostrconv::CanBackquote(pattern) ? "`" + std::string(pattern) + "`"
                                                        : gostrconv::Quote(pattern);
  return absl::InvalidArgumentError(
      absl::StrCat("regexp: Compile(", quoted, "): ", error.message()));
}

// Go's regexp extract(): the group name after '$' (in braces or not),
// its number (-1 when not a number), and how many bytes it used.
bool ExtractName(std::string_view s, std::string_view* name, int* num, size_t* used) {
  bool brace = !s.empty() && s[0] == '{';
  size_t start = brace ? 1 : 0, i = start;
  while (i < s.size()) {
    utf8::Decoded d = utf8::DecodeRune(s.substr(i));
    if (!utf8::IsLetter(d.rune) && !utf8::IsDigit(d.rune) && d.rune != '_') break;
    i += d.width;
  }
  if (i == start) return false;
  *name = s.substr(start, i - start);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return false;
    ++i;
  }
  *num = 0;
  for (char c : *name) {
    if (c < '0' || c > '9' || *num >= 100000000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;  // no leading zeros
  *used = i;
  return true;
}

// Regexp.expand: appends `tmpl` with $n, ${n}, $name, ${name} and $$
// replaced; unknown or unmatched groups expand to nothing.
void Expand(std::string* out, std::string_view tmpl, const RE2& re,
            const std::vector<re2::StringPiece>& groups) {
  const std::map<int, std::string>& names = re.CapturingGroupNames();
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name;
    int num;
    size_t used;
    if (!ExtractName(tmpl, &name, &num, &used)) {
      out->push_back('$');  // malformed: the '$' is literal text
      continue;
    }
    tmpl.remove_prefix(used);
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr) {
        out->append(groups[num].data(), groups[num].size());
      }
      continue;
    }
    for (const auto& [index, group_name] : names) {
      if (group_name == name && groups[index].data() != nullptr) {
        out->append(groups[index].data(), groups[index].size());
        break;
      }
    }
  }
  out->append(tmpl);
}

// Regexp.ReplaceAllString: an empty match right after a previous match is
// not replaced, and the search always advances by at least one rune.
std::string ReplaceAll(const RE2& re, std::string_view src, std::string_view repl) {
  std::vector<re2::StringPiece> groups(1 + re.NumberOfCapturingGroups());
  std::string out;
  size_t last_end = 0, search = 0;
  while (search <= src.size()) {
    if (!re.Match(src, search, src.size(), RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      break;
    }
    size_t begin = groups[0].data() - src.data(), end = begin + groups[0].size();
    out.append(src.substr(last_end, begin - last_end));
    if (end > last_end || begin == 0) Expand(&out, repl, re, groups);
    last_end = end;
    size_t width = utf8::DecodeRune(src.substr(search)).width;
    if (search + width > end) {
      search += width;
    } else if (search + 1 > end) {
      ++search;  // at the end of the input the width is 0
    } else {
      search = end;
    }
  }
  out.append(src.substr(last_end));
  return out;
}

}  // namespace

namespace funcs_internal {

void AddRegexFuncs(FuncMap* m) {
  const Type* s = Type::String();
  // sprig's regexMatch ignores a compile error: a bad pattern never matches.
  Def(m, "regexMatch", {s, s}, nullptr, Type::Bool(), [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::shared_ptr<const RE2>> re = Compile(a[0].AsString());
    return Value::Bool(re.ok() && RE2::PartialMatch(a[1].AsString(), **re));
  });
  Def(m, "regexFind", {s, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::shared_ptr<const RE2>> re = Compile(a[0].AsString());
    if (!re.ok()) return MustCompileError(a[0].AsString(), re.status());
    re2::StringPiece match;
    if (!(*re)->Match(a[1].AsString(), 0, a[1].Len(), RE2::UNANCHORED, &match, 1)) {
      return Value::String("");
    }
    return Value::String(std::string(match.data(), match.size()));
  });
  Def(m, "regexReplaceAll", {s, s, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::shared_ptr<const RE2>> re = Compile(a[0].AsString());
    if (!re.ok()) return MustCompileError(a[0].AsString(), re.status());
    return Value::String(ReplaceAll(**re, a[1].AsString(), a[2].AsString()));
  });
}

}  // namespace funcs_internal
}  // namespace confwatch
