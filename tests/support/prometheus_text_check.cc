// See prometheus_text_check.h.
#include "tests/support/prometheus_text_check.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace confwatch {
namespace {

bool IsMetricName(absl::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok =
        absl::ascii_isalpha(c) || c == '_' || c == ':' || (i > 0 && absl::ascii_isdigit(c));
    if (!ok) return false;
  }
  return true;
}

bool IsLabelName(absl::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!(absl::ascii_isalpha(c) || c == '_' || (i > 0 && absl::ascii_isdigit(c)))) return false;
  }
  return true;
}

// Reads [a-zA-Z0-9_:]* from the front of *s.
absl::string_view TakeName(absl::string_view* s) {
  size_t n = 0;
  while (n < s->size() && (absl::ascii_isalnum((*s)[n]) || (*s)[n] == '_' || (*s)[n] == ':')) ++n;
  absl::string_view name = s->substr(0, n);
  s->remove_prefix(n);
  return name;
}

bool ParseFloat(absl::string_view s, double* out) {
  if (s == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "+Inf" || s == "Inf") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == "-Inf") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  // strtod would also take "nan", "inf" and hex; the format does not.
  if (s.empty() || s.find_first_not_of("0123456789+-.eE") != absl::string_view::npos) return false;
  const std::string copy(s);
  char* end = nullptr;
  *out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

