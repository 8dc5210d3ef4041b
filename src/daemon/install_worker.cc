// See install_worker.h.
#include "daemon/install_worker.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/logging.h"

namespace confwatch {
namespace {

// "<name>: <what failed>; <dest> keeps its last good version", as a render
// error reads: the resource named (installer and reloader errors do not name
// it) and what is on disk said, unless a failed in-place rewrite may have
// left dest partial.
absl::Status InstallError(const Installer& installer, const TemplateResource& r,
                          const absl::Status& error) {
  std::string text = absl::StrCat(r.name, ": ", error.message());
  if (!DestMayBePartial(error)) absl::StrAppend(&text, "; ", installer.KeptNote(r.dest));
  return absl::Status(error.code(), text);
}

// "<name>: <reload that failed>": the file is installed, its reload is not.
absl::Status ReloadError(const TemplateResource& r, const absl::Status& error) {
  return absl::Status(error.code(), absl::StrCat(r.name, ": ", error.message()));
}

}  // namespace

std::vector<absl::StatusOr<InstallResult>> InstallWorker::InstallAll(
    const std::vector<BatchItem>& batch) {
  std::vector<absl::StatusOr<InstallResult>> out(batch.size(), InstallResult());
  // Items that share a dest form one group, installed in batch order: the
  // last one wins, as when the batch runs on one thread.
  std::vector<std::vector<size_t>> groups;
  absl::flat_hash_map<absl::string_view, size_t> group_of;
  for (size_t i = 0; i < batch.size(); ++i) {
    // A for_each family is installed by InstallFamily, on the worker thread.
    if (!batch[i].resource->for_each.empty()) continue;
    auto [it, added] = group_of.try_emplace(batch[i].resource->dest, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t g; (g = next++) < groups.size();) {
      for (size_t i : groups[g]) out[i] = installer_->Install(*batch[i].resource, batch[i].rendered);
    }
  };
  std::vector<std::thread> helpers;
  const size_t threads = std::min(groups.size(), static_cast<size_t>(std::max(install_threads_, 1)));
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(run);
  run();
  for (std::thread& t : helpers) t.join();
  return out;
}

bool InstallWorker::InstallFamily(const BatchItem& item, ItemResult* result,
                                  std::vector<std::string>* changed) {
  const TemplateResource& r = *item.resource;
  // Children refused for their names, then for what is at their dest
  // (family_installer.h), then what failed the batch or the manifest.
  std::vector<absl::Status> errors = item.refused;
  auto add_error = [&](const absl::Status& s) {
    errors.push_back(absl::Status(s.code(), absl::StrCat(r.name, ": ", s.message())));
  };
  absl::StatusOr<FamilyResult> family = family_installer_.Install(r, item.children);
  bool reload = false;
  if (!family.ok()) {
    add_error(family.status());
  } else {
    for (const std::string& w : family->warnings) {
      Log(LogLevel::kWarning, absl::StrCat(r.name, ": ", w), {JsonField("resource", r.name)});
    }
    for (const std::string& line : family->log) {
      Log(LogLevel::kInfo, absl::StrCat(r.name, ": ", line), {JsonField("resource", r.name)});
    }
    if (!family->diff.empty()) fputs(family->diff.c_str(), stdout);
    for (const absl::Status& s : family->refused) add_error(s);
    if (!family->status.ok()) add_error(family->status);
    result->outcome = family->outcome;
    result->files = static_cast<int>(family->changed.size());
    if (family->outcome == InstallOutcome::kInstalled) {
      changed->insert(changed->end(), family->changed.begin(), family->changed.end());
    }
    reload = family->reload_needed;
  }
  if (!errors.empty()) {
    std::vector<std::string> lines;
    for (const absl::Status& e : errors) {
      lines.push_back(std::string(e.message()));
      Log(LogLevel::kError, e.message(), {JsonField("resource", r.name), JsonField("dest", r.dest)});
    }
    // The code of what failed the batch or the manifest, if anything did.
    result->status = absl::Status(errors.back().code(), absl::StrJoin(lines, "\n"));
  }
  return reload;
}

std::vector<ItemResult> InstallWorker::Process(const std::vector<BatchItem>& batch) {
  std::vector<ItemResult> results(batch.size());
  std::vector<absl::StatusOr<InstallResult>> all = InstallAll(batch);
  // reload key -> indexes of the items that need it
  std::map<std::string, std::vector<size_t>> reloads;
  // item index -> the dests it changed on disk
  std::vector<std::vector<std::string>> changed(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const BatchItem& item = batch[i];
    ItemResult& result = results[i];
    result.id = item.id;
    if (!item.resource->for_each.empty()) {
      const bool reload_needed = InstallFamily(item, &result, &changed[i]);
      const std::string key = ReloadKey(*item.resource);
      if (key.empty() || result.outcome == InstallOutcome::kWouldChange) continue;
      if (reload_needed || (result.status.ok() && failed_reloads_.count(key))) {
        reloads[key].push_back(i);
      }
      continue;
    }
    absl::StatusOr<InstallResult>& installed = all[i];
    if (!installed.ok()) {
      result.status = InstallError(*installer_, *item.resource, installed.status());
      Log(LogLevel::kError, result.status.message(),
          {JsonField("resource", item.resource->name), JsonField("dest", item.resource->dest),
           JsonField("error", installed.status().message())});
      continue;
    }
    result.outcome = installed->outcome;
    for (const std::string& w : installed->warnings) {
      LogWarning(
          absl::StrCat(item.resource->name, ": ", w),
          {JsonField("resource", item.resource->name), JsonField("dest", item.resource->dest)});
    }
    if (installed->outcome == InstallOutcome::kWouldChange) {
      Log(LogLevel::kInfo,
          absl::StrCat(item.resource->name, ": ", item.resource->dest, " would change (",
                       installed->changes.empty() ? "content" : installed->changes.front(), ")"),
          {JsonField("resource", item.resource->name), JsonField("dest", item.resource->dest)});
      if (!installed->diff.empty()) fputs(installed->diff.c_str(), stdout);
      continue;
    }
    if (installed->outcome != InstallOutcome::kUnchanged) {
      Log(LogLevel::kInfo,
          absl::StrCat(item.resource->name, ": ", item.resource->dest, " ",
                       InstallOutcomeName(installed->outcome)),
          {JsonField("resource", item.resource->name), JsonField("dest", item.resource->dest)});
      changed[i].push_back(item.resource->dest);
    }
    const std::string key = ReloadKey(*item.resource);
    if (key.empty()) continue;
    if (installed->reload_needed || failed_reloads_.count(key)) reloads[key].push_back(i);
  }
  for (const auto& [key, items] : reloads) {
    const TemplateResource& first = *batch[items.front()].resource;
    if (coalescer_ && !coalescer_->Request(key, clock_->Now())) {
      waiting_.insert_or_assign(key, first);  // reported by RunDue(), not here
      continue;
    }
    absl::Status s = RunReload(key, first);
    for (size_t i : items) {
      results[i].reloaded = s.ok();
      if (!s.ok() && results[i].status.ok()) results[i].status = ReloadError(*batch[i].resource, s);
    }
  }
  if (on_files_changed_) {
    std::vector<std::string> all;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (reload_.signal_child && SignalsChild(*batch[i].resource)) continue;
      all.insert(all.end(), changed[i].begin(), changed[i].end());
    }
    if (!all.empty()) on_files_changed_(all);
  }
  return results;
}

