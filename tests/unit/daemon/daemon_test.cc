// Unit tests of the daemon's logic over a fake key source, a recording
// command runner and a fake clock, on the real filesystem in a temp dir. Time
// stands still unless a test advances it, so retries, backoff and reload
// windows take no real time and fire exactly when a test says. The same
// behaviour against a real etcd is proven in tests/integration/daemon_*_test.cc.
#include "daemon/daemon.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/file_io.h"
#include "gtest/gtest.h"
#include "tests/unit/daemon/fake_clock.h"
#include "tests/unit/daemon/fake_key_source.h"

namespace confwatch {
namespace {

// Records every command; fails those containing `fail_if`; can be slow.
class RecordingRunner : public CommandRunner {
 public:
  absl::StatusOr<CommandResult> Run(const std::string& command, absl::Duration timeout) override {
    if (delay > absl::ZeroDuration()) absl::SleepFor(delay);
    if (on_command) on_command(command);
    std::lock_guard<std::mutex> lock(mu_);
    commands_.push_back(command);
    CommandResult r;
    if (!fail_if.empty() && absl::StrContains(command, fail_if)) {
      r.exit_code = 1;
      r.output = "check says no";
    }
    return r;
  }
  int Count(const std::string& needle) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& c : commands_) n += absl::StrContains(c, needle);
    return n;
  }
  std::string fail_if;
  absl::Duration delay = absl::ZeroDuration();
  std::function<void(const std::string&)> on_command;  // set before the daemon starts

 private:
  std::mutex mu_;
  std::vector<std::string> commands_;
};

class NoSignals : public ProcessSignaller {
 public:
  absl::StatusOr<pid_t> SignalPidFile(const std::string&, int, const PidFileOwners&) override {
    return 2;
  }
  absl::Status SignalPid(pid_t, int) override { return absl::OkStatus(); }
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Polls `cond` until it holds or 10 s pass (a bound for a hung daemon, not a
// speed assertion).
bool Eventually(const std::function<bool()>& cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/confwatch-daemon-XXXXXX";
    dir_ = mkdtemp(tmpl);
    mkdir((dir_ + "/conf.d").c_str(), 0755);
    mkdir((dir_ + "/templates").c_str(), 0755);
    mkdir((dir_ + "/out").c_str(), 0755);
  }
  // Like Eventually, but each time `cond` does not hold yet, time jumps to
  // the earliest deadline a daemon thread waits for (a retry, a backoff, a
  // reload window): the timers fire in order, none is skipped.
  bool EventuallyFiringTimers(const std::function<bool()>& cond) {
    return Eventually([&] {
      if (cond()) return true;
      if (std::optional<absl::Time> t = clock_.EarliestWait()) clock_.AdvanceTo(*t);
      return false;
    });
  }

  void TearDown() override {
    if (daemon_) {
      daemon_->Stop();
      if (thread_.joinable()) thread_.join();
    }
    system(("rm -rf " + dir_).c_str());
  }

  void AddResource(const std::string& name, const std::string& keys, const std::string& tmpl,
                   const std::string& extra = "") {
    WriteFile(dir_ + "/templates/" + name + ".tmpl", tmpl);
    WriteFile(dir_ + "/conf.d/" + name + ".toml",
              absl::StrCat("[template]\nsrc = \"", name, ".tmpl\"\ndest = \"", Out(name),
                           "\"\nkeys = [", keys, "]\n", extra));
  }
  std::string Out(const std::string& name) { return dir_ + "/out/" + name; }
  // What resource `name` installed: its dest's contents (base/file_io's
  // ReadFile), or "<missing>" when there is no file to read.
  std::string Installed(const std::string& name) {
    return ReadFile(Out(name)).value_or("<missing>");
  }

  // The fakes, and no callbacks.
  DaemonDeps Deps() {
    DaemonDeps deps;
    deps.source = &source_;
    deps.fs = &fs_;
    deps.runner = &runner_;
    deps.signaller = &signals_;
    deps.clock = &clock_;
    return deps;
  }
  // `extra` fills the optional deps (callbacks) the test needs.
  Daemon& MakeDaemon(const std::function<void(DaemonDeps*)>& extra = nullptr) {
    DaemonOptions o;
    o.confdir = dir_;
    o.config_debounce = absl::ZeroDuration();  // inotify events reload at once
    DaemonDeps deps = Deps();
    if (extra) extra(&deps);
    daemon_ = std::make_unique<Daemon>(o, deps);
    return *daemon_;
  }
  void StartWatch(const std::function<void(DaemonDeps*)>& extra = nullptr) {
    MakeDaemon(extra);
    thread_ = std::thread([this] { watch_status_ = daemon_->RunWatch(); });
    ASSERT_TRUE(Eventually([&] { return source_.following(); }));
  }

  std::string dir_;
  FakeClock clock_;
  FakeKeySource source_;
  PosixFileSystem fs_;
  RecordingRunner runner_;
  NoSignals signals_;
  std::unique_ptr<Daemon> daemon_;
  std::thread thread_;
  absl::Status watch_status_;
};

TEST_F(DaemonTest, OnetimeRendersEveryResourceAndNamesEachFailure) {
  source_.Set("/app/db/host", "db1");
  AddResource("good", R"("/app/db")", "host={{getv \"/app/db/host\"}}\n");
  AddResource("missing", R"("/app/db")", "{{getv \"/app/db/port\"}}");
  AddResource("broken", R"("/app/db")", "{{if}}");
  WriteFile(dir_ + "/conf.d/bad.toml", "[template\nsrc=");
  absl::Status s = MakeDaemon().RunOnce();
  EXPECT_EQ("host=db1\n", Installed("good"));
  EXPECT_EQ("<missing>", Installed("missing"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "missing.toml: template: missing.tmpl:1:2: executing "
                                             "\"missing.tmpl\" at <getv \"/app/db/port\">: error "
                                             "calling getv: key does not exist: /app/db/port"))
      << s.message();
  EXPECT_TRUE(absl::StrContains(s.message(), "broken.toml: template: broken.tmpl:1: missing value for if"))
      << s.message();
  EXPECT_TRUE(absl::StrContains(s.message(), "bad.toml:")) << s.message();
}

TEST_F(DaemonTest, OnetimeWithUnreachableSourceFailsNamingIt) {
  source_.FailNextReads(1);
  AddResource("a", R"("/x")", "x");
  absl::Status s = MakeDaemon().RunOnce();
  EXPECT_TRUE(absl::StrContains(s.message(), "fake: connection refused")) << s.message();
  EXPECT_EQ("<missing>", Installed("a"));
}

// A resource that fails to load counts as not rendered and is listed by name
// (readiness and exec mode report the list) until a configuration reload
// loads it.
TEST_F(DaemonTest, ResourcesThatFailToLoadAreListedUntilAReloadLoadsThem) {
  source_.Set("/app/x", "1");
  AddResource("good", R"("/app")", "{{getv \"/app/x\"}}");
  AddResource("broken", R"("/app")", "{{if}}");
  WriteFile(dir_ + "/conf.d/bad.toml", "[template\nsrc=");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("good") == "1"; }));
  EXPECT_FALSE(daemon_->stats().all_rendered.load()) << "bad and broken were never rendered";
  std::vector<ResourceLoadError> errors = daemon_->LoadErrors();
  ASSERT_EQ(2u, errors.size());
  EXPECT_EQ("bad.toml", errors[0].name);
  EXPECT_TRUE(absl::StartsWith(errors[0].status.message(), dir_ + "/conf.d/bad.toml:1:"))
      << errors[0].status;
  EXPECT_EQ("broken.toml", errors[1].name);
  EXPECT_EQ("broken.toml: template: broken.tmpl:1: missing value for if",
            errors[1].status.message());

  AddResource("broken", R"("/app")", "b{{getv \"/app/x\"}}");
  AddResource("bad", R"("/app")", "c{{getv \"/app/x\"}}");
  daemon_->ReloadConfig();
  ASSERT_TRUE(Eventually([&] { return daemon_->LoadErrors().empty(); }));
  EXPECT_TRUE(Eventually([&] { return Installed("bad") == "c1"; }));
  EXPECT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
}

