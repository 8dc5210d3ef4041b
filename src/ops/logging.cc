#include "ops/logging.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <utility>

#include "absl/base/const_init.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"
#include "spdlog/logger.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace confwatch {
namespace {

// What Log() needs, swapped as a whole by InitLogging().
struct LoggerState {
  std::shared_ptr<spdlog::logger> logger;
  LogFormat format = LogFormat::kText;
  LogOrigin origin;
};

ABSL_CONST_INIT absl::Mutex state_mu(absl::kConstInit);
ABSL_CONST_INIT std::shared_ptr<const LoggerState>* state ABSL_GUARDED_BY(state_mu) = nullptr;
std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

LogOrigin ThisProcess() {
  LogOrigin origin;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) origin.host = host;
  origin.pid = getpid();
  origin.zone = absl::LocalTimeZone();
  return origin;
}

std::shared_ptr<const LoggerState> MakeState(const LoggingConfig& config) {
  auto state = std::make_shared<LoggerState>();
  std::shared_ptr<spdlog::sinks::sink> sink = config.sink;
  if (sink == nullptr) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  state->logger = std::make_shared<spdlog::logger>("confwatch", std::move(sink));
  // Lines arrive fully formatted, newline included; level filtering is ours.
  state->logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      "%v", spdlog::pattern_time_type::local, ""));
  state->logger->set_level(spdlog::level::trace);
  state->logger->flush_on(spdlog::level::trace);
  state->format = config.format;
  state->origin = ThisProcess();
  return state;
}

std::shared_ptr<const LoggerState> CurrentState() {
  absl::MutexLock lock(&state_mu);
  if (state == nullptr) {
    state = new std::shared_ptr<const LoggerState>(MakeState(LoggingConfig()));
  }
  return *state;
}

// RFC 3339 to the second, "Z" for UTC: Go's time.RFC3339, which confd uses.
std::string Rfc3339(absl::Time time, absl::TimeZone zone) {
  std::string text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", time, zone);
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
  std::string line = absl::StrCat(Rfc3339(time, origin.zone), " ", origin.host, " ",
                                  origin.tag, "[", origin.pid, "]: ",
                                  absl::AsciiStrToUpper(LogLevelName(level)), " ", message);
  for (const LogField& f : fields) {
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

void InitLogging(const LoggingConfig& config) {
  std::shared_ptr<const LoggerState> fresh = MakeState(config);
  SetLogLevel(config.level);
  absl::MutexLock lock(&state_mu);
  if (state == nullptr) {
    state = new std::shared_ptr<const LoggerState>(std::move(fresh));
  } else {
    *state = std::move(fresh);
  }
}

void SetLogLevel(LogLevel level) { min_level.store(static_cast<int>(level)); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= min_level.load(); }

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  std::shared_ptr<const LoggerState> s = CurrentState();
  std::string line = FormatLogLine(s->format, s->origin, absl::Now(), level, message,
                                   absl::MakeConstSpan(fields.begin(), fields.size()));
  s->logger->log(SpdlogLevel(level), spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace confwatch
