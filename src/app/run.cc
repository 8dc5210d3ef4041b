// See run.h.
#include "app/run.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "app/etcd_options_from.h"
#include "daemon/daemon.h"
#include "daemon/etcd_key_source.h"
#include "daemon/local_key_sources.h"
#include "daemon/log_absl.h"
#include "daemon/resource_set.h"
#include "ops/logging.h"
#include "process/posix_command_runner.h"
#include "spdlog/spdlog.h"
#include "template/funcs_confd.h"

namespace confwatch {
namespace {

// Signals the daemon acts on; blocked in every thread and taken by sigwait on
// the signal thread, so no handler runs in an arbitrary thread.
sigset_t DaemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  return set;
}

// Waits for signals and turns them into daemon calls until told to quit.
class SignalThread {
 public:
  explicit SignalThread(Daemon* daemon) : daemon_(daemon) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~SignalThread() {
    // Wake sigwait with a signal only this thread takes; SIGUSR2 is not in
    // the daemon set, so send a set member and let Loop see done_.
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGQUIT);
    thread_.join();
  }

 private:
  void Loop() {
    sigset_t set = DaemonSignals();
    while (true) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (done_) return;
      if (sig == SIGHUP) {
        spdlog::info("SIGHUP: reloading the configuration");
        daemon_->ReloadConfig();
      } else {
        spdlog::info("{}: finishing the install in flight, then exiting", strsignal(sig));
        daemon_->Stop();
      }
    }
  }
  Daemon* daemon_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int CheckConfig(const Options& options) {
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options.confdir, options.prefix, &cache);
  if (!set.ok()) {
    std::cerr << set.status().message() << "\n";
    return kExitUsage;
  }
  for (const std::string& w : (*set)->warnings()) std::cerr << "warning: " << w << "\n";
  for (const absl::Status& e : (*set)->errors()) std::cerr << e.message() << "\n";
  std::cout << (*set)->resources().size() << " template resource(s) OK, "
            << (*set)->errors().size() << " with errors\n";
  return (*set)->errors().empty() ? kExitOk : kExitUsage;
}

int Preflight(const Options& options, KeySource* source) {
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options.confdir, options.prefix, &cache);
  if (!set.ok()) {
    std::cerr << set.status().message() << "\n";
    return kExitUsage;
  }
  for (const absl::Status& e : (*set)->errors()) std::cerr << e.message() << "\n";
  int code = (*set)->errors().empty() ? kExitOk : kExitUsage;
  for (const std::string& prefix : (*set)->index().WatchPrefixes()) {
    absl::StatusOr<SourceSnapshot> snap = source->Read({prefix});
    if (!snap.ok()) {
      std::cerr << "read " << (prefix.empty() ? "/" : prefix) << ": " << snap.status().message()
                << "\n";
      code = kExitSourceUnavailable;
      continue;
    }
    std::cout << "read " << (prefix.empty() ? "/" : prefix) << ": " << snap->kvs.size()
              << " key(s) at revision " << snap->revision << "\n";
  }
  return code;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeySource>> MakeKeySource(const Options& options) {
  if (options.backend == "etcdv3" || options.backend == "etcd") {
    absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(EtcdOptionsFrom(options));
    if (!client.ok()) return client.status();
    return std::unique_ptr<KeySource>(new EtcdKeySource(std::move(*client)));
  }
  if (options.backend == "file") {
    if (options.files.empty()) {
      return absl::InvalidArgumentError("-backend file needs at least one -file");
    }
    return std::unique_ptr<KeySource>(new FileKeySource(options.files, options.filter));
  }
  if (options.backend == "env") return std::unique_ptr<KeySource>(new EnvKeySource());
  return absl::InvalidArgumentError(
      absl::StrCat("-backend ", options.backend, " is not supported: use etcdv3, file or env"));
}

int Run(const Options& options) {
  InitLogging(LoggingConfig{options.log_level, options.log_format, nullptr});
  for (const std::string& w : options.warnings) spdlog::warn("{}", w);
  if (!options.exec_command.empty()) {
    spdlog::error("exec mode (-- command) is not implemented in this version");
    return kExitUsage;
  }
  if (!options.srv_domain.empty() || !options.srv_record.empty()) {
    spdlog::warn("SRV discovery of nodes is not implemented in this version; using -node");
  }
  if (!options.metrics_addr.empty() || options.subreaper) {
    spdlog::warn("-metrics-addr and -subreaper are not implemented in this version; ignored");
  }
  if (options.check_config) return CheckConfig(options);

  // Block the daemon's signals before any thread exists (gRPC starts its own
  // threads early), so every thread inherits the mask and only the signal
  // thread receives them. onetime keeps the default actions: SIGTERM simply
  // ends it, and a file on disk is still never partial.
  if (!options.onetime) {
    sigset_t set = DaemonSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  absl::StatusOr<std::unique_ptr<KeySource>> source = MakeKeySource(options);
  if (!source.ok()) {
    spdlog::error("{}", source.status().message());
    return kExitUsage;
  }
  if (options.preflight) return Preflight(options, source->get());

  PosixFileSystem fs;
  PosixCommandRunner runner;
  SystemProcessSignaller signaller;
  DaemonOptions d;
  d.confdir = options.confdir;
  d.prefix = options.prefix;
  d.install.noop = options.noop;
  d.install.sync_only = options.sync_only;
  d.install.keep_stage_file = options.keep_stage_file;
  d.interval = options.interval;
  Daemon daemon(d, DaemonDeps{source->get(), &fs, &runner, &signaller});
  spdlog::info("confwatch starting: backend {}, confdir {}, {}", (*source)->Describe(),
               options.confdir, options.onetime ? "onetime" : options.watch ? "watch" : "interval");

  if (options.onetime) {
    absl::Status s = daemon.RunOnce();
    if (s.ok()) return kExitOk;
    spdlog::error("onetime run failed:\n{}", s.message());
    return s.code() == absl::StatusCode::kUnavailable ? kExitSourceUnavailable
                                                      : kExitResourceFailed;
  }
  SignalThread signals(&daemon);
  absl::Status s = options.watch ? daemon.RunWatch() : daemon.RunInterval();
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return kExitUsage;
  }
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace confwatch
