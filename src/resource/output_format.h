// Checks that rendered output parses as the format the resource declared
// (output_format = "json" | "yaml" | "toml"), so a template bug never
// installs a file its consumer cannot read.
//
// Thread-safety: pure function, safe from any thread.
#ifndef CONFWATCH_RESOURCE_OUTPUT_FORMAT_H_
#define CONFWATCH_RESOURCE_OUTPUT_FORMAT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "resource/template_resource.h"

namespace confwatch {

// OK when `text` parses as `format` (always OK for kAny). Otherwise
// FailedPrecondition "<label>: not valid <format>: <parser's message with
// line and column>".
absl::Status ValidateOutputFormat(OutputFormat format, absl::string_view text,
                                  absl::string_view label);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_OUTPUT_FORMAT_H_
