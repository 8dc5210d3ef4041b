#include "exec/reaper.h"

#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"

namespace confwatch {

absl::StatusOr<bool> SetUpOrphanReaping(bool subreaper_flag) {
  if (getpid() == 1) return true;  // orphans come to PID 1 anyway
  if (!subreaper_flag) return false;
  absl::Status s = BecomeChildSubreaper();
  if (!s.ok()) return s;
  return true;
}

Reaper::Reaper(ReapFn reap, absl::Duration interval)
    : reap_(reap ? std::move(reap) : [] { return ProcessTable::Default().ReapOrphans(); }),
      interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

Reaper::~Reaper() {
  {
    absl::MutexLock lock(&mu_);
    done_ = true;
  }
  thread_.join();
}

void Reaper::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void Reaper::Loop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return woken_ || done_; };
      mu_.AwaitWithTimeout(absl::Condition(&ready), interval_);
      if (done_) return;
      woken_ = false;
    }
    for (const ReapedChild& c : reap_()) {
      ++reaped_;
      if (WIFSIGNALED(c.wait_status)) {
        LogDebug(absl::StrCat("reaped orphan pid ", c.pid, " (killed by signal ",
                              WTERMSIG(c.wait_status), ")"));
      } else {
        LogDebug(absl::StrCat("reaped orphan pid ", c.pid, " (exit code ",
                              WEXITSTATUS(c.wait_status), ")"));
      }
    }
  }
}

}  // namespace confwatch
