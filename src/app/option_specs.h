// OptionSpec: one confwatch option as the flag, environment and config-file
// readers see it -- its name, type, default, help line, confd.toml keys and
// the Options field it fills. The table is the single list of options: the
// parsers, --help and the tests all read it. Internal to app/options.cc.
//
// Thread-safety: the table is immutable; the functions are thread-safe.
#ifndef CONFWATCH_APP_OPTION_SPECS_H_
#define CONFWATCH_APP_OPTION_SPECS_H_

#include <array>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "app/options.h"

namespace confwatch {

enum class OptionKind {
  kBool,      // Go strconv.ParseBool spellings
  kSeconds,   // positive whole seconds (confd's -interval)
  kDuration,  // Go duration ("10s") or whole seconds; not negative
  kString,
  kList,      // repeatable, comma-separated
  kLogLevel,
  kLogFormat,
  kBackend,
  kCount,     // a non-negative integer
};

// Where a value goes. monostate: a confd option confwatch accepts and ignores.
using OptionTarget =
    std::variant<std::monostate, bool Options::*, absl::Duration Options::*,
                 std::string Options::*, std::vector<std::string> Options::*,
                 LogLevel Options::*, LogFormat Options::*, int Options::*>;

struct OptionSpec {
  absl::string_view group;  // --help section
  absl::string_view name;   // flag name without dashes
  OptionKind kind;
  OptionTarget target;
  absl::string_view value_name;    // "seconds", "path", ... for --help
  absl::string_view default_text;  // as --help shows it; empty: none
  absl::string_view help;
  // Lower case; empty: not at the top of the file. Exec options (also) live
  // in the file's [exec] table, under their name without "exec-" and with
  // underscores (exec-kill-timeout -> [exec] kill_timeout).
  std::array<absl::string_view, 3> file_keys;
  bool from_env;
};

absl::Span<const OptionSpec> AllOptions();

// By flag name; also "h" for help. nullptr when unknown.
const OptionSpec* FindOption(absl::string_view name);

// "CONFWATCH_LOG_LEVEL" for log-level.
std::string EnvName(const OptionSpec& spec);

// Converts `value` and stores it in *out (lists: appends each comma-separated
// item). `label` says where the value came from in error messages:
// `<label> must be a positive number of seconds, got "x"`. Ignored options
// add a warning to out->warnings instead.
absl::Status ApplyValue(const OptionSpec& spec, absl::string_view value,
                        absl::string_view label, Options* out);

// Empties a list option before a source that sets it. No-op for scalars.
void ClearList(const OptionSpec& spec, Options* out);

// Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
bool ParseGoBool(absl::string_view text, bool* out);

}  // namespace confwatch

#endif  // CONFWATCH_APP_OPTION_SPECS_H_
