// See prometheus_text.h.
#include "ops/prometheus_text.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace confwatch {
namespace {

absl::string_view TypeName(PrometheusText::Type type) {
  switch (type) {
    case PrometheusText::Type::kCounter:
      return "counter";
    case PrometheusText::Type::kGauge:
      return "gauge";
    case PrometheusText::Type::kSummary:
      return "summary";
  }
  return "untyped";  // not reached: every Type is handled above
}

}  // namespace

std::string MetricValue::ToString() const {
  if (is_int_) return absl::StrCat(int_);
  if (std::isnan(double_)) return "NaN";
  if (std::isinf(double_)) return double_ > 0 ? "+Inf" : "-Inf";
  // %.15g is exact for most values people read (0.1 stays 0.1); fall back to
  // %.17g, which always reads back to the same double.
  std::string s = absl::StrFormat("%.15g", double_);
  if (std::strtod(s.c_str(), nullptr) != double_) s = absl::StrFormat("%.17g", double_);
  return s;
}

std::string PrometheusText::EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string PrometheusText::EscapeHelp(absl::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

PrometheusText::Family* PrometheusText::FamilyFor(absl::string_view name, absl::string_view help,
                                                  Type type) {
  for (Family& f : families_) {
    if (f.name != name) continue;
    if (f.type != type) {
      ++dropped_;
      return nullptr;
    }
    return &f;
  }
  families_.push_back(Family{std::string(name), std::string(help), type, ""});
  return &families_.back();
}

void PrometheusText::AppendSample(std::string* out, absl::string_view name,
                                  const MetricLabels& labels, const MetricValue& value) {
  absl::StrAppend(out, name);
  if (!labels.empty()) {
    out->push_back('{');
    for (size_t i = 0; i < labels.size(); ++i) {
      absl::StrAppend(out, i ? "," : "", labels[i].first, "=\"", EscapeLabelValue(labels[i].second),
                      "\"");
    }
    out->push_back('}');
  }
  absl::StrAppend(out, " ", value.ToString(), "\n");
}

void PrometheusText::Counter(absl::string_view name, absl::string_view help, MetricValue value,
                             const MetricLabels& labels) {
  if (Family* f = FamilyFor(name, help, Type::kCounter)) {
    AppendSample(&f->samples, name, labels, value);
  }
}

void PrometheusText::Gauge(absl::string_view name, absl::string_view help, MetricValue value,
                           const MetricLabels& labels) {
  if (Family* f = FamilyFor(name, help, Type::kGauge)) {
    AppendSample(&f->samples, name, labels, value);
  }
}

void PrometheusText::Summary(absl::string_view name, absl::string_view help, double sum,
                             int64_t count, const MetricLabels& labels) {
  if (Family* f = FamilyFor(name, help, Type::kSummary)) {
    AppendSample(&f->samples, absl::StrCat(name, "_sum"), labels, sum);
    AppendSample(&f->samples, absl::StrCat(name, "_count"), labels, count);
  }
}

std::string PrometheusText::str() const {
  std::string out;
  for (const Family& f : families_) {
    absl::StrAppend(&out, "# HELP ", f.name, " ", EscapeHelp(f.help), "\n", "# TYPE ", f.name, " ",
                    TypeName(f.type), "\n", f.samples);
  }
  return out;
}

void MetricsRegistry::Add(MetricsCollector collector) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::Render() const {
  PrometheusText text;
  {
    absl::MutexLock lock(&mu_);
    for (const MetricsCollector& c : collectors_) c(&text);
  }
  return text.str();
}

}  // namespace confwatch
