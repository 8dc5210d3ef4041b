// See daemon.h.
#include "daemon/daemon.h"

#include <sys/stat.h>

#include <algorithm>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/logging.h"
#include "funcs/confd.h"

namespace confwatch {
namespace {

constexpr absl::Duration kSyncRetryMin = absl::Milliseconds(250);
// A re-read after start (new prefixes while etcd was down) retries at least
// this often: as often as the watch stream reconnects, so files follow again
// as soon as they would have without the configuration change.
constexpr absl::Duration kResyncRetryMax = absl::Seconds(5);
// A refused prefix is asked again on this timer: a role is granted by hand,
// so seconds matter little, but nobody should have to touch confwatch.
constexpr absl::Duration kDeniedRetryMin = absl::Seconds(1);
constexpr absl::Duration kDeniedRetryMax = absl::Seconds(60);

SchedulePolicy PolicyOf(const TemplateResource& r) {
  return SchedulePolicy{r.wait_min, r.wait_max, r.min_reload_interval};
}

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

}  // namespace

Daemon::Daemon(DaemonOptions options, DaemonDeps deps)
    : options_(std::move(options)),
      deps_(deps),
      clock_(deps.clock != nullptr ? deps.clock : RealClock()),
      installer_(deps.fs, deps.runner, options_.install),
      worker_(&installer_, ReloadContext{deps.runner, deps.signaller, deps.signal_child}),
      cache_(ConfwatchFuncMap()) {
  worker_.set_on_files_changed(deps_.on_files_changed);
  worker_.set_stats(&stats_);
  worker_.set_clock(clock_);
  resync_ = Timer(kSyncRetryMin, std::min(options_.source_retry_max, kResyncRetryMax));
  denied_retry_ = Timer(kDeniedRetryMin, kDeniedRetryMax);
  worker_.set_install_threads(options_.install_threads);
}

Daemon::~Daemon() {
  StopWorker();
  dir_watcher_.reset();
}

void Daemon::Stop() {
  stop_ = true;
  queue_.Push([] {});  // wake the loop
}

void Daemon::Post(std::function<void()> event) { queue_.Push(std::move(event)); }

void Daemon::ReloadConfig() {
  queue_.Push([this] { config_reload_.ArmAt(clock_->Now()); });
}

// ---- configuration ----

absl::Status Daemon::LoadConfig() {
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options_.confdir, options_.prefix, &cache_);
  if (!set.ok()) return set.status();
  for (const std::string& w : (*set)->warnings()) LogWarning(w);
  for (const ResourceLoadError& e : (*set)->errors()) LogError(e.status.message());
  set_ = *set;
  ForgetRemovedDests();
  {
    absl::MutexLock lock(&sync_mu_);
    load_errors_ = set_->errors();
  }
  ++generation_;
  const absl::Time now = clock_->Now();
  scheduler_.Clear();
  for (size_t i = 0; i < set_->resources().size(); ++i) {
    scheduler_.Add(static_cast<int>(i), PolicyOf(set_->resources()[i].config), now);
  }
  rendered_once_.assign(set_->resources().size(), false);
  // A resource that failed to load is never rendered: it keeps this false.
  stats_.all_rendered = set_->resources().empty() && set_->errors().empty();
  LogInfo(absl::StrCat(
      "loaded ", set_->resources().size(), " template resource(s) from ", options_.confdir,
      "/conf.d",
      set_->errors().empty() ? "" : absl::StrCat(", ", set_->errors().size(), " failed")));
  return absl::OkStatus();
}

// A reload that removed a resource (or renamed its dest) leaves nothing
// remembered of the old dest: without this the installer's entries would only
// ever grow until restart.
void Daemon::ForgetRemovedDests() {
  std::vector<const TemplateResource*> configs;
  configs.reserve(set_->resources().size());
  for (const LoadedResource& r : set_->resources()) configs.push_back(&r.config);
  installer_.ForgetDestsNotIn(configs);
}

// ---- source -> store ----

