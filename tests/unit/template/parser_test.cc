// Parser: the tree's String() form and the parse errors, for the cases of
// Go's parse_test.go plus errors from every lexer and parser error path.
// Expected trees and messages were produced by Go 1.19's text/template
// (template.New("t.tmpl").Funcs(test funcs).Parse, then Tree.Root.String()).
#include <string>

#include "gtest/gtest.h"
#include "template/template.h"
#include "test_funcs.h"

namespace confwatch {
namespace {

struct ParseCase {
  const char* name;
  std::string input;
  std::string tree;   // Go's Root.String() when parsing succeeds
  std::string error;  // Go's error text when it fails
};

const ParseCase kParseCases[] = {
    {"Empty", "",
     "", ""},
    {"CommentOnly", "{{/*\n\n\n*/}}",
     "", ""},
    {"Spaces", " \t\n",
     " \t\n", ""},
    {"Text", "some text",
     "some text", ""},
    {"Field", "{{.X}}",
     "{{.X}}", ""},
    {"SimpleCommand", "{{printf}}",
     "{{printf}}", ""},
    {"Dollar", "{{$}}",
     "{{$}}", ""},
    {"VariableInvocation", "{{with $x := 3}}{{$x 23}}{{end}}",
     "{{with $x := 3}}{{$x 23}}{{end}}", ""},
    {"VariableWithFields", "{{$.I}}",
     "{{$.I}}", ""},
    {"MultiWordCommand", "{{printf `%d` 23}}",
     "{{printf `%d` 23}}", ""},
    {"Pipeline", "{{.X|.Y}}",
     "{{.X | .Y}}", ""},
    {"PipelineWithDecl", "{{$x := .X|.Y}}",
     "{{$x := .X | .Y}}", ""},
    {"NestedPipeline", "{{.X (.Y .Z) (.A | .B .C) (.E)}}",
     "{{.X (.Y .Z) (.A | .B .C) (.E)}}", ""},
    {"FieldAppliedToParentheses", "{{(.Y .Z).Field}}",
     "{{(.Y .Z).Field}}", ""},
    {"SimpleIf", "{{if .X}}hello{{end}}",
     "{{if .X}}hello{{end}}", ""},
    {"IfWithElse", "{{if .X}}true{{else}}false{{end}}",
     "{{if .X}}true{{else}}false{{end}}", ""},
    {"ElseIfNestsAnIf", "{{if .X}}true{{else if .Y}}false{{end}}",
     "{{if .X}}true{{else}}{{if .Y}}false{{end}}{{end}}", ""},
    {"ElseIfChain", "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+",
     "+{{if .X}}X{{else}}{{if .Y}}Y{{else}}{{if .Z}}Z{{end}}{{end}}{{end}}+", ""},
    {"SimpleRange", "{{range .X}}hello{{end}}",
     "{{range .X}}hello{{end}}", ""},
    {"ChainedFieldRange", "{{range .X.Y.Z}}hello{{end}}",
     "{{range .X.Y.Z}}hello{{end}}", ""},
    {"NestedRange", "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
     "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}", ""},
    {"RangeWithElse", "{{range .X}}true{{else}}false{{end}}",
     "{{range .X}}true{{else}}false{{end}}", ""},
    {"RangeOverPipeline", "{{range .X|.M}}true{{else}}false{{end}}",
     "{{range .X | .M}}true{{else}}false{{end}}", ""},
    {"RangeOneVar", "{{range $x := .SI}}{{.}}{{end}}",
     "{{range $x := .SI}}{{.}}{{end}}", ""},
    {"RangeTwoVars", "{{range $x, $y := .SI}}{{.}}{{end}}",
     "{{range $x, $y := .SI}}{{.}}{{end}}", ""},
    {"RangeBreak", "{{range .SI}}{{.}}{{break}}{{end}}",
     "{{range .SI}}{{.}}{{break}}{{end}}", ""},
    {"RangeContinue", "{{range .SI}}{{.}}{{continue}}{{end}}",
     "{{range .SI}}{{.}}{{continue}}{{end}}", ""},
    {"Constants", "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}",
     "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", ""},
    {"TemplateCall", "{{template `x`}}",
     "{{template \"x\"}}", ""},
    {"TemplateWithArg", "{{template `x` .Y}}",
     "{{template \"x\" .Y}}", ""},
    {"With", "{{with .X}}hello{{end}}",
     "{{with .X}}hello{{end}}", ""},
    {"WithElse", "{{with .X}}hello{{else}}goodbye{{end}}",
     "{{with .X}}hello{{else}}goodbye{{end}}", ""},
    {"TrimLeft", "x \015\n\t{{- 3}}",
     "x{{3}}", ""},
    {"TrimRight", "{{3 -}}\n\n\ty",
     "{{3}}y", ""},
    {"TrimBoth", "x \015\n\t{{- 3 -}}\n\n\ty",
     "x{{3}}y", ""},
    {"TrimWithExtraSpaces", "x\n{{-  3   -}}\ny",
     "x{{3}}y", ""},
    {"CommentTrimLeft", "x \015\n\t{{- /* hi */}}",
     "x", ""},
    {"CommentTrimRight", "{{/* hi */ -}}\n\n\ty",
     "y", ""},
    {"CommentTrimBoth", "x \015\n\t{{- /* */ -}}\n\n\ty",
     "xy", ""},
    {"MinusWithoutSpaceIsANumber", "{{-3}}",
     "{{-3}}", ""},
    {"BlockBecomesTemplateCall", "{{block \"foo\" .}}hello{{end}}",
     "{{template \"foo\" .}}", ""},
    {"NewlineInAssignment", "{{ $x \n := \n 1 \n }}",
     "{{$x := 1}}", ""},
    {"NewlineInPipeline", "{{\n\"x\"\n|\nprintf\n}}",
     "{{\"x\" | printf}}", ""},
    {"SpacesAroundContinue", "{{range .SI}}{{.}}{{ continue }}{{end}}",
     "{{range .SI}}{{.}}{{continue}}{{end}}", ""},
    {"AssignmentKeepsEquals", "{{$x := 0}}{{$x = 1}}{{$x}}",
     "{{$x := 0}}{{$x := 1}}{{$x}}", ""},
    {"SpaceBeforePlusIsArgument", "{{$x:=.}}{{$x +2}}",
     "{{$x := .}}{{$x +2}}", ""},
    {"StringsKeepTheirQuotes", "{{\"a\\tb\"}}{{`raw`}}{{'\\n'}}{{0x1F}}{{1e3}}",
     "{{\"a\\tb\"}}{{`raw`}}{{'\\n'}}{{0x1F}}{{1e3}}", ""},
    {"DefineIsNotInMain", "a{{define \"x\"}}X{{end}}b",
     "ab", ""},
    {"ChainOnVariable", "{{$x := .}}{{$x.A.B}}",
     "{{$x := .}}{{$x.A.B}}", ""},
    {"ChainOnFunction", "{{(printf \"x\").A.B}}",
     "{{(printf \"x\").A.B}}", ""},
    {"CustomDelimsNotNeeded", "{{ .A }} {{- .B -}} {{ .C }}",
     "{{.A}}{{.B}}{{.C}}", ""},
    {"EmptyAction", "{{}}",
     "", "template: t.tmpl:1: missing value for command"},
    {"NewlineInEmptyAction", "{{\n}}",
     "", "template: t.tmpl:2: missing value for command"},
    {"UnclosedAction", "hello{{range",
     "", "template: t.tmpl:1: unclosed action"},
    {"UnmatchedEnd", "{{end}}",
     "", "template: t.tmpl:1: unexpected {{end}}"},
    {"UnmatchedElse", "{{else}}",
     "", "template: t.tmpl:1: unexpected {{else}}"},
    {"UnmatchedElseAfterIf", "{{if .X}}hello{{end}}{{else}}",
     "", "template: t.tmpl:1: unexpected {{else}}"},
    {"MultipleElse", "{{if .X}}1{{else}}2{{else}}3{{end}}",
     "", "template: t.tmpl:1: expected end; found {{else}}"},
    {"MissingEnd", "hello{{range .x}}",
     "", "template: t.tmpl:1: unexpected EOF"},
    {"MissingEndAfterElse", "hello{{range .x}}{{else}}",
     "", "template: t.tmpl:1: unexpected EOF"},
    {"UndefinedFunction", "hello{{undefined}}",
     "", "template: t.tmpl:1: function \"undefined\" not defined"},
    {"UndefinedVariable", "{{$x}}",
     "", "template: t.tmpl:1: undefined variable \"$x\""},
    {"VariableUndefinedAfterEnd", "{{with $x := 4}}{{end}}{{$x}}",
     "", "template: t.tmpl:1: undefined variable \"$x\""},
    {"TemplateNameFromVariable", "{{template $v}}",
     "", "template: t.tmpl:1: unexpected \"$v\" in template clause"},
    {"DeclareWithField", "{{with $x.Y := 4}}{{end}}",
     "", "template: t.tmpl:1: undefined variable \"$x\""},
    {"TemplateNameFromField", "{{template .X}}",
     "", "template: t.tmpl:1: unexpected \".X\" in template clause"},
    {"InvalidPunctuation", "{{printf 3, 4}}",
     "", "template: t.tmpl:1: unexpected \",\" in operand"},
    {"MultiDeclOutsideRange", "{{with $v, $u := 3}}{{end}}",
     "", "template: t.tmpl:1: too many declarations in with"},
    {"TooManyDeclsInRange", "{{range $u, $v, $w := 3}}{{end}}",
     "", "template: t.tmpl:1: too many declarations in range"},
    {"DotAppliedToParentheses", "{{printf (printf .).}}",
     "", "template: t.tmpl:1: unexpected <.> in operand"},
    {"AdjacentArgs", "{{printf 3`x`}}",
     "", "template: t.tmpl:1: unexpected \"`x`\" in operand"},
    {"AdjacentArgsWithDot", "{{printf `x`.}}",
     "", "template: t.tmpl:1: unexpected <.> in operand"},
    {"ExtraEndAfterElseIf", "{{if .X}}a{{else if .Y}}b{{end}}{{end}}",
     "", "template: t.tmpl:1: unexpected {{end}}"},
    {"BreakOutsideRange", "{{range .}}{{end}} {{break}}",
     "", "template: t.tmpl:1: {{break}} outside {{range}}"},
    {"ContinueOutsideRange", "{{range .}}{{end}} {{continue}}",
     "", "template: t.tmpl:1: {{continue}} outside {{range}}"},
    {"BreakInRangeElse", "{{range .}}{{else}}{{break}}{{end}}",
     "", "template: t.tmpl:1: {{break}} outside {{range}}"},
    {"PlusEquals", "{{$x += 1}}{{$x}}",
     "", "template: t.tmpl:1: undefined variable \"$x\""},
    {"BangOperator", "{{$x ! 2}}{{$x}}",
     "", "template: t.tmpl:1: undefined variable \"$x\""},
    {"ChainedDeclaration", "{{range $x := $y := 3}}{{end}}",
     "", "template: t.tmpl:1: undefined variable \"$y\""},
    {"VariableFollowedByPlus", "{{$x:=.}}{{$x+2}}",
     "", "template: t.tmpl:1: bad character U+002B '+'"},
    {"DotAfterInteger", "{{1.E}}",
     "", "template: t.tmpl:1: illegal number syntax: \"1.E\""},
    {"DotAfterFloat", "{{0.1.E}}",
     "", "template: t.tmpl:1: unexpected . after term \"0.1\""},
    {"DotAfterBoolean", "{{true.E}}",
     "", "template: t.tmpl:1: unexpected . after term \"true\""},
    {"DotAfterChar", "{{'a'.any}}",
     "", "template: t.tmpl:1: unexpected . after term \"'a'\""},
    {"DotAfterString", "{{\"hello\".guys}}",
     "", "template: t.tmpl:1: unexpected . after term \"\\\"hello\\\"\""},
    {"DotAfterDot", "{{..E}}",
     "", "template: t.tmpl:1: unexpected . after term \".\""},
    {"DotAfterNil", "{{nil.E}}",
     "", "template: t.tmpl:1: unexpected . after term \"nil\""},
    {"DotInPipelineStage", "{{12|.}}",
     "", "template: t.tmpl:1: non executable command in pipeline stage 2"},
    {"NumberInPipelineStage", "{{.|12|printf}}",
     "", "template: t.tmpl:1: non executable command in pipeline stage 2"},
    {"StringInPipelineStage", "{{.|printf|\"error\"}}",
     "", "template: t.tmpl:1: non executable command in pipeline stage 3"},
    {"CharInPipelineStage", "{{12|printf|'e'}}",
     "", "template: t.tmpl:1: non executable command in pipeline stage 3"},
    {"BoolInPipelineStage", "{{.|true}}",
     "", "template: t.tmpl:1: non executable command in pipeline stage 2"},
    {"NilInPipelineStage", "{{'c'|nil}}",
     "", "template: t.tmpl:1: non executable command in pipeline stage 2"},
    {"EmptyParenthesizedPipeline", "{{printf \"%d\" ( ) }}",
     "", "template: t.tmpl:1: missing value for parenthesized pipeline"},
    {"BlockWithoutPipeline", "{{block \"foo\"}}hello{{end}}",
     "", "template: t.tmpl:1: missing value for block clause"},
    {"UnclosedComment", "a{{/* x",
     "", "template: t.tmpl:1: unclosed comment"},
    {"CommentEndsBeforeDelimiter", "{{/* x */ .}}",
     "", "template: t.tmpl:1: comment ends before closing delimiter"},
    {"UnterminatedString", "{{\"abc}}",
     "", "template: t.tmpl:1: unterminated quoted string"},
    {"UnterminatedRawString", "{{`abc}}",
     "", "template: t.tmpl:1: unterminated raw quoted string"},
    {"UnterminatedChar", "{{'a}}",
     "", "template: t.tmpl:1: unterminated character constant"},
    {"BadNumber", "{{3k}}",
     "", "template: t.tmpl:1: bad number syntax: \"3k\""},
    {"BadHex", "{{0x}}",
     "", "template: t.tmpl:1: illegal number syntax: \"0x\""},
    {"IntegerOverflow", "{{99999999999999999999}}",
     "", "template: t.tmpl:1: integer overflow: \"99999999999999999999\""},
    {"IllegalNumber", "{{1e400}}",
     "", "template: t.tmpl:1: illegal number syntax: \"1e400\""},
    {"BadEscape", "{{\"\\q\"}}",
     "", "template: t.tmpl:1: invalid syntax"},
    {"MalformedChar", "{{'ab'}}",
     "", "template: t.tmpl:1: malformed character constant: 'ab'"},
    {"UnclosedParen", "{{(3}}",
     "", "template: t.tmpl:1: unclosed left paren"},
    {"UnexpectedRightParen", "{{3)}}",
     "", "template: t.tmpl:1: unexpected \")\" in command"},
    {"BadCharacterInAction", "{{\001}}",
     "", "template: t.tmpl:1: unrecognized character in action: U+0001"},
    {"BadCharacterAfterIdentifier", "{{printf#}}",
     "", "template: t.tmpl:1: bad character U+0023 '#'"},
    {"ExpectedDeclare", "{{$x :}}",
     "", "template: t.tmpl:1: undefined variable \"$x\""},
    {"UnclosedActionOnLaterLine", "{{if\n.X\n",
     "", "template: t.tmpl:3: unclosed action started at t.tmpl:1"},
    {"UnclosedActionInMultilineAction", "a\n{{.X\n\n",
     "", "template: t.tmpl:4: unclosed action started at t.tmpl:2"},
    {"MultipleDefinition", "{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}",
     "", "template: t.tmpl:1: template: multiple definition of template \"a\""},
    {"DefineWithoutName", "{{define}}{{end}}",
     "", "template: t.tmpl:1: unexpected \"}}\" in define clause"},
    {"DefineNotClosed", "{{define \"a\"}}x",
     "", "template: t.tmpl:1: unexpected EOF"},
    {"ElseInDefine", "{{define \"a\"}}x{{else}}{{end}}",
     "", "template: t.tmpl:1: unexpected {{else}} in define clause"},
    {"ElseInBlock", "{{block \"b\" .}}x{{else}}{{end}}",
     "", "template: t.tmpl:1: unexpected {{else}} in block clause"},
    {"ElseWithIsGo120Syntax", "{{with .X}}a{{else with .Y}}b{{end}}",
     "", "template: t.tmpl:1: unexpected <with> in else"},
    {"RangeInitializesOnlyVariables", "{{range $x, 3}}{{end}}",
     "", "template: t.tmpl:1: range can only initialize variables"},
    {"ErrorLineCountsNewlinesInText", "a\nb\nc\n{{end}}",
     "", "template: t.tmpl:4: unexpected {{end}}"},
    {"ErrorLineInsideRawString", "{{`a\nb`}}\n{{)}}",
     "", "template: t.tmpl:3: unexpected \")\" in command"},
};

class ParserTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParserTest, MatchesGo) {
  const ParseCase& c = GetParam();
  auto t = Template::Parse("t.tmpl", c.input, testing_funcs::TestFuncs());
  if (!c.error.empty()) {
    ASSERT_FALSE(t.ok()) << "parsed: " << (*t)->TreeString("t.tmpl");
    EXPECT_EQ(c.error, t.status().message());
    return;
  }
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(c.tree, (*t)->TreeString("t.tmpl"));
}

INSTANTIATE_TEST_SUITE_P(GoParseTests, ParserTest, ::testing::ValuesIn(kParseCases),
                         [](const ::testing::TestParamInfo<ParseCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(Parser, DefineAndBlockAddTemplatesToTheSet) {
  auto t = Template::Parse("main", "{{define \"a\"}}A{{end}}{{block \"b\" .}}B{{.}}{{end}}",
                           FuncMap());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((std::vector<std::string>{"a", "b", "main"}), (*t)->TemplateNames());
  EXPECT_EQ("A", (*t)->TreeString("a"));
  EXPECT_EQ("B{{.}}", (*t)->TreeString("b"));
  EXPECT_EQ("{{template \"b\" .}}", (*t)->TreeString("main"));
}

TEST(Parser, EmptyRedefinitionKeepsTheFirstBody) {
  // Go's Tree.add: an empty (whitespace-only) tree neither replaces nor
  // conflicts with an existing definition.
  auto t = Template::Parse("main", "{{define \"a\"}}A{{end}}{{define \"a\"}} {{end}}", FuncMap());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ("A", (*t)->TreeString("a"));
}

TEST(Parser, CustomDelimiters) {
  ParseOptions opt;
  opt.left_delim = "<<";
  opt.right_delim = ">>";
  auto t = Template::Parse("d", "{{.}} <<.A>> <<- .B ->> x", FuncMap(), opt);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ("{{.}} {{.A}}{{.B}}x", (*t)->TreeString("d"));
}

TEST(Parser, UserFunctionsNamedBreakDisableTheKeyword) {
  // Go lexes break/continue as identifiers when the FuncMap defines them.
  FuncMap funcs;
  funcs.Add("break", {}, [](ExecContext&, absl::Span<const Value>) { return Value::Int(1); });
  auto t = Template::Parse("b", "{{break}}", funcs);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ("{{break}}", (*t)->TreeString("b"));
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  std::string deep(5000, '(');
  deep = "{{" + deep + "1" + std::string(5000, ')') + "}}";
  auto t = Template::Parse("deep", deep, FuncMap());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ("template: deep:1: max expression depth exceeded", t.status().message());
  std::string ifs;
  for (int i = 0; i < 3000; ++i) ifs += "{{if 1}}";
  auto t2 = Template::Parse("ifs", ifs, FuncMap());
  ASSERT_FALSE(t2.ok());
  EXPECT_EQ("template: ifs:1: max expression depth exceeded", t2.status().message());
}

TEST(Parser, NestingBelowTheLimitParses) {
  std::string deep = "{{" + std::string(500, '(') + "1" + std::string(500, ')') + "}}";
  EXPECT_TRUE(Template::Parse("deep", deep, FuncMap()).ok());
}

}  // namespace
}  // namespace confwatch
