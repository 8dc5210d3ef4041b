// See scheduler.h.
#include "daemon/scheduler.h"

#include <algorithm>

namespace confwatch {

void Scheduler::Add(int id, const SchedulePolicy& policy, absl::Time now) {
  if (static_cast<int>(states_.size()) <= id) states_.resize(id + 1);
  State& s = states_[id];
  s = State();
  s.policy = policy;
  s.present = true;
  // The first render does not wait for quiescence: there is nothing to settle.
  SetDirty(id);
  s.first_change = s.last_change = absl::InfinitePast();
}

void Scheduler::SetDirty(int id) {
  states_[id].dirty = true;
  dirty_.insert(id);
}

void Scheduler::MarkDirty(int id, absl::Time now) {
  State& s = states_[id];
  if (!s.present) return;
  if (!s.dirty) s.first_change = now;
  SetDirty(id);
  s.last_change = now;
  if (s.failures > 0 && !s.in_flight) RetrySoon(s, now);
}

void Scheduler::RetrySoon(State& s, absl::Time now) {
  s.retry_at = std::min(s.retry_at, std::max(now, s.last_start + kInitialBackoff));
}

absl::Time Scheduler::EligibleAt(const State& s) {
  absl::Time at = s.last_change + s.policy.wait_min;
  if (s.policy.wait_max > absl::ZeroDuration()) {
    at = std::min(at, s.first_change + s.policy.wait_max);
  }
  at = std::max(at, s.last_start + s.policy.min_interval);
  return std::max(at, s.retry_at);
}

std::vector<int> Scheduler::TakeReady(absl::Time now) {
  std::vector<int> ready;
  for (auto it = dirty_.begin(); it != dirty_.end();) {
    const int id = *it;
    State& s = states_[id];
    ++visited_;
    if (s.in_flight || EligibleAt(s) > now) {
      ++it;
      continue;
    }
    it = dirty_.erase(it);
    s.dirty = false;
    s.in_flight = true;
    s.last_start = now;
    ready.push_back(id);
  }
  return ready;
}

void Scheduler::Finished(int id, bool ok, absl::Time now) {
  State& s = states_[id];
  s.in_flight = false;
  if (ok) {
    s.failures = 0;
    s.retry_at = absl::InfinitePast();
    return;
  }
  ++s.failures;
  absl::Duration backoff = kInitialBackoff;
  for (int i = 1; i < s.failures && backoff < kMaxBackoff; ++i) backoff *= 2;
  s.retry_at = now + std::min(backoff, kMaxBackoff);
  if (s.last_change > s.last_start) RetrySoon(s, now);  // changed during the try
  if (!s.dirty) {
    SetDirty(id);
    s.first_change = s.last_change = absl::InfinitePast();
  }
}

void Scheduler::RetryNow(int id) {
  State& s = states_[id];
  if (!s.present || s.failures == 0) return;
  s.retry_at = absl::InfinitePast();
}

std::optional<absl::Time> Scheduler::NextDeadline() const {
  std::optional<absl::Time> next;
  for (int id : dirty_) {
    const State& s = states_[id];
    ++visited_;
    if (s.in_flight) continue;
    absl::Time at = EligibleAt(s);
    if (!next || at < *next) next = at;
  }
  return next;
}

}  // namespace confwatch
