#include "base/logging.h"

#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace confwatch {
namespace {

LogOrigin TestOrigin(absl::TimeZone zone = absl::UTCTimeZone()) {
  LogOrigin origin;
  origin.host = "web-1";
  origin.pid = 42;
  origin.zone = zone;
  return origin;
}

absl::Time TestTime() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::UTCTimeZone());
}

TEST(FormatLogLine, TextLooksLikeConfd) {
  LogField fields[] = {{"resource", "nginx.toml"}, {"revision", 1234}};
  EXPECT_EQ(
      "2026-11-23T10:00:00.000Z web-1 confwatch[42]: INFO Target config /etc/nginx/upstream.conf "
      "has been updated resource=nginx.toml revision=1234\n",
      FormatLogLine(LogFormat::kText, TestOrigin(), TestTime(), LogLevel::kInfo,
                    "Target config /etc/nginx/upstream.conf has been updated", fields));
}

TEST(FormatLogLine, TimesHaveMilliseconds) {
  const absl::Time t = TestTime() + absl::Milliseconds(123) + absl::Microseconds(999);
  EXPECT_EQ("2026-11-23T10:00:00.123Z web-1 confwatch[42]: INFO m\n",
            FormatLogLine(LogFormat::kText, TestOrigin(), t, LogLevel::kInfo, "m", {}));
  EXPECT_EQ("{\"time\":\"2026-11-23T10:00:00.123Z\",\"level\":\"info\",\"msg\":\"m\"}\n",
            FormatLogLine(LogFormat::kJson, TestOrigin(), t, LogLevel::kInfo, "m", {}));
}

// nginx -t writes several lines to stderr; the error that quotes them must
// stay one event: continuation lines indented in text, escaped in JSON.
TEST(FormatLogLine, MultiLineMessageStaysOneEvent) {
  const std::string msg =
      "a.toml: check_cmd failed (exit 1):\nnginx: [emerg] unknown directive\nnginx: test failed\n";
  EXPECT_EQ(
      "2026-11-23T10:00:00.000Z web-1 confwatch[42]: ERROR a.toml: check_cmd failed (exit 1):\n"
      "    nginx: [emerg] unknown directive\n"
      "    nginx: test failed\n",
      FormatLogLine(LogFormat::kText, TestOrigin(), TestTime(), LogLevel::kError, msg, {}));
  std::string json =
      FormatLogLine(LogFormat::kJson, TestOrigin(), TestTime(), LogLevel::kError, msg, {});
  EXPECT_EQ(1, std::count(json.begin(), json.end(), '\n')) << json;
}

TEST(FormatLogLine, TextLevelsAreUpperCaseConfdNames) {
  const struct {
    LogLevel level;
    const char* printed;
  } cases[] = {
      {LogLevel::kDebug, "DEBUG"}, {LogLevel::kInfo, "INFO"},   {LogLevel::kWarning, "WARNING"},
      {LogLevel::kError, "ERROR"}, {LogLevel::kFatal, "FATAL"}, {LogLevel::kPanic, "PANIC"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(absl::StrCat("2026-11-23T10:00:00.000Z web-1 confwatch[42]: ", c.printed, " m\n"),
              FormatLogLine(LogFormat::kText, TestOrigin(), TestTime(), c.level, "m", {}));
  }
}

TEST(FormatLogLine, TimeCarriesTheZoneOffset) {
  const struct {
    int offset_seconds;
    const char* expected_time;
  } cases[] = {
      {2 * 3600, "2026-11-23T12:00:00.000+02:00"},
      {-(5 * 3600 + 30 * 60), "2026-11-23T04:30:00.000-05:30"},
  };
  for (const auto& c : cases) {
    LogOrigin origin = TestOrigin(absl::FixedTimeZone(c.offset_seconds));
    std::string line =
        FormatLogLine(LogFormat::kText, origin, TestTime(), LogLevel::kInfo, "m", {});
    EXPECT_EQ(absl::StrCat(c.expected_time, " web-1 confwatch[42]: INFO m\n"), line);
  }
}

TEST(FormatLogLine, TextFieldValuesAreQuotedWhenTheyCouldBreakTheLine) {
  const struct {
    const char* value;
    const char* printed;
  } cases[] = {
      {"plain/path-1.2_x", "plain/path-1.2_x"},
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"a=b", "\"a=b\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"line1\nline2\ttab", "\"line1\\nline2\\ttab\""},
      {"bell\x07", "\"bell\\x07\""},
  };
  for (const auto& c : cases) {
    LogField fields[] = {{"k", c.value}};
    EXPECT_EQ(absl::StrCat("2026-11-23T10:00:00.000Z web-1 confwatch[42]: INFO m k=", c.printed, "\n"),
              FormatLogLine(LogFormat::kText, TestOrigin(), TestTime(), LogLevel::kInfo, "m",
                            fields));
  }
}

