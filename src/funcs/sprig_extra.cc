// The functions templates from other tools call that neither confd's map
// nor sprig.cc had (issue 19):
//   sprig v3.2.3   upper title trim int now b64enc b64dec sha1sum uuidv4,
//                  and of its other common ones lower hasPrefix hasSuffix
//                  trimAll splitList trunc add1 max min (toString first
//                  last rest initial uniq without compact has in
//                  sprig.cc)
//   consul-template replaceAll md5sum
//   confd fork     snakecase camelcase kebabcase pluck (abtreece/confd
//                  pkg/template/utility_funcs.go; sprig has functions of the
//                  same names with other word rules: the fork's win, as a
//                  confd user moving over expects them)
// each with the Go signature and result of the original, quirks included
// (b64dec returns the decoder's error text as its result, int is 0 for
// anything spf13/cast cannot convert). SHA-1, MD5 and the random bytes of
// uuidv4 come from OpenSSL.
//
// Thread-safety: pure functions (uuidv4 uses OpenSSL's thread-safe RAND).
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "funcs/internal.h"
#include "funcs/time.h"
#include "golang/unicode.h"
#include "golang/strconv.h"
#include "template/json_value.h"
#include "golang/utf8.h"

namespace confwatch {
namespace {

using funcs_internal::Absl;
using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;
using funcs_internal::Str;

// ------------------------------------------------------------- strings

// unicode.ToTitle: ToUpper except for the digraphs with a title-case form
// and Georgian, whose title case is the letter itself.
char32_t ToTitle(char32_t r) {
  if (r >= 0x01C4 && r <= 0x01CC) return 0x01C5 + (r - 0x01C4) / 3 * 3;
  if (r >= 0x01F1 && r <= 0x01F3) return 0x01F2;
  if ((r >= 0x10D0 && r <= 0x10FA) || (r >= 0x10FD && r <= 0x10FF)) return r;
  return gounicode::ToUpper(r);
}

// strings.Title's isSeparator: beyond ASCII a letter or digit is never a
// space, so only unicode.IsSpace decides there.
bool IsTitleSeparator(char32_t r) {
  if (r <= 0x7F) {
    bool word = (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_';
    return !word;
  }
  return gounicode::IsSpace(r);
}

// strings.Title (deprecated in Go but what sprig calls): the first letter of
// each word to title case; strings.Map turns invalid bytes into U+FFFD.
std::string Title(std::string_view s) {
  std::string out;
  char32_t prev = ' ';
  bool changed = false;
  for (size_t i = 0; i < s.size();) {
    utf8::Decoded d = utf8::DecodeRune(s.substr(i));
    char32_t r = IsTitleSeparator(prev) ? ToTitle(d.rune) : d.rune;
    changed |= r != d.rune || (d.rune == utf8::kRuneError && d.width == 1);
    prev = d.rune;
    utf8::AppendRune(&out, r);
    i += d.width;
  }
  return changed ? out : std::string(s);
}

// strings.TrimSpace.
std::string_view TrimSpace(std::string_view s) {
  while (!s.empty()) {
    utf8::Decoded d = utf8::DecodeRune(s);
    if (!gounicode::IsSpace(d.rune)) break;
    s.remove_prefix(d.width);
  }
  while (!s.empty()) {
    utf8::Decoded d = utf8::DecodeLastRune(s);
    if (!gounicode::IsSpace(d.rune)) break;
    s.remove_suffix(d.width);
  }
  return s;
}

// strings.Trim(s, cutset): an all-ASCII cutset trims bytes; otherwise runes,
// an invalid byte of s matching when cutset holds U+FFFD or an invalid
// byte itself (strings.ContainsRune with RuneError).
std::string_view Trim(std::string_view s, std::string_view cutset) {
  if (s.empty() || cutset.empty()) return s;
  bool ascii = true;
  for (unsigned char c : cutset) ascii &= c < 0x80;
  std::vector<char32_t> runes;
  for (size_t i = 0; i < cutset.size();) {
    utf8::Decoded d = utf8::DecodeRune(cutset.substr(i));
    runes.push_back(d.rune);
    i += d.width;
  }
  auto in_cutset = [&](char32_t r) {
    for (char32_t c : runes) {
      if (c == r) return true;
    }
    return false;
  };
  while (!s.empty()) {
    utf8::Decoded d = ascii ? utf8::Decoded{static_cast<unsigned char>(s[0]), 1} : utf8::DecodeRune(s);
    if (!in_cutset(d.rune)) break;
    s.remove_prefix(d.width);
  }
  while (!s.empty()) {
    utf8::Decoded d = ascii ? utf8::Decoded{static_cast<unsigned char>(s.back()), 1} : utf8::DecodeLastRune(s);
    if (!in_cutset(d.rune)) break;
    s.remove_suffix(d.width);
  }
  return s;
}

// unicode.IsUpper/IsLower for the fork's word splitting: exact for Latin-1;
// beyond it a rune counts as upper (lower) case when it has a lower (upper)
// case mapping, which is true of nearly every cased letter.
bool IsUpper(char32_t r) { return gounicode::ToLower(r) != r; }
bool IsLower(char32_t r) { return r == 0xDF || gounicode::ToUpper(r) != r; }

// The fork's splitWords: breaks at '_', '-' and ' ' (dropped) and before an
// upper-case rune that follows a lower-case one or starts a capitalised
// word ("HTTPServer" -> HTTP, Server). Invalid bytes become U+FFFD, as
// []rune(s) makes them.
std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<char32_t> runes;
  for (size_t i = 0; i < s.size();) {
    utf8::Decoded d = utf8::DecodeRune(s.substr(i));
    runes.push_back(d.rune);
    i += d.width;
  }
  std::vector<std::string> words;
  std::string current;
  for (size_t i = 0; i < runes.size(); ++i) {
    char32_t r = runes[i];
    if (r == '_' || r == '-' || r == ' ') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (IsUpper(r) && !current.empty()) {
      bool next_lower = i + 1 < runes.size() && IsLower(runes[i + 1]);
      if (next_lower || !IsUpper(runes[i - 1])) {
        words.push_back(std::move(current));
        current.clear();
      }
    }
    utf8::AppendRune(&current, r);
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

std::string JoinLowered(std::string_view s, std::string_view sep) {
  std::vector<std::string> words = SplitWords(s);
  for (std::string& w : words) w = gounicode::StringToLower(w);
  return absl::StrJoin(words, Absl(sep));
}

// The fork's camelcase: the first word lower case, the others capitalised.
std::string CamelCase(std::string_view s) {
  std::vector<std::string> words = SplitWords(s);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string lower = gounicode::StringToLower(words[i]);
    if (i == 0 || lower.empty()) {
      out.append(lower);
      continue;
    }
    utf8::Decoded first = utf8::DecodeRune(lower);
    utf8::AppendRune(&out, gounicode::ToUpper(first.rune));
    out.append(lower, first.width, std::string::npos);
  }
  return out;
}

void AddStringFuncs(FuncMap* m) {
  const Type* s = Type::String();
  Def(m, "upper", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(gounicode::StringToUpper(a[0].AsString()));
  });
  Def(m, "title", {s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Value::String(Title(a[0].AsString())); });
  Def(m, "trim", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(std::string(TrimSpace(a[0].AsString())));
  });
  // consul-template's replaceAll FROM TO S.
  Def(m, "replaceAll", {s, s, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(
        funcs_internal::GoReplace(a[2].AsString(), a[0].AsString(), a[1].AsString(), -1));
  });
  Def(m, "snakecase", {s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Value::String(JoinLowered(a[0].AsString(), "_")); });
  Def(m, "kebabcase", {s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Value::String(JoinLowered(a[0].AsString(), "-")); });
  Def(m, "camelcase", {s}, nullptr, s,
      [](ExecContext&, Args a) -> Result { return Value::String(CamelCase(a[0].AsString())); });
  Def(m, "lower", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(gounicode::StringToLower(a[0].AsString()));
  });
  // sprig's hasPrefix/hasSuffix/trimAll/splitList take the string last.
  Def(m, "hasPrefix", {s, s}, nullptr, Type::Bool(), [](ExecContext&, Args a) -> Result {
    return Value::Bool(a[1].AsString().substr(0, a[0].Len()) == a[0].AsString());
  });
  Def(m, "hasSuffix", {s, s}, nullptr, Type::Bool(), [](ExecContext&, Args a) -> Result {
    std::string_view str = a[1].AsString(), suffix = a[0].AsString();
    return Value::Bool(str.size() >= suffix.size() && str.substr(str.size() - suffix.size()) == suffix);
  });
  Def(m, "trimAll", {s, s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(std::string(Trim(a[1].AsString(), a[0].AsString())));
  });
  Def(m, "splitList", {s, s}, nullptr, funcs_internal::StringSlice(), [](ExecContext&, Args a) -> Result {
    return Value::StringList(funcs_internal::GoSplit(a[1].AsString(), a[0].AsString()));
  });
  // trunc N S: the first N bytes, or for N < 0 the last -N.
  Def(m, "trunc", {Type::Int(), s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    int64_t c = a[0].AsInt();
    std::string_view str = a[1].AsString();
    int64_t len = static_cast<int64_t>(str.size());
    if (c < 0 && len + c > 0) return Value::String(std::string(str.substr(len + c)));
    if (c >= 0 && len > c) return Value::String(std::string(str.substr(0, c)));
    return Value::String(std::string(str));
  });
}

