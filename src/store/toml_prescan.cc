#include "store/toml_prescan.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace confwatch {
namespace {

// Length of the valid UTF-8 sequence at text[i], 0 if invalid (overlong
// forms, surrogates and code points past U+10FFFF are invalid).
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// One pass over the text. A "run" is what lies between two of = , [ ] { }
// or a newline: the text of one key, or of one scalar value. Dots are
// counted in every run (a scalar has at most one, "1.5"); the length is
// checked where a run is known to have been a key: before "=" and before the
// "]" that closes a table header.
class LimitScanner {
 public:
  explicit LimitScanner(absl::string_view text) : text_(text) {}

  std::optional<TomlErrorInfo> Run() {
    while (!AtEnd()) {
      if (std::optional<TomlErrorInfo> e = Step()) return e;
    }
    return std::nullopt;
  }

 private:
  struct Mark {
    size_t offset = 0;
    unsigned line = 1;
    unsigned column = 1;
  };

  bool AtEnd() const { return i_ >= text_.size(); }
  char Peek(size_t k = 0) const { return i_ + k < text_.size() ? text_[i_ + k] : '\0'; }
  bool LookingAt(absl::string_view s) const { return text_.substr(i_, s.size()) == s; }
  Mark Here() const { return {i_, line_, column_}; }

  void Advance(size_t n = 1) {
    for (; n > 0 && !AtEnd(); --n, ++i_) {
      if (text_[i_] == '\n') {
        ++line_;
        column_ = 1;
      } else {
        ++column_;
      }
    }
  }

  TomlErrorInfo ErrorAt(const Mark& m, std::string message) const {
    return {m.line, m.column, std::move(message)};
  }

  std::optional<TomlErrorInfo> Step() {
    const char c = Peek();
    if (c == ' ' || c == '\t' || c == '\r') {
      Advance();
      return std::nullopt;
    }
    if (c == '\n') {
      EndRun();
      line_start_ = true;
      Advance();
      return std::nullopt;
    }
    const bool was_line_start = line_start_;
    line_start_ = false;
    switch (c) {
      case '#':
        while (!AtEnd() && Peek() != '\n') Advance();
        return std::nullopt;
      case '"':
      case '\'':
        NoteRunStart();
        SkipString();
        run_end_ = i_;
        return std::nullopt;
      case '[':
      case '{':
        return Open(c == '[' && depth_ == 0 && was_line_start);
      case ']':
      case '}':
        return Close(c == ']' && in_header_);
      case '=':
        return EndKey();
      case ',':
        EndRun();
        Advance();
        return std::nullopt;
      case '.':
        return Dot();
      default:
        NoteRunStart();
        Advance();
        run_end_ = i_;
        return std::nullopt;
    }
  }

  std::optional<TomlErrorInfo> Open(bool starts_header) {
    if (starts_header) in_header_ = true;
    if (++depth_ > kTomlMaxNesting) {
      return ErrorAt(Here(), absl::StrCat("nested too deep (limit ", kTomlMaxNesting, ")"));
    }
    EndRun();
    Advance();
    return std::nullopt;
  }

  std::optional<TomlErrorInfo> Close(bool closes_header_name) {
    if (closes_header_name) {
      if (std::optional<TomlErrorInfo> e = CheckKeyLength()) return e;
    }
    if (depth_ > 0) --depth_;
    if (depth_ == 0) in_header_ = false;
    EndRun();
    Advance();
    return std::nullopt;
  }

  std::optional<TomlErrorInfo> EndKey() {
    if (std::optional<TomlErrorInfo> e = CheckKeyLength()) return e;
    EndRun();
    Advance();
    return std::nullopt;
  }

  std::optional<TomlErrorInfo> Dot() {
    NoteRunStart();
    if (++dots_ + 1 > kTomlMaxKeyParts) {
      return ErrorAt(Here(),
                     absl::StrCat("key has too many dotted parts (limit ", kTomlMaxKeyParts, ")"));
    }
    Advance();
    run_end_ = i_;
    return std::nullopt;
  }

  std::optional<TomlErrorInfo> CheckKeyLength() const {
    if (!run_open_ || run_end_ - run_start_.offset <= kTomlMaxKeyBytes) return std::nullopt;
    return ErrorAt(run_start_,
                   absl::StrCat("key too long (limit ", kTomlMaxKeyBytes, " bytes)"));
  }

  void NoteRunStart() {
    if (run_open_) return;
    run_open_ = true;
    run_start_ = Here();
    run_end_ = i_;
  }

  void EndRun() {
    run_open_ = false;
    dots_ = 0;
  }

  // At a quote: consumes the whole string. An unterminated one-line string
  // stops before the newline, an unterminated multi-line one at the end; the
  // parser reports either.
  void SkipString() {
    const char quote = Peek();
    const bool basic = quote == '"';
    const std::string triple(3, quote);
    if (LookingAt(triple)) {
      Advance(3);
      while (!AtEnd()) {
        if (basic && Peek() == '\\') {
          Advance(2);
        } else if (LookingAt(triple)) {
          Advance(3);
          // Up to two quotes may end the content right before the delimiter.
          for (int k = 0; k < 2 && Peek() == quote; ++k) Advance();
          return;
        } else {
          Advance();
        }
      }
      return;
    }
    Advance();
    while (!AtEnd() && Peek() != '\n') {
      if (Peek() == quote) {
        Advance();
        return;
      }
      Advance(basic && Peek() == '\\' && Peek(1) != '\n' ? 2 : 1);
    }
  }

  absl::string_view text_;
  size_t i_ = 0;
  unsigned line_ = 1;
  unsigned column_ = 1;
  bool line_start_ = true;
  size_t depth_ = 0;
  bool in_header_ = false;
  bool run_open_ = false;
  Mark run_start_;
  size_t run_end_ = 0;
  size_t dots_ = 0;
};

}  // namespace

std::optional<TomlErrorInfo> FindInvalidUtf8(absl::string_view text) {
  unsigned line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      return TomlErrorInfo{line, column,
                           absl::StrFormat("invalid UTF-8 (byte 0x%02x)",
                                           static_cast<unsigned char>(text[i]))};
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      column += static_cast<unsigned>(n);
    }
    i += n;
  }
  return std::nullopt;
}

std::optional<TomlErrorInfo> FindTomlOverLimit(absl::string_view text) {
  return LimitScanner(text).Run();
}

std::optional<TomlErrorInfo> PrescanToml(absl::string_view text) {
  if (std::optional<TomlErrorInfo> bad = FindInvalidUtf8(text)) return bad;
  return FindTomlOverLimit(text);
}

}  // namespace confwatch