absl::Status Daemon::SyncAll() {
  std::vector<std::string> prefixes = set_->index().WatchPrefixes();
  absl::StatusOr<SourceSnapshot> snap = deps_.source->Read(prefixes);
  std::map<std::string, absl::Status> denied;
  if (snap.status().code() == absl::StatusCode::kPermissionDenied) {
    // One resource on a prefix the etcd user may not read must not keep the
    // others from rendering: find the forbidden prefixes, read the rest.
    // Watch mode asks again on a timer (RetryDenied).
    prefixes = AllowedPrefixes(prefixes, &denied);
    if (denied.empty()) return snap.status();
    snap = deps_.source->Read(prefixes);
  }
  if (!snap.ok()) return snap.status();
  // Only a read that worked says what is refused now; a failed one keeps
  // the previous answer.
  denied_ = std::move(denied);
  prefixes_ = std::move(prefixes);
  ApplySnapshot(prefixes_, *std::move(snap));
  return absl::OkStatus();
}

std::vector<std::string> Daemon::AllowedPrefixes(const std::vector<std::string>& prefixes,
                                                 std::map<std::string, absl::Status>* denied) {
  std::vector<std::string> allowed;
  for (const std::string& p : prefixes) {
    absl::StatusOr<SourceSnapshot> one = deps_.source->Read({p});
    if (one.status().code() != absl::StatusCode::kPermissionDenied) {
      allowed.push_back(p);  // readable, or another error the full read reports
      continue;
    }
    ReportDenied(p, one.status());
    denied->emplace(p, one.status());
  }
  return allowed;
}

std::vector<int> Daemon::ReportDenied(const std::string& prefix, const absl::Status& status) {
  std::vector<int> ids;
  std::vector<std::string> names;
  for (size_t i = 0; i < set_->resources().size(); ++i) {
    const TemplateResource& r = set_->resources()[i].config;
    if (!ReadsPrefix(r, prefix)) continue;
    ids.push_back(static_cast<int>(i));
    names.push_back(r.name);
  }
  LogError(absl::StrCat(status.message(), ": not rendering ", absl::StrJoin(names, ", "),
                        " until the read is granted"));
  return ids;
}

bool Daemon::ReadsPrefix(const TemplateResource& r, const std::string& prefix) {
  for (const std::string& key : r.keys) {
    if (absl::StartsWith(DependencyIndex::Normalize(key), prefix)) return true;
  }
  return false;
}

const absl::Status* Daemon::DeniedError(const TemplateResource& r) const {
  for (const auto& [prefix, status] : denied_) {
    if (ReadsPrefix(r, prefix)) return &status;
  }
  return nullptr;
}

void Daemon::ApplySnapshot(const std::vector<std::string>& prefixes, SourceSnapshot snap) {
  const int64_t revision = snap.revision;
  ReplacePrefixes(prefixes, std::move(snap));
  if (revision < store_.revision()) {
    // A whole read replaces every watched key anyway; say why files may go
    // back in time.
    LogWarning(absl::StrCat(deps_.source->Describe(), " is at revision ", revision,
                            ", lower than revision ", store_.revision(),
                            " that confwatch already saw (restored from an older backup, or a new "
                            "cluster); its keys replace ours"));
  }
  store_.set_revision(revision);
  stats_.revision = revision;
}

void Daemon::ReplacePrefixes(const std::vector<std::string>& prefixes, SourceSnapshot snap) {
  // The prefixes are disjoint byte ranges (DependencyIndex::WatchPrefixes), so
  // each snapshot key belongs to exactly one of them. The records move on to
  // the store as they are; pairs are packed into records first.
  KvRecords records = std::move(snap.records);
  for (const KVPair& kv : snap.kvs) records.Append(kv.key, kv.value);
  std::vector<KVPair>().swap(snap.kvs);
  MarkBatch batch = StartMarking(clock_->Now());
  store_.ReplacePrefixes(prefixes, std::move(records),
                         [&](std::string_view key) { Mark(&batch, key); });
}

Daemon::MarkBatch Daemon::StartMarking(absl::Time now) const {
  const size_t resources = set_->resources().size();
  return MarkBatch{now, std::vector<bool>(resources, false), resources};
}

void Daemon::Mark(MarkBatch* batch, std::string_view key) {
  if (batch->left == 0) return;
  for (int id : set_->index().Affected(key)) {
    scheduler_.MarkDirty(id, batch->now);
    if (static_cast<size_t>(id) < batch->marked.size() && !batch->marked[id]) {
      batch->marked[id] = true;
      --batch->left;
    }
  }
}

void Daemon::MarkAffected(const std::vector<std::string>& keys, absl::Time now) {
  MarkBatch batch = StartMarking(now);
  for (const std::string& key : keys) Mark(&batch, key);
}

