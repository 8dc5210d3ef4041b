// See run.h.
#include "app/run.h"

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
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
#include "app/srv_nodes.h"
#include "daemon/daemon.h"
#include "daemon/etcd_key_source.h"
#include "daemon/local_key_sources.h"
#include "daemon/log_absl.h"
#include "daemon/resource_set.h"
#include "exec/exec_policy.h"
#include "exec/reaper.h"
#include "exec/supervisor.h"
#include "ops/daemon_metrics.h"
#include "ops/logging.h"
#include "ops/metrics_server.h"
#include "ops/systemd_notifier.h"
#include "process/errno_text.h"
#include "process/file_path.h"
#include "process/posix_command_runner.h"
#include "process/signals.h"
#include "register/registration_set.h"
#include "resource/installer.h"
#include "spdlog/spdlog.h"
#include "template/funcs_confd.h"

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
      spdlog::error("{}", loop_status.message());
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
    spdlog::info("stopped before {} was started", command);
    (*before_stop)();
  } else if (const std::vector<ResourceLoadError> load_errors = daemon->LoadErrors();
             !ready().ok()) {
    for (const ResourceLoadError& e : load_errors) spdlog::error("exec: {}", LoadErrorText(e));
    spdlog::error(
        "exec: not every resource loaded and rendered within -exec-wait-timeout {} ({} failed "
        "to load, {} render(s), {} failed; the errors above name the resources): not starting {}",
        absl::FormatDuration(options.exec_wait_timeout), load_errors.size(),
        daemon->stats().renders.load(), daemon->stats().render_errors.load(), command);
    code = kExitResourceFailed;
  } else {
    code = supervisor->Run();
  }
  daemon->Stop();
  loop.join();
  if (!loop_status.ok()) return kExitUsage;
  spdlog::info("exiting with code {}", code);
  return code;
}

int CheckConfig(const Options& options) {
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options.confdir, options.prefix, &cache);
  if (!set.ok()) {
    std::cerr << set.status().message() << "\n";
    return kExitUsage;
  }
  for (const std::string& w : (*set)->warnings()) std::cerr << "warning: " << w << "\n";
  for (const ResourceLoadError& e : (*set)->errors()) std::cerr << e.status.message() << "\n";
  std::cout << (*set)->resources().size() << " template resource(s) OK, "
            << (*set)->errors().size() << " with errors\n";
  return (*set)->errors().empty() ? kExitOk : kExitUsage;
}

// The last line of -preflight: "preflight: OK" or "preflight: FAILED (2 problems)".
void PrintPreflightVerdict(int problems) {
  if (problems == 0) {
    std::cout << "preflight: OK\n";
  } else {
    std::cout << "preflight: FAILED (" << problems << (problems == 1 ? " problem)\n" : " problems)\n");
  }
}

// -preflight, per resource: can this user stage a file in its dest
// directory (as Install() will)? Prints one line per resource; returns the
// number of problems.
int PreflightDests(const ResourceSet& set) {
  PosixFileSystem fs;
  PosixCommandRunner runner;  // not run: CheckCanStage only stages a file
  Installer installer(&fs, &runner, InstallOptions());
  int problems = 0;
  for (const LoadedResource& r : set.resources()) {
    if (absl::Status s = installer.CheckCanStage(r.config); !s.ok()) {
      std::cerr << r.config.name << ": dest " << r.config.dest << ": " << s.message() << "\n";
      ++problems;
      continue;
    }
    std::cout << r.config.name << ": dest " << r.config.dest << ": can stage a file in "
              << DirName(r.config.dest) << "\n";
  }
  return problems;
}

// Exit code: the most serious problem found (README "Exit codes"): 3 when a
// prefix cannot be read, else 2 when a resource failed to load, else 1 when
// a dest directory cannot take a file.
int Preflight(const Options& options, KeySource* source) {
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options.confdir, options.prefix, &cache);
  if (!set.ok()) {
    std::cerr << set.status().message() << "\n";
    PrintPreflightVerdict(1);
    return kExitUsage;
  }
  for (const ResourceLoadError& e : (*set)->errors()) std::cerr << e.status.message() << "\n";
  int problems = static_cast<int>((*set)->errors().size());
  int code = (*set)->errors().empty() ? kExitOk : kExitUsage;
  if (int dests = PreflightDests(**set); dests > 0) {
    problems += dests;
    code = std::max(code, kExitResourceFailed);
  }
  for (const std::string& prefix : (*set)->index().WatchPrefixes()) {
    absl::StatusOr<SourceSnapshot> snap = source->Read({prefix});
    if (!snap.ok()) {
      std::cerr << "read " << (prefix.empty() ? "/" : prefix) << ": " << snap.status().message()
                << "\n";
      ++problems;
      code = kExitSourceUnavailable;
      continue;
    }
    std::cout << "read " << (prefix.empty() ? "/" : prefix) << ": " << snap->kvs.size()
              << " key(s) at revision " << snap->revision << "\n";
  }
  PrintPreflightVerdict(problems);
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
  for (const std::string& w : warnings) spdlog::warn("{}", w);
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
  spdlog::info("registering {} key(s) in etcd", out->set->size());
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

