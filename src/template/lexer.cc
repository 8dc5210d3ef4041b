// A direct port of Go 1.19 text/template/parse/lex.go. The state functions
// keep Go's names and order so that the two can be compared line by line;
// the only structural change is that items are pulled (NextItem runs states
// until one is queued) instead of sent over a channel by a goroutine.
#include "template/lexer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "golang/strconv.h"
#include "golang/utf8.h"

namespace confwatch {
namespace tmpl {
namespace {

constexpr std::string_view kSpaceChars = " \t\r\n";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr size_t kTrimMarkerLen = 2;  // marker plus the space before/after it

bool IsSpace(int r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

bool IsAlphaNumeric(int r) {
  return r == '_' || (r >= 0 && (utf8::IsLetter(r) || utf8::IsDigit(r)));
}

bool HasLeftTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && IsSpace(static_cast<unsigned char>(s[1]));
}

bool HasRightTrimMarker(std::string_view s) {
  return s.size() >= 2 && IsSpace(static_cast<unsigned char>(s[0])) && s[1] == '-';
}

size_t RightTrimLength(std::string_view s) {
  size_t n = s.find_last_not_of(kSpaceChars);
  return n == std::string_view::npos ? s.size() : s.size() - n - 1;
}

size_t LeftTrimLength(std::string_view s) {
  size_t n = s.find_first_not_of(kSpaceChars);
  return n == std::string_view::npos ? s.size() : n;
}

// fmt's %#U: U+0078 'x' (the quoted form only for printable runes).
std::string SharpU(int r) {
  std::string s = absl::StrFormat("U+%04X", static_cast<uint32_t>(r));
  if (r >= 0 && static_cast<char32_t>(r) <= utf8::kMaxRune && utf8::IsPrint(r)) {
    s += " '";
    utf8::AppendRune(&s, r);
    s += "'";
  }
  return s;
}

int Keyword(std::string_view word) {
  static const std::pair<std::string_view, ItemType> kKeys[] = {
      {"block", ItemType::kBlock},   {"break", ItemType::kBreak},
      {"continue", ItemType::kContinue}, {"define", ItemType::kDefine},
      {"else", ItemType::kElse},     {"end", ItemType::kEnd},
      {"if", ItemType::kIf},         {"range", ItemType::kRange},
      {"nil", ItemType::kNil},       {"template", ItemType::kTemplate},
      {"with", ItemType::kWith},
  };
  for (const auto& [name, type] : kKeys) {
    if (name == word) return static_cast<int>(type);
  }
  return -1;
}

}  // namespace

std::string Item::String() const {
  switch (type) {
    case ItemType::kEOF:
      return "EOF";
    case ItemType::kError:
      return std::string(val);
    default:
      break;
  }
  if (type > ItemType::kKeyword) return absl::StrCat("<", std::string(val), ">");
  if (val.size() > 10) {
    // Go: len(val) > 10 bytes prints %.10q... (the first 10 runes, quoted,
    // then "..." even when nothing was cut).
    size_t i = 0;
    for (int n = 0; n < 10 && i < val.size(); ++n) i += utf8::DecodeRune(val.substr(i)).width;
    return gostrconv::Quote(val.substr(0, i)) + "...";
  }
  return gostrconv::Quote(val);
}

Lexer::Lexer(std::string_view input, LexOptions options)
    : input_(input), opt_(std::move(options)) {
  if (opt_.left_delim.empty()) opt_.left_delim = "{{";
  if (opt_.right_delim.empty()) opt_.right_delim = "}}";
}

Item Lexer::NextItem() {
  while (pending_.empty() && state_ != State::kDone) {
    switch (state_) {
      case State::kText:
        state_ = LexText();
        break;
      case State::kLeftDelim:
        state_ = LexLeftDelim();
        break;
      case State::kComment:
        state_ = LexComment();
        break;
      case State::kRightDelim:
        state_ = LexRightDelim();
        break;
      case State::kInsideAction:
        state_ = LexInsideAction();
        break;
      case State::kDone:
        break;
    }
  }
  if (pending_.empty()) return last_;
  Item item = pending_.front();
  pending_.pop_front();
  if (item.type == ItemType::kEOF || item.type == ItemType::kError) last_ = item;
  return item;
}

int Lexer::Next() {
  if (pos_ >= input_.size()) {
    at_eof_ = true;
    return kEof;
  }
  unsigned char c = static_cast<unsigned char>(input_[pos_]);
  int r;
  if (c < 0x80) {
    r = c;
    ++pos_;
  } else {
    utf8::Decoded d = utf8::DecodeRune(input_.substr(pos_));
    r = static_cast<int>(d.rune);
    pos_ += d.width;
  }
  if (r == '\n') ++line_;
  return r;
}

int Lexer::Peek() {
  int r = Next();
  Backup();
  return r;
}

void Lexer::Backup() {
  if (at_eof_ || pos_ == 0) return;
  utf8::Decoded d = utf8::DecodeLastRune(input_.substr(0, pos_));
  pos_ -= d.width;
  if (d.rune == '\n') --line_;
}

void Lexer::Emit(ItemType t) {
  pending_.push_back(Item{t, start_, input_.substr(start_, pos_ - start_), start_line_});
  start_ = pos_;
  start_line_ = line_;
}

void Lexer::Ignore() {
  std::string_view skipped = input_.substr(start_, pos_ - start_);
  line_ += static_cast<int>(std::count(skipped.begin(), skipped.end(), '\n'));
  start_ = pos_;
  start_line_ = line_;
}

bool Lexer::Accept(std::string_view valid) {
  int r = Next();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
    return true;
  }
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

Lexer::State Lexer::Errorf(std::string msg) {
  errors_.push_back(std::move(msg));
  pending_.push_back(Item{ItemType::kError, start_, errors_.back(), start_line_});
  return State::kDone;
}

bool Lexer::HasPrefix(size_t at, std::string_view prefix) const {
  return at <= input_.size() && input_.substr(at).substr(0, prefix.size()) == prefix;
}

Lexer::State Lexer::LexText() {
  size_t x = input_.find(opt_.left_delim, pos_);
  if (x != std::string_view::npos) {
    size_t ldn = opt_.left_delim.size();
    pos_ = x;
    size_t trim_length = 0;
    if (HasLeftTrimMarker(input_.substr(pos_ + ldn))) {
      trim_length = RightTrimLength(input_.substr(start_, pos_ - start_));
    }
    pos_ -= trim_length;
    if (pos_ > start_) {
      std::string_view text = input_.substr(start_, pos_ - start_);
      line_ += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
      Emit(ItemType::kText);
    }
    pos_ += trim_length;
    Ignore();
    return State::kLeftDelim;
  }
  pos_ = input_.size();
  if (pos_ > start_) {
    std::string_view text = input_.substr(start_, pos_ - start_);
    line_ += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    Emit(ItemType::kText);
  }
  Emit(ItemType::kEOF);
  return State::kDone;
}

std::pair<bool, bool> Lexer::AtRightDelim() {
  if (HasRightTrimMarker(input_.substr(pos_)) &&
      HasPrefix(pos_ + kTrimMarkerLen, opt_.right_delim)) {
    return {true, true};
  }
  if (HasPrefix(pos_, opt_.right_delim)) return {true, false};
  return {false, false};
}

Lexer::State Lexer::LexLeftDelim() {
  pos_ += opt_.left_delim.size();
  bool trim_space = HasLeftTrimMarker(input_.substr(pos_));
  size_t after_marker = trim_space ? kTrimMarkerLen : 0;
  if (HasPrefix(pos_ + after_marker, kLeftComment)) {
    pos_ += after_marker;
    Ignore();
    return State::kComment;
  }
  Emit(ItemType::kLeftDelim);
  pos_ += after_marker;
  Ignore();
  paren_depth_ = 0;
  return State::kInsideAction;
}

Lexer::State Lexer::LexComment() {
  pos_ += kLeftComment.size();
  size_t i = input_.find(kRightComment, pos_);
  if (i == std::string_view::npos) return Errorf("unclosed comment");
  pos_ = i + kRightComment.size();
  auto [delim, trim_space] = AtRightDelim();
  if (!delim) return Errorf("comment ends before closing delimiter");
  if (opt_.emit_comment) Emit(ItemType::kComment);
  if (trim_space) pos_ += kTrimMarkerLen;
  pos_ += opt_.right_delim.size();
  if (trim_space) pos_ += LeftTrimLength(input_.substr(pos_));
  Ignore();
  return State::kText;
}

Lexer::State Lexer::LexRightDelim() {
  bool trim_space = HasRightTrimMarker(input_.substr(pos_));
  if (trim_space) {
    pos_ += kTrimMarkerLen;
    Ignore();
  }
  pos_ += opt_.right_delim.size();
  Emit(ItemType::kRightDelim);
  if (trim_space) {
    pos_ += LeftTrimLength(input_.substr(pos_));
    Ignore();
  }
  return State::kText;
}

Lexer::State Lexer::LexInsideAction() {
  if (AtRightDelim().first) {
    if (paren_depth_ == 0) return State::kRightDelim;
    return Errorf("unclosed left paren");
  }
  int r = Next();
  if (r == kEof) return Errorf("unclosed action");
  if (IsSpace(r)) {
    Backup();  // Put space back in case we have " -}}".
    return LexSpace();
  }
  switch (r) {
    case '=':
      Emit(ItemType::kAssign);
      return State::kInsideAction;
    case ':':
      if (Next() != '=') return Errorf("expected :=");
      Emit(ItemType::kDeclare);
      return State::kInsideAction;
    case '|':
      Emit(ItemType::kPipe);
      return State::kInsideAction;
    case '"':
      return LexQuote();
    case '`':
      return LexRawQuote();
    case '$':
      if (AtTerminator()) {
        Emit(ItemType::kVariable);
        return State::kInsideAction;
      }
      return LexFieldOrVariable(ItemType::kVariable);
    case '\'':
      return LexChar();
    case '.':
      if (pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) {
        return LexFieldOrVariable(ItemType::kField);
      }
      Backup();  // '.' can start a number.
      return LexNumber();
    case '(':
      Emit(ItemType::kLeftParen);
      ++paren_depth_;
      return State::kInsideAction;
    case ')':
      Emit(ItemType::kRightParen);
      --paren_depth_;
      if (paren_depth_ < 0) return Errorf("unexpected right paren " + SharpU(r));
      return State::kInsideAction;
    default:
      break;
  }
  if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
    Backup();
    return LexNumber();
  }
  if (IsAlphaNumeric(r)) {
    Backup();
    return LexIdentifier();
  }
  if (r < 0x80 && r >= 0x20 && r < 0x7F) {
    Emit(ItemType::kChar);
    return State::kInsideAction;
  }
  return Errorf("unrecognized character in action: " + SharpU(r));
}

Lexer::State Lexer::LexSpace() {
  int num_spaces = 0;
  while (IsSpace(Peek())) {
    Next();
    ++num_spaces;
  }
  // Be careful about a trim-marked closing delimiter, which has a minus
  // after a space: the space belongs to the delimiter.
  if (HasRightTrimMarker(input_.substr(pos_ - 1)) &&
      HasPrefix(pos_ - 1 + kTrimMarkerLen, opt_.right_delim)) {
    Backup();  // Before the space.
    if (num_spaces == 1) return State::kRightDelim;
  }
  Emit(ItemType::kSpace);
  return State::kInsideAction;
}

Lexer::State Lexer::LexIdentifier() {
  int r;
  while (IsAlphaNumeric(r = Next())) {
  }
  Backup();
  std::string_view word = input_.substr(start_, pos_ - start_);
  if (!AtTerminator()) return Errorf("bad character " + SharpU(r));
  int key = Keyword(word);
  if (key >= 0) {
    auto item = static_cast<ItemType>(key);
    if ((item == ItemType::kBreak && !opt_.break_ok) ||
        (item == ItemType::kContinue && !opt_.continue_ok)) {
      Emit(ItemType::kIdentifier);
    } else {
      Emit(item);
    }
  } else if (word == "true" || word == "false") {
    Emit(ItemType::kBool);
  } else {
    Emit(ItemType::kIdentifier);
  }
  return State::kInsideAction;
}

Lexer::State Lexer::LexFieldOrVariable(ItemType type) {
  if (AtTerminator()) {  // Nothing interesting follows -> "." or "$".
    Emit(type == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
    return State::kInsideAction;
  }
  int r;
  while (IsAlphaNumeric(r = Next())) {
  }
  Backup();
  if (!AtTerminator()) return Errorf("bad character " + SharpU(r));
  Emit(type);
  return State::kInsideAction;
}

bool Lexer::AtTerminator() {
  int r = Peek();
  if (IsSpace(r)) return true;
  switch (r) {
    case kEof:
    case '.':
    case ',':
    case '|':
    case ':':
    case ')':
    case '(':
      return true;
    default:
      break;
  }
  return HasPrefix(pos_, opt_.right_delim);
}

Lexer::State Lexer::LexChar() {
  for (;;) {
    int r = Next();
    if (r == '\\') {
      r = Next();
      if (r != kEof && r != '\n') continue;
      return Errorf("unterminated character constant");
    }
    if (r == kEof || r == '\n') return Errorf("unterminated character constant");
    if (r == '\'') break;
  }
  Emit(ItemType::kCharConstant);
  return State::kInsideAction;
}

Lexer::State Lexer::LexNumber() {
  auto bad = [this] {
    return Errorf("bad number syntax: " + gostrconv::Quote(input_.substr(start_, pos_ - start_)));
  };
  if (!ScanNumber()) return bad();
  int sign = Peek();
  if (sign == '+' || sign == '-') {
    // Complex: 1+2i. The imaginary part must end in 'i'.
    if (!ScanNumber() || input_[pos_ - 1] != 'i') return bad();
    Emit(ItemType::kComplex);
  } else {
    Emit(ItemType::kNumber);
  }
  return State::kInsideAction;
}

bool Lexer::ScanNumber() {
  Accept("+-");
  std::string_view digits = "0123456789_";
  if (Accept("0")) {
    if (Accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (Accept("oO")) {
      digits = "01234567_";
    } else if (Accept("bB")) {
      digits = "01_";
    }
  }
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (digits.size() == 10 + 1 && Accept("eE")) {
    Accept("+-");
    AcceptRun("0123456789_");
  }
  if (digits.size() == 16 + 6 + 1 && Accept("pP")) {
    Accept("+-");
    AcceptRun("0123456789_");
  }
  Accept("i");
  if (IsAlphaNumeric(Peek())) {
    Next();
    return false;
  }
  return true;
}

Lexer::State Lexer::LexQuote() {
  for (;;) {
    int r = Next();
    if (r == '\\') {
      r = Next();
      if (r != kEof && r != '\n') continue;
      return Errorf("unterminated quoted string");
    }
    if (r == kEof || r == '\n') return Errorf("unterminated quoted string");
    if (r == '"') break;
  }
  Emit(ItemType::kString);
  return State::kInsideAction;
}

Lexer::State Lexer::LexRawQuote() {
  for (;;) {
    int r = Next();
    if (r == kEof) return Errorf("unterminated raw quoted string");
    if (r == '`') break;
  }
  Emit(ItemType::kRawString);
  return State::kInsideAction;
}

}  // namespace tmpl
}  // namespace confwatch