void Daemon::OnChanges(std::vector<KeyChange> changes, int64_t revision) {
  // Changes queued by a following that has since been stopped (and replaced
  // by a fresh read) are older than the store: applying them would take keys
  // back in time.
  const uint64_t epoch = follow_epoch_.load();
  queue_.Push([this, epoch, changes = std::move(changes), revision] {
    if (epoch != follow_epoch_.load()) return;
    std::vector<std::string> changed;
    for (const KeyChange& c : changes) {
      bool did = c.deleted ? store_.Delete(c.key) : store_.Put(c.key, c.value);
      if (did) changed.push_back(c.key);
    }
    store_.set_revision(revision);
    stats_.revision = revision;
    stats_.watch_events += static_cast<int64_t>(changes.size());
    MarkAffected(changed, clock_->Now());
  });
}

void Daemon::OnResync(std::vector<std::string> prefixes, SourceSnapshot snapshot) {
  const uint64_t epoch = follow_epoch_.load();
  // The queue takes copyable tasks; the snapshot's records are move-only.
  auto shared = std::make_shared<SourceSnapshot>(std::move(snapshot));
  queue_.Push([this, epoch, prefixes = std::move(prefixes), shared] {
    if (epoch != follow_epoch_.load()) return;  // see OnChanges
    ++stats_.resyncs;
    const bool all = prefixes.size() == 1 && prefixes[0].empty();
    const int64_t revision = shared->revision;
    LogWarning(absl::StrCat("resynchronised ", all ? "every key" : absl::StrJoin(prefixes, ", "),
                            " at revision ", revision));
    // One queued task: every prefix of a group is replaced before any render.
    ReplacePrefixes(prefixes, std::move(*shared));
    // Not max(): a resync after etcd was restored from an older backup comes
    // with a lower revision, and that is now the truth. (Otherwise the read is
    // linearizable, so no event already applied is newer.)
    store_.set_revision(revision);
    stats_.revision = revision;
  });
}

void Daemon::OnSourceState(bool connected, std::string message) {
  const bool was = stats_.source_connected.exchange(connected);
  if (was == connected) return;
  if (connected) {
    LogInfo(message);
  } else {
    LogWarning(absl::StrCat(message, "; the last good files stay in place"));
  }
}

void Daemon::OnWatchFailed(std::string prefix, absl::Status status) {
  queue_.Push([this, prefix = std::move(prefix), status = std::move(status)] {
    const absl::Time now = clock_->Now();
    if (status.code() != absl::StatusCode::kPermissionDenied) {
      // No such refusal is expected from etcd; read and follow everything
      // again, no more often than a lost connection is retried.
      LogError(absl::StrCat(status.message(), "; reading every watched prefix again in ",
                            absl::FormatDuration(kResyncRetryMax)));
      resync_.ArmNoLaterThan(now + kResyncRetryMax);
      return;
    }
    // Read access revoked while we watched: as if it had been refused at the
    // start. The resources that read the prefix keep their last good files
    // and say why; the timer asks again and a grant is followed at once.
    prefixes_.erase(std::remove(prefixes_.begin(), prefixes_.end(), prefix), prefixes_.end());
    denied_[prefix] = status;
    for (int id : ReportDenied(prefix, status)) scheduler_.MarkDirty(id, now);
    if (!denied_retry_.armed()) ScheduleDeniedRetry(now);
  });
}

absl::Status Daemon::StartFollowing() {
  if (!deps_.source->CanFollow()) return absl::OkStatus();
  std::vector<PrefixGroup> together = ReadTogether();
  followed_groups_ = PrefixesOf(together);
  return deps_.source->Follow(prefixes_, together, store_.revision(), this);
}

std::vector<std::vector<std::string>> Daemon::PrefixesOf(const std::vector<PrefixGroup>& groups) {
  std::vector<std::vector<std::string>> out;
  for (const PrefixGroup& g : groups) out.push_back(g.prefixes);
  return out;
}

