// The confwatch binary's service side, against a real etcd: /metrics,
// /healthz and /readyz (-metrics-addr), and the [[register]] tables of its
// config file (key present with a lease while it runs, gone at once after
// SIGTERM).
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/prometheus_text_check.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string body;
};

HttpAnswer Get(int port, const std::string& path) {
  HttpGetOptions options;
  options.timeout = absl::Seconds(5);
  absl::StatusOr<HttpReply> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, path), options);
  if (!r.ok()) return {};
  return {r->status, r->body};
}

using OpsTest = BinaryEtcdTest;

// a.toml renders /app/v into a.conf; b.toml does not parse (line 3), and
// AddFixedResource() replaces it by one rendering /app/v into b.conf.
void AddGoodAndBrokenResource(Confdir* c) {
  c->AddTemplate("t.tmpl", "{{getv \"/app/v\"}}\n");
  c->AddResource("a.toml", "t.tmpl", "a.conf", "\"/app\"");
  WriteFile(c->Toml("b.toml"), "[template]\nsrc = \"t.tmpl\"\ndest = \n");
}
void AddFixedResource(Confdir* c) { c->AddResource("b.toml", "t.tmpl", "b.conf", "\"/app\""); }

TEST_F(OpsTest, MetricsCountWhatHappenedAndReadyzFollowsTheFirstRender) {
  Confdir c;
  c.AddTemplate("t.tmpl", "{{getv \"/app/v\"}}\n");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"", "reload_cmd = \"true\"\n");
  const int port = FreePort();
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-metrics-addr",
                         absl::StrCat("127.0.0.1:", port)});
  ASSERT_TRUE(PollUntil([&] { return Get(port, "/healthz").status == 200; })) << p.Log();
  // /app/v does not exist yet: the render fails, so confwatch is not ready.
  // The put waits until that failed render happened (slow builds, e.g. under
  // a sanitizer, may serve /healthz before the first render ran).
  ASSERT_TRUE(PollUntil([&] {
    absl::StatusOr<std::vector<PrometheusSample>> m = ParsePrometheusText(Get(port, "/metrics").body);
    return m.ok() && SampleValue(*m, "confwatch_render_errors_total") >= 1;
  })) << p.Log();
  HttpAnswer not_ready = Get(port, "/readyz");
  EXPECT_EQ(503, not_ready.status) << not_ready.body;

  ASSERT_TRUE(client_->Put("/app/v", "1").ok());
  ASSERT_TRUE(FileBecomes(c.Out("t.conf"), "1\n")) << p.Log();
  ASSERT_TRUE(PollUntil([&] { return Get(port, "/readyz").status == 200; })) << p.Log();
  ASSERT_TRUE(client_->Put("/app/v", "2").ok());
  ASSERT_TRUE(FileBecomes(c.Out("t.conf"), "2\n")) << p.Log();

  std::optional<std::vector<PrometheusSample>> samples;
  ASSERT_TRUE(PollUntil([&] {
    HttpAnswer m = Get(port, "/metrics");
    absl::StatusOr<std::vector<PrometheusSample>> parsed = ParsePrometheusText(m.body);
    EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << m.body;
    if (!parsed.ok()) return true;
    samples = *parsed;
    return SampleValue(*samples, "confwatch_reloads_total") >= 2;
  })) << p.Log();
  ASSERT_TRUE(samples.has_value());
  EXPECT_GE(SampleValue(*samples, "confwatch_renders_total"), 3) << "failed, 1, 2";
  EXPECT_GE(SampleValue(*samples, "confwatch_render_errors_total"), 1);
  EXPECT_EQ(2, SampleValue(*samples, "confwatch_installs_total"));
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_ready"));
  EXPECT_EQ(1, SampleValue(*samples, "confwatch_source_connected"));
  EXPECT_GT(SampleValue(*samples, "confwatch_resource_last_sync_timestamp_seconds",
                        {{"resource", "t.toml"}}),
            1.6e9);
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

