// Logging for confwatch: confd's levels and line format on top of spdlog.
//
// Text lines look like confd's, so log scrapers written for confd keep
// working:
//   2026-11-23T10:00:00Z web-1 confwatch[42]: INFO Target config
//   /etc/nginx/upstream.conf has been updated resource=nginx.toml
// (one line; wrapped here).
// JSON lines (--log-format json) hold one object each, keys in this order:
//   {"time":"2026-11-23T10:00:00Z","level":"info","msg":"...","resource":"nginx.toml"}
// Time is RFC 3339 in the local time zone ("Z" for UTC), as confd prints it.
//
// NEVER pass a key's value -- to the message or to a field. Values are
// secrets as often as not (passwords, tokens); only key names, resource
// names, paths, revisions and counts belong in the log. Command output is
// logged by the caller and must come from commands that do not print values.
//
// Levels: debug < info < warning < error < fatal < panic. fatal and panic
// only label the line: logging never exits or aborts, the caller decides.
//
// Every module logs through Log() and LogDebug/Info/Warning/Error() below
// (base/ sits under every other module). spdlog is how lines are written and
// shows outside logging.cc only as LoggingConfig::sink. Call InitLogging()
// first thing in main: before it, Log() goes to stderr as text at level info.
//
// Thread-safety: every function is thread-safe. InitLogging() and
// SetLogLevel() may be called at any time (SIGHUP reload); a line being
// written meanwhile finishes with the old logger. Only synchronous spdlog
// loggers are supported (Log() hands its fields to the formatter on the
// calling thread).
#ifndef CONFWATCH_BASE_LOGGING_H_
#define CONFWATCH_BASE_LOGGING_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace spdlog::sinks {
class sink;
}  // namespace spdlog::sinks

namespace confwatch {

enum class LogLevel { kDebug, kInfo, kWarning, kError, kFatal, kPanic };
enum class LogFormat { kText, kJson };

// confd's (logrus's) level names, any case: debug, info, warning, warn,
// error, fatal, panic; trace is taken as debug. Error:
// `invalid log level "x": use debug, info, warning, error, fatal or panic`.
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name);
// "text" or "json". Error: `invalid log format "x": use text or json`.
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);

// "debug", "info", "warning", ... as printed in JSON (upper case in text).
absl::string_view LogLevelName(LogLevel level);

// A structured field: resource=nginx.toml, revision=1234. Numbers and
// strings convert implicitly: {"revision", 1234}.
struct LogField {
  LogField(absl::string_view k, const absl::AlphaNum& v) : key(k), value(v.Piece()) {}
  std::string key;
  std::string value;
  bool in_text = true;  // false: a JSON field only (the text message already says it)
};

// A field for JSON lines only: resource, dest and error, which the text
// message already carries ("a.toml: /etc/a: Permission denied").
inline LogField JsonField(absl::string_view key, const absl::AlphaNum& value) {
  LogField f(key, value);
  f.in_text = false;
  return f;
}

// Where lines come from: fixed for the life of the process.
struct LogOrigin {
  std::string host;
  std::string tag = "confwatch";
  int64_t pid = 0;
  absl::TimeZone zone;
};

// One formatted line, with its trailing newline. Text fields are appended as
// key=value, the value quoted Go-style when it is empty or holds spaces,
// quotes, '=' or control characters. JSON fields that clash with time, level
// or msg are renamed fields.time, ... (as logrus does).
std::string FormatLogLine(LogFormat format, const LogOrigin& origin, absl::Time time,
                          LogLevel level, absl::string_view message,
                          absl::Span<const LogField> fields);

struct LoggingConfig {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
  // Where lines go; null means stderr, as confd.
  std::shared_ptr<spdlog::sinks::sink> sink;
};

// Replaces the logging configuration (and spdlog's default logger).
void InitLogging(const LoggingConfig& config);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

void Log(LogLevel level, absl::string_view message,
         std::initializer_list<LogField> fields = {});

inline void LogDebug(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kDebug, m, f);
}
inline void LogInfo(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarning(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

}  // namespace confwatch

#endif  // CONFWATCH_BASE_LOGGING_H_
