// A strict reader of the Prometheus text exposition format (0.0.4), for
// tests that scrape /metrics:
//
//   absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(body);
//   ASSERT_TRUE(samples.ok()) << samples.status();
//   EXPECT_EQ(3, SampleValue(*samples, "confwatch_renders_total"));
//
// What it enforces (what Prometheus's own parser rejects, plus what we
// promise on top):
//   - every line ends in '\n'; blank lines and "# other" comments are skipped;
//   - "# HELP name text" and "# TYPE name counter|gauge|summary|histogram|untyped"
//     at most once per family, TYPE before the family's first sample;
//   - every sample belongs to a family with a TYPE (ours always declare one):
//     its name is the family's, or family_sum / family_count (summary,
//     histogram) or family_bucket (histogram);
//   - a family's samples form one block (no family appears twice);
//   - metric and label names are valid, label values are quoted with only
//     \\, \" and \n escapes, no label name repeats, no sample repeats;
//   - the value parses as a float (NaN, +Inf, -Inf allowed); a counter is
//     never negative or NaN; an optional integer timestamp may follow.
// Errors say `line N: what is wrong: "the line"`.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_TESTS_SUPPORT_PROMETHEUS_TEXT_CHECK_H_
#define CONFWATCH_TESTS_SUPPORT_PROMETHEUS_TEXT_CHECK_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace confwatch {

struct PrometheusSample {
  std::string family;  // the TYPE-declared family it belongs to
  std::string type;    // that family's type: "counter", "gauge", ...
  std::string name;    // as written: family, or family_sum, ...
  std::vector<std::pair<std::string, std::string>> labels;  // unescaped, in order
  double value = 0;
};

absl::StatusOr<std::vector<PrometheusSample>> ParsePrometheusText(absl::string_view text);

// OK when ParsePrometheusText() accepts `text`.
absl::Status CheckPrometheusText(absl::string_view text);

// The value of the one sample called `name` whose labels are exactly
// `labels`; NaN when there is none.
double SampleValue(const std::vector<PrometheusSample>& samples, absl::string_view name,
                   const std::vector<std::pair<std::string, std::string>>& labels = {});

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_SUPPORT_PROMETHEUS_TEXT_CHECK_H_
