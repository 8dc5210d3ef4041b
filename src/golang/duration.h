// Go duration strings ("30s", "1m30s", "500ms", "1.5h") as written in confd /
// consul-template configuration, parsed with exactly the grammar and error
// messages of Go's time.ParseDuration so a value that Go accepts is accepted
// here and a value it rejects is rejected with the same words.
//
// Thread-safety: pure functions, safe from any thread.
#ifndef CONFWATCH_GOLANG_DURATION_H_
#define CONFWATCH_GOLANG_DURATION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace confwatch {

// Parses `text` like Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?unit)+
// with units ns us µs μs ms s m h, or a bare "0". Errors are
// InvalidArgument with Go's message, e.g. `time: missing unit in duration
// "30"`, `time: unknown unit "d" in duration "1d"`.
absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text);

// Quotes `text` the way Go's time package does in its error messages:
// double quotes, `"` and `\` escaped, bytes < 0x20 or >= 0x80 as \xNN.
std::string GoQuote(absl::string_view text);

}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_DURATION_H_
