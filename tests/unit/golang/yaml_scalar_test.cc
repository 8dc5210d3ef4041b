// The value confd stores for a plain YAML scalar. Expected strings come from
// Go: yaml.v2's resolve() rules run with Go's strconv and printed as confd's
// nodeWalk does (strconv.Itoa / FormatBool / FormatFloat(f, 'f', -1, 64)).
#include "golang/yaml_scalar.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace confwatch {
namespace {

struct ScalarCase {
  std::string in;
  std::optional<std::string> want;  // nullopt: null, no key
};

void ExpectAll(const std::vector<ScalarCase>& cases) {
  for (const ScalarCase& c : cases) {
    EXPECT_EQ(c.want, ResolvePlainYamlScalar(c.in)) << "scalar: " << c.in;
  }
}

TEST(ResolvePlainYamlScalar, NullsGiveNoValue) {
  ExpectAll({{"", std::nullopt}, {"~", std::nullopt}, {"null", std::nullopt},
             {"Null", std::nullopt}, {"NULL", std::nullopt}, {"nULL", "nULL"}});
}

TEST(ResolvePlainYamlScalar, Yaml11BooleansPrintAsGoBools) {
  ExpectAll({{"yes", "true"}, {"Y", "true"}, {"on", "true"}, {"ON", "true"},
             {"True", "true"}, {"no", "false"}, {"off", "false"}, {"False", "false"},
             {"N", "false"}, {"oN", "oN"}, {"yES", "yES"}});
}

TEST(ResolvePlainYamlScalar, IntegersInAnyGoBasePrintInDecimal) {
  ExpectAll({{"0", "0"}, {"-0", "0"}, {"+5", "5"}, {"1_000", "1000"}, {"0_7", "7"},
             {"0x1F", "31"}, {"0X1f", "31"}, {"0o17", "15"}, {"0O7", "7"}, {"017", "15"},
             {"00", "0"}, {"0b101", "5"}, {"-0b101", "-5"}, {"+0x10", "16"},
             {"-0x8000000000000000", "-9223372036854775808"},
             {"9223372036854775807", "9223372036854775807"},
             {"-9223372036854775808", "-9223372036854775808"}});
}

TEST(ResolvePlainYamlScalar, Uint64IsKeptWhereConfdDropsIt) {
  ExpectAll({{"9223372036854775808", "9223372036854775808"},
             {"18446744073709551615", "18446744073709551615"},
             {"0xFFFFFFFFFFFFFFFF", "18446744073709551615"}});
}

TEST(ResolvePlainYamlScalar, NotAnIntegerFallsBackToFloat) {
  ExpectAll({{"08", "8"},  // invalid octal, valid YAML float
             {"18446744073709551616", "18446744073709552000"},
             {"+9223372036854775808", "9223372036854776000"},
             {"-9223372036854775809", "-9223372036854776000"},
             {"123456789012345678901234567890", "123456789012345680000000000000"}});
}

TEST(ResolvePlainYamlScalar, FloatsPrintShortestWithoutExponent) {
  ExpectAll({{"1.0", "1"}, {"1.5", "1.5"}, {"1e3", "1000"}, {"1E5", "100000"},
             {"1e+5", "100000"}, {"1.", "1"}, {".5", "0.5"}, {"+.5", "0.5"},
             {"-.5", "-0.5"}, {"1e-7", "0.0000001"}, {"-1e-3", "-0.001"},
             {"1e23", "100000000000000000000000"}, {"0.1", "0.1"}, {"3.14159", "3.14159"},
             {"-0.0", "-0"}, {"-.0", "-0"}, {"0e0", "0"}, {"1e-400", "0"},
             {".5_0", "0.5"}, {"1__0", "10"}});
}

TEST(ResolvePlainYamlScalar, SpecialFloats) {
  ExpectAll({{".inf", "+Inf"}, {"+.INF", "+Inf"}, {"-.Inf", "-Inf"}, {".NaN", "NaN"},
             {"NaN", "NaN"},  // not a YAML float: the string "NaN"
             {"Infinity", "Infinity"}});
}

TEST(ResolvePlainYamlScalar, EverythingElseIsTheTextItself) {
  ExpectAll({{"1:30", "1:30"}, {"2001-12-14", "2001-12-14"}, {"0x", "0x"}, {"-", "-"},
             {"+", "+"}, {".", "."}, {"..5", "..5"}, {"abc", "abc"}, {"1.2.3", "1.2.3"},
             {"1e", "1e"}, {"1e400", "1e400"},  // overflows float64: kept as text
             {"0x1p-2", "0x1p-2"}, {"0b", "0b"}, {"0b2", "0b2"}, {"0o8", "0o8"},
             {"0x10000000000000000", "0x10000000000000000"}, {"._5", "._5"}, {"_1", "_1"},
             {"10.0.0.1", "10.0.0.1"}, {"10.0.0.1:8080", "10.0.0.1:8080"}});
}

TEST(FormatGoFloat, ExtremesKeepEveryDigitGoPrints) {
  EXPECT_EQ("17976931348623157" + std::string(292, '0'),
            FormatGoFloat(1.7976931348623157e308));
  EXPECT_EQ("0." + std::string(323, '0') + "5", FormatGoFloat(5e-324));
  EXPECT_EQ("NaN", FormatGoFloat(std::nan("")));
}

TEST(IsYamlMergeKey, PlainOrMergeTaggedDoubleAngleOnly) {
  struct Case {
    std::string text;
    std::string tag;  // as yaml-cpp reports it
    bool want;
  };
  const std::vector<Case> cases = {
      {"<<", "?", true},                          // <<: *base
      {"<<", "tag:yaml.org,2002:merge", true},    // !!merge <<: *base
      {"<<", "!", false},                         // "<<": a quoted key
      {"<<", "tag:yaml.org,2002:str", false},     // !!str <<
      {"<", "?", false},
      {"<<<", "?", false},
      {"", "?", false},
      {"merge", "tag:yaml.org,2002:merge", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, IsYamlMergeKey(c.text, c.tag)) << c.text << " tag " << c.tag;
  }
}

}  // namespace
}  // namespace confwatch
