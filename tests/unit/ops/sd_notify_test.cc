// Tests of the sd_notify protocol (ops/sd_notify.h) and SystemdNotifier
// (ops/systemd_notifier.h) against real AF_UNIX
// datagram sockets, bound at a path in a temp dir and in the abstract
// namespace, as systemd binds them.
#include "ops/sd_notify.h"

#include <atomic>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "ops/systemd_notifier.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

// A datagram socket standing in for systemd's notify socket.
class NotifyListener {
 public:
  // `name` is a path, or "@name" for the abstract namespace.
  explicit NotifyListener(const std::string& name) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, name.data(), name.size());
    socklen_t len = offsetof(sockaddr_un, sun_path) + name.size();
    if (name[0] == '@') {
      addr.sun_path[0] = '\0';
    } else {
      ++len;
    }
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0;
    timeval tv{5, 0};  // a missing datagram fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~NotifyListener() { Close(); }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool bound() const { return bound_; }
  std::optional<std::string> Receive() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }
  // True when nothing is waiting (the call under test sent nothing).
  bool Empty() {
    char buf[16];
    return recv(fd_, buf, sizeof(buf), MSG_DONTWAIT) < 0;
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// systemd's notify socket for one test: a listener bound at a path in a temp
// dir, named by NOTIFY_SOCKET until the test ends.
class NotifySocket : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(listener_.bound()) << path_; }

  TempDir dir_;
  const std::string path_ = dir_.Path("notify");
  NotifyListener listener_{path_};
  ScopedEnv env_{"NOTIFY_SOCKET", path_.c_str()};
};
using SdNotifyToSocket = NotifySocket;
using SystemdNotifierToSocket = NotifySocket;

TEST_F(SdNotifyToSocket, SendsTheStateToASocketPath) {
  ASSERT_TRUE(SdNotifyTo(path_, "READY=1").ok());
  EXPECT_EQ("READY=1", listener_.Receive());
}

TEST(SdNotify, SendsToAnAbstractName) {
  const std::string name = absl::StrCat("@confwatch-sd-notify-test-", getpid());
  NotifyListener listener(name);
  ASSERT_TRUE(listener.bound());
  ASSERT_TRUE(SdNotifyTo(name, "STATUS=hello").ok());
  EXPECT_EQ("STATUS=hello", listener.Receive());
}

TEST_F(SdNotifyToSocket, HelpersSendToNotifySocketFromTheEnvironment) {
  ASSERT_TRUE(SdNotifyReady().ok());
  EXPECT_EQ("READY=1", listener_.Receive());
  ASSERT_TRUE(SdNotifyStopping().ok());
  EXPECT_EQ("STOPPING=1", listener_.Receive());
  ASSERT_TRUE(SdNotifyStatus("watching 3 resources\nat revision 7").ok());
  EXPECT_EQ("STATUS=watching 3 resources at revision 7", listener_.Receive());
}

TEST_F(SdNotifyToSocket, ReloadingCarriesTheMonotonicClock) {
  timespec before{};
  clock_gettime(CLOCK_MONOTONIC, &before);
  ASSERT_TRUE(SdNotifyReloading().ok());
  timespec after{};
  clock_gettime(CLOCK_MONOTONIC, &after);

  std::optional<std::string> got = listener_.Receive();
  ASSERT_TRUE(got);
  absl::string_view rest = *got;
  ASSERT_TRUE(absl::ConsumePrefix(&rest, "RELOADING=1\nMONOTONIC_USEC=")) << *got;
  int64_t usec = 0;
  ASSERT_TRUE(absl::SimpleAtoi(rest, &usec)) << *got;
  EXPECT_GE(usec, int64_t{before.tv_sec} * 1000000 + before.tv_nsec / 1000);
  EXPECT_LE(usec, int64_t{after.tv_sec} * 1000000 + after.tv_nsec / 1000);
  EXPECT_EQ("RELOADING=1\nMONOTONIC_USEC=1500000", SdReloadingState(absl::Milliseconds(1500)));
}

TEST(SdNotify, UnsetOrEmptyNotifySocketIsAnOkNoOp) {
  {
    ScopedEnv env("NOTIFY_SOCKET", nullptr);
    EXPECT_TRUE(SdNotifyReady().ok());
  }
  ScopedEnv env("NOTIFY_SOCKET", "");
  EXPECT_TRUE(SdNotify("READY=1").ok());
}