class Parser {
 public:
  absl::StatusOr<std::vector<PrometheusSample>> Run(absl::string_view text) {
    if (!text.empty() && text.back() != '\n') {
      return absl::InvalidArgumentError("the text does not end in a newline");
    }
    std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
    lines.pop_back();  // after the final '\n'
    for (size_t i = 0; i < lines.size(); ++i) {
      line_ = lines[i];
      if (absl::Status s = Line(); !s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", i + 1, ": ", s.message(), ": \"", line_, "\""));
      }
    }
    return std::move(samples_);
  }

 private:
  struct Family {
    std::string type;  // empty until TYPE
    bool help = false;
    bool has_samples = false;
  };

  absl::Status Line() {
    absl::string_view rest = line_;
    if (absl::StripAsciiWhitespace(rest).empty()) return absl::OkStatus();
    if (rest.front() != '#') return Sample(rest);
    rest.remove_prefix(1);
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (absl::ConsumePrefix(&rest, "HELP ")) return Help(rest);
    if (absl::ConsumePrefix(&rest, "TYPE ")) return Type(rest);
    return absl::OkStatus();  // a plain comment
  }

  // Metadata must come before the family's samples, and a family's block is
  // over once another family's samples started.
  absl::Status MetadataFor(absl::string_view name, Family** family) {
    if (!IsMetricName(name)) return absl::InvalidArgumentError("invalid metric name");
    Family& f = families_[std::string(name)];
    if (f.has_samples) return absl::InvalidArgumentError("HELP or TYPE after the family's samples");
    *family = &f;
    return absl::OkStatus();
  }

  absl::Status Help(absl::string_view rest) {
    absl::string_view name = TakeName(&rest);
    if (!rest.empty() && rest.front() != ' ')
      return absl::InvalidArgumentError("invalid metric name");
    Family* f = nullptr;
    if (absl::Status s = MetadataFor(name, &f); !s.ok()) return s;
    if (f->help) return absl::InvalidArgumentError("second HELP for the family");
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] != '\\') continue;
      if (i + 1 == rest.size() || (rest[i + 1] != '\\' && rest[i + 1] != 'n')) {
        return absl::InvalidArgumentError("invalid escape in HELP");
      }
      ++i;
    }
    f->help = true;
    return absl::OkStatus();
  }

  absl::Status Type(absl::string_view rest) {
    std::vector<absl::string_view> parts = absl::StrSplit(rest, ' ');
    if (parts.size() != 2) return absl::InvalidArgumentError("TYPE wants a name and a type");
    Family* f = nullptr;
    if (absl::Status s = MetadataFor(parts[0], &f); !s.ok()) return s;
    if (!f->type.empty()) return absl::InvalidArgumentError("second TYPE for the family");
    static const std::set<absl::string_view> kTypes = {"counter", "gauge", "summary", "histogram",
                                                       "untyped"};
    if (kTypes.count(parts[1]) == 0) return absl::InvalidArgumentError("unknown type");
    f->type = std::string(parts[1]);
    return absl::OkStatus();
  }

  // The declared family a sample called `name` belongs to; empty if none.
  std::string FamilyOf(absl::string_view name) const {
    auto declared = [this](absl::string_view n) {
      auto it = families_.find(std::string(n));
      return it == families_.end() ? std::string() : it->second.type;
    };
    if (!declared(name).empty()) return std::string(name);
    for (absl::string_view suffix : {"_sum", "_count", "_bucket"}) {
      if (!absl::EndsWith(name, suffix)) continue;
      absl::string_view base = name.substr(0, name.size() - suffix.size());
      const std::string type = declared(base);
      if (type == "histogram" || (type == "summary" && suffix != "_bucket")) {
        return std::string(base);
      }
    }
    return "";
  }

  absl::Status Labels(absl::string_view* rest, PrometheusSample* sample) {
    std::set<std::string> seen;
    while (true) {
      if (absl::ConsumePrefix(rest, "}")) return absl::OkStatus();
      absl::string_view name = TakeName(rest);
      if (!IsLabelName(name)) return absl::InvalidArgumentError("invalid label name");
      if (!seen.insert(std::string(name)).second) {
        return absl::InvalidArgumentError(absl::StrCat("label ", name, " repeated"));
      }
      if (!absl::ConsumePrefix(rest, "=\""))
        return absl::InvalidArgumentError("want =\" after a label name");
      std::string value;
      while (true) {
        if (rest->empty()) return absl::InvalidArgumentError("unterminated label value");
        const char c = rest->front();
        rest->remove_prefix(1);
        if (c == '"') break;
        if (c != '\\') {
          value += c;
          continue;
        }
        if (rest->empty()) return absl::InvalidArgumentError("unterminated label value");
        const char e = rest->front();
        rest->remove_prefix(1);
        if (e == '\\' || e == '"') {
          value += e;
        } else if (e == 'n') {
          value += '\n';
        } else {
          return absl::InvalidArgumentError("invalid escape in a label value");
        }
      }
      sample->labels.emplace_back(std::string(name), std::move(value));
      if (!absl::ConsumePrefix(rest, ",") && !(!rest->empty() && rest->front() == '}')) {
        return absl::InvalidArgumentError("want , or } after a label value");
      }
    }
  }

  absl::Status Sample(absl::string_view rest) {
    PrometheusSample sample;
    absl::string_view name = TakeName(&rest);
    if (!IsMetricName(name)) return absl::InvalidArgumentError("invalid metric name");
    sample.name = std::string(name);
    if (absl::ConsumePrefix(&rest, "{")) {
      if (absl::Status s = Labels(&rest, &sample); !s.ok()) return s;
    }
    std::vector<absl::string_view> fields =
        absl::StrSplit(rest, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t') || fields.empty() ||
        fields.size() > 2) {
      return absl::InvalidArgumentError("want a value (and an optional timestamp) after the name");
    }
    if (!ParseFloat(fields[0], &sample.value))
      return absl::InvalidArgumentError("value is not a float");
    int64_t timestamp = 0;
    if (fields.size() == 2 && !absl::SimpleAtoi(fields[1], &timestamp)) {
      return absl::InvalidArgumentError("timestamp is not an integer");
    }
    return Add(std::move(sample));
  }

  absl::Status Add(PrometheusSample sample) {
    sample.family = FamilyOf(sample.name);
    if (sample.family.empty()) return absl::InvalidArgumentError("sample of a family without TYPE");
    Family& f = families_[sample.family];
    sample.type = f.type;
    if (f.has_samples && sample.family != current_) {
      return absl::InvalidArgumentError(absl::StrCat("samples of ", sample.family, " are split"));
    }
    f.has_samples = true;
    current_ = sample.family;
    if (sample.type == "counter" && (std::isnan(sample.value) || sample.value < 0)) {
      return absl::InvalidArgumentError("counter is negative or NaN");
    }
    std::string key = sample.name;
    for (const auto& [k, v] : sample.labels) absl::StrAppend(&key, "\x01", k, "\x02", v);
    if (!sample_keys_.insert(key).second) return absl::InvalidArgumentError("duplicate sample");
    samples_.push_back(std::move(sample));
    return absl::OkStatus();
  }

  absl::string_view line_;
  std::map<std::string, Family> families_;
  std::string current_;
  std::set<std::string> sample_keys_;
  std::vector<PrometheusSample> samples_;
};

}  // namespace

absl::StatusOr<std::vector<PrometheusSample>> ParsePrometheusText(absl::string_view text) {
  return Parser().Run(text);
}

absl::Status CheckPrometheusText(absl::string_view text) {
  return ParsePrometheusText(text).status();
}

double SampleValue(const std::vector<PrometheusSample>& samples, absl::string_view name,
                   const std::vector<std::pair<std::string, std::string>>& labels) {
  for (const PrometheusSample& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace confwatch