absl::Status InstallWorker::RunReload(const std::string& key, const TemplateResource& resource) {
  const absl::Time started = clock_->Now();
  std::string sent;
  absl::Status s = Reload(resource, reload_, &sent);
  if (stats_) ++(s.ok() ? stats_->reloads : stats_->reload_errors);
  if (s.ok()) {
    failed_reloads_.erase(key);
    waiting_.erase(key);
    // A signal names its pid: one taken from a pid file is worth seeing.
    LogInfo(absl::StrCat(resource.name, ": ", sent.empty() ? "reloaded" : sent),
            {JsonField("resource", resource.name)});
  } else {
    failed_reloads_.insert(key);
    Log(LogLevel::kError, ReloadError(resource, s).message(),
        {JsonField("resource", resource.name), JsonField("error", s.message())});
  }
  if (coalescer_) {
    // A failure waits for its backoff; keep what to run then.
    if (!s.ok()) waiting_.insert_or_assign(key, resource);
    coalescer_->Finished(key, s.ok(), started);
  }
  return s;
}

void InstallWorker::RunWaiting(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    auto it = waiting_.find(key);
    if (it == waiting_.end()) continue;  // cannot happen: Request() stored it
    const TemplateResource resource = it->second;  // RunReload may erase it
    RunReload(key, resource).IgnoreError();  // logged and counted by RunReload
  }
}

void InstallWorker::RunDue(absl::Time now) {
  if (coalescer_) RunWaiting(coalescer_->TakeDue(now));
}

std::optional<absl::Time> InstallWorker::NextReloadDue() const {
  if (!coalescer_) return std::nullopt;
  return coalescer_->NextDue();
}

void InstallWorker::FlushReloads() {
  // Once each: a failure is logged, not retried (we are stopping).
  if (coalescer_) RunWaiting(coalescer_->TakeAll());
}

}  // namespace confwatch