TEST_F(DaemonTest, WatchFollowsChangesAndRendersOnlyAffectedResources) {
  source_.Set("/svc/web/a", "10.0.0.1:80");
  AddResource("web", R"("/svc/web")", "{{range getvs \"/svc/web/*\"}}server {{.}};\n{{end}}");
  AddResource("db", R"("/cfg/db")", "{{range gets \"/cfg/db/*\"}}{{.Key}}={{.Value}}\n{{end}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
  EXPECT_EQ("server 10.0.0.1:80;\n", Installed("web"));
  const int64_t renders = daemon_->stats().renders;

  source_.PushPut("/svc/web/b", "10.0.0.2:80");
  ASSERT_TRUE(Eventually(
      [&] { return Installed("web") == "server 10.0.0.1:80;\nserver 10.0.0.2:80;\n"; }));
  source_.PushDelete("/svc/web/a");
  ASSERT_TRUE(Eventually([&] { return Installed("web") == "server 10.0.0.2:80;\n"; }));
  EXPECT_EQ(renders + 2, daemon_->stats().renders) << "db must not re-render for web's keys";

  source_.PushPut("/svc/webx", "not ours");  // byte prefix of the watch, not our subtree
  source_.PushPut("/cfg/db/host", "h");
  ASSERT_TRUE(Eventually([&] { return Installed("db") == "/cfg/db/host=h\n"; }));
  EXPECT_EQ(renders + 3, daemon_->stats().renders);
}

TEST_F(DaemonTest, BurstCoalescesIntoFewReloadsAndEndsInFinalState) {
  AddResource("web", R"("/svc")", "{{getv \"/svc/n\"}}", "reload_cmd = \"reload-web\"\n");
  std::mutex mu;
  std::vector<std::string> seen_at_reload;  // what the consumer found on disk at each reload
  runner_.on_command = [&](const std::string& command) {
    if (!absl::StrContains(command, "reload-web")) return;
    std::lock_guard<std::mutex> lock(mu);
    seen_at_reload.push_back(Installed("web"));
  };
  source_.Set("/svc/n", "0");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("web") == "0"; }));
  ASSERT_TRUE(Eventually([&] { return runner_.Count("reload-web") == 1; }));
  // A millisecond apart, as a client's puts arrive: each one alone would
  // install at once.
  for (int i = 1; i <= 300; ++i) {
    source_.PushPut("/svc/n", std::to_string(i));
    clock_.Advance(absl::Milliseconds(1));
  }
  ASSERT_TRUE(EventuallyFiringTimers([&] {
    std::lock_guard<std::mutex> lock(mu);
    return !seen_at_reload.empty() && seen_at_reload.back() == "300";
  })) << "the last reload comes after the final install";
  // Every reload window over: nothing is owed; the loop and the install
  // worker both wait for nothing but work.
  clock_.Advance(DaemonOptions().reload_coalesce * kReloadMaxDelayFactor);
  ASSERT_TRUE(Eventually([&] { return clock_.Waiting(absl::InfiniteFuture()) == 2; }));
  // The initial reload, at most one while the burst's 300 ms pass (the
  // worker may catch up a window late), one after it.
  EXPECT_LE(runner_.Count("reload-web"), 3);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ("300", seen_at_reload.back());
}

