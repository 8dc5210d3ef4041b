// See run.h.
#include "app/run.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "app/etcd_options_from.h"
#include "app/preflight.h"
#include "app/srv_nodes.h"
#include "base/logging.h"
#include "daemon/daemon.h"
#include "daemon/etcd_key_source.h"
#include "daemon/env_key_source.h"
#include "daemon/resource_set.h"
#include "exec/exec_policy.h"
#include "exec/reaper.h"
#include "exec/supervisor.h"
#include "file_backend/file_key_source.h"
#include "ops/daemon_metrics.h"
#include "ops/metrics_server.h"
#include "ops/systemd_notifier.h"
#include "process/errno_text.h"
#include "process/posix_command_runner.h"
#include "process/signals.h"
#include "register/registration_set.h"
#include "resource/installer.h"

namespace confwatch {
namespace {

// Forwarded to the child as they are in exec mode (README "Exec mode").
// SIGTERM and SIGINT stop it with kill_signal instead; SIGCHLD is ours (the
// orphan reaper). Everything else keeps its default action.
constexpr int kForwardedSignals[] = {SIGHUP,  SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
                                     SIGCONT, SIGTTIN, SIGTTOU, SIGALRM, SIGPWR};

// Signals confwatch takes; blocked in every thread and taken by sigwait on
// the signal thread, so no handler runs in an arbitrary thread.
sigset_t HandledSignals(bool exec_mode, bool reaping) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGHUP, SIGTERM, SIGINT, SIGQUIT}) sigaddset(&set, s);
  if (exec_mode) {
    for (int s : kForwardedSignals) sigaddset(&set, s);
  }
  if (reaping) sigaddset(&set, SIGCHLD);
  return set;
}

// Waits for the signals of `set` and hands each to `handle`, on its own
// thread, until destroyed.
class SignalThread {
 public:
  SignalThread(sigset_t set, std::function<void(int)> handle)
      : set_(set), handle_(std::move(handle)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~SignalThread() {
    // Wake sigwait with a signal of the set, sent to this thread only; Loop
    // sees done_ and returns.
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGQUIT);
    thread_.join();
  }
  SignalThread(const SignalThread&) = delete;
  SignalThread& operator=(const SignalThread&) = delete;

 private:
  void Loop() {
    while (true) {
      int sig = 0;
      if (sigwait(&set_, &sig) != 0) continue;
      if (done_) return;
      handle_(sig);
    }
  }
  const sigset_t set_;
  const std::function<void(int)> handle_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Runs `hook` once, whichever thread asks first.
class OnceHook {
 public:
  explicit OnceHook(std::function<void()> hook) : hook_(std::move(hook)) {}
  void operator()() {
    if (hook_ && !called_.exchange(true)) hook_();
  }