// A resource whose TOML does not parse is not rendered: /readyz says so,
// naming it, the load-error gauges show it, and fixing the file (picked up
// live through inotify) makes confwatch ready.
TEST_F(OpsTest, ResourceThatFailsToLoadKeepsReadyzDownNamingItUntilFixed) {
  ASSERT_TRUE(client_->Put("/app/v", "1").ok());
  Confdir c;
  AddGoodAndBrokenResource(&c);
  const int port = FreePort();
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-metrics-addr",
                         absl::StrCat("127.0.0.1:", port)});
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "1\n")) << p.Log();
  ASSERT_TRUE(PollUntil([&] {
    absl::StatusOr<std::vector<PrometheusSample>> m = ParsePrometheusText(Get(port, "/metrics").body);
    return m.ok() && SampleValue(*m, "confwatch_source_connected") == 1 &&
           SampleValue(*m, "confwatch_resource_last_sync_timestamp_seconds",
                       {{"resource", "a.toml"}}) > 0;
  })) << p.Log();
  HttpAnswer not_ready = Get(port, "/readyz");
  EXPECT_EQ(503, not_ready.status) << not_ready.body;
  EXPECT_TRUE(absl::StartsWith(
      not_ready.body,
      absl::StrCat("not ready: conf.d/b.toml failed to load: ", c.Toml("b.toml"), ":3:")))
      << not_ready.body;
  absl::StatusOr<std::vector<PrometheusSample>> m = ParsePrometheusText(Get(port, "/metrics").body);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(0, SampleValue(*m, "confwatch_ready"));
  EXPECT_EQ(1, SampleValue(*m, "confwatch_resource_load_errors"));
  EXPECT_EQ(1, SampleValue(*m, "confwatch_resource_load_error", {{"resource", "b.toml"}}));

  AddFixedResource(&c);
  ASSERT_TRUE(FileBecomes(c.Out("b.conf"), "1\n")) << p.Log();
  ASSERT_TRUE(PollUntil([&] { return Get(port, "/readyz").status == 200; }))
      << Get(port, "/readyz").body << p.Log();
  m = ParsePrometheusText(Get(port, "/metrics").body);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(1, SampleValue(*m, "confwatch_ready"));
  EXPECT_EQ(0, SampleValue(*m, "confwatch_resource_load_errors"));
  EXPECT_EQ(0, std::count_if(m->begin(), m->end(), [](const PrometheusSample& s) {
              return s.name == "confwatch_resource_load_error";
            }));
  EXPECT_EQ(0, p.Stop()) << p.Log();
}

// The datagrams confwatch sends to $NOTIFY_SOCKET, as systemd would get them.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  bool bound() const { return bound_; }
  // Everything received so far, datagrams joined by newlines.
  const std::string& Received() {
    char buf[4096];
    for (ssize_t n; (n = recv(fd_, buf, sizeof(buf), 0)) > 0;) {
      received_.append(buf, static_cast<size_t>(n)).append("\n");
    }
    return received_;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
  std::string received_;
};

// systemd hears READY=1 on the same readiness as /readyz: not while a
// resource fails to load, and once it is fixed.
TEST_F(OpsTest, SystemdReadyWaitsForAResourceThatFailsToLoad) {
  ASSERT_TRUE(client_->Put("/app/v", "1").ok());
  Confdir c;
  AddGoodAndBrokenResource(&c);
  NotifySocket notify(c.Scratch("notify"));
  ASSERT_TRUE(notify.bound());
  const std::string log_path = c.Scratch("confwatch.log");
  pid_t pid = SpawnLogged({std::string(CONFWATCH_BINARY_DIR) + "/confwatch", "-confdir", c.path(),
                           "-watch", "-node", etcd_->endpoint()},
                          log_path, {{"NOTIFY_SOCKET", c.Scratch("notify")}});
  ASSERT_GT(pid, 0);
  // Whatever happens below, nothing is left running.
  std::unique_ptr<void, std::function<void(void*)>> reap(&pid, [&pid](void*) {
    if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  });
  auto log = [&] { return ReadWholeFile(log_path).value_or(""); };
  ASSERT_TRUE(FileBecomes(c.Out("a.conf"), "1\n")) << log();
  // The notifier polls every 100 ms: READY=1 would have come by now.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_FALSE(absl::StrContains(notify.Received(), "READY=1"))
      << notify.Received() << "\n" << log();

  AddFixedResource(&c);
  ASSERT_TRUE(FileBecomes(c.Out("b.conf"), "1\n")) << log();
  EXPECT_TRUE(PollUntil([&] { return absl::StrContains(notify.Received(), "READY=1"); }))
      << notify.Received() << "\n" << log();
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_TRUE(PollUntil([&] { return waitpid(pid, &status, WNOHANG) == pid; })) << log();
  pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log();
}