TEST_F(DaemonTest, StopRunsTheReloadsStillWaiting) {
  AddResource("web", R"("/svc")", "{{getv \"/svc/n\"}}", "reload_cmd = \"reload-web\"\n");
  source_.Set("/svc/n", "0");
  DaemonOptions o;
  o.confdir = dir_;
  o.reload_coalesce = absl::Seconds(30);  // nothing would run before the stop
  daemon_ = std::make_unique<Daemon>(o, Deps());
  thread_ = std::thread([this] { watch_status_ = daemon_->RunWatch(); });
  ASSERT_TRUE(Eventually([&] { return source_.following(); }));
  ASSERT_TRUE(Eventually([&] { return runner_.Count("reload-web") == 1; }));
  source_.PushPut("/svc/n", "1");
  ASSERT_TRUE(Eventually([&] { return Installed("web") == "1"; }));
  EXPECT_EQ(1, runner_.Count("reload-web")) << "the second reload waits for the window";
  daemon_->Stop();
  thread_.join();
  EXPECT_EQ(2, runner_.Count("reload-web")) << "a stop does not drop an owed reload";
  EXPECT_EQ(2, daemon_->stats().reloads.load());
}

TEST_F(DaemonTest, SharedReloadRunsOncePerBatch) {
  for (const char* name : {"a", "b", "c"}) {
    AddResource(name, R"("/up")", "{{range getvs \"/up/*\"}}{{.}}{{end}}",
                "reload_cmd = \"nginx -s reload\"\n");
  }
  source_.Set("/up/1", "x");
  absl::Status s = MakeDaemon().RunOnce();
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(1, runner_.Count("nginx -s reload"));
}

TEST_F(DaemonTest, AFailedSharedReloadNamesEachResourceOnce) {
  for (const char* name : {"a", "b"}) {
    AddResource(name, R"("/up")", "{{range getvs \"/up/*\"}}{{.}}{{end}}",
                "reload_cmd = \"nginx -s reload\"\n");
  }
  source_.Set("/up/1", "x");
  runner_.fail_if = "nginx";
  absl::Status s = MakeDaemon().RunOnce();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(1, runner_.Count("nginx -s reload"));
  EXPECT_EQ("x", Installed("a")) << "installed; only its reload failed";
  for (const char* name : {"a", "b"}) {
    EXPECT_TRUE(absl::StrContains(
        s.message(), absl::StrCat(name, ".toml: reload_cmd \"nginx -s reload\" exited with status 1: "
                                        "check says no")))
        << s.message();
  }
  EXPECT_FALSE(absl::StrContains(s.message(), "resource ")) << s.message();
}

TEST_F(DaemonTest, FailingCheckKeepsOldFileAndRetries) {
  source_.Set("/k/v", "good");
  AddResource("r", R"("/k")", "{{getv \"/k/v\"}}", "check_cmd = \"check {{.src}}\"\n");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("r") == "good"; }));
  runner_.fail_if = "check";
  source_.PushPut("/k/v", "bad");
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().install_errors.load() == 1; }));
  ASSERT_TRUE(Eventually([&] { return clock_.EarliestWait().has_value(); }))
      << "the retry waits for its backoff";
  EXPECT_EQ(1, daemon_->stats().install_errors.load()) << "no retry before the backoff ends";
  ASSERT_TRUE(EventuallyFiringTimers([&] { return daemon_->stats().install_errors.load() >= 2; }))
      << "a failed check is retried with backoff";
  EXPECT_EQ("good", Installed("r"));
  runner_.fail_if = "";
  ASSERT_TRUE(EventuallyFiringTimers([&] { return Installed("r") == "bad"; }))
      << "recovers on retry";
}

