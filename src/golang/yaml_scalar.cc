// See yaml_scalar.h. Mirrors yaml.v2's resolve() (resolve.go) for the tags a
// plain scalar can get when decoded into interface{}.
#include "golang/yaml_scalar.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <set>

namespace confwatch {
namespace {

enum class Kind { kNull, kTrue, kFalse, kNaN, kPosInf, kNegInf };

// yaml.v2's resolveMap (merge key "<<" aside: it never reaches a value).
std::optional<Kind> LookupWord(std::string_view s) {
  static const auto* words = new std::set<std::pair<std::string_view, Kind>, std::less<>>{
      {"y", Kind::kTrue},     {"Y", Kind::kTrue},      {"yes", Kind::kTrue},
      {"Yes", Kind::kTrue},   {"YES", Kind::kTrue},    {"true", Kind::kTrue},
      {"True", Kind::kTrue},  {"TRUE", Kind::kTrue},   {"on", Kind::kTrue},
      {"On", Kind::kTrue},    {"ON", Kind::kTrue},     {"n", Kind::kFalse},
      {"N", Kind::kFalse},    {"no", Kind::kFalse},    {"No", Kind::kFalse},
      {"NO", Kind::kFalse},   {"false", Kind::kFalse}, {"False", Kind::kFalse},
      {"FALSE", Kind::kFalse}, {"off", Kind::kFalse},  {"Off", Kind::kFalse},
      {"OFF", Kind::kFalse},  {"", Kind::kNull},       {"~", Kind::kNull},
      {"null", Kind::kNull},  {"Null", Kind::kNull},   {"NULL", Kind::kNull},
      {".nan", Kind::kNaN},   {".NaN", Kind::kNaN},    {".NAN", Kind::kNaN},
      {".inf", Kind::kPosInf}, {".Inf", Kind::kPosInf}, {".INF", Kind::kPosInf},
      {"+.inf", Kind::kPosInf}, {"+.Inf", Kind::kPosInf}, {"+.INF", Kind::kPosInf},
      {"-.inf", Kind::kNegInf}, {"-.Inf", Kind::kNegInf}, {"-.INF", Kind::kNegInf},
  };
  for (const auto& [word, kind] : *words) {
    if (word == s) return kind;
  }
  return std::nullopt;
}

// Go's strconv.ParseUint(s, base 0) magnitude part: prefix picks the base,
// a leading "0" means octal. '_' was removed by the caller.
std::optional<uint64_t> ParseGoUnsigned(std::string_view s) {
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : (p == 'o' ? 8 : 2);
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// strconv.ParseInt(s, 0, 64) then ParseUint: an int or uint64 scalar.
std::optional<YamlScalar> ParseGoInteger(std::string_view s) {
  bool negative = false;
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  std::optional<uint64_t> mag = ParseGoUnsigned(digits);
  if (!mag) return std::nullopt;
  YamlScalar out;
  out.type = YamlScalar::Type::kInt;
  if (negative) {
    if (*mag > uint64_t{1} << 63) return std::nullopt;  // below int64: a float
    out.i = static_cast<int64_t>(0 - *mag);
    return out;
  }
  if (*mag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    // ParseUint does not accept a sign; "+N" beyond int64 is a float.
    if (s[0] == '+') return std::nullopt;
    out.type = YamlScalar::Type::kUint;
    out.u = *mag;
    return out;
  }
  out.i = static_cast<int64_t>(*mag);
  return out;
}

// strconv.ParseFloat(s, 64) for the decimal forms that reach it here: an
// overflow is an error (yaml.v2 then keeps the text), an underflow is not.
std::optional<double> ParseDouble(const std::string& s) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;
  return v;
}

size_t SkipDigits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i;
}

// yaml.v2's yamlStyleFloat:
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool IsYamlStyleFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && s[i] == '.') {
    const size_t start = ++i;
    i = SkipDigits(s, i);
    if (i == start) return false;
  } else {
    const size_t start = i;
    i = SkipDigits(s, i);
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') i = SkipDigits(s, i + 1);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t start = i;
    i = SkipDigits(s, i);
    if (i == start) return false;
  }
  return i == s.size();
}

