// See registration_spec.h.
#include "register/registration_spec.h"

#include <toml.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "resource/toml_error.h"
#include "resource/toml_table.h"
#include "template/template.h"

namespace confwatch {
namespace {

constexpr absl::string_view kKnownKeys[] = {"key",    "value",           "ttl",
                                            "health", "health_interval", "health_timeout"};

// A duration field checked by `check`; the error points at the value.
absl::Status GetCheckedDuration(const TomlTable& t, absl::string_view key,
                                absl::Status (*check)(absl::Duration), absl::Duration* out) {
  const toml::value* v = t.Find(key);
  if (v == nullptr) return absl::OkStatus();
  absl::StatusOr<absl::Duration> d = t.DurationOf(*v, key);
  if (!d.ok()) return d.status();
  if (absl::Status s = check(*d); !s.ok()) return t.Error(*v, key, s.message());
  *out = *d;
  return absl::OkStatus();
}

absl::StatusOr<RegistrationSpec> ParseOne(const std::string& file, const toml::value& table,
                                          std::vector<std::string>* warnings) {
  TomlTable t(file, table, "[[register]]", kKnownKeys);
  if (absl::Status s = t.Index(); !s.ok()) return s;
  RegistrationSpec spec;
  spec.where = TomlWhere(file, table);
  if (absl::Status s = t.GetNonEmptyString("key", &spec.key); !s.ok()) return s;
  if (spec.key.empty()) return t.TableError("[[register]] needs a key");
  if (absl::Status s = t.GetString("value", &spec.value); !s.ok()) return s;
  if (absl::Status s = GetCheckedDuration(t, "ttl", CheckRegisterTtl, &spec.ttl); !s.ok()) {
    return s;
  }
  if (absl::Status s = t.GetNonEmptyString("health", &spec.health); !s.ok()) return s;
  if (!spec.health.empty()) {
    absl::StatusOr<HealthTarget> target = ParseHealthTarget(spec.health);
    if (!target.ok()) return t.Error(*t.Find("health"), "health", target.status().message());
  }
  if (absl::Status s = GetCheckedDuration(t, "health_interval", CheckPositive,
                                          &spec.health_interval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          GetCheckedDuration(t, "health_timeout", CheckPositive, &spec.health_timeout);
      !s.ok()) {
    return s;
  }
  t.WarnUnknown(warnings);
  return spec;
}

// Renders one template; errors carry the template's own position.
absl::StatusOr<std::string> RenderField(const std::string& name, const std::string& text,
                                        const FuncMap& funcs) {
  absl::StatusOr<std::shared_ptr<const Template>> t = Template::Parse(name, text, funcs);
  if (!t.ok()) return t.status();
  ExecContext ctx;  // no store: registration templates see no keys
  std::string out;
  if (absl::Status s = (*t)->ExecuteWithNilData(ctx, &out); !s.ok()) return s;
  return out;
}

}  // namespace

absl::Status CheckRegisterTtl(absl::Duration ttl) {
  if (ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be at least 1s, got ", absl::FormatDuration(ttl)));
  }
  // etcd leases have whole-second TTLs; rounding silently would change what
  // the user asked for.
  if (ttl != absl::Seconds(absl::ToInt64Seconds(ttl))) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be whole seconds, got ", absl::FormatDuration(ttl)));
  }
  return absl::OkStatus();
}

absl::Status CheckPositive(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return absl::InvalidArgumentError("must be positive");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RegistrationSpec>> ParseRegistrations(
    absl::string_view text, const std::string& file, std::vector<std::string>* warnings) {
  absl::StatusOr<toml::value> root = ParseTomlText(text, file);
  if (!root.ok()) return root.status();
  std::vector<RegistrationSpec> specs;
  if (!root->is_table() || !root->contains("register")) return specs;
  const toml::value& list = root->at("register");
  if (!list.is_array()) {
    return TomlErrorAt(file, list, "register: expected [[register]] tables, got a single table");
  }
  for (const toml::value& table : list.as_array()) {
    if (!table.is_table()) {
      return TomlErrorAt(file, table, absl::StrCat("register: expected a table, got ",
                                                   TomlTypeName(table)));
    }
    absl::StatusOr<RegistrationSpec> spec = ParseOne(file, table, warnings);
    if (!spec.ok()) return spec.status();
    specs.push_back(*std::move(spec));
  }
  return specs;
}

absl::StatusOr<std::vector<RegistrationSpec>> LoadRegistrations(
    const std::string& path, std::vector<std::string>* warnings) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseRegistrations(*text, path, warnings);
}

absl::StatusOr<Registration> RenderRegistration(const RegistrationSpec& spec,
                                                const FuncMap& funcs) {
  auto fail = [&spec](absl::string_view field, absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(spec.where, ": ", field, ": ", why));
  };
  Registration r;
  r.where = spec.where;
  absl::StatusOr<std::string> key = RenderField("key", spec.key, funcs);
  if (!key.ok()) return fail("key", key.status().message());
  if (key->empty()) return fail("key", "renders to an empty string");
  r.key = *std::move(key);
  absl::StatusOr<std::string> value = RenderField("value", spec.value, funcs);
  if (!value.ok()) return fail("value", value.status().message());
  r.value = *std::move(value);
  if (absl::Status s = CheckRegisterTtl(spec.ttl); !s.ok()) return fail("ttl", s.message());
  r.ttl_seconds = absl::ToInt64Seconds(spec.ttl);
  if (!spec.health.empty()) {
    absl::StatusOr<HealthTarget> target = ParseHealthTarget(spec.health);
    if (!target.ok()) return fail("health", target.status().message());
    r.health = *std::move(target);
  }
  if (absl::Status s = CheckPositive(spec.health_interval); !s.ok()) {
    return fail("health_interval", s.message());
  }
  if (absl::Status s = CheckPositive(spec.health_timeout); !s.ok()) {
    return fail("health_timeout", s.message());
  }
  r.health_interval = spec.health_interval;
  r.health_timeout = spec.health_timeout;
  return r;
}

}  // namespace confwatch
