// Go's unicode/utf8 decoding rules: a byte sequence that is not the shortest
// valid encoding of a rune in [0, 0x10FFFF] minus surrogates decodes as
// U+FFFD of width 1, so invalid input is consumed one byte at a time.
#include "golang/utf8.h"

namespace confwatch {
namespace utf8 {

Decoded DecodeRune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char c0 = p[0];
  if (c0 < 0x80) return {c0, 1};
  size_t need;
  char32_t r;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    need = 2;
    r = c0 & 0x1F;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    need = 3;
    r = c0 & 0x0F;
    if (c0 == 0xE0) lo = 0xA0;
    if (c0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    need = 4;
    r = c0 & 0x07;
    if (c0 == 0xF0) lo = 0x90;
    if (c0 == 0xF4) hi = 0x8F;
  } else {
    return {kRuneError, 1};
  }
  if (s.size() < need) return {kRuneError, 1};
  for (size_t i = 1; i < need; ++i) {
    unsigned char c = p[i];
    unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xBF;
    if (c < min || c > max) return {kRuneError, 1};
    r = (r << 6) | (c & 0x3F);
  }
  return {r, need};
}

Decoded DecodeLastRune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  size_t end = s.size();
  size_t start = end - 1;
  if (static_cast<unsigned char>(s[start]) < 0x80) {
    return {static_cast<unsigned char>(s[start]), 1};
  }
  // Back up over at most 3 continuation bytes to a start byte.
  size_t lim = end >= 4 ? end - 4 : 0;
  while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  Decoded d = DecodeRune(s.substr(start));
  if (start + d.width != end) return {kRuneError, 1};
  return d;
}

int RuneLen(char32_t r) {
  if (r < 0x80) return 1;
  if (r < 0x800) return 2;
  if (r >= 0xD800 && r <= 0xDFFF) return -1;
  if (r < 0x10000) return 3;
  if (r <= kMaxRune) return 4;
  return -1;
}

void AppendRune(std::string* out, char32_t r) {
  if (r > kMaxRune || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else {
      i += DecodeRune(s.substr(i)).width;
    }
  }
  return n;
}

bool ValidString(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    Decoded d = DecodeRune(s.substr(i));
    if (d.rune == kRuneError && d.width == 1) return false;
    i += d.width;
  }
  return true;
}

}  // namespace utf8
}  // namespace confwatch