int Run(const Options& given, const RunHooks& hooks) {
  InitLogging(LoggingConfig{given.log_level, given.log_format, nullptr});
  if (absl::Status s = CheckConfdir(given.confdir); !s.ok()) {
    std::cerr << "confwatch: " << s.message() << "\n";
    return kExitUsage;
  }
  if (given.check_config) {
    for (const std::string& w : given.warnings) spdlog::warn("{}", w);
    return CheckConfig(given);
  }
  // -srv-domain/-srv-record: the nodes come from DNS, once, at the start
  // (confd does the same); after that it is as if they were given as -node.
  Options options = given;
  const bool from_srv = options.nodes.empty() && !options.srv_record.empty();
  absl::Status srv = ResolveSrvNodes(&options, SystemSrvLookup());
  for (const std::string& w : options.warnings) spdlog::warn("{}", w);
  if (!srv.ok()) {
    spdlog::error("cannot find the etcd nodes: {}", srv.message());
    return kExitSourceUnavailable;
  }
  if (from_srv && options.backend == "etcdv3") {
    spdlog::info("SRV record {}: etcd nodes {}", options.srv_record,
                 absl::StrJoin(options.nodes, ", "));
  }

  const bool exec_mode = !options.exec_command.empty() && !options.preflight;
  absl::StatusOr<ExecConfig> exec = ExecConfigFrom(options);
  if (!exec.ok()) {
    spdlog::error("{}", exec.status().message());
    return kExitUsage;
  }
  bool reaping = false;
  if (!options.onetime && !options.preflight) {
    absl::StatusOr<bool> r = SetUpOrphanReaping(options.subreaper);
    if (!r.ok()) {
      spdlog::error("-subreaper: {}", r.status().message());
      return kExitUsage;
    }
    reaping = *r;
  }

  // Block the signals we take before any thread exists (gRPC starts its own
  // threads early), so every thread inherits the mask and only the signal
  // thread receives them. onetime keeps the default actions: SIGTERM simply
  // ends it, and a file on disk is still never partial.
  const sigset_t handled = HandledSignals(exec_mode, reaping);
  if (!options.onetime) pthread_sigmask(SIG_BLOCK, &handled, nullptr);
  absl::StatusOr<std::unique_ptr<KeySource>> source = MakeKeySource(options);
  if (!source.ok()) {
    spdlog::error("{}", source.status().message());
    return kExitUsage;
  }
  if (options.preflight) return Preflight(options, source->get());

  // Registered before the first render, revoked first on a stop: the
  // instance leaves the registry before its program stops serving.
  Registrations registrations;
  if (!options.onetime) {
    if (absl::Status s = StartRegistrations(options, &registrations); !s.ok()) {
      spdlog::error("[[register]]: {}", s.message());
      return kExitUsage;
    }
  }
  OnceHook before_stop([&registrations, hook = hooks.before_stop] {
    if (registrations.set) registrations.set->Shutdown();
    if (hook) hook();
  });
  std::unique_ptr<Supervisor> supervisor;
  DaemonDeps deps;
  if (exec_mode) {
    supervisor = std::make_unique<Supervisor>(*exec, [&before_stop] { before_stop(); });
    deps.on_files_changed = [s = supervisor.get()](const std::vector<std::string>&) {
      s->NotifyFilesChanged();
    };
    deps.signal_child = [s = supervisor.get()](int signo) { return s->SignalChild(signo); };
  }
  std::unique_ptr<Reaper> reaper;
  if (reaping) {
    spdlog::info("reaping orphaned processes ({})",
                 getpid() == 1 ? "running as PID 1" : "child subreaper");
    reaper = std::make_unique<Reaper>();
  }

  PosixFileSystem fs;
  PosixCommandRunner runner;
  SystemProcessSignaller signaller;
  deps.source = source->get();
  deps.fs = &fs;
  deps.runner = &runner;
  deps.signaller = &signaller;
  DaemonOptions d;
  d.confdir = options.confdir;
  d.prefix = options.prefix;
  d.install.noop = options.noop;
  d.install.diff = options.diff;
  d.install.sync_only = options.sync_only;
  d.install.keep_stage_file = options.keep_stage_file;
  d.install.diff_secrets = options.diff_secrets;
  d.interval = options.interval;
  Daemon daemon(d, std::move(deps));
  spdlog::info("confwatch starting: backend {}, confdir {}, {}", (*source)->Describe(),
               options.confdir,
               exec_mode        ? "exec (watch)"
               : options.onetime ? "onetime"
               : options.watch   ? "watch"
                                 : "interval");

  if (options.onetime) {
    absl::Status s = daemon.RunOnce();
    if (s.ok()) return kExitOk;
    spdlog::error("onetime run failed:\n{}", s.message());
    return s.code() == absl::StatusCode::kUnavailable ? kExitSourceUnavailable
                                                      : kExitResourceFailed;
  }
  // After the signals are blocked (their threads inherit the mask) and after
  // the daemon (destroyed before it).
  const bool watch = options.watch || exec_mode;
  auto ready = [&daemon, watch] {
    return DaemonReadiness(daemon.stats(), daemon.LoadErrors(), watch);
  };
  MetricsRegistry registry;
  registry.Add(DaemonMetricsCollector(&daemon.stats(), [&daemon] { return daemon.LoadErrors(); },
                                      watch));
  registry.Add([&daemon, &registrations, &supervisor](PrometheusText* out) {
    for (const auto& [name, at] : daemon.LastSyncs()) {
      out->Gauge("confwatch_resource_last_sync_timestamp_seconds",
                 "When the resource last rendered and installed without error (unix time).",
                 absl::ToDoubleSeconds(at - absl::UnixEpoch()), {{"resource", name}});
    }
    if (supervisor) {
      out->Counter("confwatch_child_starts_total",
                   "Exec mode: times the command was started (restarts are this minus one).",
                   int64_t{supervisor->child_starts()});
    }
    if (!registrations.set) return;
    for (const RegistrationStatus& r : registrations.set->Statuses()) {
      out->Gauge("confwatch_registration_up", "1 while the [[register]] key is in etcd with a live lease.",
                 int64_t{r.state.registered ? 1 : 0}, {{"key", r.key}});
      out->Counter("confwatch_registration_losses_total", "Leases lost and granted again.",
                   static_cast<int64_t>(r.state.losses), {{"key", r.key}});
    }
  });
  MetricsServer metrics([&registry] { return registry.Render(); }, ready);
  if (!options.metrics_addr.empty()) {
    if (absl::Status s = metrics.Start(options.metrics_addr); !s.ok()) {
      spdlog::error("{}", s.message());
      return kExitUsage;
    }
    spdlog::info("serving /metrics, /healthz and /readyz on {}", metrics.address());
  }
  // The watchdog ping waits for the event loop to run a posted no-op.
  SystemdNotifier notifier(
      {ready, [&daemon] { return daemon.stats().config_reloads.load(); }, nullptr,
       [&daemon](std::function<void()> event) { daemon.Post(std::move(event)); }});
  notifier.Start();

  std::atomic<bool> stop_requested{false};
  SignalThread signals(handled, [&](int sig) {
    if (sig == SIGCHLD) {
      if (reaper) reaper->Wake();
      return;
    }
    if (exec_mode) {
      // In exec mode SIGHUP goes to the child: conf.d and templates are
      // still picked up live through inotify.
      if (sig == SIGTERM || sig == SIGINT) {
        stop_requested = true;
        notifier.Stopping();
      }
      supervisor->NotifySignal(sig);
      return;
    }
    if (sig == SIGHUP) {
      spdlog::info("SIGHUP: reloading the configuration");
      notifier.Reloading();
      daemon.ReloadConfig();
    } else {
      spdlog::info("{}: finishing the install in flight, then exiting", strsignal(sig));
      notifier.Stopping();
      before_stop();
      daemon.Stop();
    }
  });
  if (exec_mode) return RunExec(options, &daemon, supervisor.get(), stop_requested, &before_stop);
  absl::Status s = options.watch ? daemon.RunWatch() : daemon.RunInterval();
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return kExitUsage;
  }
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace confwatch
