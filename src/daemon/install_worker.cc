// See install_worker.h.
#include "daemon/install_worker.h"

#include <map>

#include "daemon/log_absl.h"
#include "spdlog/spdlog.h"

namespace confwatch {

std::vector<ItemResult> InstallWorker::Process(const std::vector<BatchItem>& batch) {
  std::vector<ItemResult> results(batch.size());
  // reload key -> indexes of the items that need it
  std::map<std::string, std::vector<size_t>> reloads;
  for (size_t i = 0; i < batch.size(); ++i) {
    const BatchItem& item = batch[i];
    ItemResult& result = results[i];
    result.id = item.id;
    absl::StatusOr<InstallResult> installed = installer_->Install(*item.resource, item.rendered);
    if (!installed.ok()) {
      result.status = installed.status();
      spdlog::error("{}: {}", item.resource->name, installed.status().message());
      continue;
    }
    result.outcome = installed->outcome;
    for (const std::string& w : installed->warnings) spdlog::warn("{}: {}", item.resource->name, w);
    if (installed->outcome == InstallOutcome::kWouldChange) {
      spdlog::info("{}: {} would change ({})", item.resource->name, item.resource->dest,
                   installed->changes.empty() ? "content" : installed->changes.front());
      if (!installed->diff.empty()) fputs(installed->diff.c_str(), stdout);
      continue;
    }
    if (installed->outcome != InstallOutcome::kUnchanged) {
      spdlog::info("{}: {} {}", item.resource->name, item.resource->dest,
                   InstallOutcomeName(installed->outcome));
    }
    const std::string key = ReloadKey(*item.resource);
    if (key.empty()) continue;
    if (installed->reload_needed || failed_reloads_.count(key)) reloads[key].push_back(i);
  }
  for (const auto& [key, items] : reloads) {
    const TemplateResource& first = *batch[items.front()].resource;
    ++reload_runs_;
    absl::Status s = Reload(first, reload_);
    if (s.ok()) {
      failed_reloads_.erase(key);
      spdlog::info("{}: reloaded", first.name);
    } else {
      failed_reloads_.insert(key);
      spdlog::error("{}", s.message());
    }
    for (size_t i : items) {
      results[i].reloaded = s.ok();
      if (!s.ok()) results[i].status = s;
    }
  }
  if (on_files_changed_) {
    std::vector<std::string> changed;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results[i].outcome == InstallOutcome::kInstalled ||
          results[i].outcome == InstallOutcome::kInstalledInPlace) {
        changed.push_back(batch[i].resource->dest);
      }
    }
    if (!changed.empty()) on_files_changed_(changed);
  }
  return results;
}

}  // namespace confwatch
