// Lexer: the item stream (kind, byte offset, line, value) for Go's
// lex_test.go cases and more (trim markers, line counting, bad input). The
// expected streams were produced by Go 1.19's own lex.go, run with comments
// emitted, and printed as "kind@pos:line%q".
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "golang/strconv.h"
#include "template/lexer.h"

namespace confwatch {
namespace tmpl {
namespace {

const char* KindName(ItemType t) {
  switch (t) {
    case ItemType::kError: return "error";
    case ItemType::kBool: return "bool";
    case ItemType::kChar: return "char";
    case ItemType::kCharConstant: return "charconst";
    case ItemType::kComment: return "comment";
    case ItemType::kComplex: return "complex";
    case ItemType::kAssign: return "item6";  // unnamed in Go's test table
    case ItemType::kDeclare: return ":=";
    case ItemType::kEOF: return "EOF";
    case ItemType::kField: return "field";
    case ItemType::kIdentifier: return "identifier";
    case ItemType::kLeftDelim: return "left delim";
    case ItemType::kLeftParen: return "(";
    case ItemType::kNumber: return "number";
    case ItemType::kPipe: return "pipe";
    case ItemType::kRawString: return "raw string";
    case ItemType::kRightDelim: return "right delim";
    case ItemType::kRightParen: return ")";
    case ItemType::kSpace: return "space";
    case ItemType::kString: return "string";
    case ItemType::kText: return "text";
    case ItemType::kVariable: return "variable";
    case ItemType::kKeyword: return "keyword";
    case ItemType::kBlock: return "block";
    case ItemType::kBreak: return "break";
    case ItemType::kContinue: return "continue";
    case ItemType::kDot: return ".";
    case ItemType::kDefine: return "define";
    case ItemType::kElse: return "else";
    case ItemType::kEnd: return "end";
    case ItemType::kIf: return "if";
    case ItemType::kNil: return "nil";
    case ItemType::kRange: return "range";
    case ItemType::kTemplate: return "template";
    case ItemType::kWith: return "with";
  }
  return "?";
}

std::string Stream(std::string_view input) {
  LexOptions opt;
  opt.emit_comment = true;
  Lexer lex(input, opt);
  std::string out;
  for (int n = 0; n < 10000; ++n) {
    Item it = lex.NextItem();
    if (!out.empty()) out += ' ';
    absl::StrAppend(&out, KindName(it.type), "@", it.pos, ":", it.line,
                    gostrconv::Quote(it.val));
    if (it.type == ItemType::kEOF || it.type == ItemType::kError) break;
  }
  return out;
}

struct LexCase {
  const char* name;
  std::string input;
  std::string items;
};

const LexCase kLexCases[] = {
    {"Empty", "",
     "EOF@0:1\"\""},
    {"Spaces", " \t\n",
     "text@0:1\" \\t\\n\" EOF@3:2\"\""},
    {"Text", "now is the time",
     "text@0:1\"now is the time\" EOF@15:1\"\""},
    {"TextWithComment", "hello-{{/* this is a comment */}}-world",
     "text@0:1\"hello-\" comment@8:1\"/* this is a comment */\" text@33:1\"-world\" EOF@39:1\"\""},
    {"Punctuation", "{{,@% }}",
     "left delim@0:1\"{{\" char@2:1\",\" char@3:1\"@\" char@4:1\"%\" space@5:1\" \" right delim@6:1\"}}\" EOF@8:1\"\""},
    {"Parens", "{{((3))}}",
     "left delim@0:1\"{{\" (@2:1\"(\" (@3:1\"(\" number@4:1\"3\" )@5:1\")\" )@6:1\")\" right delim@7:1\"}}\" EOF@9:1\"\""},
    {"EmptyAction", "{{}}",
     "left delim@0:1\"{{\" right delim@2:1\"}}\" EOF@4:1\"\""},
    {"For", "{{for}}",
     "left delim@0:1\"{{\" identifier@2:1\"for\" right delim@5:1\"}}\" EOF@7:1\"\""},
    {"Block", "{{block \"foo\" .}}",
     "left delim@0:1\"{{\" block@2:1\"block\" space@7:1\" \" string@8:1\"\\\"foo\\\"\" space@13:1\" \" .@14:1\".\" right delim@15:1\"}}\" EOF@17:1\"\""},
    {"Quote", "{{\"abc \\n\\t\\\" \"}}",
     "left delim@0:1\"{{\" string@2:1\"\\\"abc \\\\n\\\\t\\\\\\\" \\\"\" right delim@15:1\"}}\" EOF@17:1\"\""},
    {"RawQuote", "{{`abc\\n\\t\\\" `}}",
     "left delim@0:1\"{{\" raw string@2:1\"`abc\\\\n\\\\t\\\\\\\" `\" right delim@14:1\"}}\" EOF@16:1\"\""},
    {"RawQuoteWithNewline", "{{`now is{{\n}}the time`}}",
     "left delim@0:1\"{{\" raw string@2:1\"`now is{{\\n}}the time`\" right delim@23:2\"}}\" EOF@25:2\"\""},
    {"Numbers", "{{1 02 0x14 0X14 -7.2i 1e3 1E3 +1.2e-4 4.2i 1+2i 1_2 0x1.e_fp4 0X1.E_FP4}}",
     "left delim@0:1\"{{\" number@2:1\"1\" space@3:1\" \" number@4:1\"02\" space@6:1\" \" number@7:1\"0x14\" space@11:1\" \" number@12:1\"0X14\" space@16:1\" \" number@17:1\"-7.2i\" space@22:1\" \" number@23:1\"1e3\" space@26:1\" \" number@27:1\"1E3\" space@30:1\" \" number@31:1\"+1.2e-4\" space@38:1\" \" number@39:1\"4.2i\" space@43:1\" \" complex@44:1\"1+2i\" space@48:1\" \" number@49:1\"1_2\" space@52:1\" \" number@53:1\"0x1.e_fp4\" space@62:1\" \" number@63:1\"0X1.E_FP4\" right delim@72:1\"}}\" EOF@74:1\"\""},
    {"Characters", "{{'a' '\\n' '\\'' '\\\\' '\\u00FF' '\\xFF' '\346\234\254'}}",
     "left delim@0:1\"{{\" charconst@2:1\"'a'\" space@5:1\" \" charconst@6:1\"'\\\\n'\" space@10:1\" \" charconst@11:1\"'\\\\''\" space@15:1\" \" charconst@16:1\"'\\\\\\\\'\" space@20:1\" \" charconst@21:1\"'\\\\u00FF'\" space@29:1\" \" charconst@30:1\"'\\\\xFF'\" space@36:1\" \" charconst@37:1\"'\346\234\254'\" right delim@42:1\"}}\" EOF@44:1\"\""},
    {"Bools", "{{true false}}",
     "left delim@0:1\"{{\" bool@2:1\"true\" space@6:1\" \" bool@7:1\"false\" right delim@12:1\"}}\" EOF@14:1\"\""},
    {"Dot", "{{.}}",
     "left delim@0:1\"{{\" .@2:1\".\" right delim@3:1\"}}\" EOF@5:1\"\""},
    {"Nil", "{{nil}}",
     "left delim@0:1\"{{\" nil@2:1\"nil\" right delim@5:1\"}}\" EOF@7:1\"\""},
    {"Dots", "{{.x . .2 .x.y.z}}",
     "left delim@0:1\"{{\" field@2:1\".x\" space@4:1\" \" .@5:1\".\" space@6:1\" \" number@7:1\".2\" space@9:1\" \" field@10:1\".x\" field@12:1\".y\" field@14:1\".z\" right delim@16:1\"}}\" EOF@18:1\"\""},
    {"Keywords", "{{range if else end with}}",
     "left delim@0:1\"{{\" range@2:1\"range\" space@7:1\" \" if@8:1\"if\" space@10:1\" \" else@11:1\"else\" space@15:1\" \" end@16:1\"end\" space@19:1\" \" with@20:1\"with\" right delim@24:1\"}}\" EOF@26:1\"\""},
    {"BreakContinueKeywords", "{{break continue define template}}",
     "left delim@0:1\"{{\" break@2:1\"break\" space@7:1\" \" continue@8:1\"continue\" space@16:1\" \" define@17:1\"define\" space@23:1\" \" template@24:1\"template\" right delim@32:1\"}}\" EOF@34:1\"\""},
    {"Variables", "{{$c := printf $ $hello $23 $ $var.Field .Method}}",
     "left delim@0:1\"{{\" variable@2:1\"$c\" space@4:1\" \" :=@5:1\":=\" space@7:1\" \" identifier@8:1\"printf\" space@14:1\" \" variable@15:1\"$\" space@16:1\" \" variable@17:1\"$hello\" space@23:1\" \" variable@24:1\"$23\" space@27:1\" \" variable@28:1\"$\" space@29:1\" \" variable@30:1\"$var\" field@34:1\".Field\" space@40:1\" \" field@41:1\".Method\" right delim@48:1\"}}\" EOF@50:1\"\""},
    {"VariableInvocation", "{{$x 23}}",
     "left delim@0:1\"{{\" variable@2:1\"$x\" space@4:1\" \" number@5:1\"23\" right delim@7:1\"}}\" EOF@9:1\"\""},
    {"Pipeline", "intro {{echo hi 1.2 |noargs|args 1 \"hi\"}} outro",
     "text@0:1\"intro \" left delim@6:1\"{{\" identifier@8:1\"echo\" space@12:1\" \" identifier@13:1\"hi\" space@15:1\" \" number@16:1\"1.2\" space@19:1\" \" pipe@20:1\"|\" identifier@21:1\"noargs\" pipe@27:1\"|\" identifier@28:1\"args\" space@32:1\" \" number@33:1\"1\" space@34:1\" \" string@35:1\"\\\"hi\\\"\" right delim@39:1\"}}\" text@41:1\" outro\" EOF@47:1\"\""},
    {"Declaration", "{{$v := 3}}",
     "left delim@0:1\"{{\" variable@2:1\"$v\" space@4:1\" \" :=@5:1\":=\" space@7:1\" \" number@8:1\"3\" right delim@9:1\"}}\" EOF@11:1\"\""},
    {"TwoDeclarations", "{{$v , $w := 3}}",
     "left delim@0:1\"{{\" variable@2:1\"$v\" space@4:1\" \" char@5:1\",\" space@6:1\" \" variable@7:1\"$w\" space@9:1\" \" :=@10:1\":=\" space@12:1\" \" number@13:1\"3\" right delim@14:1\"}}\" EOF@16:1\"\""},
    {"FieldOfParenthesizedExpression", "{{(.X).Y}}",
     "left delim@0:1\"{{\" (@2:1\"(\" field@3:1\".X\" )@5:1\")\" field@6:1\".Y\" right delim@8:1\"}}\" EOF@10:1\"\""},
    {"TrimmingSpacesBeforeAndAfter", "hello- {{- 3 -}} -world",
     "text@0:1\"hello-\" left delim@7:1\"{{\" number@11:1\"3\" right delim@14:1\"}}\" text@17:1\"-world\" EOF@23:1\"\""},
    {"TrimmingSpacesAroundComment", "hello- {{- /* hello */ -}} -world",
     "text@0:1\"hello-\" comment@11:1\"/* hello */\" text@27:1\"-world\" EOF@33:1\"\""},
    {"TrimMarkerNeedsASpace", "{{-3}} {{3-}}",
     "left delim@0:1\"{{\" number@2:1\"-3\" right delim@4:1\"}}\" text@6:1\" \" left delim@7:1\"{{\" error@9:1\"bad number syntax: \\\"3-\\\"\""},
    {"TrimAfterSeveralSpaces", "{{3   -}}  x",
     "left delim@0:1\"{{\" number@2:1\"3\" space@3:1\"  \" right delim@7:1\"}}\" text@11:1\"x\" EOF@12:1\"\""},
    {"LinesAcrossTrimmedNewlines", "a\n{{- 1 -}}\n{{2}}",
     "text@0:1\"a\" left delim@2:2\"{{\" number@6:2\"1\" right delim@9:2\"}}\" left delim@12:3\"{{\" number@14:3\"2\" right delim@15:3\"}}\" EOF@17:3\"\""},
    {"LinesInsideActions", "{{1\n2\n}}\n{{3}}",
     "left delim@0:1\"{{\" number@2:1\"1\" space@3:1\"\\n\" number@4:2\"2\" space@5:2\"\\n\" right delim@6:3\"}}\" text@8:3\"\\n\" left delim@9:4\"{{\" number@11:4\"3\" right delim@12:4\"}}\" EOF@14:4\"\""},
    {"LinesAfterComment", "{{/*\n\n*/}}\n{{.}}",
     "comment@2:1\"/*\\n\\n*/\" text@10:1\"\\n\" left delim@11:2\"{{\" .@13:2\".\" right delim@14:2\"}}\" EOF@16:2\"\""},
    {"UnicodeIdentifier", "{{.h\303\251llo $\346\227\245\346\234\254 \303\274n\303\257}}",
     "left delim@0:1\"{{\" field@2:1\".h\303\251llo\" space@9:1\" \" variable@10:1\"$\346\227\245\346\234\254\" space@17:1\" \" identifier@18:1\"\303\274n\303\257\" right delim@23:1\"}}\" EOF@25:1\"\""},
    {"AssignAndColonEquals", "{{$x = 1}}{{$y := 2}}",
     "left delim@0:1\"{{\" variable@2:1\"$x\" space@4:1\" \" item6@5:1\"=\" space@6:1\" \" number@7:1\"1\" right delim@8:1\"}}\" left delim@10:1\"{{\" variable@12:1\"$y\" space@14:1\" \" :=@15:1\":=\" space@17:1\" \" number@18:1\"2\" right delim@19:1\"}}\" EOF@21:1\"\""},
    {"BadChar", "#{{\001}}",
     "text@0:1\"#\" left delim@1:1\"{{\" error@3:1\"unrecognized character in action: U+0001\""},
    {"UnclosedAction", "{{",
     "left delim@0:1\"{{\" error@2:1\"unclosed action\""},
    {"EOFInAction", "{{range",
     "left delim@0:1\"{{\" range@2:1\"range\" error@7:1\"unclosed action\""},
    {"UnclosedQuote", "{{\"\n\"}}",
     "left delim@0:1\"{{\" error@2:1\"unterminated quoted string\""},
    {"UnclosedRawQuote", "{{`xx}}",
     "left delim@0:1\"{{\" error@2:1\"unterminated raw quoted string\""},
    {"UnclosedCharConstant", "{{'\n}}",
     "left delim@0:1\"{{\" error@2:1\"unterminated character constant\""},
    {"BadNumber", "{{3k}}",
     "left delim@0:1\"{{\" error@2:1\"bad number syntax: \\\"3k\\\"\""},
    {"BadComplex", "{{1+2}}",
     "left delim@0:1\"{{\" error@2:1\"bad number syntax: \\\"1+2\\\"\""},
    {"UnclosedParen", "{{(3}}",
     "left delim@0:1\"{{\" (@2:1\"(\" number@3:1\"3\" error@4:1\"unclosed left paren\""},
    {"ExtraRightParen", "{{3)}}",
     "left delim@0:1\"{{\" number@2:1\"3\" )@3:1\")\" error@4:1\"unexpected right paren U+0029 ')'\""},
    {"LongPipeline", "{{|||||}}",
     "left delim@0:1\"{{\" pipe@2:1\"|\" pipe@3:1\"|\" pipe@4:1\"|\" pipe@5:1\"|\" pipe@6:1\"|\" right delim@7:1\"}}\" EOF@9:1\"\""},
    {"TextWithBadComment", "hello-{{/*/}}-world",
     "text@0:1\"hello-\" error@8:1\"unclosed comment\""},
    {"TextWithCommentCloseSeparated", "hello-{{/* */ }}-world",
     "text@0:1\"hello-\" error@8:1\"comment ends before closing delimiter\""},
    {"ExpectedColonEquals", "{{$x :x}}",
     "left delim@0:1\"{{\" variable@2:1\"$x\" space@4:1\" \" error@5:1\"expected :=\""},
    {"BadCharacterAfterField", "{{.x#}}",
     "left delim@0:1\"{{\" error@2:1\"bad character U+0023 '#'\""},
    {"BadCharacterAfterIdentifier", "{{x#}}",
     "left delim@0:1\"{{\" error@2:1\"bad character U+0023 '#'\""},
    {"InvalidUTF8InAction", "{{\377}}",
     "left delim@0:1\"{{\" error@2:1\"unrecognized character in action: U+FFFD '\357\277\275'\""},
    {"InvalidUTF8InText", "a\377b{{.}}",
     "text@0:1\"a\\xffb\" left delim@3:1\"{{\" .@5:1\".\" right delim@6:1\"}}\" EOF@8:1\"\""},
    {"NonASCIIPunctuation", "{{\302\253}}",
     "left delim@0:1\"{{\" error@2:1\"unrecognized character in action: U+00AB '\302\253'\""},
    {"DollarThenDelimiter", "{{$}}",
     "left delim@0:1\"{{\" variable@2:1\"$\" right delim@3:1\"}}\" EOF@5:1\"\""},
    {"NumberFollowedByField", "{{1.x}}",
     "left delim@0:1\"{{\" error@2:1\"bad number syntax: \\\"1.x\\\"\""},
    {"SignOnlyIsBadNumber", "{{+}}",
     "left delim@0:1\"{{\" number@2:1\"+\" right delim@3:1\"}}\" EOF@5:1\"\""},
    {"DotAtEndOfInput", "{{.",
     "left delim@0:1\"{{\" number@2:1\".\" error@3:1\"unclosed action\""},
};

class LexerTest : public ::testing::TestWithParam<LexCase> {};

TEST_P(LexerTest, ProducesGosItemStream) {
  EXPECT_EQ(GetParam().items, Stream(GetParam().input));
}

INSTANTIATE_TEST_SUITE_P(GoLexTests, LexerTest, ::testing::ValuesIn(kLexCases),
                         [](const ::testing::TestParamInfo<LexCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(Lexer, KeepsReturningEOFAfterTheEnd) {
  Lexer lex("x", LexOptions());
  EXPECT_EQ(ItemType::kText, lex.NextItem().type);
  EXPECT_EQ(ItemType::kEOF, lex.NextItem().type);
  EXPECT_EQ(ItemType::kEOF, lex.NextItem().type);
}

TEST(Lexer, BreakIsAnIdentifierWhenAFunctionHasThatName) {
  LexOptions opt;
  opt.break_ok = false;
  Lexer lex("{{break}}", opt);
  lex.NextItem();
  EXPECT_EQ(ItemType::kIdentifier, lex.NextItem().type);
}

TEST(Lexer, CommentsAreSkippedUnlessRequested) {
  // Without comment items the skipped comment's newlines count for lines.
  Lexer lex("{{/*\n\n*/}}\n{{.}}", LexOptions());
  Item text = lex.NextItem();
  EXPECT_EQ(ItemType::kText, text.type);
  EXPECT_EQ(3, text.line);
}

TEST(Lexer, ItemStringMatchesGo) {
  // Go's item.String(): long values are cut to 10 runes with %.10q.
  Lexer lex("{{\"a very long string\" end}}", LexOptions());
  lex.NextItem();
  EXPECT_EQ("\"\\\"a very lo\"...", lex.NextItem().String());
  lex.NextItem();
  EXPECT_EQ("<end>", lex.NextItem().String());
}

TEST(Lexer, ItemStringMarksLongValuesEvenWhenNotCut) {
  // Go tests len(val) > 10 in bytes but cuts at 10 runes: a 10-rune value
  // of more than 10 bytes is printed whole, followed by "...". (Found by
  // the fuzzer, checked against Go.)
  Lexer lex("{{\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}}", LexOptions());
  lex.NextItem();
  EXPECT_EQ("\"\\\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\\\"\"...",
            lex.NextItem().String());
}

}  // namespace
}  // namespace tmpl
}  // namespace confwatch
