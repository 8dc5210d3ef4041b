// See path_match.h. The structure follows Go's src/path/match.go so that every
// corner (where a star may skip, when a bad class is noticed) behaves the
// same; the code is ours.
#include "golang/path_match.h"

#include <cstdint>

namespace confwatch {
namespace {

constexpr char32_t kRuneError = 0xFFFD;

// utf8.DecodeRuneInString: invalid or truncated sequences decode as
// (kRuneError, 1); an empty string as (kRuneError, 0).
char32_t DecodeRune(std::string_view s, size_t* size) {
  if (s.empty()) {
    *size = 0;
    return kRuneError;
  }
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = b(0);
  *size = 1;
  if (b0 < 0x80) return b0;
  int n = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    return kRuneError;
  }
  if (s.size() < static_cast<size_t>(n) || b(1) < lo || b(1) > hi) return kRuneError;
  char32_t r = b0 & (0x7F >> n);
  r = (r << 6) | (b(1) & 0x3F);
  for (int i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return kRuneError;
    r = (r << 6) | (b(i) & 0x3F);
  }
  *size = n;
  return r;
}

enum class ChunkResult { kMatch, kNoMatch, kBadPattern };

// scanChunk: splits off the leading stars and the following star-free chunk
// (a '*' inside [...] or after '\\' does not end the chunk).
void ScanChunk(std::string_view* pattern, bool* star, std::string_view* chunk) {
  std::string_view p = *pattern;
  *star = false;
  while (!p.empty() && p[0] == '*') {
    p.remove_prefix(1);
    *star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size()) ++i;  // a trailing '\\' is reported by MatchChunk
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  *chunk = p.substr(0, i);
  *pattern = p.substr(i);
}

// getEsc: one possibly escaped character of a class. False on a bad pattern.
bool GetEscaped(std::string_view* chunk, char32_t* r) {
  std::string_view c = *chunk;
  if (c.empty() || c[0] == '-' || c[0] == ']') return false;
  if (c[0] == '\\') {
    c.remove_prefix(1);
    if (c.empty()) return false;
  }
  size_t n = 0;
  *r = DecodeRune(c, &n);
  if (*r == kRuneError && n == 1) return false;
  c.remove_prefix(n);
  *chunk = c;
  return !c.empty();  // a class must still be closed by ']'
}

// Parses one [...] class at the start of *chunk (after the '['), testing r.
bool MatchClass(std::string_view* chunk, char32_t r, bool* matched) {
  bool negated = false;
  if (!chunk->empty() && (*chunk)[0] == '^') {
    negated = true;
    chunk->remove_prefix(1);
  }
  bool match = false;
  for (int nrange = 0;; ++nrange) {
    if (!chunk->empty() && (*chunk)[0] == ']' && nrange > 0) {
      chunk->remove_prefix(1);
      break;
    }
    char32_t lo, hi;
    if (!GetEscaped(chunk, &lo)) return false;
    hi = lo;
    if ((*chunk)[0] == '-') {
      chunk->remove_prefix(1);
      if (!GetEscaped(chunk, &hi)) return false;
    }
    if (lo <= r && r <= hi) match = true;
  }
  *matched = match != negated;
  return true;
}

// matchChunk: does `chunk` match the beginning of s? On a match *rest is the
// remainder. After a mismatch the chunk is still parsed to the end, so a
// malformed chunk is always reported.
ChunkResult MatchChunk(std::string_view chunk, std::string_view s, std::string_view* rest) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    const char c = chunk[0];
    if (c == '[') {
      char32_t r = 0;
      if (!failed) {
        size_t n = 0;
        r = DecodeRune(s, &n);
        s.remove_prefix(n);
      }
      chunk.remove_prefix(1);
      bool matched = false;
      if (!MatchClass(&chunk, r, &matched)) return ChunkResult::kBadPattern;
      if (!matched) failed = true;
    } else if (c == '?') {
      if (!failed) {
        if (s[0] == '/') failed = true;
        size_t n = 0;
        DecodeRune(s, &n);
        s.remove_prefix(n);
      }
      chunk.remove_prefix(1);
    } else {
      if (c == '\\') {
        chunk.remove_prefix(1);
        if (chunk.empty()) return ChunkResult::kBadPattern;
      }
      if (!failed) {
        if (chunk[0] != s[0]) failed = true;
        s.remove_prefix(1);
      }
      chunk.remove_prefix(1);
    }
  }
  if (failed) return ChunkResult::kNoMatch;
  *rest = s;
  return ChunkResult::kMatch;
}

// Checks the chunks left in `pattern` for syntax only.
bool RestIsValid(std::string_view pattern) {
  while (!pattern.empty()) {
    bool star;
    std::string_view chunk, unused;
    ScanChunk(&pattern, &star, &chunk);
    if (MatchChunk(chunk, "", &unused) == ChunkResult::kBadPattern) return false;
  }
  return true;
}

// Match without allocating: kBadPattern, or kMatch / kNoMatch.
ChunkResult Match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    bool star;
    std::string_view chunk;
    ScanChunk(&pattern, &star, &chunk);
    if (star && chunk.empty()) {  // trailing '*': the rest, if it has no '/'
      return name.find('/') == std::string_view::npos ? ChunkResult::kMatch
                                                      : ChunkResult::kNoMatch;
    }
    std::string_view t;
    ChunkResult r = MatchChunk(chunk, name, &t);
    // The last chunk must consume the whole name; otherwise a star may still
    // find a later position.
    if (r == ChunkResult::kMatch && (t.empty() || !pattern.empty())) {
      name = t;
      continue;
    }
    if (r == ChunkResult::kBadPattern) return r;
    bool advanced = false;
    if (star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        r = MatchChunk(chunk, name.substr(i + 1), &t);
        if (r == ChunkResult::kMatch) {
          if (pattern.empty() && !t.empty()) continue;
          name = t;
          advanced = true;
          break;
        }
        if (r == ChunkResult::kBadPattern) return r;
      }
    }
    if (advanced) continue;
    return RestIsValid(pattern) ? ChunkResult::kNoMatch : ChunkResult::kBadPattern;
  }
  return name.empty() ? ChunkResult::kMatch : ChunkResult::kNoMatch;
}

}  // namespace

absl::StatusOr<bool> GoPathMatch(std::string_view pattern, std::string_view name) {
  ChunkResult r = Match(pattern, name);
  if (r == ChunkResult::kBadPattern) {
    return absl::InvalidArgumentError(std::string(kBadPatternMessage));
  }
  return r == ChunkResult::kMatch;
}

absl::Status ValidateGoPattern(std::string_view pattern) {
  if (Match(pattern, "") == ChunkResult::kBadPattern) {
    return absl::InvalidArgumentError(std::string(kBadPatternMessage));
  }
  return absl::OkStatus();
}

std::string_view GlobLiteralPrefix(std::string_view pattern) {
  return pattern.substr(0, pattern.find_first_of("*?[\\"));
}

}  // namespace confwatch
