// InstallWorker takes a batch of rendered outputs and puts them on disk
// (Installer), then runs each distinct reload once: five upstream files that
// changed together and share `nginx -s reload` cause one reload. A reload
// that failed is remembered and retried on the resource's next attempt even
// when the file is by then unchanged (the new file is installed, but its
// consumer has not seen it yet). A for_each item goes through
// FamilyInstaller (all its files or none, but a child whose dest is in the
// way left out alone, then the removals of gone children); its reload is
// keyed and run once like any other. A child refused (for its name or its
// dest) makes the item's status an error, so the resource is retried.
//
// With reload coalescing on (watch mode), a ReloadCoalescer decides when each
// reload runs: a lone change reloads at once, a burst reloads once more after
// it settles; RunDue() runs the reloads whose wait is over and FlushReloads()
// runs every waiting one (shutdown).
//
// The installs of one batch run on up to install_threads() threads (the
// caller's and short-lived helpers, joined before Process() returns): on a
// disk an install is two fsyncs, and the kernel commits concurrent fsyncs
// together, so 1000 resources starting at once take about a second, not ten.
// Items with the same dest are installed by one thread, in batch order.
// Logging, reloads and results stay on the caller's thread, in batch order.
//
// Thread-safety: Process(), RunDue(), NextReloadDue() and FlushReloads() are
// called by one thread at a time (the daemon's worker thread, or the caller
// in onetime/interval mode). The counters may be read from any thread. With
// install_threads() > 1 the Installer's FileSystem and CommandRunner are
// called from several threads at once (the POSIX ones allow it).
#ifndef CONFWATCH_DAEMON_INSTALL_WORKER_H_
#define CONFWATCH_DAEMON_INSTALL_WORKER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "daemon/daemon_stats.h"
#include "daemon/clock.h"
#include "daemon/reload_coalescer.h"
#include "resource/family_installer.h"
#include "resource/installer.h"
#include "resource/reloader.h"
#include "resource/template_resource.h"

namespace confwatch {

// Receives the dests a batch changed on disk (see InstallWorker::Process).
using FilesChangedCallback = std::function<void(const std::vector<std::string>& dests)>;

struct BatchItem {
  int id = 0;
  const TemplateResource* resource = nullptr;  // kept alive by the caller
  std::string rendered;
  // A for_each resource: its files instead of `rendered` (all of them or
  // none go in, see family_installer.h), and the children refused for their
  // names, each error naming the child.
  std::vector<RenderedChild> children;
  std::vector<absl::Status> refused;
};

struct ItemResult {
  int id = 0;
  absl::Status status;  // install or reload failure, naming the resource
  InstallOutcome outcome = InstallOutcome::kUnchanged;
  // Files the item changed (or would, under noop) when outcome is not
  // kUnchanged: 1 for a normal resource; for a for_each family each file
  // installed or removed.
  int files = 1;
  bool reloaded = false;
};

class InstallWorker {
 public:
  InstallWorker(Installer* installer, ReloadContext reload)
      : installer_(installer), family_installer_(installer), reload_(reload) {}

  // Coalesce reloads from now on (see reload_coalescer.h); quiet = 0: off.
  void set_reload_coalescing(absl::Duration quiet, absl::Duration max_delay) {
    coalescer_.emplace(quiet, max_delay);
  }

  // Installs of one batch run on up to `n` threads (1: all on the caller's).
  // REQUIRES: n >= 1; the Installer's FileSystem and CommandRunner are
  // thread-safe when n > 1.
  void set_install_threads(int n) { install_threads_ = n; }
  int install_threads() const { return install_threads_; }

  // Installs every item, then runs each needed reload once. One result per
  // item, in order. A failed reload fails every item that needed it.
  std::vector<ItemResult> Process(const std::vector<BatchItem>& batch);

  // Runs the coalesced reloads whose wait is over at `now`.
  void RunDue(absl::Time now);
  // When RunDue() next has work; nullopt when no reload waits.
  std::optional<absl::Time> NextReloadDue() const;
  // Runs every waiting reload once, now.
  void FlushReloads();

  // Called at the end of Process() when at least one file changed on disk,
  // with those dests; not with the dests whose resource reloads the
  // supervised child itself (SignalsChild() with a signal_child): the child
  // had its reload.
  void set_on_files_changed(FilesChangedCallback cb) { on_files_changed_ = std::move(cb); }
  // Reload runs are counted into stats->reloads / reload_errors.
  void set_stats(DaemonStats* stats) { stats_ = stats; }
  // Where reload coalescing reads the time; RealClock() unless set.
  void set_clock(Clock* clock) { clock_ = clock; }

 private:
  // Installs a for_each item into *result and adds the files it installed
  // or removed to *changed; true when its reload must run.
  bool InstallFamily(const BatchItem& item, ItemResult* result, std::vector<std::string>* changed);

  Installer* installer_;
  FamilyInstaller family_installer_;
  ReloadContext reload_;
  // Installer::Install for every item, one result per item in order; see
  // the header comment for the threads.
  std::vector<absl::StatusOr<InstallResult>> InstallAll(const std::vector<BatchItem>& batch);
  // Runs one reload and records its outcome; the log names `resource`.
  absl::Status RunReload(const std::string& key, const TemplateResource& resource);
  // Runs the waiting reload of each key.
  void RunWaiting(const std::vector<std::string>& keys);

  std::set<std::string> failed_reloads_;  // reload keys still owed
  std::optional<ReloadCoalescer> coalescer_;
  // A copy of a resource per waiting reload key: the batch's resources may
  // be gone (configuration reloaded) by the time the reload runs.
  std::map<std::string, TemplateResource> waiting_;
  DaemonStats* stats_ = nullptr;
  Clock* clock_ = RealClock();
  int install_threads_ = 1;
  FilesChangedCallback on_files_changed_;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_INSTALL_WORKER_H_