 private:
  std::function<void()> hook_;
  std::atomic<bool> called_{false};
};

// LoadOptions() validated every field already; errors here are defensive.
absl::StatusOr<ExecConfig> ExecConfigFrom(const Options& o) {
  ExecConfig c;
  c.command = o.exec_command;
  if (o.exec_reload_signal.empty()) {
    c.reload_signal = 0;
  } else {
    absl::StatusOr<int> s = ParseSignal(o.exec_reload_signal);
    if (!s.ok()) return s.status();
    c.reload_signal = *s;
  }
  absl::StatusOr<int> kill = ParseSignal(o.exec_kill_signal);
  if (!kill.ok()) return kill.status();
  c.kill_signal = *kill;
  absl::StatusOr<RestartPolicy> restart = ParseRestartPolicy(o.exec_restart);
  if (!restart.ok()) return restart.status();
  c.restart = *restart;
  c.kill_timeout = o.exec_kill_timeout;
  c.splay = o.exec_splay;
  c.restart_limit = o.exec_restart_limit;
  return c;
}

// Exec mode once the daemon exists: watch on a thread, wait until every
// template rendered, then run the child until it is done.
int RunExec(const Options& options, Daemon* daemon, Supervisor* supervisor,
            const std::atomic<bool>& stop_requested, OnceHook* before_stop) {
  std::atomic<bool> loop_done{false};
  absl::Status loop_status;
  std::thread loop([&] {
    loop_status = daemon->RunWatch();
    if (!loop_status.ok()) {
      LogError(loop_status.message());
      supervisor->NotifySignal(SIGTERM);  // never run the child unwatched
    }
    loop_done = true;
  });
  // The readiness of /readyz without the connection: every resource of
  // conf.d loaded and rendered. A resource that failed to load gates the
  // child too: it may be fixed (inotify reloads it) before the deadline.
  auto ready = [daemon] { return DaemonReadiness(daemon->stats(), daemon->LoadErrors(), false); };
  const absl::Time deadline = absl::Now() + options.exec_wait_timeout;
  while (!ready().ok() && !stop_requested && !loop_done && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  const std::string command = absl::StrJoin(options.exec_command, " ");
  int code = kExitOk;
  if (loop_done) {
    code = kExitUsage;
  } else if (stop_requested) {
    LogInfo(absl::StrCat("stopped before ", command, " was started"));
    (*before_stop)();
  } else if (const std::vector<ResourceLoadError> load_errors = daemon->LoadErrors();
             !ready().ok()) {
    for (const ResourceLoadError& e : load_errors)
      LogError(absl::StrCat("exec: ", LoadErrorText(e)));
    LogError(absl::StrCat("exec: not every resource loaded and rendered within -exec-wait-timeout ",
                          absl::FormatDuration(options.exec_wait_timeout), " (", load_errors.size(),
                          " failed to load, ", daemon->stats().renders.load(), " render(s), ",
                          daemon->stats().render_errors.load(),
                          " failed; the errors above name the resources): not starting ", command));
    code = kExitResourceFailed;
  } else {
    code = supervisor->Run();
  }
  daemon->Stop();
  loop.join();
  if (!loop_status.ok()) return kExitUsage;
  LogInfo(absl::StrCat("exiting with code ", code));
  return code;
}

// The [[register]] tables of the config file, running: a client of their
// own (the key source may be a file), the registrars, and their commands'
// runner (health checks).
struct Registrations {
  PosixCommandRunner runner;
  std::unique_ptr<EtcdClient> client;
  std::unique_ptr<RegistrationSet> set;
};

// Loads, renders and starts the registrations; nothing is registered on an
// error. REQUIRES: the daemon's signals are blocked (the registrars' threads
// must not take them).
absl::Status StartRegistrations(const Options& options, Registrations* out) {
  if (options.config_file.empty()) return absl::OkStatus();
  std::vector<std::string> warnings;
  absl::StatusOr<std::vector<RegistrationSpec>> specs =
      LoadRegistrations(options.config_file, &warnings);
  for (const std::string& w : warnings) LogWarning(w);
  if (!specs.ok()) return specs.status();
  if (specs->empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(EtcdOptionsFrom(options));
  if (!client.ok()) return client.status();
  out->client = std::move(*client);
  absl::StatusOr<std::unique_ptr<RegistrationSet>> set =
      RegistrationSet::Create(*specs, out->client.get(), &out->runner);
  if (!set.ok()) return set.status();
  out->set = std::move(*set);
  out->set->Start();
  LogInfo(absl::StrCat("registering ", out->set->size(), " key(s) in etcd"));
  return absl::OkStatus();
}

// A confdir without conf.d/ is a usage error, the same one in every mode: the
// loaders' "IO error: <dir>/conf.d" surfaced as exit 1 in onetime, exit 2
// elsewhere, in a shape that depended on the mode.
absl::Status CheckConfdir(const std::string& confdir) {
  const std::string confd = absl::StrCat(confdir, "/conf.d");
  struct stat st;
  if (stat(confd.c_str(), &st) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("-confdir ", confdir, ": ", confd, ": ", ErrnoText(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("-confdir ", confdir, ": ", confd, " is not a directory"));
  }
  return absl::OkStatus();
}

// -srv-domain/-srv-record: the nodes come from DNS, once, at the start
// (confd does the same); after that it is as if they were given as -node.
// Returns kExitOk or the exit code to stop with.
int ResolveNodes(Options* options) {
  const bool from_srv = options->nodes.empty() && !options->srv_record.empty();
  absl::Status srv = ResolveSrvNodes(options, SystemSrvLookup());
  for (const std::string& w : options->warnings) LogWarning(w);
  if (!srv.ok()) {
    LogError(absl::StrCat("cannot find the etcd nodes: ", srv.message()));
    return kExitSourceUnavailable;
  }
  if (from_srv && options->backend == "etcdv3") {
    LogInfo(absl::StrCat("SRV record ", options->srv_record, ": etcd nodes ",
                         absl::StrJoin(options->nodes, ", ")));
  }
  return kExitOk;
}

// What the options make of this run, decided before anything starts.
struct RunPlan {
  bool exec_mode = false;
  ExecConfig exec;
  bool reaping = false;   // this process reaps orphans (PID 1 or -subreaper)
  sigset_t handled = {};  // HandledSignals()
};

// Errors are logged; the caller exits with kExitUsage.
absl::StatusOr<RunPlan> PlanRun(const Options& options) {
  RunPlan plan;
  plan.exec_mode = !options.exec_command.empty() && !options.preflight;
  absl::StatusOr<ExecConfig> exec = ExecConfigFrom(options);
  if (!exec.ok()) {
    LogError(exec.status().message());
    return exec.status();
  }
  plan.exec = *std::move(exec);
  if (!options.onetime && !options.preflight) {
    absl::StatusOr<bool> r = SetUpOrphanReaping(options.subreaper);
    if (!r.ok()) {
      LogError(absl::StrCat("-subreaper: ", r.status().message()));
      return r.status();
    }
    plan.reaping = *r;
  }
  plan.handled = HandledSignals(plan.exec_mode, plan.reaping);
  return plan;
}

// The parts of a running confwatch, built in this order by
// BuildDependencies() and destroyed in reverse: the daemon before what it
// uses, the registrations after it (a stop revoked them first, through
// before_stop).
struct Dependencies {
  std::unique_ptr<KeySource> source;
  Registrations registrations;
  std::unique_ptr<OnceHook> before_stop;
  std::unique_ptr<Supervisor> supervisor;  // exec mode only
  std::unique_ptr<Reaper> reaper;          // when plan.reaping
  PosixFileSystem fs;
  PosixCommandRunner runner;
  SystemProcessSignaller signaller;
  std::unique_ptr<Daemon> daemon;
};

DaemonOptions DaemonOptionsFrom(const Options& options) {
  DaemonOptions d;
  d.confdir = options.confdir;
  d.prefix = options.prefix;
  d.install.noop = options.noop;
  d.install.diff = options.diff;
  d.install.sync_only = options.sync_only;
  d.install.keep_stage_file = options.keep_stage_file;
  d.install.diff_secrets = options.diff_secrets;
  d.interval = options.interval;
  return d;
}

absl::string_view ModeName(const Options& options, bool exec_mode) {
  if (exec_mode) return "exec (watch)";
  if (options.onetime) return "onetime";
  return options.watch ? "watch" : "interval";
}

// Step 1: everything after the key source (deps->source), up to the daemon.
// Returns kExitOk or the exit code to stop with (the error logged).
// REQUIRES: the signals of plan.handled are blocked unless onetime.
int BuildDependencies(const Options& options, const RunPlan& plan, Dependencies* deps) {
  // Registered before the first render, revoked first on a stop: the
  // instance leaves the registry before its program stops serving.
  if (!options.onetime) {
    if (absl::Status s = StartRegistrations(options, &deps->registrations); !s.ok()) {
      LogError(absl::StrCat("[[register]]: ", s.message()));
      return kExitUsage;
    }
  }
  RegistrationSet* registrations = deps->registrations.set.get();
  deps->before_stop = std::make_unique<OnceHook>([registrations] {
    if (registrations != nullptr) registrations->Shutdown();
  });
  DaemonDeps d;
  if (plan.exec_mode) {
    OnceHook* before_stop = deps->before_stop.get();
    deps->supervisor = std::make_unique<Supervisor>(plan.exec, [before_stop] { (*before_stop)(); });
    d.on_files_changed = [s = deps->supervisor.get()](const std::vector<std::string>&) {
      s->NotifyFilesChanged();
    };
    d.signal_child = [s = deps->supervisor.get()](int signo) { return s->SignalChild(signo); };
  }
  if (plan.reaping) {
    LogInfo(absl::StrCat("reaping orphaned processes (",
                         getpid() == 1 ? "running as PID 1" : "child subreaper", ")"));
    deps->reaper = std::make_unique<Reaper>();
  }
  d.source = deps->source.get();
  d.fs = &deps->fs;
  d.runner = &deps->runner;
  d.signaller = &deps->signaller;
  deps->daemon = std::make_unique<Daemon>(DaemonOptionsFrom(options), std::move(d));
  LogInfo(absl::StrCat("confwatch starting: backend ", deps->source->Describe(), ", confdir ",
                       options.confdir, ", ", ModeName(options, plan.exec_mode)));
  return kExitOk;
}

int RunOnetime(Daemon* daemon) {
  absl::Status s = daemon->RunOnce();
  if (s.ok()) return kExitOk;
  LogError(absl::StrCat("onetime run failed:\n", s.message()));
  return s.code() == absl::StatusCode::kUnavailable ? kExitSourceUnavailable : kExitResourceFailed;
}

// The metrics beside the daemon's own: last syncs, the exec child's starts,
// the [[register]] keys.
MetricsCollector RunMetrics(const Dependencies* deps) {
  return [deps](PrometheusText* out) {
    for (const auto& [name, at] : deps->daemon->LastSyncs()) {
      out->Gauge("confwatch_resource_last_sync_timestamp_seconds",
                 "When the resource last rendered and installed without error (unix time).",
                 absl::ToDoubleSeconds(at - absl::UnixEpoch()), {{"resource", name}});
    }
    if (deps->supervisor) {
      out->Counter("confwatch_child_starts_total",
                   "Exec mode: times the command was started (restarts are this minus one).",
                   int64_t{deps->supervisor->child_starts()});
    }
    if (!deps->registrations.set) return;
    for (const RegistrationStatus& r : deps->registrations.set->Statuses()) {
      out->Gauge("confwatch_registration_up", "1 while the [[register]] key is in etcd with a live lease.",
                 int64_t{r.state.registered ? 1 : 0}, {{"key", r.key}});
      out->Counter("confwatch_registration_losses_total", "Leases lost and granted again.",
                   static_cast<int64_t>(r.state.losses), {{"key", r.key}});
    }
  };
}

// Step 2: /metrics, /healthz and /readyz (with -metrics-addr) and systemd
// notification, for the daemon of `deps`. REQUIRES: deps outlives it; the
// signals are blocked (its threads inherit the mask).
class OpsEndpoints {
 public:
  OpsEndpoints(const Dependencies* deps, bool watch)
      : ready_([daemon = deps->daemon.get(), watch] {
          return DaemonReadiness(daemon->stats(), daemon->LoadErrors(), watch);
        }),
        metrics_([this] { return registry_.Render(); }, ready_),
        // The watchdog ping waits for the event loop to run a posted no-op.
        notifier_({ready_,
                   [daemon = deps->daemon.get()] { return daemon->stats().config_reloads.load(); },
                   nullptr,
                   [daemon = deps->daemon.get()](std::function<void()> event) {
                     daemon->Post(std::move(event));
                   }}) {
    Daemon* daemon = deps->daemon.get();
    registry_.Add(DaemonMetricsCollector(
        &daemon->stats(), [daemon] { return daemon->LoadErrors(); }, watch));
    registry_.Add(RunMetrics(deps));
  }

  // Serves the endpoints on `metrics_addr` (none when empty) and starts
  // notifying systemd. Errors: the metrics server's, logged.
  absl::Status Start(const std::string& metrics_addr) {
    if (!metrics_addr.empty()) {
      if (absl::Status s = metrics_.Start(metrics_addr); !s.ok()) {
        LogError(s.message());
        return s;
      }
      LogInfo(absl::StrCat("serving /metrics, /healthz and /readyz on ", metrics_.address()));
    }
    notifier_.Start();
    return absl::OkStatus();
  }

  SystemdNotifier& notifier() { return notifier_; }

 private:
  const std::function<absl::Status()> ready_;
  MetricsRegistry registry_;
  MetricsServer metrics_;
  SystemdNotifier notifier_;
};

// Step 3: what a signal taken by the signal thread does. Runs on that
// thread.
void DispatchSignal(int sig, bool exec_mode, Dependencies* deps, SystemdNotifier* notifier,
                    std::atomic<bool>* stop_requested) {
  if (sig == SIGCHLD) {
    if (deps->reaper) deps->reaper->Wake();
    return;
  }
  if (exec_mode) {
    // In exec mode SIGHUP goes to the child: conf.d and templates are
    // still picked up live through inotify.
    if (sig == SIGTERM || sig == SIGINT) {
      *stop_requested = true;
      notifier->Stopping();
    }
    deps->supervisor->NotifySignal(sig);
    return;
  }
  if (sig == SIGHUP) {
    LogInfo("SIGHUP: reloading the configuration");
    notifier->Reloading();
    deps->daemon->ReloadConfig();
  } else {
    LogInfo(absl::StrCat(strsignal(sig), ": finishing the install in flight, then exiting"));
    notifier->Stopping();
    (*deps->before_stop)();
    deps->daemon->Stop();
  }
}

// Watch or interval mode until a signal stops the daemon.
int RunDaemon(const Options& options, Daemon* daemon) {
  absl::Status s = options.watch ? daemon->RunWatch() : daemon->RunInterval();
  if (!s.ok()) {
    LogError(s.message());
    return kExitUsage;
  }
  LogInfo("stopped");
  return kExitOk;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeySource>> MakeKeySource(const Options& options) {
  if (options.backend == "etcdv3" || options.backend == "etcd") {
    absl::StatusOr<std::unique_ptr<EtcdClient>> client =
        EtcdClient::Create(EtcdOptionsFrom(options));
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

int Run(const Options& given) {
  InitLogging(LoggingConfig{given.log_level, given.log_format, nullptr});
  if (absl::Status s = CheckConfdir(given.confdir); !s.ok()) {
    std::cerr << "confwatch: " << s.message() << "\n";
    return kExitUsage;
  }
  if (given.check_config) {
    for (const std::string& w : given.warnings) LogWarning(w);
    return CheckConfig(given);
  }
  Options options = given;
  if (int code = ResolveNodes(&options); code != kExitOk) return code;
  absl::StatusOr<RunPlan> plan = PlanRun(options);
  if (!plan.ok()) return kExitUsage;

  // Block the signals we take before any thread exists (gRPC starts its own
  // threads early), so every thread inherits the mask and only the signal
  // thread receives them. onetime keeps the default actions: SIGTERM simply
  // ends it, and a file on disk is still never partial.
  if (!options.onetime) pthread_sigmask(SIG_BLOCK, &plan->handled, nullptr);
  Dependencies deps;
  absl::StatusOr<std::unique_ptr<KeySource>> source = MakeKeySource(options);
  if (!source.ok()) {
    LogError(source.status().message());
    return kExitUsage;
  }
  deps.source = *std::move(source);
  if (options.preflight) return Preflight(options, deps.source.get());
  if (int code = BuildDependencies(options, *plan, &deps); code != kExitOk) return code;
  if (options.onetime) return RunOnetime(deps.daemon.get());

  OpsEndpoints ops(&deps, options.watch || plan->exec_mode);
  if (!ops.Start(options.metrics_addr).ok()) return kExitUsage;

  std::atomic<bool> stop_requested{false};
  SignalThread signals(plan->handled, [&](int sig) {
    DispatchSignal(sig, plan->exec_mode, &deps, &ops.notifier(), &stop_requested);
  });
  if (plan->exec_mode) {
    return RunExec(options, deps.daemon.get(), deps.supervisor.get(), stop_requested,
                   deps.before_stop.get());
  }
  return RunDaemon(options, deps.daemon.get());
}

}  // namespace confwatch