// ------------------------------------------------------- numbers, codecs

// Go's int(f) on amd64: truncation, and the "integer indefinite" value
// (math.MinInt64) for NaN and out-of-range values.
int64_t FloatToInt(double f) {
  if (!(f > -9223372036854775808.0 && f < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(f);
}

// cast.ToInt (spf13/cast, what sprig's int calls): unnamed integer, float
// and bool values convert, strings parse with base prefixes (after
// trimZeroDecimal drops a ".0…" tail); anything else, a failed parse
// included, is 0.
int64_t CastToInt(const Value& v) {
  if (!v.valid() || v.kind() == Kind::kInterface) return 0;
  const Type* t = v.type();
  bool unnamed = t->underlying() == t;
  if (t->name() == "time.Month" || t->name() == "time.Weekday") return v.AsInt();
  if (!unnamed) return 0;
  if (t->IsUnsigned()) return static_cast<int64_t>(v.AsUint());
  if (t->IsInteger()) return v.AsInt();
  if (t->IsFloat()) return FloatToInt(v.AsFloat());
  if (v.kind() == Kind::kBool) return v.AsBool() ? 1 : 0;
  if (v.kind() != Kind::kString) return 0;
  std::string_view s = v.AsString();
  // trimZeroDecimal: "12.00" -> "12"; only zeros may follow the dot.
  bool zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    char c = s[i - 1];
    if (c == '.' && zero) {
      s = s.substr(0, i - 1);
      break;
    }
    if (c != '0' && c != '.') break;
    zero |= c == '0';
  }
  absl::StatusOr<int64_t> n = gostrconv::ParseInt(s, 0, 64);
  return n.ok() ? *n : 0;
}

std::string HexDigest(const EVP_MD* md, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), len));
}

