// Lexer splits template text into items exactly as Go's text/template/parse
// lexer does (same item kinds, positions, line numbers, trim markers, error
// texts such as "unclosed action" or "bad number syntax: \"1x\""). It is
// pull-based: NextItem() runs the state machine until one item is ready.
// Items hold string_views into the input, which must outlive the lexer.
//
// Thread-safety: one Lexer per parse; not shared.
#ifndef CONFWATCH_TEMPLATE_LEXER_H_
#define CONFWATCH_TEMPLATE_LEXER_H_

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace confwatch {
namespace tmpl {

enum class ItemType {
  kError,  // val is the error text
  kBool,
  kChar,  // printable ASCII grab bag: comma etc.
  kCharConstant,
  kComment,
  kComplex,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,       // .Alphanumeric
  kIdentifier,  // alphanumeric not starting with '.'
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,  // $, $x
  // Keywords (after kKeyword).
  kKeyword,
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  size_t pos = 0;         // byte offset in the input
  std::string_view val;   // for kError: points into the lexer's error storage
  int line = 1;           // line at the start of the item
  // Go's item.String(): EOF, the error text, <keyword>, %q of the value.
  std::string String() const;
};

struct LexOptions {
  std::string left_delim = "{{";
  std::string right_delim = "}}";
  bool emit_comment = false;
  bool break_ok = true;     // false when a function named "break" exists
  bool continue_ok = true;  // same for "continue"
};

class Lexer {
 public:
  Lexer(std::string_view input, LexOptions options);
  Lexer(const Lexer&) = delete;
  Lexer& operator=(const Lexer&) = delete;

  // Next item; after kEOF or kError it keeps returning that item.
  Item NextItem();

 private:
  enum class State { kText, kLeftDelim, kComment, kRightDelim, kInsideAction, kDone };

  static constexpr int kEof = -1;
  int Next();
  int Peek();
  void Backup();
  void Emit(ItemType t);
  void Ignore();
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  State Errorf(std::string msg);
  bool AtTerminator();
  std::pair<bool, bool> AtRightDelim();
  bool HasPrefix(size_t at, std::string_view prefix) const;

  State LexText();
  State LexLeftDelim();
  State LexComment();
  State LexRightDelim();
  State LexInsideAction();
  State LexSpace();
  State LexIdentifier();
  State LexFieldOrVariable(ItemType type);
  State LexChar();
  State LexNumber();
  bool ScanNumber();
  State LexQuote();
  State LexRawQuote();

  std::string_view input_;
  LexOptions opt_;
  size_t pos_ = 0;
  size_t start_ = 0;
  bool at_eof_ = false;
  int paren_depth_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  State state_ = State::kText;
  std::deque<Item> pending_;
  std::deque<std::string> errors_;  // storage for error item texts
  Item last_;                       // EOF or error, repeated forever
};

}  // namespace tmpl
}  // namespace confwatch

#endif  // CONFWATCH_TEMPLATE_LEXER_H_
