// ValidateOutputFormat: valid output of each format passes, invalid output is
// FailedPrecondition with the parser's position.
#include "resource/output_format.h"

#include <string>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

struct FormatCase {
  OutputFormat format;
  const char* text;
};

TEST(OutputFormat, AcceptsValidDocuments) {
  const FormatCase cases[] = {
      {OutputFormat::kAny, "not { json"},
      {OutputFormat::kJson, "{\"upstreams\": [\"10.0.0.1:80\"], \"n\": 1.5}\n"},
      {OutputFormat::kJson, "[]"},
      {OutputFormat::kYaml, "a: 1\nb:\n  - x\n  - y\n"},
      {OutputFormat::kYaml, "a: 1\n---\nb: 2\n"},  // several documents
      {OutputFormat::kYaml, ""},
      {OutputFormat::kToml, "[db]\nhost = \"10.0.0.1\"\nport = 5432\n"},
      {OutputFormat::kToml, ""},
      {OutputFormat::kToml, "name = \"caf\xc3\xa9\"\n"},
  };
  for (const FormatCase& c : cases) {
    EXPECT_TRUE(ValidateOutputFormat(c.format, c.text, "out").ok())
        << OutputFormatName(c.format) << ": " << c.text;
  }
}

struct InvalidCase {
  OutputFormat format;
  std::string text;
  std::string message;
};

TEST(OutputFormat, RejectsInvalidWithPosition) {
  const InvalidCase cases[] = {
      {OutputFormat::kJson, "{\"a\": 1,}",
       "out: not valid json: [json.exception.parse_error.101] parse error at line 1, "
       "column 9: syntax error while parsing object key - unexpected '}'; expected "
       "string literal"},
      {OutputFormat::kJson, "",
       "out: not valid json: [json.exception.parse_error.101] parse error at line 1, "
       "column 1: syntax error while parsing value - unexpected end of input; "
       "expected '[', '{', or a literal"},
      {OutputFormat::kYaml, "a: 1\nb: [x, y\n",
       "out: not valid yaml: line 3, column 1: end of sequence flow not found"},
      {OutputFormat::kYaml, "a: 1\n  b: 2\n",
       "out: not valid yaml: line 2, column 4: illegal map value"},
      {OutputFormat::kToml, "[db]\nport = 54 32\n",
       "out: not valid toml: line 2, column 11: invalid line format"},
      {OutputFormat::kToml, "a = 1\na = 2\n",
       "out: not valid toml: line 2, column 5: value (\"a\") already exists."},
      {OutputFormat::kToml, "a = \"\xc3\x28\"\n",
       "out: not valid toml: line 1, column 6: invalid UTF-8 (byte 0xc3)"},
      // Rendered from etcd values: refused before toml11 recurses on it.
      {OutputFormat::kToml, "a = " + std::string(100000, '['),
       "out: not valid toml: line 1, column 69: nested too deep (limit 64)"},
  };
  for (const InvalidCase& c : cases) {
    absl::Status s = ValidateOutputFormat(c.format, c.text, "out");
    EXPECT_EQ(absl::StatusCode::kFailedPrecondition, s.code()) << c.text;
    EXPECT_EQ(c.message, std::string(s.message())) << c.text;
  }
}

}  // namespace
}  // namespace confwatch
