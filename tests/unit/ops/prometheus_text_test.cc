// Tests of the Prometheus text writer (ops/prometheus_text.h) and of the
// strict reader the other tests check /metrics with
// (tests/support/prometheus_text_check.h).
#include "ops/prometheus_text.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "tests/support/prometheus_text_check.h"

namespace confwatch {
namespace {

TEST(PrometheusText, CounterAndGaugeWithHelpAndTypeOnce) {
  PrometheusText t;
  t.Counter("confwatch_renders_total", "Templates rendered.", 12);
  t.Gauge("confwatch_last_sync_seconds", "Last sync.", 1764684000, {{"resource", "a.toml"}});
  t.Gauge("confwatch_last_sync_seconds", "Last sync.", 1764684001, {{"resource", "b.toml"}});
  EXPECT_EQ(
      "# HELP confwatch_renders_total Templates rendered.\n"
      "# TYPE confwatch_renders_total counter\n"
      "confwatch_renders_total 12\n"
      "# HELP confwatch_last_sync_seconds Last sync.\n"
      "# TYPE confwatch_last_sync_seconds gauge\n"
      "confwatch_last_sync_seconds{resource=\"a.toml\"} 1764684000\n"
      "confwatch_last_sync_seconds{resource=\"b.toml\"} 1764684001\n",
      t.str());
  EXPECT_TRUE(CheckPrometheusText(t.str()).ok()) << CheckPrometheusText(t.str());
}

TEST(PrometheusText, EmptyWriterWritesNothing) { EXPECT_EQ("", PrometheusText().str()); }

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndNewline) {
  PrometheusText t;
  t.Gauge("g", "h", 1, {{"path", "C:\\dir \"x\"\nnext"}, {"b", ""}});
  EXPECT_EQ(
      "# HELP g h\n"
      "# TYPE g gauge\n"
      "g{path=\"C:\\\\dir \\\"x\\\"\\nnext\",b=\"\"} 1\n",
      t.str());
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(t.str());
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(1u, samples->size());
  EXPECT_EQ("C:\\dir \"x\"\nnext", (*samples)[0].labels[0].second);
}

TEST(PrometheusText, HelpEscapesBackslashAndNewlineButNotQuotes) {
  PrometheusText t;
  t.Counter("c_total", "a \\ b\n\"c\"", 0);
  EXPECT_EQ(
      "# HELP c_total a \\\\ b\\n\"c\"\n"
      "# TYPE c_total counter\n"
      "c_total 0\n",
      t.str());
  EXPECT_TRUE(CheckPrometheusText(t.str()).ok());
}

TEST(PrometheusText, InterleavedFamiliesComeOutAsBlocksInFirstUseOrder) {
  PrometheusText t;
  t.Gauge("a", "A", 1, {{"r", "1"}});
  t.Gauge("b", "B", 2);
  t.Gauge("a", "ignored: the first HELP stays", 3, {{"r", "2"}});
  EXPECT_EQ(
      "# HELP a A\n# TYPE a gauge\na{r=\"1\"} 1\na{r=\"2\"} 3\n"
      "# HELP b B\n# TYPE b gauge\nb 2\n",
      t.str());
}

TEST(PrometheusText, TypeClashDropsTheSampleAndCountsIt) {
  PrometheusText t;
  t.Counter("x_total", "X", 1);
  t.Gauge("x_total", "X", 2);
  EXPECT_EQ("# HELP x_total X\n# TYPE x_total counter\nx_total 1\n", t.str());
  EXPECT_EQ(1, t.dropped());
}

TEST(PrometheusText, SummaryWritesSumAndCount) {
  PrometheusText t;
  t.Summary("confwatch_render_seconds", "Render time.", 0.25, 4, {{"resource", "a"}});
  EXPECT_EQ(
      "# HELP confwatch_render_seconds Render time.\n"
      "# TYPE confwatch_render_seconds summary\n"
      "confwatch_render_seconds_sum{resource=\"a\"} 0.25\n"
      "confwatch_render_seconds_count{resource=\"a\"} 4\n",
      t.str());
  EXPECT_TRUE(CheckPrometheusText(t.str()).ok()) << CheckPrometheusText(t.str());
}

TEST(MetricValue, PrintsIntegersExactlyAndDoublesShortestRoundTrip) {
  EXPECT_EQ("123456789012345", MetricValue(int64_t{123456789012345}).ToString());
  EXPECT_EQ("-3", MetricValue(-3).ToString());
  EXPECT_EQ("1", MetricValue(true).ToString());
  EXPECT_EQ("0", MetricValue(false).ToString());
  EXPECT_EQ("0.1", MetricValue(0.1).ToString());
  EXPECT_EQ("1764684000.5", MetricValue(1764684000.5).ToString());
  EXPECT_EQ("0.30000000000000004", MetricValue(0.1 + 0.2).ToString());
  EXPECT_EQ("NaN", MetricValue(std::nan("")).ToString());
  EXPECT_EQ("+Inf", MetricValue(std::numeric_limits<double>::infinity()).ToString());
  EXPECT_EQ("-Inf", MetricValue(-std::numeric_limits<double>::infinity()).ToString());
}

TEST(MetricsRegistry, RendersCollectorsInOrderIntoOneText) {
  MetricsRegistry registry;
  EXPECT_EQ("", registry.Render());
  int scrapes = 0;
  registry.Add([&scrapes](PrometheusText* out) { out->Counter("a_total", "A", ++scrapes); });
  registry.Add([](PrometheusText* out) { out->Gauge("b", "B", 7); });
  EXPECT_EQ(
      "# HELP a_total A\n# TYPE a_total counter\na_total 1\n# HELP b B\n# TYPE b gauge\nb 7\n",
      registry.Render());
  EXPECT_EQ(
      "# HELP a_total A\n# TYPE a_total counter\na_total 2\n# HELP b B\n# TYPE b gauge\nb 7\n",
      registry.Render());
}

// The reader must be able to fail, or the tests that use it prove nothing.
TEST(PrometheusTextCheck, RejectsWhatPrometheusRejects) {
  const struct {
    const char* text;
    const char* error;
  } cases[] = {
      {"# TYPE a gauge\na 1", "the text does not end in a newline"},
      {"a 1\n", "line 1: sample of a family without TYPE: \"a 1\""},
      {"# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n",
       "line 5: samples of a are split: \"a 2\""},
      {"# TYPE a gauge\n# TYPE a gauge\n",
       "line 2: second TYPE for the family: \"# TYPE a gauge\""},
      {"# HELP a x\n# HELP a y\n", "line 2: second HELP for the family: \"# HELP a y\""},
      {"# TYPE a gauge\na 1\n# HELP a late\n",
       "line 3: HELP or TYPE after the family's samples: \"# HELP a late\""},
      {"# TYPE a sometype\n", "line 1: unknown type: \"# TYPE a sometype\""},
      {"# TYPE a gauge\na one\n", "line 2: value is not a float: \"a one\""},
      {"# TYPE a gauge\na nan\n", "line 2: value is not a float: \"a nan\""},
      {"# TYPE a gauge\na{x=\"1\" 1\n", R"(line 2: want , or } after a label value: "a{x="1" 1")"},
      {"# TYPE a gauge\na{x=\"\\t\"} 1\n",
       R"(line 2: invalid escape in a label value: "a{x="\t"} 1")"},
      {"# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n", R"(line 2: label x repeated: "a{x="1",x="2"} 1")"},
      {"# TYPE a gauge\na{1x=\"1\"} 1\n", R"(line 2: invalid label name: "a{1x="1"} 1")"},
      {"# TYPE a gauge\na 1\na 2\n", "line 3: duplicate sample: \"a 2\""},
      {"# TYPE a_total counter\na_total -1\n",
       "line 2: counter is negative or NaN: \"a_total -1\""},
      {"# TYPE a gauge\na1\n",
       "line 2: want a value (and an optional timestamp) after the name: \"a1\""},
      {"# TYPE a gauge\na 1 2 3\n",
       "line 2: want a value (and an optional timestamp) after the name: \"a 1 2 3\""},
      {"# HELP a bad \\q escape\n", R"(line 1: invalid escape in HELP: "# HELP a bad \q escape")"},
      {"# TYPE s gauge\ns_sum 1\n", "line 2: sample of a family without TYPE: \"s_sum 1\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.error, CheckPrometheusText(c.text).message()) << c.text;
  }
}

TEST(PrometheusTextCheck, AcceptsTheFormatsOptionalParts) {
  const char* text =
      "# a plain comment\n"
      "\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.5\"} 1\n"
      "s_sum 2.5e3 1764684000000\n"
      "s_count 3\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"+Inf\",} 3\n"
      "h_sum +Inf\n"
      "h_count 3\n"
      "# TYPE u untyped\n"
      "u -Inf\n";
  absl::StatusOr<std::vector<PrometheusSample>> samples = ParsePrometheusText(text);
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(7u, samples->size());
  EXPECT_EQ(2500, SampleValue(*samples, "s_sum"));
  EXPECT_EQ("s", (*samples)[1].family);
  EXPECT_EQ("summary", (*samples)[1].type);
  EXPECT_EQ(3, SampleValue(*samples, "h_bucket", {{"le", "+Inf"}}));
  EXPECT_TRUE(std::isnan(SampleValue(*samples, "h_bucket")));
}

}  // namespace
}  // namespace confwatch