TEST_F(DaemonTest, InstallFailuresNameTheResourceOnceAndSayTheFileIsKept) {
  source_.Set("/k/v", "new");
  AddResource("checked", R"("/k")", "{{getv \"/k/v\"}}", "check_cmd = \"check {{.src}}\"\n");
  AddResource("broken", R"("/k")", "{{getv \"/k/nope\"}}");
  WriteFile(Out("checked"), "old");
  runner_.fail_if = "check";
  absl::Status s = MakeDaemon().RunOnce();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ("old", Installed("checked"));
  // The onetime summary holds the lines the log showed.
  EXPECT_TRUE(absl::StrContains(
      s.message(), absl::StrCat("\nchecked.toml: check_cmd \"check ", dir_, "/out/.checked.")))
      << s.message();
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("\" exited with status 1: check says no; ",
                                                          Out("checked"),
                                                          " keeps its last good version")))
      << s.message();
  EXPECT_FALSE(absl::StrContains(s.message(), "resource checked.toml")) << s.message();
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("broken.toml: template: ")))
      << s.message();
  // No file yet: nothing to keep, and the message does not pretend there is.
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("key does not exist: /k/nope; ",
                                                          Out("broken"), " has no good version yet")))
      << s.message();
}

TEST_F(DaemonTest, ResyncAfterCompactionRendersWhatWasMissed) {
  source_.Set("/svc/a", "1");
  AddResource("r", R"("/svc")", "{{range gets \"/svc/*\"}}{{.Key}}{{end}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("r") == "/svc/a"; }));
  source_.SetSilently("/svc/b", "2");  // lost: happened while we were compacted away
  source_.PushResync("/svc");
  ASSERT_TRUE(Eventually([&] { return Installed("r") == "/svc/a/svc/b"; }));
  EXPECT_EQ(1, daemon_->stats().resyncs);
}

TEST_F(DaemonTest, OneBatchOfChangesRendersEveryResourceItTouchesAndNoOther) {
  // Marking stops once every resource is dirty; until then each key counts,
  // the last one too.
  source_.Set("/s/a/k", "1");
  source_.Set("/s/b/k", "1");
  source_.Set("/s/c/k", "1");
  AddResource("a", R"("/s/a")", "{{getv \"/s/a/k\"}}");
  AddResource("b", R"("/s/b")", "{{getv \"/s/b/k\"}}");
  AddResource("c", R"("/s/c")", "{{getv \"/s/c/k\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
  const int64_t renders = daemon_->stats().renders;
  source_.SetSilently("/s/a/k", "2");
  source_.SetSilently("/s/c/k", "2");
  source_.PushResync("/s");
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "2" && Installed("c") == "2"; }));
  EXPECT_EQ("1", Installed("b"));
  EXPECT_EQ(renders + 2, daemon_->stats().renders) << "b's keys did not change";
}

TEST_F(DaemonTest, LiveConfigEditsTakeEffectAndABrokenTemplateHurtsOnlyItself) {
  source_.Set("/k/v", "1");
  AddResource("a", R"("/k")", "a={{getv \"/k/v\"}}");
  AddResource("b", R"("/k")", "b={{getv \"/k/v\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "a=1" && Installed("b") == "b=1"; }));
  WriteFile(dir_ + "/templates/a.tmpl", "a={{getv \"/k/v\"");  // broken
  AddResource("c", R"("/k")", "c={{getv \"/k/v\"}}");          // new
  ASSERT_TRUE(Eventually([&] { return Installed("c") == "c=1"; }));
  source_.PushPut("/k/v", "2");
  ASSERT_TRUE(Eventually([&] { return Installed("b") == "b=2" && Installed("c") == "c=2"; }));
  EXPECT_EQ("a=1", Installed("a")) << "the broken one keeps its last good file";
  WriteFile(dir_ + "/templates/a.tmpl", "a={{getv \"/k/v\"}}!");  // fixed
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "a=2!"; }));
}

TEST_F(DaemonTest, WatchRetriesAnUnreachableSourceAtStart) {
  source_.FailNextReads(2);
  source_.Set("/k/v", "up");
  AddResource("r", R"("/k")", "{{getv \"/k/v\"}}");
  MakeDaemon();
  thread_ = std::thread([this] { watch_status_ = daemon_->RunWatch(); });
  // Backing off: 250 ms after the first failure, 500 ms after the second.
  ASSERT_TRUE(Eventually([&] { return clock_.WaitingUntil(kT0 + absl::Milliseconds(250)); }));
  EXPECT_EQ(1, source_.reads());
  clock_.Advance(absl::Milliseconds(250));
  ASSERT_TRUE(Eventually([&] { return clock_.WaitingUntil(kT0 + absl::Milliseconds(750)); }));
  EXPECT_EQ(2, source_.reads());
  clock_.Advance(absl::Milliseconds(500));
  ASSERT_TRUE(Eventually([&] { return Installed("r") == "up"; }));
  EXPECT_EQ(3, source_.reads());
}

