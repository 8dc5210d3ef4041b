// See reload_coalescer.h.
#include "daemon/reload_coalescer.h"

#include <algorithm>

namespace confwatch {

bool ReloadCoalescer::Request(const std::string& key, absl::Time now) {
  auto waiting = waiting_.find(key);
  if (waiting != waiting_.end()) {
    Wait& w = waiting->second;
    w.last = now;
    auto last = last_run_.find(key);
    if (failures_.count(key) > 0 && last != last_run_.end()) {
      w.retry_at = std::min(w.retry_at, last->second + kInitialBackoff);  // see the header
    }
    return false;
  }
  auto last = last_run_.find(key);
  if (quiet_ <= absl::ZeroDuration() || last == last_run_.end() || now - last->second >= quiet_) {
    return true;
  }
  waiting_[key] = Wait{now, now, absl::InfinitePast()};
  return false;
}

absl::Time ReloadCoalescer::DueAt(const Wait& w) const {
  const absl::Time settled = std::min(w.last + quiet_, w.first + max_delay_);
  return std::max(settled, w.retry_at);
}

std::vector<std::string> ReloadCoalescer::TakeDue(absl::Time now) {
  std::vector<std::string> due;
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (DueAt(it->second) <= now) {
      due.push_back(it->first);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
  return due;
}

std::vector<std::string> ReloadCoalescer::TakeAll() {
  std::vector<std::string> all;
  for (const auto& [key, wait] : waiting_) all.push_back(key);
  waiting_.clear();
  return all;
}

void ReloadCoalescer::Finished(const std::string& key, bool ok, absl::Time started) {
  last_run_[key] = started;
  if (ok) {
    failures_.erase(key);
    return;
  }
  const int failures = ++failures_[key];
  absl::Duration backoff = kInitialBackoff;
  for (int i = 1; i < failures && backoff < kMaxBackoff; ++i) backoff *= 2;
  Wait& w = waiting_[key];  // a request that came meanwhile keeps its times
  if (w.first == absl::InfinitePast()) w.first = w.last = started;
  w.retry_at = started + std::min(backoff, kMaxBackoff);
}

std::optional<absl::Time> ReloadCoalescer::NextDue() const {
  std::optional<absl::Time> next;
  for (const auto& [key, wait] : waiting_) {
    const absl::Time at = DueAt(wait);
    if (!next || at < *next) next = at;
  }
  return next;
}

}  // namespace confwatch