TEST_F(OpsTest, MetricsAddressInUseIsAStartupError) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"");
  HttpServer holder([](const HttpRequest&) { return HttpResponse(); }, HttpServer::Options());
  ASSERT_TRUE(holder.Start("127.0.0.1", 0).ok());
  const int port = holder.port();
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-metrics-addr",
                         absl::StrCat("127.0.0.1:", port)});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(2, *code) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), absl::StrCat("127.0.0.1:", port))) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "Address already in use")) << p.Log();
}

TEST_F(OpsTest, RegisterTablesOfTheConfigFileLiveWithTheProcess) {
  Confdir c;
  c.AddTemplate("t.tmpl", "{{range getvs \"/services/web/*\"}}{{.}}\n{{end}}");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/services/web\"");
  const std::string config = c.Scratch("confwatch.toml");
  WriteFile(config,
            "[[register]]\nkey = \"/services/web/{{getenv \\\"HOSTNAME\\\"}}:8080\"\n"
            "value = \"{{getenv \\\"HOSTNAME\\\"}}:8080\"\nttl = \"5s\"\n");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-config-file", config});
  // The process registers itself, and its own template sees the key.
  ASSERT_TRUE(FileBecomes(c.Out("t.conf"), "localhost:8080\n")) << p.Log();
  absl::StatusOr<std::optional<KeyValue>> got = client_->Get("/services/web/localhost:8080");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ("localhost:8080", (*got)->value);
  EXPECT_NE(0, (*got)->lease) << "bound to a lease";
  EXPECT_EQ(0, p.Stop()) << p.Log();
  got = client_->Get("/services/web/localhost:8080");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value()) << "SIGTERM revokes the lease: the key is gone at once";
}

TEST_F(OpsTest, BrokenRegisterTemplateStopsStartupAndRegistersNothing) {
  Confdir c;
  c.AddTemplate("t.tmpl", "x");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"");
  const std::string config = c.Scratch("confwatch.toml");
  WriteFile(config, "[[register]]\nkey = \"/services/web/{{hostname\"\nvalue = \"x\"\n");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-config-file", config});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << p.Log();
  EXPECT_EQ(2, *code) << p.Log();
  EXPECT_TRUE(absl::StrContains(p.Log(), "[[register]]")) << p.Log();
  absl::StatusOr<Snapshot> all = client_->RangePrefix("/services/");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(all->kvs.empty());
}

// A value is data: rendered into the file, never into a command line and
// never into the log, whatever it contains.
TEST_F(OpsTest, SecretValuesNeverReachAShellOrTheLog) {
  Confdir c;
  const std::string secret = absl::StrCat("$(touch ", c.Scratch("pwned1"), ")`touch ",
                                          c.Scratch("pwned2"), "`;touch ", c.Scratch("pwned3"),
                                          " #s3cr3t-value");
  ASSERT_TRUE(client_->Put("/app/db/password", secret).ok());
  c.AddTemplate("db.tmpl", "password={{getv \"/app/db/password\"}}\n");
  c.AddResource("db.toml", "db.tmpl", "db.ini", "\"/app/db\"",
                "mode = \"0600\"\ncheck_cmd = \"grep -q password= {{.src}}\"\n"
                "reload_cmd = \"cat {{.dest}} > /dev/null\"\n");
  ConfwatchProcess p(c, {"-watch", "-node", etcd_->endpoint(), "-log-level", "debug"});
  ASSERT_TRUE(FileBecomes(c.Out("db.ini"), absl::StrCat("password=", secret, "\n"))) << p.Log();
  struct stat st {};
  ASSERT_EQ(0, stat(c.Out("db.ini").c_str(), &st));
  EXPECT_EQ(0600u, st.st_mode & 07777);
  ASSERT_TRUE(PollUntil([&] { return absl::StrContains(p.Log(), "reloaded"); })) << p.Log();
  EXPECT_EQ(0, p.Stop()) << p.Log();
  for (const char* f : {"pwned1", "pwned2", "pwned3"}) {
    EXPECT_FALSE(ReadWholeFile(c.Scratch(f)).has_value()) << f << " was created by a shell";
  }
  EXPECT_FALSE(absl::StrContains(p.Log(), "s3cr3t")) << p.Log();
}

}  // namespace
}  // namespace confwatch