std::vector<PrefixGroup> Daemon::ReadTogether() const {
  // prefixes_ is sorted and its ranges are disjoint: a declared key lies in
  // the last prefix not above it, if in any (a denied one is in none).
  std::map<std::vector<std::string>, std::vector<std::string>> names_by_prefixes;
  for (const LoadedResource& loaded : set_->resources()) {
    std::vector<std::string> mine;
    for (const std::string& key : loaded.config.keys) {
      const std::string k = DependencyIndex::Normalize(key);
      auto it = std::upper_bound(prefixes_.begin(), prefixes_.end(), k);
      if (it == prefixes_.begin() || !absl::StartsWith(k, *std::prev(it))) continue;
      mine.push_back(*std::prev(it));
    }
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    if (mine.size() > 1) names_by_prefixes[std::move(mine)].push_back(loaded.config.name);
  }
  std::vector<PrefixGroup> out;
  for (auto& [prefixes, names] : names_by_prefixes) {
    out.push_back(PrefixGroup{absl::StrJoin(names, ", "), prefixes});
  }
  return out;
}

void Daemon::ResyncAndFollow(absl::Time now, bool owed) {
  deps_.source->StopFollowing();
  ++follow_epoch_;  // no callback of the old following runs after StopFollowing
  absl::Status s = SyncAll();
  if (s.ok()) s = StartFollowing();
  now = std::max(now, clock_->Now());  // the read may have waited on a dial timeout
  if (!s.ok()) {
    // etcd unreachable during a configuration reload, say: keep asking, or
    // the new prefixes would never be read and nothing followed again.
    stats_.source_connected = false;
    LogWarning(absl::StrCat("cannot read keys: ", s.message(), "; retrying in ",
                            absl::FormatDuration(resync_.ArmAfterBackoff(now))));
    return;
  }
  if (owed) LogInfo("read every watched prefix again");
  resync_.Reset();
  stats_.source_connected = true;
  RetryFailedRenders();
  ScheduleDeniedRetry(now);
}

void Daemon::ScheduleDeniedRetry(absl::Time now) {
  if (denied_.empty()) {
    denied_retry_.Reset();
    return;
  }
  std::vector<std::string> prefixes;
  for (const auto& entry : denied_) prefixes.push_back(entry.first);
  LogInfo(absl::StrCat("no read access to ", absl::StrJoin(prefixes, ", "), "; asking again in ",
                       absl::FormatDuration(denied_retry_.backoff())));
  denied_retry_.ArmAt(now + denied_retry_.backoff());
}

void Daemon::RetryDenied(absl::Time now) {
  std::vector<std::string> granted;
  for (const auto& entry : denied_) {
    // Only a read that works counts: an unreachable etcd is the watcher's
    // business, and following must not stop for it.
    if (deps_.source->Read({entry.first}).ok()) granted.push_back(entry.first);
  }
  if (granted.empty()) {
    denied_retry_.BackOff();
    ScheduleDeniedRetry(std::max(now, clock_->Now()));
    return;
  }
  // A new prefix to follow: read and follow everything again, as after a
  // configuration reload (one watch stream carries every prefix).
  LogInfo(absl::StrCat("read access to ", absl::StrJoin(granted, ", "),
                       " granted; reading every watched prefix again"));
  denied_retry_.Reset();
  ResyncAndFollow(now);
}

void Daemon::RetryFailedRenders() {
  for (size_t i = 0; i < set_->resources().size(); ++i) {
    if (scheduler_.Failures(static_cast<int>(i)) > 0) scheduler_.RetryNow(static_cast<int>(i));
  }
}

// ---- render and install ----

std::vector<BatchItem> Daemon::RenderReady(const std::vector<int>& ids,
                                           std::vector<absl::Status>* errors) {
  std::vector<BatchItem> items;
  for (int id : ids) {
    const TemplateResource& r = set_->resources()[id].config;
    const absl::Status* denied = DeniedError(r);
    absl::StatusOr<BatchItem> out = denied != nullptr ? absl::StatusOr<BatchItem>(*denied)
                                                       : set_->RenderItem(id, store_, &cache_);
    ++stats_.renders;
    if (!out.ok()) {
      ++stats_.render_errors;
      absl::Status e(out.status().code(), absl::StrCat(r.name, ": ", out.status().message(), "; ",
                                                         installer_.KeptNote(r)));
      Log(LogLevel::kError, e.message(),
          {JsonField("resource", r.name), JsonField("dest", r.dest),
           JsonField("error", out.status().message())});
      if (errors) errors->push_back(e);
      scheduler_.Finished(id, false, clock_->Now());
      continue;
    }
    items.push_back(std::move(*out));
  }
  return items;
}