TEST(SdNotify, ErrorsNameTheSocket) {
  TempDir dir;
  const std::string missing = dir.Path("missing");
  EXPECT_EQ(absl::StrCat("sd_notify ", missing, ": No such file or directory"),
            SdNotifyTo(missing, "READY=1").message());

  const std::string gone = dir.Path("gone");
  NotifyListener listener(gone);
  ASSERT_TRUE(listener.bound());
  listener.Close();  // the file stays, nobody reads it
  EXPECT_EQ(absl::StrCat("sd_notify ", gone, ": Connection refused"),
            SdNotifyTo(gone, "READY=1").message());

  EXPECT_EQ("sd_notify run/notify: NOTIFY_SOCKET must be an absolute path or start with '@'",
            SdNotifyTo("run/notify", "READY=1").message());
  const std::string long_path = "/" + std::string(200, 'x');
  EXPECT_EQ(absl::StrCat("sd_notify ", long_path, ": socket name too long"),
            SdNotifyTo(long_path, "READY=1").message());
}

TEST(SdNotify, WatchdogIntervalFromTheEnvironment) {
  {
    ScopedEnv usec("WATCHDOG_USEC", nullptr);
    EXPECT_EQ(absl::ZeroDuration(), SdWatchdogInterval());
  }
  ScopedEnv usec("WATCHDOG_USEC", "30000000");
  {
    ScopedEnv pid("WATCHDOG_PID", nullptr);
    EXPECT_EQ(absl::Seconds(30), SdWatchdogInterval());
  }
  {
    ScopedEnv pid("WATCHDOG_PID", absl::StrCat(getpid()).c_str());
    EXPECT_EQ(absl::Seconds(30), SdWatchdogInterval());
  }
  {
    // systemd meant another process (we were started by a wrapper).
    ScopedEnv pid("WATCHDOG_PID", absl::StrCat(getpid() + 1).c_str());
    EXPECT_EQ(absl::ZeroDuration(), SdWatchdogInterval());
  }
  ScopedEnv bad("WATCHDOG_USEC", "soon");
  EXPECT_EQ(absl::ZeroDuration(), SdWatchdogInterval());
}

TEST_F(SdNotifyToSocket, WatchdogPingsOnlyWhenTheWatchdogIsOn) {
  ScopedEnv pid("WATCHDOG_PID", nullptr);
  {
    ScopedEnv usec("WATCHDOG_USEC", nullptr);
    ASSERT_TRUE(SdNotifyWatchdog().ok());
    EXPECT_TRUE(listener_.Empty());
  }
  ScopedEnv usec("WATCHDOG_USEC", "1000000");
  ASSERT_TRUE(SdNotifyWatchdog().ok());
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
}

// ---- SystemdNotifier ----

struct FakeDaemon {
  std::atomic<bool> ready{false};
  std::atomic<int64_t> config_reloads{0};
  std::atomic<int> reload_reads{0};
  SystemdNotifier::Hooks Hooks() {
    return {
        [this] { return ready ? absl::OkStatus() : absl::FailedPreconditionError("not ready"); },
        [this] {
          ++reload_reads;
          return config_reloads.load();
        },
        nullptr, nullptr};
  }
};

TEST_F(SystemdNotifierToSocket, ReadyOnceThenReloadingAndReadyAgainThenStopping) {
  ScopedEnv watchdog("WATCHDOG_USEC", nullptr);
  FakeDaemon daemon;
  SystemdNotifier notifier(daemon.Hooks(), absl::Milliseconds(5));
  notifier.Start();
  notifier.Reloading();  // still starting: the coming READY=1 covers it

  daemon.ready = true;
  EXPECT_EQ("READY=1", listener_.Receive());
  notifier.Reloading();
  std::optional<std::string> reloading = listener_.Receive();
  ASSERT_TRUE(reloading);
  EXPECT_TRUE(absl::StartsWith(*reloading, "RELOADING=1\nMONOTONIC_USEC=")) << *reloading;
  daemon.config_reloads = 1;  // the daemon applied it
  EXPECT_EQ("READY=1", listener_.Receive());
  notifier.Stopping();
  EXPECT_EQ("STOPPING=1", listener_.Receive());
  notifier.Reloading();  // after STOPPING=1 nothing more is sent
  notifier.Stop();
  EXPECT_TRUE(listener_.Empty());
}

TEST_F(SystemdNotifierToSocket, StatusIsSentWhenItChanges) {
  ScopedEnv watchdog("WATCHDOG_USEC", nullptr);
  absl::Mutex mu;
  std::string status = "starting";
  FakeDaemon daemon;
  SystemdNotifier::Hooks hooks = daemon.Hooks();
  hooks.status = [&] {
    absl::MutexLock lock(&mu);
    return status;
  };
  SystemdNotifier notifier(hooks, absl::Milliseconds(5));
  notifier.Start();
  EXPECT_EQ("STATUS=starting", listener_.Receive());
  {
    absl::MutexLock lock(&mu);
    status = "watching 3 resources";
  }
  EXPECT_EQ("STATUS=watching 3 resources", listener_.Receive());
  notifier.Stop();
  EXPECT_TRUE(listener_.Empty());  // the unchanged status was not repeated
}

