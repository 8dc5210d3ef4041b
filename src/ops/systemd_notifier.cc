// See systemd_notifier.h.
#include "ops/systemd_notifier.h"

#include <stdlib.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "ops/sd_notify.h"

namespace confwatch {

SystemdNotifier::SystemdNotifier(Hooks hooks, absl::Duration poll)
    : hooks_(std::move(hooks)), poll_(poll) {}

SystemdNotifier::~SystemdNotifier() { Stop(); }

void SystemdNotifier::Start() {
  const char* socket = getenv("NOTIFY_SOCKET");
  if (socket == nullptr || socket[0] == '\0' || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
  started_ = true;
}

void SystemdNotifier::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_requested_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void SystemdNotifier::Report(const absl::Status& sent) {
  if (sent.ok() || warned_) return;
  warned_ = true;
  LogWarning(absl::StrCat("cannot notify systemd: ", sent.message()));
}

void SystemdNotifier::Reloading() {
  if (!started_) return;
  const int64_t reloads = hooks_.config_reloads();
  absl::MutexLock lock(&mu_);
  if (!ready_sent_ || stopping_) return;
  reloading_ = true;
  reloads_at_reloading_ = reloads;
  Report(SdNotifyReloading());
}

void SystemdNotifier::Stopping() {
  if (!started_) return;
  absl::MutexLock lock(&mu_);
  if (stopping_) return;
  stopping_ = true;
  Report(SdNotifyStopping());
}

void SystemdNotifier::Loop() {
  const absl::Duration ping_every = SdWatchdogInterval() / 2;
  next_ping_ = absl::Now();
  heartbeat_ran_->store(hooks_.post == nullptr);
  heartbeat_posted_ = absl::Now();
  if (ping_every > absl::ZeroDuration() && hooks_.post) {
    hooks_.post([ran = heartbeat_ran_] { ran->store(true); });
  }
  std::string last_status;
  while (true) {
    bool want_ready = false;
    bool want_reloaded = false;
    int64_t reloads_before = 0;
    {
      absl::MutexLock lock(&mu_);
      if (stop_requested_) return;
      want_ready = !ready_sent_ && !stopping_;
      want_reloaded = reloading_ && !stopping_;
      reloads_before = reloads_at_reloading_;
    }
    // Hooks run unlocked: they may take the daemon's time.
    const bool ready = want_ready && hooks_.ready().ok();
    const bool reloaded = want_reloaded && hooks_.config_reloads() > reloads_before;
    const std::string status = hooks_.status ? hooks_.status() : last_status;

    absl::MutexLock lock(&mu_);
    if (ready && !ready_sent_ && !stopping_) {
      ready_sent_ = true;
      Report(SdNotifyReady());
    }
    if (reloaded && reloading_ && reloads_at_reloading_ == reloads_before && !stopping_) {
      reloading_ = false;
      Report(SdNotifyReady());
    }
    if (status != last_status && !stopping_) {
      last_status = status;
      Report(SdNotifyStatus(status));
    }
    absl::Duration wait = poll_;
    if (ping_every > absl::ZeroDuration()) wait = Watchdog(ping_every, wait);
    mu_.AwaitWithTimeout(absl::Condition(&stop_requested_), wait);
  }
}

absl::Duration SystemdNotifier::Watchdog(absl::Duration ping_every, absl::Duration wait) {
  const absl::Time now = absl::Now();
  if (now < next_ping_) return std::min(wait, next_ping_ - now);
  const std::string queued_for =
      absl::FormatDuration(absl::Trunc(now - heartbeat_posted_, absl::Milliseconds(1)));
  const bool ran = heartbeat_ran_->load();
  // After STOPPING=1 the loop is winding down and stops taking events; the
  // ping then only says this process is still finishing.
  if (!ran && !stopping_) {
    // The loop has not come round to the heartbeat yet: no ping. Look again
    // soon, so that a loop that was only slow is pinged for well within the
    // interval.
    if (!stall_logged_ && now - heartbeat_posted_ >= ping_every) {
      stall_logged_ = true;
      LogWarning(absl::StrCat("event loop stalled: a no-op queued ", queued_for,
                              " ago has not run; withholding WATCHDOG=1 (systemd restarts the "
                              "service after WatchdogSec= without one)"));
    }
    return std::min(wait, ping_every / 4);
  }
  if (stall_logged_) {
    stall_logged_ = false;
    LogInfo(absl::StrCat("event loop running again after a ", queued_for,
                         " stall; WATCHDOG=1 resumed"));
  }
  Report(SdNotifyWatchdog());
  next_ping_ = now + ping_every;
  if (hooks_.post && ran) {  // never a second one behind an outstanding one
    heartbeat_ran_->store(false);
    heartbeat_posted_ = now;
    hooks_.post([ran = heartbeat_ran_] { ran->store(true); });
  }
  return std::min(wait, ping_every);
}

}  // namespace confwatch