void Daemon::Dispatch(absl::Time now) {
  if (stop_) return;
  std::vector<int> ready = scheduler_.TakeReady(now);
  if (ready.empty()) return;
  std::vector<BatchItem> items = RenderReady(ready, nullptr);
  if (items.empty()) return;
  ++batches_in_flight_;
  // The batch points into set_; the lambda keeps that set alive even if the
  // configuration is reloaded while it is being installed.
  worker_queue_.Push([this, set = set_, gen = generation_, items = std::move(items)] {
    std::vector<ItemResult> results = worker_.Process(items);
    queue_.Push([this, gen, results = std::move(results)]() mutable {
      OnBatchDone(gen, std::move(results));
    });
  });
}

void Daemon::OnBatchDone(uint64_t generation, std::vector<ItemResult> results) {
  --batches_in_flight_;
  const absl::Time now = clock_->Now();
  for (const ItemResult& r : results) {
    if (r.outcome != InstallOutcome::kUnchanged && r.status.ok()) stats_.installs += r.files;
    if (!r.status.ok()) ++stats_.install_errors;
  }
  if (generation != generation_) return;  // the configuration changed meanwhile
  for (const ItemResult& r : results) {
    scheduler_.Finished(r.id, r.status.ok(), now);
    if (!r.status.ok()) continue;
    rendered_once_[r.id] = true;
    absl::MutexLock lock(&sync_mu_);
    last_sync_[set_->resources()[r.id].config.name] = now;
  }
  stats_.all_rendered =
      set_->errors().empty() &&
      std::all_of(rendered_once_.begin(), rendered_once_.end(), [](bool b) { return b; });
}

std::map<std::string, absl::Time> Daemon::LastSyncs() const {
  absl::MutexLock lock(&sync_mu_);
  return last_sync_;
}

std::vector<ResourceLoadError> Daemon::LoadErrors() const {
  absl::MutexLock lock(&sync_mu_);
  // Each caller (the metrics and systemd threads) gets statuses of its own:
  // a copied absl::Status shares its message with the original through a
  // reference count kept in Debian's (uninstrumented) abseil, so freeing it
  // on one thread after a read on another looks like a race to TSan.
  std::vector<ResourceLoadError> copy;
  copy.reserve(load_errors_.size());
  for (const ResourceLoadError& e : load_errors_) {
    copy.push_back({e.name, absl::Status(e.status.code(), std::string(e.status.message()))});
  }
  return copy;
}

void Daemon::StartWorker() {
  worker_thread_ = std::thread([this] {
    while (true) {
      const absl::Time due = worker_.NextReloadDue().value_or(absl::InfiniteFuture());
      std::optional<EventQueue::Event> job = clock_->PopUntil(worker_queue_, due);
      if (job) {
        (*job)();
      } else if (worker_queue_.closed()) {
        // Closed and drained: the files are on disk, so their consumers hear
        // of them before we go.
        worker_.FlushReloads();
        return;
      }
      worker_.RunDue(clock_->Now());
    }
  });
}

void Daemon::StopWorker() {
  worker_queue_.Close();
  if (worker_thread_.joinable()) worker_thread_.join();
}

// ---- modes ----