TEST_F(SystemdNotifierToSocket, WatchdogIsPingedAtHalfTheInterval) {
  ScopedEnv pid("WATCHDOG_PID", nullptr);
  ScopedEnv watchdog("WATCHDOG_USEC", "40000");
  FakeDaemon daemon;
  SystemdNotifier notifier(daemon.Hooks(), absl::Seconds(10));  // only the watchdog wakes it
  notifier.Start();
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  notifier.Stop();
}

// The daemon's event loop as the notifier sees it: running, it runs a posted
// event at once; wedged, the event waits until Resume().
class FakeLoop {
 public:
  void Post(std::function<void()> event) {
    absl::MutexLock lock(&mu_);
    if (!wedged_) {
      event();
      return;
    }
    queued_.push_back(std::move(event));
  }
  void Wedge() {
    absl::MutexLock lock(&mu_);
    wedged_ = true;
  }
  void Resume() {
    absl::MutexLock lock(&mu_);
    wedged_ = false;
    for (auto& event : queued_) event();
    queued_.clear();
  }
  // Waits (up to 10 s) until an event is queued behind the wedge.
  bool AwaitQueued() {
    absl::MutexLock lock(&mu_);
    auto queued = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queued_.empty(); };
    return mu_.AwaitWithTimeout(absl::Condition(&queued), absl::Seconds(10));
  }
  size_t queued() {
    absl::MutexLock lock(&mu_);
    return queued_.size();
  }

 private:
  absl::Mutex mu_;
  bool wedged_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::function<void()>> queued_ ABSL_GUARDED_BY(mu_);
};

TEST_F(SystemdNotifierToSocket, WatchdogPingsStopWhileTheEventLoopIsWedgedAndResumeAfter) {
  ScopedEnv pid("WATCHDOG_PID", nullptr);
  ScopedEnv watchdog("WATCHDOG_USEC", "40000");  // a ping due every 20 ms
  FakeDaemon daemon;
  FakeLoop loop;
  SystemdNotifier::Hooks hooks = daemon.Hooks();
  hooks.post = [&loop](std::function<void()> event) { loop.Post(std::move(event)); };
  SystemdNotifier notifier(hooks, absl::Seconds(10));  // only the watchdog wakes it
  notifier.Start();
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());

  loop.Wedge();
  // Once a heartbeat waits behind the wedge, every ping it allowed was sent.
  ASSERT_TRUE(loop.AwaitQueued());
  while (!listener_.Empty()) {  // each call consumes one waiting ping
  }
  absl::SleepFor(absl::Milliseconds(300));  // 15 intervals
  EXPECT_TRUE(listener_.Empty());
  EXPECT_EQ(1u, loop.queued());  // one heartbeat outstanding, not one per interval

  loop.Resume();
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  notifier.Stop();
}

TEST_F(SystemdNotifierToSocket, AfterStoppingThePingsNoLongerWaitForTheLoop) {
  ScopedEnv pid("WATCHDOG_PID", nullptr);
  ScopedEnv watchdog("WATCHDOG_USEC", "40000");
  FakeDaemon daemon;
  FakeLoop loop;
  loop.Wedge();  // from the start: not one ping
  SystemdNotifier::Hooks hooks = daemon.Hooks();
  hooks.post = [&loop](std::function<void()> event) { loop.Post(std::move(event)); };
  SystemdNotifier notifier(hooks, absl::Seconds(10));
  notifier.Start();
  ASSERT_TRUE(loop.AwaitQueued());
  notifier.Stopping();  // the loop winds down and takes no more events
  EXPECT_EQ("STOPPING=1", listener_.Receive());
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  EXPECT_EQ("WATCHDOG=1", listener_.Receive());
  notifier.Stop();
  EXPECT_EQ(1u, loop.queued());
}

TEST(SystemdNotifier, OutsideSystemdStartsNoThreadAndSendsNothing) {
  ScopedEnv env("NOTIFY_SOCKET", nullptr);
  FakeDaemon daemon;
  daemon.ready = true;
  SystemdNotifier notifier(daemon.Hooks());
  notifier.Start();
  notifier.Reloading();
  notifier.Stopping();
  notifier.Stop();
  EXPECT_EQ(0, daemon.reload_reads);  // Reloading() returned before asking the daemon
}

}  // namespace
}  // namespace confwatch
