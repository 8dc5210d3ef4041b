// See daemon.h.
#include "daemon/daemon.h"

#include <sys/stat.h>

#include <algorithm>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "daemon/log_absl.h"
#include "ops/logging.h"
#include "spdlog/spdlog.h"
#include "template/funcs_confd.h"

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
      installer_(deps.fs, deps.runner, options_.install),
      worker_(&installer_, ReloadContext{deps.runner, deps.signaller, deps.signal_child}),
      cache_(ConfwatchFuncMap()),
      data_files_(deps.source != nullptr ? deps.source->Files() : std::vector<std::string>()) {
  worker_.set_on_files_changed(deps_.on_files_changed);
  worker_.set_stats(&stats_);
  resync_backoff_ = kSyncRetryMin;
  denied_backoff_ = kDeniedRetryMin;
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
  queue_.Push([this] {
    config_reload_pending_ = true;
    config_reload_at_ = absl::Now();
  });
}

// ---- configuration ----

absl::Status Daemon::LoadConfig() {
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options_.confdir, options_.prefix, &cache_);
  if (!set.ok()) return set.status();
  for (const std::string& w : (*set)->warnings()) spdlog::warn("{}", w);
  for (const ResourceLoadError& e : (*set)->errors()) spdlog::error("{}", e.status.message());
  set_ = *set;
  {
    absl::MutexLock lock(&sync_mu_);
    load_errors_ = set_->errors();
  }
  ++generation_;
  const absl::Time now = absl::Now();
  scheduler_.Clear();
  for (size_t i = 0; i < set_->resources().size(); ++i) {
    scheduler_.Add(static_cast<int>(i), PolicyOf(set_->resources()[i].config), now);
  }
  rendered_once_.assign(set_->resources().size(), false);
  // A resource that failed to load is never rendered: it keeps this false.
  stats_.all_rendered = set_->resources().empty() && set_->errors().empty();
  spdlog::info("loaded {} template resource(s) from {}/conf.d{}", set_->resources().size(),
               options_.confdir,
               set_->errors().empty() ? "" : absl::StrCat(", ", set_->errors().size(), " failed"));
  return absl::OkStatus();
}

// ---- source -> store ----

absl::Status Daemon::SyncAll() {
  std::vector<std::string> prefixes = set_->index().WatchPrefixes();
  absl::StatusOr<SourceSnapshot> snap = deps_.source->Read(prefixes);
  std::map<std::string, absl::Status> denied;
  // A file backend's permission error is about a file, not a prefix: it
  // keeps failing the whole read (and -watch retrying) as before.
  if (snap.status().code() == absl::StatusCode::kPermissionDenied &&
      deps_.source->Files().empty()) {
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
  spdlog::error("{}: not rendering {} until the read is granted", status.message(),
                absl::StrJoin(names, ", "));
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
  ReplacePrefixes(prefixes, std::move(snap.kvs));
  if (snap.revision < store_.revision()) {
    // A whole read replaces every watched key anyway; say why files may go
    // back in time.
    spdlog::warn("{} is at revision {}, lower than revision {} that confwatch already saw "
                 "(restored from an older backup, or a new cluster); its keys replace ours",
                 deps_.source->Describe(), snap.revision, store_.revision());
  }
  store_.set_revision(snap.revision);
  stats_.revision = snap.revision;
}

void Daemon::ReplacePrefixes(const std::vector<std::string>& prefixes, std::vector<KVPair> kvs) {
  // The prefixes are disjoint byte ranges (DependencyIndex::WatchPrefixes), so
  // each snapshot key belongs to exactly one of them. The pairs move on to
  // the store; one prefix (the usual case) takes the snapshot as it is.
  std::vector<std::vector<KVPair>> parts(prefixes.size());
  if (prefixes.size() == 1) {
    parts[0] = std::move(kvs);
  } else {
    for (KVPair& kv : kvs) {
      for (size_t i = 0; i < prefixes.size(); ++i) {
        if (absl::StartsWith(kv.key, prefixes[i])) {
          parts[i].push_back(std::move(kv));
          break;
        }
      }
    }
  }
  MarkBatch batch = StartMarking(absl::Now());
  for (size_t i = 0; i < prefixes.size(); ++i) {
    store_.ReplacePrefix(prefixes[i], std::move(parts[i]),
                         [&](std::string_view key) { Mark(&batch, key); });
  }
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
    MarkAffected(changed, absl::Now());
  });
}

void Daemon::OnResync(std::vector<std::string> prefixes, SourceSnapshot snapshot) {
  const uint64_t epoch = follow_epoch_.load();
  queue_.Push([this, epoch, prefixes = std::move(prefixes),
               snapshot = std::move(snapshot)]() mutable {
    if (epoch != follow_epoch_.load()) return;  // see OnChanges
    ++stats_.resyncs;
    const bool all = prefixes.size() == 1 && prefixes[0].empty();
    spdlog::warn("resynchronised {} at revision {}", all ? "every key" : absl::StrJoin(prefixes, ", "),
                 snapshot.revision);
    // One queued task: every prefix of a group is replaced before any render.
    ReplacePrefixes(prefixes, std::move(snapshot.kvs));
    // Not max(): a resync after etcd was restored from an older backup comes
    // with a lower revision, and that is now the truth. (Otherwise the read is
    // linearizable, so no event already applied is newer.)
    store_.set_revision(snapshot.revision);
    stats_.revision = snapshot.revision;
  });
}

