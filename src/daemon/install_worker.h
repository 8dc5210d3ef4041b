// InstallWorker takes a batch of rendered outputs and puts them on disk
// (Installer), then runs each distinct reload once: five upstream files that
// changed together and share `nginx -s reload` cause one reload. A reload
// that failed is remembered and retried on the resource's next attempt even
// when the file is by then unchanged (the new file is installed, but its
// consumer has not seen it yet).
//
// Thread-safety: Process() is called by one thread at a time (the daemon's
// worker thread, or the caller in onetime/interval mode).
#ifndef CONFWATCH_DAEMON_INSTALL_WORKER_H_
#define CONFWATCH_DAEMON_INSTALL_WORKER_H_

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
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
};

struct ItemResult {
  int id = 0;
  absl::Status status;  // install or reload failure, naming the resource
  InstallOutcome outcome = InstallOutcome::kUnchanged;
  bool reloaded = false;
};

class InstallWorker {
 public:
  InstallWorker(Installer* installer, ReloadContext reload) : installer_(installer), reload_(reload) {}

  // Installs every item, then runs each needed reload once. One result per
  // item, in order. A failed reload fails every item that needed it.
  std::vector<ItemResult> Process(const std::vector<BatchItem>& batch);

  void set_child_pid(pid_t pid) { reload_.child_pid = pid; }
  // Called at the end of Process() when at least one file changed on disk.
  void set_on_files_changed(FilesChangedCallback cb) { on_files_changed_ = std::move(cb); }
  int64_t reload_runs() const { return reload_runs_; }

 private:
  Installer* installer_;
  ReloadContext reload_;
  std::set<std::string> failed_reloads_;  // reload keys still owed
  int64_t reload_runs_ = 0;
  FilesChangedCallback on_files_changed_;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_INSTALL_WORKER_H_
