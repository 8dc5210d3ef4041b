// PrometheusText writes metrics in the Prometheus text exposition format
// (version 0.0.4), the format /metrics serves:
//
//   # HELP confwatch_renders_total Templates rendered.
//   # TYPE confwatch_renders_total counter
//   confwatch_renders_total 12
//   # HELP confwatch_resource_last_sync_seconds Unix time of the last install.
//   # TYPE confwatch_resource_last_sync_seconds gauge
//   confwatch_resource_last_sync_seconds{resource="nginx.toml"} 1764684000
//
// Samples are grouped by family: HELP and TYPE are written once, before the
// first sample of the family, and every sample of a family comes out in one
// block (the format requires it) even when collectors add them interleaved.
// Families come out in the order they were first used.
//
// MetricsRegistry is the list of collectors that /metrics renders: each
// collector appends its families to a PrometheusText; the daemon's counters
// are one collector (ops/daemon_metrics.h), exec mode or registration can
// add theirs.
//
// Thread-safety: a PrometheusText is used by one thread at a time.
// MetricsRegistry is thread-safe: Add() and Render() may be called from any
// thread (Render() runs on the HTTP server's threads); collectors must be
// safe to call from any thread and must not call the registry.
#ifndef CONFWATCH_OPS_PROMETHEUS_TEXT_H_
#define CONFWATCH_OPS_PROMETHEUS_TEXT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace confwatch {

// A sample value. Integers (and bools, as 0/1) are printed exactly, so a
// revision of 123456789012 does not become 1.23457e+11; doubles print the
// shortest text that reads back to the same double, NaN as NaN and the
// infinities as +Inf / -Inf.
class MetricValue {
 public:
  template <typename T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
  MetricValue(T v) : is_int_(true), int_(static_cast<int64_t>(v)) {}  // NOLINT: implicit
  MetricValue(double v) : is_int_(false), double_(v) {}               // NOLINT: implicit

  std::string ToString() const;

 private:
  bool is_int_;
  int64_t int_ = 0;
  double double_ = 0;
};

// Label pairs in the order they are printed: {{"resource", "nginx.toml"}}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  enum class Type { kCounter, kGauge, kSummary };

  // Appends one sample. REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*
  // and every label name [a-zA-Z_][a-zA-Z0-9_]* (they come from our code,
  // never from users); label values may hold anything: they are escaped.
  // A counter's name should end in _total. The first call for a family
  // fixes its HELP and TYPE; a later call that gives another type for the
  // same family is a bug in the caller: the sample is dropped and counted
  // in dropped() (a scrape must not crash the daemon).
  void Counter(absl::string_view name, absl::string_view help, MetricValue value,
               const MetricLabels& labels = {});
  void Gauge(absl::string_view name, absl::string_view help, MetricValue value,
             const MetricLabels& labels = {});
  // A summary without quantiles: `name`_sum and `name`_count, e.g. the time
  // spent rendering and the number of renders.
  void Summary(absl::string_view name, absl::string_view help, double sum, int64_t count,
               const MetricLabels& labels = {});

  // The text so far: every family, HELP, TYPE, then its samples; ends in a
  // newline unless empty.
  std::string str() const;
  int dropped() const { return dropped_; }

  // Escaping as the format defines it. Label values: \ -> \\, " -> \",
  // newline -> \n. HELP text: \ -> \\, newline -> \n.
  static std::string EscapeLabelValue(absl::string_view value);
  static std::string EscapeHelp(absl::string_view help);

 private:
  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::string samples;  // complete lines
  };
  // The family called `name`, created on first use; null on a type clash.
  Family* FamilyFor(absl::string_view name, absl::string_view help, Type type);
  static void AppendSample(std::string* out, absl::string_view name, const MetricLabels& labels,
                           const MetricValue& value);

  std::vector<Family> families_;  // few families: a linear search is fine
  int dropped_ = 0;
};

// Appends its families to *out. Called on every scrape.
using MetricsCollector = std::function<void(PrometheusText* out)>;

class MetricsRegistry {
 public:
  void Add(MetricsCollector collector);
  // Runs every collector, in the order added, into one PrometheusText.
  std::string Render() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<MetricsCollector> collectors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace confwatch

#endif  // CONFWATCH_OPS_PROMETHEUS_TEXT_H_