void Daemon::OnSourceState(bool connected, std::string message) {
  const bool was = stats_.source_connected.exchange(connected);
  if (was == connected) return;
  if (connected) {
    spdlog::info("{}", message);
  } else {
    spdlog::warn("{}; the last good files stay in place", message);
  }
}

void Daemon::OnWatchFailed(std::string prefix, absl::Status status) {
  queue_.Push([this, prefix = std::move(prefix), status = std::move(status)] {
    const absl::Time now = absl::Now();
    if (status.code() != absl::StatusCode::kPermissionDenied) {
      // No such refusal is expected from etcd; read and follow everything
      // again, no more often than a lost connection is retried.
      spdlog::error("{}; reading every watched prefix again in {}", status.message(),
                    absl::FormatDuration(kResyncRetryMax));
      resync_at_ = std::min(resync_at_, now + kResyncRetryMax);
      return;
    }
    // Read access revoked while we watched: as if it had been refused at the
    // start. The resources that read the prefix keep their last good files
    // and say why; the timer asks again and a grant is followed at once.
    prefixes_.erase(std::remove(prefixes_.begin(), prefixes_.end(), prefix), prefixes_.end());
    denied_[prefix] = status;
    for (int id : ReportDenied(prefix, status)) scheduler_.MarkDirty(id, now);
    if (denied_retry_at_ == absl::InfiniteFuture()) ScheduleDeniedRetry(now);
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

void Daemon::ResyncAndFollow(absl::Time now) {
  deps_.source->StopFollowing();
  ++follow_epoch_;  // no callback of the old following runs after StopFollowing
  absl::Status s = SyncAll();
  if (s.ok()) s = StartFollowing();
  now = std::max(now, absl::Now());  // the read may have waited on a dial timeout
  if (!s.ok()) {
    // etcd unreachable during a configuration reload, say: keep asking, or
    // the new prefixes would never be read and nothing followed again.
    stats_.source_connected = false;
    spdlog::warn("cannot read keys: {}; retrying in {}", s.message(),
                 absl::FormatDuration(resync_backoff_));
    resync_at_ = now + resync_backoff_;
    resync_backoff_ = std::min({resync_backoff_ * 2, options_.source_retry_max, kResyncRetryMax});
    return;
  }
  if (resync_at_ != absl::InfiniteFuture()) spdlog::info("read every watched prefix again");
  resync_at_ = absl::InfiniteFuture();
  resync_backoff_ = kSyncRetryMin;
  stats_.source_connected = true;
  RetryFailedRenders();
  ScheduleDeniedRetry(now);
}

void Daemon::ScheduleDeniedRetry(absl::Time now) {
  if (denied_.empty()) {
    denied_retry_at_ = absl::InfiniteFuture();
    denied_backoff_ = kDeniedRetryMin;
    return;
  }
  std::vector<std::string> prefixes;
  for (const auto& entry : denied_) prefixes.push_back(entry.first);
  spdlog::info("no read access to {}; asking again in {}", absl::StrJoin(prefixes, ", "),
               absl::FormatDuration(denied_backoff_));
  denied_retry_at_ = now + denied_backoff_;
}

void Daemon::RetryDenied(absl::Time now) {
  denied_retry_at_ = absl::InfiniteFuture();
  std::vector<std::string> granted;
  for (const auto& entry : denied_) {
    // Only a read that works counts: an unreachable etcd is the watcher's
    // business, and following must not stop for it.
    if (deps_.source->Read({entry.first}).ok()) granted.push_back(entry.first);
  }
  if (granted.empty()) {
    denied_backoff_ = std::min(denied_backoff_ * 2, kDeniedRetryMax);
    ScheduleDeniedRetry(std::max(now, absl::Now()));
    return;
  }
  // A new prefix to follow: read and follow everything again, as after a
  // configuration reload (one watch stream carries every prefix).
  spdlog::info("read access to {} granted; reading every watched prefix again",
               absl::StrJoin(granted, ", "));
  denied_backoff_ = kDeniedRetryMin;
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
    absl::StatusOr<std::string> out = denied != nullptr
                                          ? absl::StatusOr<std::string>(*denied)
                                          : set_->Render(id, store_, &cache_);
    ++stats_.renders;
    if (!out.ok()) {
      ++stats_.render_errors;
      absl::Status e(out.status().code(), absl::StrCat(r.name, ": ", out.status().message(), "; ",
                                                         installer_.KeptNote(r.dest)));
      Log(LogLevel::kError, e.message(),
          {JsonField("resource", r.name), JsonField("dest", r.dest),
           JsonField("error", out.status().message())});
      if (errors) errors->push_back(e);
      scheduler_.Finished(id, false, absl::Now());
      continue;
    }
    items.push_back(BatchItem{id, &r, std::move(*out)});
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
  const absl::Time now = absl::Now();
  for (const ItemResult& r : results) {
    if (r.outcome != InstallOutcome::kUnchanged && r.status.ok()) ++stats_.installs;
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
      std::optional<EventQueue::Event> job = worker_queue_.Pop(due);
      if (job) {
        (*job)();
      } else if (worker_queue_.closed()) {
        // Closed and drained: the files are on disk, so their consumers hear
        // of them before we go.
        worker_.FlushReloads();
        return;
      }
      worker_.RunDue(absl::Now());
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
    if (!s.ok()) spdlog::error("{}", s.message());
    absl::Time next = absl::Now() + options_.interval * jitter(rng);
    while (!stop_) {
      std::optional<EventQueue::Event> ev = queue_.Pop(next);
      if (!ev) break;
      (*ev)();
    }
    // Events that came in after the wait timed out run now, not lost: a
    // Post()ed watchdog heartbeat is among them.
    for (EventQueue::Event& e : queue_.Drain()) e();
  }
  return absl::OkStatus();
}

void Daemon::OnConfdirEvent(const std::string& path) {
  queue_.Push([this, path] {
    if (absl::StartsWith(path, options_.confdir + "/conf.d") ||
        absl::StartsWith(path, options_.confdir + "/templates")) {
      config_reload_pending_ = true;
      config_reload_at_ = absl::Now() + options_.config_debounce;
      return;
    }
    // A file of the file backend changed (or now resolves to another file):
    // read it again; ReplacePrefix turns the new contents into exactly the
    // keys that changed.
    if (data_files_.Changed(path)) {
      data_files_.Mark();
      if (absl::Status s = SyncAll(); !s.ok()) {
        spdlog::error("{}; rendering goes on from the keys read before", s.message());
      }
    }
  });
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
    for (const WatchRoot& r : data_files_.Roots()) roots.push_back(r);
    absl::StatusOr<std::unique_ptr<DirWatcher>> w =
        DirWatcher::Start(roots, [this](const std::string& p) { OnConfdirEvent(p); });
    if (w.ok()) {
      dir_watcher_ = std::move(*w);
    } else {
      spdlog::warn("not watching {} for changes: {} (SIGHUP still reloads)", options_.confdir,
                   w.status().message());
    }
  }

  // Initial read: retried with backoff until it works or we are stopped.
  data_files_.Mark();
  absl::Duration backoff = kSyncRetryMin;
  while (!stop_) {
    absl::Status s = SyncAll();
    if (s.ok()) break;
    if (s.code() == absl::StatusCode::kUnauthenticated) {
      // Wrong credentials do not heal by waiting: say so and stop, so that a
      // supervisor (systemd, kubelet) shows the failure instead of a daemon
      // that silently renders nothing.
      StopWorker();
      return s;
    }
    spdlog::warn("cannot read keys: {}; retrying in {}", s.message(), absl::FormatDuration(backoff));
    const absl::Time until = absl::Now() + backoff;
    while (!stop_) {
      std::optional<EventQueue::Event> ev = queue_.Pop(until);
      if (!ev) break;
      (*ev)();
    }
    backoff = std::min(backoff * 2, options_.source_retry_max);
  }
  if (!stop_) {
    stats_.source_connected = true;
    if (absl::Status s = StartFollowing(); !s.ok()) {
      StopWorker();
      return s;
    }
    ScheduleDeniedRetry(absl::Now());
  }

  while (!stop_ || batches_in_flight_ > 0) {
    const absl::Time now = absl::Now();
    if (config_reload_pending_ && now >= config_reload_at_ && !stop_) {
      config_reload_pending_ = false;
      config_reload_at_ = absl::InfiniteFuture();
      ++stats_.config_reloads;
      const std::vector<std::string> old_prefixes = prefixes_;
      if (absl::Status s = LoadConfig(); !s.ok()) {
        spdlog::error("configuration reload failed, keeping the previous one: {}", s.message());
      } else if (set_->index().WatchPrefixes() != old_prefixes ||
                 resync_at_ != absl::InfiniteFuture() ||
                 PrefixesOf(ReadTogether()) != followed_groups_) {
        // New keys to follow, prefixes now read together (or a re-read still
        // owed): read them and follow the new set from there.
        ResyncAndFollow(now);
      }
    }
    if (!stop_ && now >= resync_at_) ResyncAndFollow(now);
    if (!stop_ && now >= denied_retry_at_) RetryDenied(now);
    Dispatch(now);
    // Stop() and every producer wake us.
    absl::Time deadline = std::min({config_reload_at_, resync_at_, denied_retry_at_});
    if (std::optional<absl::Time> next = scheduler_.NextDeadline()) deadline = std::min(deadline, *next);
    std::optional<EventQueue::Event> ev = queue_.Pop(deadline);
    if (ev) (*ev)();
    for (EventQueue::Event& e : queue_.Drain()) e();
  }
  deps_.source->StopFollowing();
  StopWorker();
  dir_watcher_.reset();
  return absl::OkStatus();
}

}  // namespace confwatch
