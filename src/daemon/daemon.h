// Daemon wires source -> store -> render -> install -> reload (DESIGN.md):
//
//   KeySource --Read once, then Follow--> Store (event loop thread)
//        changed key --DependencyIndex--> dirty resources --Scheduler-->
//        render on the loop (a consistent view) --batch--> InstallWorker
//        thread (install, deduplicated reloads) --results--> Scheduler
//
// Three modes: RunOnce (onetime), RunInterval, RunWatch. In watch mode a
// change never re-reads the source: only resources whose declared keys cover
// the changed key re-render; a burst coalesces (one render in flight per
// resource, one follow-up at most); a failed render or install is retried
// with backoff; the confdir is watched with inotify so new, edited and
// deleted resources and templates take effect live (also on ReloadConfig(),
// i.e. SIGHUP); a compaction or lost watch resynchronises the affected
// prefix only (with the prefixes read together with it: see PrefixGroup).
//
// Thread-safety: Run* are called from one thread, which becomes the event
// loop. Stop() and ReloadConfig() may be called from any thread (signal
// handling thread). Stats are read with stats() from any thread.
#ifndef CONFWATCH_DAEMON_DAEMON_H_
#define CONFWATCH_DAEMON_DAEMON_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "daemon/clock.h"
#include "daemon/daemon_stats.h"
#include "base/event_queue.h"
#include "daemon/install_worker.h"
#include "daemon/key_source.h"
#include "daemon/resource_set.h"
#include "daemon/scheduler.h"
#include "daemon/template_cache.h"
#include "daemon/timer.h"
#include "resource/file_system.h"
#include "resource/installer.h"
#include "resource/reloader.h"
#include "store/store.h"
#include "watch/dir_watcher.h"

namespace confwatch {

struct DaemonOptions {
  std::string confdir = "/etc/confd";
  std::string prefix;  // global prefix, joined before each resource's prefix
  InstallOptions install;
  absl::Duration interval = absl::Seconds(600);
  // watch mode: how long the initial read may fail before we say so loudly
  // (we keep retrying regardless).
  absl::Duration source_retry_max = absl::Seconds(30);
  // Collects the inotify events of one editor save into one reload.
  absl::Duration config_debounce = absl::Milliseconds(100);
  bool watch_confdir = true;
  // Watch mode: a reload requested within this long of the previous run of
  // the same reload waits until changes settle (see reload_coalescer.h), at
  // most kReloadMaxDelayFactor times this long. Zero: every install reloads.
  absl::Duration reload_coalesce = absl::Milliseconds(100);
  // Installs of one batch run on up to this many threads (see
  // install_worker.h): a start with 1000 resources on a disk is fsync-bound.
  int install_threads = 8;
};

inline constexpr int kReloadMaxDelayFactor = 10;

struct DaemonDeps {
  KeySource* source = nullptr;
  FileSystem* fs = nullptr;
  CommandRunner* runner = nullptr;
  ProcessSignaller* signaller = nullptr;
  // Called on the install thread after a batch that changed at least one file
  // on disk, once its reloads ran, with the dests that changed (except those
  // whose resource sends its own reload_signal to the child, see
  // signal_child). Exec mode signals or restarts its child here. May be empty.
  FilesChangedCallback on_files_changed;
  // Exec mode: sends a resource's reload_signal (one without pid_file) to
  // the supervised child, on the install thread. Empty outside exec mode:
  // such a resource's reload then fails with a clear error.
  std::function<absl::Status(int signal)> signal_child;
  // Every "now" and timed wait of the loop and the install worker; RealClock()
  // when null. Unit tests advance a fake one.
  Clock* clock = nullptr;
};

class Daemon : private ChangeSink {
 public:
  Daemon(DaemonOptions options, DaemonDeps deps);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Renders and installs every resource once. OK only when every resource
  // loaded, rendered, installed and reloaded; otherwise the error lists each
  // failure on its own line, naming the resource.
  absl::Status RunOnce();

  // Every `interval` (with +-10% jitter) re-reads conf.d and the source and
  // renders everything, until Stop(). OK after a clean stop.
  absl::Status RunInterval();

  // Watches until Stop(): see the header comment. Returns OK after a clean
  // stop; an error only when the configuration cannot be read at all.
  absl::Status RunWatch();

  // Any thread. The install in flight finishes, then Run* returns.
  void Stop();
  // Any thread: reload conf.d and templates as on an inotify event.
  void ReloadConfig();
  // Any thread: runs `event` on the event loop, after the events queued
  // before it (watch and interval modes; never once Run* returned). The
  // systemd watchdog posts a no-op here to prove the loop still turns.
  void Post(std::function<void()> event);

  const DaemonStats& stats() const { return stats_; }
  // Any thread: how many dests the installer remembers (it forgets those no
  // resource names any more when a configuration reload replaces the set).
  size_t remembered_dests() const { return installer_.remembered_dests(); }

  // Any thread: when each resource (by name) last rendered and installed (or
  // found its file already right) without error; for metrics.
  std::map<std::string, absl::Time> LastSyncs() const ABSL_LOCKS_EXCLUDED(sync_mu_);
  // Any thread: the resources of the current configuration that failed to
  // load (bad TOML, template that does not parse, bad keys); empty once a
  // configuration reload loads them all. A resource in this list is not
  // rendered, so the daemon is not ready (ops/daemon_metrics.h) and exec
  // mode does not start its command.
  std::vector<ResourceLoadError> LoadErrors() const ABSL_LOCKS_EXCLUDED(sync_mu_);

 private:
  // ChangeSink, called on the source's thread: queue onto the loop.
  void OnChanges(std::vector<KeyChange> changes, int64_t revision) override;
  void OnResync(std::vector<std::string> prefixes, SourceSnapshot snapshot) override;
  void OnSourceState(bool connected, std::string message) override;
  void OnWatchFailed(std::string prefix, absl::Status status) override;