absl::Status Daemon::RunOnce() {
  if (absl::Status s = LoadConfig(); !s.ok()) return s;
  std::vector<std::string> failures;
  for (const ResourceLoadError& e : set_->errors()) failures.push_back(Msg(e.status));
  if (absl::Status s = SyncAll(); !s.ok()) {
    failures.push_back(Msg(s));
    return absl::UnavailableError(absl::StrJoin(failures, "\n"));
  }
  std::vector<int> all;
  for (size_t i = 0; i < set_->resources().size(); ++i) all.push_back(static_cast<int>(i));
  std::vector<absl::Status> render_errors;
  std::vector<BatchItem> items = RenderReady(all, &render_errors);
  for (const absl::Status& e : render_errors) failures.push_back(Msg(e));
  for (const ItemResult& r : worker_.Process(items)) {
    if (!r.status.ok()) failures.push_back(Msg(r.status));
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::AbortedError(absl::StrJoin(failures, "\n"));
}

absl::Status Daemon::RunInterval() {
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  while (!stop_) {
    absl::Status s = RunOnce();
    if (!s.ok()) LogError(s.message());
    RunEventsUntil(clock_->Now() + options_.interval * jitter(rng));
    // Events that came in after the wait timed out run now, not lost: a
    // Post()ed watchdog heartbeat is among them.
    for (EventQueue::Event& e : queue_.Drain()) e();
  }
  return absl::OkStatus();
}

void Daemon::RunEventsUntil(absl::Time deadline) {
  while (!stop_) {
    std::optional<EventQueue::Event> ev = clock_->PopUntil(queue_, deadline);
    if (!ev) return;
    (*ev)();
  }
}

void Daemon::OnConfdirEvent() {
  queue_.Push([this] { config_reload_.ArmAt(clock_->Now() + options_.config_debounce); });
}

void Daemon::ReloadConfigNow(absl::Time now) {
  ++stats_.config_reloads;
  const std::vector<std::string> old_prefixes = prefixes_;
  const bool owed = resync_.armed();
  if (absl::Status s = LoadConfig(); !s.ok()) {
    LogError(
        absl::StrCat("configuration reload failed, keeping the previous one: ", s.message()));
  } else if (set_->index().WatchPrefixes() != old_prefixes || owed ||
             PrefixesOf(ReadTogether()) != followed_groups_) {
    // New keys to follow, prefixes now read together (or a re-read still
    // owed): read them and follow the new set from there.
    ResyncAndFollow(now, owed);
  }
}

absl::Status Daemon::InitialSync() {
  Timer retry(kSyncRetryMin, options_.source_retry_max);
  while (!stop_) {
    absl::Status s = SyncAll();
    if (s.ok()) return s;
    if (s.code() == absl::StatusCode::kUnauthenticated) {
      // Wrong credentials do not heal by waiting: say so and stop, so that a
      // supervisor (systemd, kubelet) shows the failure instead of a daemon
      // that silently renders nothing.
      return s;
    }
    LogWarning(absl::StrCat("cannot read keys: ", s.message(), "; retrying in ",
                            absl::FormatDuration(retry.ArmAfterBackoff(clock_->Now()))));
    RunEventsUntil(retry.deadline());
  }
  return absl::OkStatus();
}

absl::Status Daemon::RunWatch() {
  if (absl::Status s = LoadConfig(); !s.ok()) return s;
  if (options_.reload_coalesce > absl::ZeroDuration()) {
    worker_.set_reload_coalescing(options_.reload_coalesce, kReloadMaxDelayFactor * options_.reload_coalesce);
  }
  StartWorker();
  if (options_.watch_confdir) {
    // conf.d and templates only: a dest may well live under the confdir, and
    // installing it must not look like a configuration change.
    std::vector<WatchRoot> roots = {{options_.confdir + "/conf.d", true}};
    struct stat st;
    if (stat((options_.confdir + "/templates").c_str(), &st) == 0) {
      roots.push_back({options_.confdir + "/templates", true});
    }
    absl::StatusOr<std::unique_ptr<DirWatcher>> w =
        DirWatcher::Start(roots, [this](const std::string&) { OnConfdirEvent(); });
    if (w.ok()) {
      dir_watcher_ = std::move(*w);
    } else {
      LogWarning(absl::StrCat("not watching ", options_.confdir,
                              " for changes: ", w.status().message(), " (SIGHUP still reloads)"));
    }
  }

  if (absl::Status s = InitialSync(); !s.ok()) {
    StopWorker();
    return s;
  }
  if (!stop_) {
    stats_.source_connected = true;
    if (absl::Status s = StartFollowing(); !s.ok()) {
      StopWorker();
      return s;
    }
    ScheduleDeniedRetry(clock_->Now());
  }

  while (!stop_ || batches_in_flight_ > 0) {
    const absl::Time now = clock_->Now();
    if (!stop_ && config_reload_.Fire(now)) ReloadConfigNow(now);
    if (!stop_ && resync_.Fire(now)) ResyncAndFollow(now, /*owed=*/true);
    if (!stop_ && denied_retry_.Fire(now)) RetryDenied(now);
    Dispatch(now);
    // Stop() and every producer wake us.
    absl::Time deadline =
        std::min({config_reload_.deadline(), resync_.deadline(), denied_retry_.deadline()});
    if (std::optional<absl::Time> next = scheduler_.NextDeadline()) deadline = std::min(deadline, *next);
    std::optional<EventQueue::Event> ev = clock_->PopUntil(queue_, deadline);
    if (ev) (*ev)();
    for (EventQueue::Event& e : queue_.Drain()) e();
  }
  deps_.source->StopFollowing();
  StopWorker();
  dir_watcher_.reset();
  return absl::OkStatus();
}

}  // namespace confwatch