TEST_F(DaemonTest, FilesChangedCallbackNamesOnlyChangedDests) {
  source_.Set("/k/a", "1");
  source_.Set("/k/b", "1");
  AddResource("a", R"("/k/a")", "{{getv \"/k/a\"}}");
  AddResource("b", R"("/k/b")", "{{getv \"/k/b\"}}");
  std::mutex mu;
  std::vector<std::string> seen;
  DaemonOptions o;
  o.confdir = dir_;
  DaemonDeps deps = Deps();
  deps.on_files_changed = [&](const std::vector<std::string>& dests) {
    std::lock_guard<std::mutex> lock(mu);
    for (const std::string& d : dests) seen.push_back(d);
  };
  daemon_ = std::make_unique<Daemon>(o, deps);
  thread_ = std::thread([this] { watch_status_ = daemon_->RunWatch(); });
  ASSERT_TRUE(Eventually([&] { return source_.following(); }));
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size() == 2;
  })) << "both files are new at start";
  source_.PushPut("/k/b", "2");
  ASSERT_TRUE(Eventually([&] { return Installed("b") == "2"; }));
  source_.PushPut("/k/a", "1");  // same value: nothing changes on disk
  source_.PushPut("/k/b", "3");
  ASSERT_TRUE(Eventually([&] { return Installed("b") == "3"; }));
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size() == 4;
  }));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(Out("b"), seen[2]);
  EXPECT_EQ(Out("b"), seen[3]);
}

// Exec mode: a resource whose reload_signal has no pid_file signals the
// child itself; its file is not reported as changed (no second reload of the
// child), the other resource's file is.
TEST_F(DaemonTest, ResourceReloadSignalGoesToTheChildAndNotAlsoThroughFilesChanged) {
  source_.Set("/k/a", "1");
  source_.Set("/k/b", "1");
  AddResource("a", R"("/k/a")", "{{getv \"/k/a\"}}", "reload_signal = \"SIGUSR2\"\n");
  AddResource("b", R"("/k/b")", "{{getv \"/k/b\"}}");
  std::mutex mu;
  std::vector<std::string> seen;
  std::vector<int> child_signals;
  StartWatch([&](DaemonDeps* deps) {
    deps->on_files_changed = [&](const std::vector<std::string>& dests) {
      std::lock_guard<std::mutex> lock(mu);
      for (const std::string& d : dests) seen.push_back(d);
    };
    deps->signal_child = [&](int signal) {
      std::lock_guard<std::mutex> lock(mu);
      child_signals.push_back(signal);
      return absl::OkStatus();
    };
  });
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
  source_.PushPut("/k/a", "2");
  ASSERT_TRUE(EventuallyFiringTimers([&] {
    std::lock_guard<std::mutex> lock(mu);
    return child_signals.size() == 2;
  })) << "one reload_signal at start, one for the change (after its reload window)";
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(std::vector<int>({SIGUSR2, SIGUSR2}), child_signals);
  EXPECT_EQ(std::vector<std::string>({Out("b")}), seen);
  EXPECT_EQ(0, daemon_->stats().reload_errors.load());
}

// A resource on a prefix the user may not read fails with the permission
// error; the others render and are followed; a configuration reload asks
// again once access is granted.
TEST_F(DaemonTest, ForbiddenPrefixFailsItsResourceOnlyAndAReloadRetriesIt) {
  source_.Set("/app/x", "1");
  source_.Set("/secret/db", "s");
  source_.Deny("/secret");
  AddResource("app", R"("/app/x")", "{{getv \"/app/x\"}}");
  AddResource("secret", R"("/secret/db")", "{{getv \"/secret/db\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("app") == "1"; }));
  EXPECT_EQ(std::vector<std::string>({"/app/x"}), source_.followed());
  source_.PushPut("/app/x", "2");
  ASSERT_TRUE(Eventually([&] { return Installed("app") == "2"; }));
  EXPECT_EQ("<missing>", Installed("secret"));
  EXPECT_GE(daemon_->stats().render_errors.load(), 1);
  EXPECT_FALSE(daemon_->stats().all_rendered.load());

  source_.Allow();
  daemon_->ReloadConfig();
  ASSERT_TRUE(Eventually([&] { return Installed("secret") == "s"; }));
  EXPECT_EQ(std::vector<std::string>({"/app/x", "/secret/db"}), source_.followed());
  EXPECT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
}

// A configuration reload that removes a resource leaves the installer
// remembering nothing of its dest (not until restart).
TEST_F(DaemonTest, AReloadForgetsTheDestOfARemovedResource) {
  source_.Set("/app/x", "1");
  AddResource("a", R"("/app")", "a{{getv \"/app/x\"}}");
  AddResource("b", R"("/app")", "b{{getv \"/app/x\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return daemon_->remembered_dests() == 2; }));

  ASSERT_EQ(0, unlink((dir_ + "/conf.d/b.toml").c_str()));
  daemon_->ReloadConfig();
  EXPECT_TRUE(Eventually([&] { return daemon_->remembered_dests() == 1; }))
      << daemon_->remembered_dests() << " remembered";
  EXPECT_EQ("b1", Installed("b")) << "the file itself stays, as in confd";
  source_.PushPut("/app/x", "2");
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "a2"; }));
  EXPECT_TRUE(Eventually([&] { return daemon_->remembered_dests() == 1; }));
}

