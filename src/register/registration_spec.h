// RegistrationSpec: one service instance confwatch registers in etcd, as the
// user wrote it -- in a [[register]] table of the config file or on the
// `confwatch register` command line -- and Registration, the same rendered
// and checked, ready for a Registrar.
//
//   [[register]]
//   key = "/services/web/{{hostname}}:8080"          # Go template
//   value = '{"address":"{{hostIP}}","port":8080}'   # Go template, may be ""
//   ttl = "10s"                  # lease TTL: whole seconds, at least 1s
//   health = "tcp://127.0.0.1:8080"   # optional: tcp://, http(s):// or a command
//   health_interval = "5s"
//   health_timeout = "2s"
//
// Key and value are Go text/templates rendered ONCE at start with
// RegistrationFuncMap() (hostname, getenv, hostIP, hostIPs, lookupIP, ...);
// the dot is empty and there is no key store (get/getv fail).
//
// Thread-safety: plain values and pure functions.
#ifndef CONFWATCH_REGISTER_REGISTRATION_SPEC_H_
#define CONFWATCH_REGISTER_REGISTRATION_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "register/health_check.h"
#include "template/function.h"

namespace confwatch {

inline constexpr absl::Duration kDefaultRegisterTtl = absl::Seconds(10);
inline constexpr absl::Duration kDefaultHealthInterval = absl::Seconds(5);
inline constexpr absl::Duration kDefaultHealthTimeout = absl::Seconds(2);

struct RegistrationSpec {
  std::string key;    // Go template; must render non-empty
  std::string value;  // Go template
  absl::Duration ttl = kDefaultRegisterTtl;
  std::string health;  // empty: no health check
  absl::Duration health_interval = kDefaultHealthInterval;
  absl::Duration health_timeout = kDefaultHealthTimeout;
  // Where it was written, for messages: "<file>:<line>:<col>" of the
  // [[register]] header, or "command line".
  std::string where;
};

struct Registration {
  std::string key;
  std::string value;
  int64_t ttl_seconds = 10;
  std::optional<HealthTarget> health;
  absl::Duration health_interval = kDefaultHealthInterval;
  absl::Duration health_timeout = kDefaultHealthTimeout;
  std::string where;
};

// The rules the values must follow, shared by the file and the flags. The
// messages read after "<field>: ":
//   ttl:       "must be at least 1s, got 500ms", "must be whole seconds, got 1.5s"
//   intervals: "must be positive"
absl::Status CheckRegisterTtl(absl::Duration ttl);
absl::Status CheckPositive(absl::Duration d);

// Every [[register]] table of a confd.toml-style document `text` read from
// `file`; other top-level keys are not looked at (they are the daemon's
// options). Unknown keys inside a table are appended to *warnings
// ("<file>:<line>:<col>: unknown key \"tll\" in [[register]] (did you mean
// \"ttl\"?)"). Errors name the file, line, column and key:
//   "<file>:3:7: ttl: must be at least 1s, got 500ms"
//   "<file>:1:1: [[register]] needs a key"
// No [[register]] table: an empty list.
absl::StatusOr<std::vector<RegistrationSpec>> ParseRegistrations(
    absl::string_view text, const std::string& file, std::vector<std::string>* warnings);

// ParseRegistrations() of the file at `path`. IoError(path, errno) when it
// cannot be read ("IO error: <path>: No such file or directory").
absl::StatusOr<std::vector<RegistrationSpec>> LoadRegistrations(
    const std::string& path, std::vector<std::string>* warnings);

// Renders key and value with `funcs` and checks the health target. Errors
// start with spec.where and name the field:
//   "conf.toml:4:1: key: template: key:1: function \"nope\" not defined"
//   "command line: key: renders to an empty string"
absl::StatusOr<Registration> RenderRegistration(const RegistrationSpec& spec,
                                                const FuncMap& funcs);

}  // namespace confwatch

#endif  // CONFWATCH_REGISTER_REGISTRATION_SPEC_H_
