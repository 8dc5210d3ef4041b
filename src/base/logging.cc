#include "base/logging.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "spdlog/formatter.h"
#include "spdlog/logger.h"
#include "spdlog/spdlog.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace confwatch {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
absl::once_flag default_init;

// What Log() passes to the formatter beside the message. spdlog formats on
// the calling thread (we use no async logger), so a thread_local carries it.
struct CallContext {
  LogLevel level;
  absl::Span<const LogField> fields;
};
thread_local const CallContext* current_call = nullptr;

LogOrigin ThisProcess() {
  LogOrigin origin;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) origin.host = host;
  origin.pid = getpid();
  origin.zone = absl::LocalTimeZone();
  return origin;
}

// RFC 3339 with milliseconds, "Z" for UTC (confd prints whole seconds; two
// events of one burst must be told apart and ordered).
std::string Rfc3339(absl::Time time, absl::TimeZone zone) {
  std::string text = absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", time, zone);
  int offset = zone.At(time).offset;
  if (offset == 0) return text + "Z";
  char sign = offset < 0 ? '-' : '+';
  offset = std::abs(offset);
  return absl::StrFormat("%s%c%02d:%02d", text, sign, offset / 3600, offset / 60 % 60);
}

bool NeedsQuotes(absl::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == 0x7f || c == '"' || c == '=' || c == '\\') return true;
  }
  return false;
}

// Go-style double-quoted string, so a field can never break the line.
std::string Quote(absl::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < ' ' || c == 0x7f) {
          absl::StrAppendFormat(&out, "\\x%02x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string FormatText(const LogOrigin& origin, absl::Time time, LogLevel level,
                       absl::string_view message, absl::Span<const LogField> fields) {
  // A multi-line message (nginx -t's stderr) stays one event: continuation
  // lines are indented, so a reader or collector never takes them for lines
  // of their own.
  std::string line = absl::StrCat(Rfc3339(time, origin.zone), " ", origin.host, " ",
                                  origin.tag, "[", origin.pid, "]: ",
                                  absl::AsciiStrToUpper(LogLevelName(level)), " ",
                                  absl::StrReplaceAll(absl::StripTrailingAsciiWhitespace(message),
                                                      {{"\n", "\n    "}}));
  for (const LogField& f : fields) {
    if (!f.in_text) continue;
    absl::StrAppend(&line, " ", f.key, "=", NeedsQuotes(f.value) ? Quote(f.value) : f.value);
  }
  line += "\n";
  return line;
}

std::string FormatJson(const LogOrigin& origin, absl::Time time, LogLevel level,
                       absl::string_view message, absl::Span<const LogField> fields) {
  nlohmann::ordered_json line;
  line["time"] = Rfc3339(time, origin.zone);
  line["level"] = std::string(LogLevelName(level));
  line["msg"] = std::string(message);
  for (const LogField& f : fields) {
    bool reserved = f.key == "time" || f.key == "level" || f.key == "msg";
    line[reserved ? "fields." + f.key : f.key] = f.value;
  }
  // Invalid UTF-8 (a path with Latin-1 bytes) must not throw or lose the line.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

LogLevel FromSpdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return LogLevel::kDebug;
    case spdlog::level::info: return LogLevel::kInfo;
    case spdlog::level::warn: return LogLevel::kWarning;
    case spdlog::level::err: return LogLevel::kError;
    default: return LogLevel::kFatal;
  }
}

// Formats every line of the default spdlog logger, so spdlog::warn(...)
// anywhere in confwatch prints the same lines as Log().
class LineFormatter : public spdlog::formatter {
 public:
  LineFormatter(LogFormat format, LogOrigin origin)
      : format_(format), origin_(std::move(origin)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    LogLevel level = current_call ? current_call->level : FromSpdlog(msg.level);
    absl::Span<const LogField> fields;
    if (current_call) fields = current_call->fields;
    std::string line = FormatLogLine(format_, origin_, absl::FromChrono(msg.time), level,
                                     absl::string_view(msg.payload.data(), msg.payload.size()),
                                     fields);
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_, origin_);
  }

 private:
  const LogFormat format_;
  const LogOrigin origin_;
};

spdlog::level::level_enum SpdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarning: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kFatal:
    case LogLevel::kPanic: return spdlog::level::critical;
  }
  return spdlog::level::info;
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "debug" || lower == "trace") return LogLevel::kDebug;
  if (lower == "info") return LogLevel::kInfo;
  if (lower == "warning" || lower == "warn") return LogLevel::kWarning;
  if (lower == "error") return LogLevel::kError;
  if (lower == "fatal") return LogLevel::kFatal;
  if (lower == "panic") return LogLevel::kPanic;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid log level \"", name, "\": use debug, info, warning, error, fatal or panic"));
}

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "text") return LogFormat::kText;
  if (lower == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid log format \"", name, "\": use text or json"));
}

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
    case LogLevel::kFatal: return "fatal";
    case LogLevel::kPanic: return "panic";
  }
  return "info";
}

std::string FormatLogLine(LogFormat format, const LogOrigin& origin, absl::Time time,
                          LogLevel level, absl::string_view message,
                          absl::Span<const LogField> fields) {
  if (format == LogFormat::kJson) return FormatJson(origin, time, level, message, fields);
  return FormatText(origin, time, level, message, fields);
}

namespace {

void InstallLogger(const LoggingConfig& config) {
  std::shared_ptr<spdlog::sinks::sink> sink = config.sink;
  if (sink == nullptr) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("confwatch", std::move(sink));
  logger->set_formatter(std::make_unique<LineFormatter>(config.format, ThisProcess()));
  logger->flush_on(spdlog::level::trace);
  logger->set_level(SpdlogLevel(config.level));
  min_level.store(static_cast<int>(config.level));
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

void InitLogging(const LoggingConfig& config) {
  InstallLogger(config);
  absl::call_once(default_init, [] {});  // an explicit configuration wins
}

void SetLogLevel(LogLevel level) {
  min_level.store(static_cast<int>(level));
  spdlog::default_logger()->set_level(SpdlogLevel(level));
}

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= min_level.load(); }

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  absl::call_once(default_init, [] { InstallLogger(LoggingConfig()); });
  CallContext context{level, absl::MakeConstSpan(fields.begin(), fields.size())};
  current_call = &context;
  spdlog::default_logger()->log(SpdlogLevel(level),
                                spdlog::string_view_t(message.data(), message.size()));
  current_call = nullptr;
}

}  // namespace confwatch