// A resource that reads several watched prefixes asks the source to deliver
// them together (one revision per render); one prefix asks for nothing, and
// resources with the same prefixes share one group.
TEST_F(DaemonTest, ResourcesReadingSeveralPrefixesAreFollowedAsGroups) {
  source_.Set("/c/k", "1");
  source_.Set("/d/k", "1");
  source_.Set("/e/k", "1");
  AddResource("cd", R"("/c", "/d/k")", "{{getv \"/c/k\"}}{{getv \"/d/k\"}}");
  AddResource("dc", R"("/d", "/c/k")", "{{getv \"/c/k\"}}");
  AddResource("e", R"("/e")", "{{getv \"/e/k\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("e") == "1"; }));
  EXPECT_EQ(std::vector<std::string>({"/c", "/d", "/e"}), source_.followed());
  std::vector<PrefixGroup> together = source_.together();
  ASSERT_EQ(1u, together.size());
  EXPECT_EQ(std::vector<std::string>({"/c", "/d"}), together[0].prefixes);
  EXPECT_EQ("cd.toml, dc.toml", together[0].label);
}

// Two resources read /c and /d apart; a third that reads both arrives with a
// configuration reload: the watched prefixes stay the same, but they must now
// be followed together.
TEST_F(DaemonTest, ANewResourceReadingTwoFollowedPrefixesGroupsThem) {
  source_.Set("/c/k", "1");
  source_.Set("/d/k", "1");
  AddResource("c", R"("/c")", "{{getv \"/c/k\"}}");
  AddResource("d", R"("/d")", "{{getv \"/d/k\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
  EXPECT_TRUE(source_.together().empty());
  AddResource("cd", R"("/c", "/d")", "{{getv \"/c/k\"}}{{getv \"/d/k\"}}");
  daemon_->ReloadConfig();
  ASSERT_TRUE(Eventually([&] { return Installed("cd") == "11"; }));
  ASSERT_TRUE(Eventually([&] { return source_.together().size() == 1; }));
  EXPECT_EQ(std::vector<std::string>({"/c", "/d"}), source_.together()[0].prefixes);
}

// A resync of a group replaces all of its prefixes in one step: no render
// sees one prefix re-read and the other not.
TEST_F(DaemonTest, ResyncOfSeveralPrefixesReplacesThemTogether) {
  source_.Set("/c/k", "1");
  source_.Set("/d/k", "1");
  AddResource("cd", R"("/c", "/d")", "{{getv \"/c/k\"}}{{getv \"/d/k\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("cd") == "11"; }));
  source_.SetSilently("/c/k", "2");
  source_.SetSilently("/d/k", "2");
  source_.PushResync(std::vector<std::string>{"/c", "/d"});
  ASSERT_TRUE(Eventually([&] { return Installed("cd") == "22"; }));
}

// Reading everything again (new prefixes to follow) replaces the store; an
// event the old following had queued just before it stopped is older than
// that read and must not overwrite it (it would stay until the key changes
// again, since the new following starts after the read).
TEST_F(DaemonTest, EventQueuedByAStoppedFollowingDoesNotUndoTheNewerRead) {
  source_.Set("/k/a", "1");
  AddResource("k", R"("/k")", "{{getv \"/k/a\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("k") == "1"; }));
  source_.DeliverOnStop(KeyChange{"/k/a", "1", false});
  source_.SetSilently("/k/a", "2");
  source_.Set("/o/x", "o");
  AddResource("o", R"("/o")", "{{getv \"/o/x\"}}");
  daemon_->ReloadConfig();
  // The installs of o and k are counted once their results are back on the
  // loop, whose queue is in order: the stale event was handled before them.
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().installs.load() == 3; }));
  EXPECT_EQ("o", Installed("o"));
  EXPECT_EQ("2", Installed("k"));
  EXPECT_EQ(0, daemon_->stats().watch_events.load()) << "the stale event was dropped";
}

TEST_F(DaemonTest, ForbiddenPrefixIsAskedAgainOnATimerAndRendersOnceGranted) {
  source_.Set("/app/x", "1");
  source_.Set("/secret/db", "s");
  source_.Deny("/secret");
  AddResource("app", R"("/app/x")", "{{getv \"/app/x\"}}");
  AddResource("secret", R"("/secret/db")", "{{getv \"/secret/db\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("app") == "1"; }));
  const int reads = source_.reads();
  source_.Allow();  // no configuration reload, no signal
  clock_.Advance(absl::Seconds(1));  // asked again 1 s after the start
  ASSERT_TRUE(Eventually([&] { return Installed("secret") == "s"; }));
  EXPECT_GT(source_.reads(), reads);
  EXPECT_EQ(std::vector<std::string>({"/app/x", "/secret/db"}), source_.followed());
  EXPECT_TRUE(Eventually([&] { return daemon_->stats().all_rendered.load(); }));
  source_.PushPut("/secret/db", "s2");
  ASSERT_TRUE(Eventually([&] { return Installed("secret") == "s2"; }));
}

TEST_F(DaemonTest, WatchRefusedWhileRunningIsAskedAgainOnATimerAndFollowedOnceGranted) {
  source_.Set("/app/x", "1");
  source_.Set("/secret/db", "s");
  AddResource("app", R"("/app/x")", "{{getv \"/app/x\"}}");
  AddResource("secret", R"("/secret/db")", "{{getv \"/secret/db\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("secret") == "s"; }));
  const int64_t errors = daemon_->stats().render_errors.load();

  // Read access revoked: the watch of /secret/db is refused; what changes
  // there meanwhile never arrives as an event.
  source_.Deny("/secret");
  source_.PushWatchFailed("/secret/db", absl::PermissionDeniedError("fake: permission denied"));
  source_.SetSilently("/secret/db", "s2");
  // The resource says why it stops following; its file stays as it was, and
  // the other one goes on.
  ASSERT_TRUE(Eventually([&] { return daemon_->stats().render_errors.load() > errors; }));
  source_.PushPut("/app/x", "2");
  ASSERT_TRUE(Eventually([&] { return Installed("app") == "2"; }));
  EXPECT_EQ("s", Installed("secret"));
  const int reads = source_.reads();

  // Granted again, by nobody touching confwatch: asked again after 1 s, read
  // and followed again.
  source_.Allow();
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(Eventually([&] { return Installed("secret") == "s2"; }));
  EXPECT_GT(source_.reads(), reads);
  EXPECT_EQ(std::vector<std::string>({"/app/x", "/secret/db"}), source_.followed());
  source_.PushPut("/secret/db", "s3");
  ASSERT_TRUE(Eventually([&] { return Installed("secret") == "s3"; }));
}

TEST_F(DaemonTest, WatchEndedForAnotherReasonIsReadAndFollowedAgain) {
  source_.Set("/k/v", "1");
  AddResource("a", R"("/k")", "{{getv \"/k/v\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "1"; }));
  const int reads = source_.reads();
  const absl::Time failed_at = clock_.Now();
  source_.PushWatchFailed("/k", absl::InternalError("fake: watch cancelled"));
  source_.SetSilently("/k/v", "2");
  // Read again after a pause (5 s), not at once and not never.
  ASSERT_TRUE(Eventually([&] { return clock_.WaitingUntil(failed_at + absl::Seconds(5)); }));
  EXPECT_EQ(reads, source_.reads());
  clock_.Advance(absl::Seconds(5));
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "2"; }));
  EXPECT_EQ(reads + 1, source_.reads());
  EXPECT_EQ(std::vector<std::string>({"/k"}), source_.followed());
  source_.PushPut("/k/v", "3");
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "3"; }));
}

