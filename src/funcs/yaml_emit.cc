// See yaml_emit.h. A port of the parts of go-yaml v2's encode.go (stringv)
// and emitterc.go (yaml_emitter_analyze_scalar, _select_scalar_style,
// _write_plain/single_quoted/double_quoted/literal_scalar, _write_indent)
// that a block-context string reaches. Flow context never occurs: yaml.v2's
// Marshal writes empty collections as "{}" / "[]" and nothing else in flow.
#include "funcs/yaml_emit.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "funcs/internal.h"
#include "golang/utf8.h"
#include "golang/yaml_scalar.h"

namespace confwatch::funcs_internal {
namespace {

constexpr int kBestWidth = 80;
constexpr int kBestIndent = 2;
constexpr size_t kMaxSimpleKey = 128;

unsigned char At(std::string_view v, size_t i) { return i < v.size() ? static_cast<unsigned char>(v[i]) : 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t Width(std::string_view v, size_t i) {
  const unsigned char b = At(v, i);
  if ((b & 0x80) == 0) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  return 4;
}

// yamlprivateh.go's is_printable (on valid UTF-8).
bool IsPrintable(std::string_view v, size_t i) {
  const unsigned char b = At(v, i), b1 = At(v, i + 1), b2 = At(v, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) || (b > 0xC2 && b < 0xED) ||
         (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

bool IsBreak(std::string_view v, size_t i) {
  const unsigned char b = At(v, i), b1 = At(v, i + 1), b2 = At(v, i + 2);
  return b == '\r' || b == '\n' || (b == 0xC2 && b1 == 0x85) || (b == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9));
}

bool IsBlank(std::string_view v, size_t i) { return At(v, i) == ' ' || At(v, i) == '\t'; }
bool IsBlankz(std::string_view v, size_t i) { return IsBlank(v, i) || IsBreak(v, i) || At(v, i) == 0; }

// The flags of yaml_emitter_analyze_scalar that block context reads.
struct Analysis {
  bool multiline = false;
  bool plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
};

struct Marks {
  bool indicators = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false;
};

// Block indicators: characters that make a plain scalar read as something else.
bool IsIndicator(std::string_view v, size_t i, bool preceded_by_ws, bool followed_by_ws) {
  const char c = v[i];
  if (i == 0) {
    if (std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos) return true;
    return (c == '?' || c == ':' || c == '-') && followed_by_ws;
  }
  return (c == ':' && followed_by_ws) || (c == '#' && preceded_by_ws);
}

void MarkSpaceOrBreak(std::string_view v, size_t i, bool* previous_space, bool* previous_break, Marks* m) {
  const bool last = i + Width(v, i) == v.size();
  if (At(v, i) == ' ') {
    m->leading_space |= i == 0;
    m->trailing_space |= last;
    m->break_space |= *previous_break;
    *previous_space = true;
    *previous_break = false;
  } else if (IsBreak(v, i)) {
    m->line_breaks = true;
    m->leading_break |= i == 0;
    m->trailing_break |= last;
    m->space_break |= *previous_space;
    *previous_space = false;
    *previous_break = true;
  } else {
    *previous_space = *previous_break = false;
  }
}

Analysis Analyze(std::string_view v) {
  Analysis a;
  if (v.empty()) {
    a.block_allowed = false;
    return a;
  }
  Marks m;
  m.indicators = v.substr(0, 3) == "---" || v.substr(0, 3) == "...";
  bool preceded_by_ws = true, previous_space = false, previous_break = false;
  for (size_t i = 0, w = 0; i < v.size(); i += w) {
    w = Width(v, i);
    const bool followed_by_ws = i + w >= v.size() || IsBlank(v, i + w);
    m.indicators |= IsIndicator(v, i, preceded_by_ws, followed_by_ws);
    m.special |= !IsPrintable(v, i);  // unicode output is on: only unprintables
    MarkSpaceOrBreak(v, i, &previous_space, &previous_break, &m);
    preceded_by_ws = IsBlankz(v, i);
  }
  a.multiline = m.line_breaks;
  if (m.leading_space || m.leading_break || m.trailing_space || m.trailing_break) a.plain_allowed = false;
  if (m.trailing_space) a.block_allowed = false;
  if (m.break_space) a.plain_allowed = a.single_quoted_allowed = false;
  if (m.space_break || m.special) a.plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
  if (m.line_breaks || m.indicators) a.plain_allowed = false;
  return a;
}

// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$, quoted for old parsers.
bool IsBase60Float(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i >= s.size() || !IsDigit(s[i])) return false;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    if (i + 1 < s.size() && s[i] >= '0' && s[i] <= '5' && IsDigit(s[i + 1])) {
      i += 2;  // a shorter match would leave a digit no group can take
    } else if (i < s.size() && IsDigit(s[i])) {
      ++i;
    } else {
      return false;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (IsDigit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

// Go's getnum(s, false): one or two digits.
bool GetNum(std::string_view s, size_t* i, int* n) {
  if (*i >= s.size() || !IsDigit(s[*i])) return false;
  *n = s[(*i)++] - '0';
  if (*i < s.size() && IsDigit(s[*i])) *n = *n * 10 + (s[(*i)++] - '0');
  return true;
}

// time.Parse of a number field with a range check: getnum(s, false), then
// value <= max (Go reports "out of range" otherwise).
bool GetNumAtMost(std::string_view s, size_t* i, int max) {
  int n = 0;
  return GetNum(s, i, &n) && n <= max;
}

// The rest of "15:4:5.999999999" (and "Z07:00" when `zone`) after the
// date and its separator, as time.Parse reads it.
bool ParseClock(std::string_view s, size_t i, bool zone) {
  if (!GetNumAtMost(s, &i, 23) || i >= s.size() || s[i++] != ':') return false;
  if (!GetNumAtMost(s, &i, 59) || i >= s.size() || s[i++] != ':') return false;
  if (!GetNumAtMost(s, &i, 59)) return false;
  // ".999999999": optional; a '.' or ',' followed by a digit starts it,
  // and it takes at most nine digits.
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && IsDigit(s[i + 1])) {
    const size_t end = i + 10;
    for (++i; i < s.size() && i < end && IsDigit(s[i]);) ++i;
  }
  if (!zone) return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  // "-07:00": sign, two digits, ':', two digits; Go 1.19 checks no range
  // (the goldens' release; 1.20 refuses an hour over 24).
  std::string_view z = s.substr(i);
  if (z.size() != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':') return false;
  return IsDigit(z[1]) && IsDigit(z[2]) && IsDigit(z[4]) && IsDigit(z[5]);
}

// go-yaml's parseTimestamp: time.Parse with "2006-1-2T15:4:5.999999999Z07:00"
// (also with 't'), "2006-1-2 15:4:5.999999999" or "2006-1-2".
bool IsTimestamp(std::string_view s) {
  if (s.size() < 5 || !IsDigit(s[0]) || !IsDigit(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3]) || s[4] != '-') {
    return false;
  }
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  size_t i = 5;
  int month = 0, day = 0;
  if (!GetNum(s, &i, &month) || i >= s.size() || s[i++] != '-' || !GetNum(s, &i, &day)) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return false;
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
  if (i == s.size()) return true;
  if (s[i] == 'T' || s[i] == 't') return ParseClock(s, i + 1, /*zone=*/true);
  return s[i] == ' ' && ParseClock(s, i + 1, /*zone=*/false);
}

enum class Style { kPlain, kSingle, kDouble, kLiteral };

Style SelectStyle(std::string_view s, bool key, const Analysis& a) {
  const bool can_use_plain =
      ResolveYamlScalar(s).type == YamlScalar::Type::kString && !IsTimestamp(s) && !IsBase60Float(s);
  Style style = s.find('\n') != std::string_view::npos ? Style::kLiteral
                : can_use_plain                         ? Style::kPlain
                                                        : Style::kDouble;
  if (style == Style::kPlain && !a.plain_allowed) style = Style::kSingle;
  if (style == Style::kSingle && !a.single_quoted_allowed) style = Style::kDouble;
  if (style == Style::kLiteral && (!a.block_allowed || key)) style = Style::kDouble;
  return style;
}

// The emitter's position while one scalar is written.
class Writer {
 public:
  Writer(std::string* out, int indent, bool allow_breaks) : out_(out), indent_(indent), allow_breaks_(allow_breaks) {
    const size_t nl = out->rfind('\n');
    column_ = static_cast<int>(utf8::RuneCount(std::string_view(*out).substr(nl == std::string::npos ? 0 : nl + 1)));
  }

  void Put(char c) {
    out_->push_back(c);
    ++column_;
  }
  void Write(std::string_view v, size_t* i) {
    const size_t w = Width(v, *i);
    out_->append(v.substr(*i, w));
    *i += w;
    ++column_;
  }
  void PutBreak() {
    out_->push_back('\n');
    column_ = 0;
  }
  // yaml_emitter_write_indent in the middle of a line or after a break: a
  // fold happens past column 80, always beyond the column it left, so it
  // always breaks the line (also when the indent itself is past 80).
  void Indent() {
    if (column_ > 0) PutBreak();
    while (column_ < indent_) Put(' ');
  }
  bool MayFold() const { return allow_breaks_ && column_ > kBestWidth; }

 private:
  std::string* out_;
  int indent_;
  bool allow_breaks_;
  int column_ = 0;
};

// Plain and single-quoted scalars: folded at a single space past column 80
// (in quotes never at the first or last character); ' doubled in quotes.
void WriteFoldable(std::string_view v, bool quoted, Writer* w) {
  if (quoted) w->Put('\'');
  bool spaces = false;
  for (size_t i = 0; i < v.size();) {
    const bool inner = !quoted || (i > 0 && i < v.size() - 1);
    if (v[i] == ' ') {
      if (!spaces && w->MayFold() && inner && At(v, i + 1) != ' ') {
        w->Indent();
        ++i;
      } else {
        w->Write(v, &i);
      }
      spaces = true;
    } else {
      if (quoted && v[i] == '\'') w->Put('\'');
      w->Write(v, &i);
      spaces = false;
    }
  }
  if (quoted) w->Put('\'');
}

void WriteEscape(char32_t r, Writer* w) {
  w->Put('\\');
  static constexpr std::pair<char32_t, char> kShort[] = {
      {0x00, '0'}, {0x07, 'a'}, {0x08, 'b'}, {0x09, 't'}, {0x0A, 'n'},  {0x0B, 'v'},   {0x0C, 'f'},  {0x0D, 'r'},
      {0x1B, 'e'}, {0x22, '"'}, {0x5C, '\\'}, {0x85, 'N'}, {0xA0, '_'}, {0x2028, 'L'}, {0x2029, 'P'}};
  for (const auto& [rune, c] : kShort) {
    if (rune == r) return w->Put(c);
  }
  const int digits = r <= 0xFF ? 2 : r <= 0xFFFF ? 4 : 8;
  w->Put(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
  for (int k = (digits - 1) * 4; k >= 0; k -= 4) w->Put("0123456789ABCDEF"[(r >> k) & 0xF]);
}

void WriteDoubleQuoted(std::string_view v, Writer* w) {
  w->Put('"');
  // go-yaml's is_bom looks at the string's first bytes whatever the index:
  // a string starting with U+FEFF has every character escaped.
  const bool bom = v.substr(0, 3) == "\xEF\xBB\xBF";
  bool spaces = false;
  for (size_t i = 0; i < v.size();) {
    if (!IsPrintable(v, i) || bom || IsBreak(v, i) || v[i] == '"' || v[i] == '\\') {
      const utf8::Decoded d = utf8::DecodeRune(v.substr(i));
      i += d.width;
      WriteEscape(d.rune, w);
      spaces = false;
    } else if (v[i] == ' ') {
      if (!spaces && w->MayFold() && i > 0 && i < v.size() - 1) {
        w->Indent();
        if (At(v, i + 1) == ' ') w->Put('\\');
        ++i;
      } else {
        w->Write(v, &i);
      }
      spaces = true;
    } else {
      w->Write(v, &i);
      spaces = false;
    }
  }
  w->Put('"');
}

// "|" with yaml_emitter_write_block_scalar_hints, then the lines indented
// (empty lines stay empty).
void WriteLiteral(std::string_view v, Writer* w) {
  w->Put('|');
  if (v[0] == ' ' || IsBreak(v, 0)) w->Put('0' + kBestIndent);
  const bool ends_break = v.back() == '\n';
  if (!ends_break) {
    w->Put('-');
  } else if (v.size() == 1 || v[v.size() - 2] == '\n') {
    w->Put('+');
  }
  w->PutBreak();
  bool breaks = true;
  for (size_t i = 0; i < v.size();) {
    if (v[i] == '\n') {
      w->PutBreak();
      ++i;
      breaks = true;
    } else {
      if (breaks) w->Indent();
      w->Write(v, &i);
      breaks = false;
    }
  }
}

}  // namespace

absl::Status YamlUnsupported(std::string_view what) {
  return absl::UnimplementedError(
      absl::StrCat("toYaml: ", Absl(what),
                   " is not supported yet (confwatch reproduces go-yaml's bytes only for scalars, maps and lists "
                   "it has ported the rules of)"));
}

absl::Status AppendYamlString(std::string_view s, bool key, int indent, std::string* out, bool* ends_line) {
  *ends_line = false;
  // U+2028/U+2029 are printable line breaks: outside double quotes go-yaml
  // writes them raw and re-indents after them; not ported.
  if (s.find("\xE2\x80\xA8") != std::string_view::npos || s.find("\xE2\x80\xA9") != std::string_view::npos) {
    return YamlUnsupported("a string with U+2028 or U+2029");
  }
  const Analysis a = Analyze(s);
  if (key && (a.multiline || s.size() > kMaxSimpleKey)) {
    return YamlUnsupported("a key longer than 128 bytes or with a line break");
  }
  const Style style = SelectStyle(s, key, a);
  Writer w(out, indent + kBestIndent, !key);
  switch (style) {
    case Style::kPlain: WriteFoldable(s, /*quoted=*/false, &w); break;
    case Style::kSingle: WriteFoldable(s, /*quoted=*/true, &w); break;
    case Style::kDouble: WriteDoubleQuoted(s, &w); break;
    case Style::kLiteral:
      WriteLiteral(s, &w);
      *ends_line = s.back() == '\n';
      break;
  }
  return absl::OkStatus();
}

}  // namespace confwatch::funcs_internal