TEST(FormatLogLine, JsonIsOneObjectPerLineWithTimeLevelMsgFirst) {
  LogField fields[] = {{"resource", "nginx.toml"}, {"output", "line1\nline2"}};
  EXPECT_EQ(
      "{\"time\":\"2026-11-23T10:00:00.000Z\",\"level\":\"warning\",\"msg\":\"check failed\","
      "\"resource\":\"nginx.toml\",\"output\":\"line1\\nline2\"}\n",
      FormatLogLine(LogFormat::kJson, TestOrigin(), TestTime(), LogLevel::kWarning,
                    "check failed", fields));
}

// resource, dest and error as JSON fields; the text line already says them.
TEST(FormatLogLine, JsonOnlyFieldsAreLeftOutOfText) {
  LogField fields[] = {JsonField("resource", "a.toml"), JsonField("dest", "/etc/a"),
                       JsonField("error", "Permission denied"), {"revision", 7}};
  const std::string msg = "a.toml: /etc/a: Permission denied";
  EXPECT_EQ("2026-11-23T10:00:00.000Z web-1 confwatch[42]: ERROR " + msg + " revision=7\n",
            FormatLogLine(LogFormat::kText, TestOrigin(), TestTime(), LogLevel::kError, msg,
                          fields));
  EXPECT_EQ(
      "{\"time\":\"2026-11-23T10:00:00.000Z\",\"level\":\"error\",\"msg\":\"" + msg +
          "\",\"resource\":\"a.toml\",\"dest\":\"/etc/a\",\"error\":\"Permission denied\","
          "\"revision\":\"7\"}\n",
      FormatLogLine(LogFormat::kJson, TestOrigin(), TestTime(), LogLevel::kError, msg, fields));
}

TEST(FormatLogLine, JsonFieldsNamedLikeReservedKeysAreRenamed) {
  LogField fields[] = {{"msg", "x"}, {"level", "y"}, {"time", "z"}};
  EXPECT_EQ(
      "{\"time\":\"2026-11-23T10:00:00.000Z\",\"level\":\"info\",\"msg\":\"m\","
      "\"fields.msg\":\"x\",\"fields.level\":\"y\",\"fields.time\":\"z\"}\n",
      FormatLogLine(LogFormat::kJson, TestOrigin(), TestTime(), LogLevel::kInfo, "m", fields));
}

TEST(FormatLogLine, JsonReplacesInvalidUtf8InsteadOfFailing) {
  LogField fields[] = {{"path", "/etc/caf\xe9"}};
  EXPECT_EQ(
      "{\"time\":\"2026-11-23T10:00:00.000Z\",\"level\":\"info\",\"msg\":\"m\","
      "\"path\":\"/etc/caf\xef\xbf\xbd\"}\n",
      FormatLogLine(LogFormat::kJson, TestOrigin(), TestTime(), LogLevel::kInfo, "m", fields));
}

