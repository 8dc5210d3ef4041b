#include "resource/output_format.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <toml.hpp>

#include "absl/strings/str_cat.h"
#include "resource/toml_error.h"

namespace confwatch {
namespace {

absl::Status Invalid(absl::string_view label, OutputFormat format,
                     absl::string_view detail) {
  return absl::FailedPreconditionError(
      absl::StrCat(label, ": not valid ", OutputFormatName(format), ": ", detail));
}

absl::Status TomlInvalid(absl::string_view label, const TomlErrorInfo& info) {
  return Invalid(
      label, OutputFormat::kToml,
      absl::StrCat("line ", info.line, ", column ", info.column, ": ", info.message));
}

absl::Status CheckJson(absl::string_view text, absl::string_view label) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    return Invalid(label, OutputFormat::kJson, e.what());
  }
  return absl::OkStatus();
}

absl::Status CheckYaml(absl::string_view text, absl::string_view label) {
  try {
    (void)YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's marks are 0-based.
    return Invalid(label, OutputFormat::kYaml,
                   absl::StrCat("line ", e.mark.line + 1, ", column ", e.mark.column + 1,
                                ": ", e.msg));
  }
  return absl::OkStatus();
}

absl::Status CheckToml(absl::string_view text, absl::string_view label) {
  if (std::optional<TomlErrorInfo> bad = PrescanToml(text))
    return TomlInvalid(label, *bad);
  try {
    std::istringstream in{std::string(text)};
    (void)toml::parse(in, std::string(label));
  } catch (const toml::exception& e) {
    TomlErrorInfo info = DescribeTomlException(e);
    return Invalid(
        label, OutputFormat::kToml,
        absl::StrCat("line ", info.line, ", column ", info.column, ": ", info.message));
  } catch (const std::exception& e) {
    return Invalid(label, OutputFormat::kToml, e.what());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateOutputFormat(OutputFormat format, absl::string_view text,
                                  absl::string_view label) {
  switch (format) {
    case OutputFormat::kAny:
      return absl::OkStatus();
    case OutputFormat::kJson:
      return CheckJson(text, label);
    case OutputFormat::kYaml:
      return CheckYaml(text, label);
    case OutputFormat::kToml:
      return CheckToml(text, label);
  }
  return absl::OkStatus();
}

}  // namespace confwatch