// Go's strconv underscoreOK for a decimal number: every '_' sits between
// two digits.
bool UnderscoresOk(std::string_view s) {
  char saw = '^';  // '^' start, '0' digit, '_' underscore, '!' other
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      saw = '0';
    } else if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

}  // namespace

std::string FormatGoFloat(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  // The shortest round-trip digits, as Go picks them, then laid out without
  // an exponent. (to_chars' own fixed format prints the exact binary value,
  // "99999999999999991611392" for 1e23, where Go prints 1 and 23 zeros.)
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  std::string_view sci(buf, end - buf);  // "-1.2345e+02"
  std::string out;
  if (sci[0] == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  int exp = std::stoi(std::string(sci.substr(e + 1)));
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  const int n = static_cast<int>(digits.size());
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
  } else if (exp >= n - 1) {
    out += digits;
    out.append(static_cast<size_t>(exp - (n - 1)), '0');
  } else {
    out += digits.substr(0, exp + 1);
    out += '.';
    out += digits.substr(exp + 1);
  }
  return out;
}

namespace {

YamlScalar Typed(YamlScalar::Type type) {
  YamlScalar out;
  out.type = type;
  return out;
}

YamlScalar Float(double f) {
  YamlScalar out = Typed(YamlScalar::Type::kFloat);
  out.f = f;
  return out;
}

std::optional<YamlScalar> ResolveWord(std::string_view in) {
  std::optional<Kind> word = LookupWord(in);
  if (!word) return std::nullopt;
  YamlScalar out = Typed(YamlScalar::Type::kBool);
  switch (*word) {
    case Kind::kNull: return Typed(YamlScalar::Type::kNull);
    case Kind::kTrue: out.b = true; return out;
    case Kind::kFalse: return out;
    case Kind::kNaN: return Float(std::numeric_limits<double>::quiet_NaN());
    case Kind::kPosInf: return Float(std::numeric_limits<double>::infinity());
    case Kind::kNegInf: return Float(-std::numeric_limits<double>::infinity());
  }
  return std::nullopt;
}

}  // namespace

YamlScalar ResolveYamlScalar(std::string_view in) {
  if (std::optional<YamlScalar> word = ResolveWord(in)) return *word;
  const YamlScalar text = Typed(YamlScalar::Type::kString);
  const char hint = in[0];
  if (hint == '.') {
    // ParseFloat on the text as is: '_' only between digits, as in Go code.
    if (UnderscoresOk(in)) {
      std::string digits(in);
      digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
      if (std::optional<double> f = ParseDouble(digits)) return Float(*f);
    }
    return text;
  }
  const bool digit = hint >= '0' && hint <= '9';
  if (!digit && hint != '+' && hint != '-') return text;

  std::string plain(in);
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (std::optional<YamlScalar> i = ParseGoInteger(plain)) return *i;
  if (IsYamlStyleFloat(plain)) {
    if (std::optional<double> f = ParseDouble(plain)) return Float(*f);
  }
  return text;
}

bool IsYamlMergeKey(std::string_view text, std::string_view tag) {
  return text == "<<" && (tag == "?" || tag == "tag:yaml.org,2002:merge");
}

std::optional<std::string> ResolvePlainYamlScalar(std::string_view in) {
  const YamlScalar v = ResolveYamlScalar(in);
  switch (v.type) {
    case YamlScalar::Type::kNull: return std::nullopt;
    case YamlScalar::Type::kBool: return v.b ? "true" : "false";
    case YamlScalar::Type::kInt: return std::to_string(v.i);
    case YamlScalar::Type::kUint: return std::to_string(v.u);
    case YamlScalar::Type::kFloat: return FormatGoFloat(v.f);
    case YamlScalar::Type::kString: break;
  }
  return std::string(in);
}

}  // namespace confwatch