// google/uuid's NewRandom: 16 random bytes, version 4, RFC 4122 variant.
absl::StatusOr<std::string> UuidV4() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) return absl::InternalError("uuidv4: no random bytes");
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  std::string hex = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(b), 16));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

void AddCodecFuncs(FuncMap* m, const FuncEnv* env) {
  const Type* s = Type::String();
  Def(m, "int", {Type::Any()}, nullptr, Type::Int(),
      [](ExecContext&, Args a) -> Result { return Value::Int(CastToInt(a[0])); });
  // add1 returns int64 (cast.ToInt64 + 1), which %T shows.
  Def(m, "add1", {Type::Any()}, nullptr, Type::Int64(), [](ExecContext&, Args a) -> Result {
    return Value::Integer(Type::Int64(), static_cast<uint64_t>(CastToInt(a[0])) + 1);
  });
  // max/min A B...: int64 over cast.ToInt64 of each argument.
  for (bool is_max : {true, false}) {
    Def(m, is_max ? "max" : "min", {Type::Any()}, Type::Any(), Type::Int64(),
        [is_max](ExecContext&, Args a) -> Result {
          int64_t best = CastToInt(a[0]);
          for (size_t i = 1; i < a.size(); ++i) {
            int64_t v = CastToInt(a[i]);
            if (is_max ? v > best : v < best) best = v;
          }
          return Value::Integer(Type::Int64(), static_cast<uint64_t>(best));
        });
  }
  Def(m, "now", {}, nullptr, TimeType(),
      [env](ExecContext&, Args) -> Result { return MakeTimeValue(env->Now()); });
  Def(m, "b64enc", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(absl::Base64Escape(Absl(a[0].AsString())));
  });
  // sprig returns the decoder's error text in place of the data.
  Def(m, "b64dec", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    absl::StatusOr<std::string> out = funcs_internal::Base64Decode(a[0].AsString());
    return Value::String(out.ok() ? std::move(*out) : std::string(out.status().message()));
  });
  Def(m, "sha1sum", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(HexDigest(EVP_sha1(), a[0].AsString()));
  });
  Def(m, "md5sum", {s}, nullptr, s, [](ExecContext&, Args a) -> Result {
    return Value::String(HexDigest(EVP_md5(), a[0].AsString()));
  });
  Def(m, "uuidv4", {}, nullptr, s, [](ExecContext&, Args) -> Result {
    absl::StatusOr<std::string> id = UuidV4();
    if (!id.ok()) return id.status();
    return Value::String(std::move(*id));
  });
}

// The fork's pluck KEY MAPS...: the values of KEY in the maps that have it;
// a nil []interface{} (toJson: null) when none has.
void AddPluck(FuncMap* m) {
  Def(m, "pluck", {Type::String()}, JsonObjectType(), JsonArrayType(),
      [](ExecContext&, Args a) -> Result {
        ValueList found;
        for (size_t i = 1; i < a.size(); ++i) {
          if (a[i].IsNil()) continue;
          auto it = a[i].AsMap().find(Str(a[0]));
          if (it != a[i].AsMap().end()) found.push_back(it->second);
        }
        if (found.empty()) return Value::Zero(JsonArrayType());
        return Value::List(JsonArrayType(), std::move(found));
      });
}

}  // namespace

namespace funcs_internal {

void AddSprigExtraFuncs(FuncMap* m, const FuncEnv* env) {
  AddStringFuncs(m);
  AddCodecFuncs(m, env);
  AddPluck(m);
}

}  // namespace funcs_internal
}  // namespace confwatch
