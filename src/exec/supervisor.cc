#include "exec/supervisor.h"

#include <utility>

namespace confwatch {

Supervisor::Supervisor(ExecConfig config, std::function<void()> on_shutdown)
    : control_(std::make_unique<PosixChildControl>([this](pid_t pid, int status) {
        queue_.Push([this, pid, status] { core_.OnChildExited(pid, status, absl::Now()); });
      })),
      core_(std::move(config), control_.get(), [this] { return Random01(); },
            std::move(on_shutdown)) {}

// control_ joins its waiter threads first; they may still push into queue_,
// which is closed by then (Push is ignored).
Supervisor::~Supervisor() {
  queue_.Close();
  control_.reset();
}

void Supervisor::NotifyFilesChanged() {
  queue_.Push([this] { core_.OnFilesChanged(absl::Now()); });
}

void Supervisor::NotifySignal(int signo) {
  queue_.Push([this, signo] { core_.OnSignal(signo, absl::Now()); });
}

absl::Status Supervisor::SignalChild(int signo) {
  queue_.Push([this, signo] { core_.OnResourceReloadSignal(signo); });
  return absl::OkStatus();
}

int Supervisor::Run() {
  // What came before the start finds no child: other signals are dropped
  // (not replayed to a child that never saw them), SIGTERM means "do not
  // start", and file changes are already on disk for the child to read.
  for (EventQueue::Event& e : queue_.Drain()) e();
  core_.Start(absl::Now());
  starts_ = core_.starts();
  while (!core_.exit_code().has_value()) {
    std::optional<EventQueue::Event> event = queue_.Pop(core_.NextDeadline());
    if (event) (*event)();
    core_.OnTimer(absl::Now());
    starts_ = core_.starts();
  }
  queue_.Close();
  return *core_.exit_code();
}

double Supervisor::Random01() {
  absl::MutexLock lock(&rng_mu_);
  return absl::Uniform(rng_, 0.0, 1.0);
}

}  // namespace confwatch