TEST_F(DaemonTest, ReloadWithANewPrefixWhileTheSourceIsDownFollowsItOnceItIsBack) {
  source_.Set("/k/v", "1");
  source_.Set("/other/y", "y1");
  AddResource("a", R"("/k")", "{{getv \"/k/v\"}}");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("a") == "1"; }));
  source_.FailNextReads(3);
  AddResource("b", R"("/other")", "{{getv \"/other/y\"}}");
  // Three failed reads (backoff 250 ms, 500 ms, 1 s), then the fourth works.
  ASSERT_TRUE(EventuallyFiringTimers([&] { return Installed("b") == "y1"; }));
  EXPECT_EQ(std::vector<std::string>({"/k", "/other"}), source_.followed());
  source_.PushPut("/other/y", "y2");
  source_.PushPut("/k/v", "2");
  ASSERT_TRUE(Eventually([&] { return Installed("b") == "y2" && Installed("a") == "2"; }));
}

TEST_F(DaemonTest, OnetimeNamesTheResourceAndTheForbiddenPrefix) {
  source_.Set("/app/x", "1");
  source_.Deny("/secret");
  AddResource("app", R"("/app/x")", "{{getv \"/app/x\"}}");
  AddResource("secret", R"("/secret/db")", "{{getv \"/secret/db\"}}");
  absl::Status s = MakeDaemon().RunOnce();
  EXPECT_EQ(absl::StatusCode::kAborted, s.code());
  EXPECT_TRUE(absl::StrContains(s.message(),
                                "secret.toml: fake: permission denied reading /secret/db"))
      << s;
  EXPECT_EQ("1", Installed("app"));
}

// What the systemd watchdog relies on: an event posted from another thread,
// even before the loop starts, runs on the loop's thread.
TEST_F(DaemonTest, PostedEventsRunOnTheLoopThread) {
  AddResource("r", R"("/k")", "x");
  MakeDaemon();
  std::atomic<bool> ran{false};
  std::thread::id ran_on;
  daemon_->Post([&] {
    ran_on = std::this_thread::get_id();
    ran = true;
  });
  thread_ = std::thread([this] { watch_status_ = daemon_->RunWatch(); });
  ASSERT_TRUE(Eventually([&] { return ran.load(); }));
  EXPECT_EQ(thread_.get_id(), ran_on);
  ran = false;
  daemon_->Post([&] { ran = true; });
  EXPECT_TRUE(Eventually([&] { return ran.load(); }));
}