  // Loop-thread helpers.
  absl::Status LoadConfig();
  // Makes the installer forget the dests no resource of set_ installs.
  void ForgetRemovedDests();
  // One Read of every watched prefix; those the source refuses with
  // PermissionDenied are left out (denied_) and the rest is read. On error
  // the store, prefixes_ and denied_ are as they were.
  absl::Status SyncAll();
  // The prefixes of `prefixes` the source lets us read; records the others
  // in *denied and logs which resources they keep from rendering.
  std::vector<std::string> AllowedPrefixes(const std::vector<std::string>& prefixes,
                                           std::map<std::string, absl::Status>* denied);
  // Logs which resources the refused `prefix` keeps from rendering and
  // returns their ids.
  std::vector<int> ReportDenied(const std::string& prefix, const absl::Status& status);
  // Watch mode after start: stops following, reads every watched prefix and
  // follows them again. A failed read is retried with backoff from the loop
  // (resync_); following stays stopped until a read works, which then
  // replaces the whole store, so nothing is lost meanwhile. `owed`: a re-read
  // resync_ was armed for (its success is logged).
  void ResyncAndFollow(absl::Time now, bool owed = false);
  // Schedules (or ends) denied_retry_, which asks the refused prefixes again.
  void ScheduleDeniedRetry(absl::Time now);
  // The timer fired: when the source now lets us read one of denied_, read
  // and follow everything again; else ask again later, backing off.
  void RetryDenied(absl::Time now);
  // Resources that failed while the source had nothing for them render at
  // once after a read instead of waiting out their backoff.
  void RetryFailedRenders();
  static bool ReadsPrefix(const TemplateResource& r, const std::string& prefix);
  // The permission error that keeps `r` from rendering; nullptr when none.
  const absl::Status* DeniedError(const TemplateResource& r) const;
  void ApplySnapshot(const std::vector<std::string>& prefixes, SourceSnapshot snap);
  // Makes the keys under each of `prefixes` (sorted, disjoint) exactly those of `kvs`
  // and marks the resources whose keys changed.
  void ReplacePrefixes(const std::vector<std::string>& prefixes, SourceSnapshot snap);
  // The followed prefixes (prefixes_) that one resource reads together, for
  // every resource that reads more than one; resources sharing a set share
  // the group.
  std::vector<PrefixGroup> ReadTogether() const;
  static std::vector<std::vector<std::string>> PrefixesOf(const std::vector<PrefixGroup>& groups);
  // Marking the resources that changed keys affect, all at one `now`: once
  // every resource is dirty the remaining keys of the batch change nothing,
  // so they are not looked up (a first read of 100k keys stops after one).
  struct MarkBatch {
    absl::Time now;
    std::vector<bool> marked;  // by resource id
    size_t left = 0;           // resources not marked yet
  };
  MarkBatch StartMarking(absl::Time now) const;
  void Mark(MarkBatch* batch, std::string_view key);
  void MarkAffected(const std::vector<std::string>& keys, absl::Time now);
  std::vector<BatchItem> RenderReady(const std::vector<int>& ids, std::vector<absl::Status>* errors);
  void Dispatch(absl::Time now);
  void OnBatchDone(uint64_t generation, std::vector<ItemResult> results);
  // Something changed under conf.d or templates: reload once they settle.
  void OnConfdirEvent();
  // config_reload_ fired: load conf.d again and, when the watched prefixes
  // or their groups changed, read and follow them anew.
  void ReloadConfigNow(absl::Time now);
  // The initial read of watch mode, retried with backoff until it works,
  // Stop() or wrong credentials (returned).
  absl::Status InitialSync();
  // Runs the loop's events until `deadline` or Stop().
  void RunEventsUntil(absl::Time deadline);
  absl::Status StartFollowing();
  void StartWorker();
  void StopWorker();

  DaemonOptions options_;
  DaemonDeps deps_;
  Clock* const clock_;
  Installer installer_;
  InstallWorker worker_;
  TemplateCache cache_;
  Store store_;
  Scheduler scheduler_;
  std::shared_ptr<const ResourceSet> set_;
  std::vector<std::string> prefixes_;  // what the source is read and followed at
  // Bumped each time following stops to be replaced by a fresh read: work
  // the old following queued is dropped. Read on the source's thread.
  std::atomic<uint64_t> follow_epoch_{0};
  // The prefixes of each group given to the source's Follow (ReadTogether).
  std::vector<std::vector<std::string>> followed_groups_;
  // Watch prefixes the source refused to read (PermissionDenied), with that
  // error: their resources fail to render with it. Set by SyncAll().
  std::map<std::string, absl::Status> denied_;
  // Watch mode's timers, on the loop: a configuration reload once inotify
  // events settle (or at once on ReloadConfig()); a failed ResyncAndFollow
  // tried again; the denied_ prefixes asked again.
  Timer config_reload_;
  Timer resync_;
  Timer denied_retry_;
  uint64_t generation_ = 0;            // bumps on every configuration reload
  std::vector<bool> rendered_once_;

  EventQueue queue_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<DirWatcher> dir_watcher_;

  // Worker thread: batches go in, results come back through queue_.
  EventQueue worker_queue_;
  std::thread worker_thread_;
  int batches_in_flight_ = 0;

  DaemonStats stats_;
  mutable absl::Mutex sync_mu_;
  std::map<std::string, absl::Time> last_sync_ ABSL_GUARDED_BY(sync_mu_);
  std::vector<ResourceLoadError> load_errors_ ABSL_GUARDED_BY(sync_mu_);
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_DAEMON_H_