TEST(ParseLogLevel, AcceptsConfdNamesInAnyCase) {
  const struct {
    const char* name;
    LogLevel level;
  } cases[] = {
      {"debug", LogLevel::kDebug}, {"trace", LogLevel::kDebug},     {"info", LogLevel::kInfo},
      {"INFO", LogLevel::kInfo},   {"warning", LogLevel::kWarning}, {"warn", LogLevel::kWarning},
      {"error", LogLevel::kError}, {"fatal", LogLevel::kFatal},     {"Panic", LogLevel::kPanic},
  };
  for (const auto& c : cases) {
    absl::StatusOr<LogLevel> got = ParseLogLevel(c.name);
    ASSERT_TRUE(got.ok()) << c.name;
    EXPECT_EQ(c.level, *got) << c.name;
  }
}

TEST(ParseLogLevel, RejectsOtherNames) {
  for (const char* name : {"", "verbose", "err", "infoo"}) {
    absl::StatusOr<LogLevel> got = ParseLogLevel(name);
    ASSERT_FALSE(got.ok()) << name;
    EXPECT_EQ(absl::StrCat("invalid log level \"", name,
                           "\": use debug, info, warning, error, fatal or panic"),
              got.status().message());
  }
}

TEST(ParseLogFormat, AcceptsTextAndJsonOnly) {
  EXPECT_EQ(LogFormat::kText, *ParseLogFormat("text"));
  EXPECT_EQ(LogFormat::kJson, *ParseLogFormat("JSON"));
  EXPECT_EQ("invalid log format \"xml\": use text or json",
            ParseLogFormat("xml").status().message());
}

class LogTest : public ::testing::Test {
 protected:
  void Init(LogLevel level, LogFormat format) {
    LoggingConfig config;
    config.level = level;
    config.format = format;
    config.sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    InitLogging(config);
  }
  void TearDown() override { InitLogging(LoggingConfig()); }

  std::ostringstream out_;
};

TEST_F(LogTest, LinesBelowTheLevelAreDropped) {
  Init(LogLevel::kWarning, LogFormat::kJson);
  LogDebug("debug line");
  LogInfo("info line");
  LogWarning("warning line");
  LogError("error line");
  Log(LogLevel::kFatal, "fatal line");
  std::istringstream lines(out_.str());
  std::vector<std::string> messages;
  for (std::string line; std::getline(lines, line);) {
    messages.push_back(nlohmann::json::parse(line)["msg"].get<std::string>());
  }
  EXPECT_THAT(messages, ::testing::ElementsAre("warning line", "error line", "fatal line"));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  SetLogLevel(LogLevel::kDebug);
  EXPECT_TRUE(LogEnabled(LogLevel::kDebug));
}

TEST_F(LogTest, TextLineCarriesHostTagAndPid) {
  Init(LogLevel::kInfo, LogFormat::kText);
  LogInfo("Backend set to etcdv3", {{"nodes", 2}});
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_THAT(out_.str(),
              ::testing::MatchesRegex(absl::StrCat(
                  "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}(Z|[-+][0-9]{2}:[0-9]{2}) ",
                  host, " confwatch\\[", getpid(), "\\]: INFO Backend set to etcdv3 nodes=2\n")));
}

TEST_F(LogTest, PlainSpdlogCallsPrintTheSameLines) {
  Init(LogLevel::kInfo, LogFormat::kJson);
  spdlog::warn("resource {} failed", "nginx.toml");
  spdlog::debug("below the level");
  nlohmann::json line = nlohmann::json::parse(out_.str());
  EXPECT_EQ("warning", line["level"]);
  EXPECT_EQ("resource nginx.toml failed", line["msg"]);
  EXPECT_EQ(3u, line.size());  // time, level, msg
}

TEST_F(LogTest, PanicAndFatalKeepTheirNames) {
  Init(LogLevel::kInfo, LogFormat::kJson);
  Log(LogLevel::kPanic, "p");
  Log(LogLevel::kFatal, "f");
  std::istringstream lines(out_.str());
  std::vector<std::string> levels;
  for (std::string line; std::getline(lines, line);) {
    levels.push_back(nlohmann::json::parse(line)["level"].get<std::string>());
  }
  EXPECT_THAT(levels, ::testing::ElementsAre("panic", "fatal"));
}

}  // namespace
}  // namespace confwatch