TEST_F(DaemonTest, StopReturnsOk) {
  AddResource("r", R"("/k")", "x");
  StartWatch();
  daemon_->Stop();
  thread_.join();
  EXPECT_TRUE(watch_status_.ok()) << watch_status_;
}

// svc.toml: one file out/<name>.conf per /services/<name>, "<name>=<value
// of its key 1>", reloaded by "reload-family".
void AddFamily(const std::string& dir, const std::string& out_dir) {
  WriteFile(dir + "/templates/svc.tmpl", "{{.name}}={{getv (printf \"%s/1\" .prefix)}}");
  WriteFile(dir + "/conf.d/svc.toml",
            absl::StrCat("[template]\nsrc = \"svc.tmpl\"\ndest = \"", out_dir, "/{{.name}}.conf",
                         "\"\nfor_each = \"/services/*\"\nreload_cmd = \"reload-family\"\n"));
}

// for_each: every child rendered by -onetime, one reload for the batch, and
// a name that cannot be a file name fails the run, naming the child, while
// the others are installed.
TEST_F(DaemonTest, ForEachOnetimeRendersEveryChildReloadsOnceAndNamesARefusedOne) {
  source_.Set("/services/a/1", "x");
  source_.Set("/services/b/1", "y");
  source_.Set("/services/c/1", "z");
  source_.Set("/services/.h/1", "w");
  AddFamily(dir_, dir_ + "/out");
  absl::Status s = MakeDaemon().RunOnce();
  EXPECT_EQ("a=x", Installed("a.conf"));
  EXPECT_EQ("b=y", Installed("b.conf"));
  EXPECT_EQ("c=z", Installed("c.conf"));
  EXPECT_EQ("<missing>", Installed(".h.conf"));
  EXPECT_EQ(1, runner_.Count("reload-family"));
  EXPECT_EQ("svc.toml: child \".h\" refused: starts with '.' (hidden names are confwatch's stage "
            "and manifest files); the other children go on",
            s.message());
}

// Watch mode: the family is ready only once no child is refused; a child
// whose keys go has its file removed, with one more reload.
TEST_F(DaemonTest, ForEachFamilyFollowsChildrenAndIsReadyWithoutRefusedOnes) {
  source_.Set("/services/a/1", "x");
  source_.Set("/services/b/1", "y");
  source_.Set("/services/.h/1", "w");
  AddFamily(dir_, dir_ + "/out");
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return Installed("b.conf") == "b=y"; }));
  EXPECT_EQ("a=x", Installed("a.conf"));
  EXPECT_FALSE(daemon_->stats().all_rendered.load());
  source_.PushDelete("/services/.h/1");
  // The failed family tries again a backoff after its last try (scheduler.h).
  EXPECT_TRUE(EventuallyFiringTimers([&] { return daemon_->stats().all_rendered.load(); }));
  EXPECT_EQ(1, runner_.Count("reload-family"));
  source_.PushDelete("/services/a/1");
  EXPECT_TRUE(Eventually([&] { return Installed("a.conf") == "<missing>"; }));
  EXPECT_TRUE(Eventually([&] { return runner_.Count("reload-family") == 2; }));
  EXPECT_EQ("b=y", Installed("b.conf"));
  // Per file, from batches without error: the first one reported .h.
  source_.PushPut("/services/c/1", "z");
  source_.PushPut("/services/d/1", "w");
  EXPECT_TRUE(Eventually([&] { return Installed("d.conf") == "d=w"; }));
  EXPECT_TRUE(Eventually([&] { return daemon_->stats().installs.load() == 3; }))
      << daemon_->stats().installs.load();
}

// A directory another user planted at one child's path in a shared dest
// directory: that child alone is refused (the family is not ready), the
// others follow their keys; once the directory goes, a retry installs the
// child's file and the family is ready, without a restart.
TEST_F(DaemonTest, ForEachChildWhoseDestIsADirectoryIsRefusedAloneUntilItGoes) {
  source_.Set("/services/a/1", "x");
  source_.Set("/services/b/1", "y");
  AddFamily(dir_, dir_ + "/out");
  ASSERT_EQ(0, mkdir(Out("a.conf").c_str(), 0755));
  StartWatch();
  ASSERT_TRUE(Eventually([&] { return ReadFile(Out("b.conf")).value_or("") == "b=y"; }));
  source_.PushPut("/services/b/1", "z");
  // A failing resource tries again kInitialBackoff after a change (scheduler.h).
  EXPECT_TRUE(EventuallyFiringTimers([&] { return ReadFile(Out("b.conf")).value_or("") == "b=z"; }));
  EXPECT_FALSE(daemon_->stats().all_rendered.load());
  // The reload of what changed runs despite the refusal (after the rename).
  EXPECT_TRUE(Eventually([&] { return runner_.Count("reload-family") >= 2; }));
  ASSERT_EQ(0, rmdir(Out("a.conf").c_str()));
  EXPECT_TRUE(EventuallyFiringTimers([&] { return ReadFile(Out("a.conf")).value_or("") == "a=x"; }));
  EXPECT_TRUE(EventuallyFiringTimers([&] { return daemon_->stats().all_rendered.load(); }));
}

}  // namespace
}  // namespace confwatch
