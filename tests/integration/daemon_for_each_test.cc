// for_each end to end: the confwatch binary against a real etcd (and a real
// nginx when installed). One file per service directory, created when the
// first key appears, removed when the last one goes (lease expiry included),
// only files confwatch wrote removed -- also after a restart --, a name that
// cannot be a file name or a dest another user blocked refused alone, one
// reload per burst.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/tiny_http.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace for_each_itest {
namespace {

using ForEachTest = BinaryEtcdTest;

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// `confwatch -onetime` on `c`; its exit code (-1 if it hangs for a minute).
int RunOnce(const Confdir& c, const std::string& endpoint, std::string* log) {
  ConfwatchProcess p(c, {"-node", endpoint, "-onetime"});
  std::optional<int> code = p.WaitExit(std::chrono::seconds(60));
  *log = p.Log();
  return code.value_or(-1);
}

TEST_F(ForEachTest, FilesFollowDirectoriesAndOnlyTheirOwnAreRemoved) {
  Confdir c;
  WriteFile(c.Out("hand.conf"), "mine\n");
  c.AddTemplate("svc.tmpl",
                "{{.name}}:{{range gets (printf \"%s/*\" .prefix)}} {{.Value}}{{end}}\n");
  ReplaceFile(c.Toml("svc.toml"),
              absl::StrCat("[template]\nsrc = \"svc.tmpl\"\ndest = \"", c.Out("{{.name}}.conf"),
                           "\"\nfor_each = \"/services/*\"\nreload_cmd = \"echo r >> ",
                           c.Scratch("reloads"), "\"\n"));
  Put("/services/web/1", "10.0.0.1");
  Put("/services/api/1", "10.0.0.2");
  Put("/services/a\x01" "b/1", "10.0.0.9");
  auto p = Watch(c);
  EXPECT_TRUE(FileBecomes(c.Out("web.conf"), "web: 10.0.0.1\n")) << p->Log();
  EXPECT_TRUE(FileBecomes(c.Out("api.conf"), "api: 10.0.0.2\n")) << p->Log();
  EXPECT_TRUE(PollUntil([&] {
    return p->Log().find("svc.toml: child \"a\\x01b\" refused: contains control character 0x01; "
                         "the other children go on") != std::string::npos;
  })) << p->Log();
  Delete("/services/a\x01" "b/1");

  Put("/services/web/2", "10.0.0.3");
  EXPECT_TRUE(FileBecomes(c.Out("web.conf"), "web: 10.0.0.1 10.0.0.3\n")) << p->Log();
  Delete("/services/api/1");
  EXPECT_TRUE(PollUntil([&] { return !Exists(c.Out("api.conf")); })) << p->Log();
  EXPECT_EQ("mine\n", ReadWholeFile(c.Out("hand.conf")));
  EXPECT_EQ(0, p->Stop()) << p->Log();

  // While confwatch is down: a new service, and web edited by hand then gone.
  Put("/services/db/1", "10.0.0.4");
  WriteFile(c.Out("web.conf"), "edited\n");
  Delete("/services/web/1");
  Delete("/services/web/2");
  std::string log;
  EXPECT_EQ(0, RunOnce(c, etcd_->endpoint(), &log)) << log;
  EXPECT_EQ("db: 10.0.0.4\n", ReadWholeFile(c.Out("db.conf")));
  EXPECT_EQ("edited\n", ReadWholeFile(c.Out("web.conf")));
  EXPECT_NE(std::string::npos,
            log.find(absl::StrCat(c.Out("web.conf"), " not removed: changed since confwatch wrote it")))
      << log;
  // The manifest outlives the process: db's file goes once db is gone.
  Delete("/services/db/1");
  EXPECT_EQ(0, RunOnce(c, etcd_->endpoint(), &log)) << log;
  EXPECT_FALSE(Exists(c.Out("db.conf"))) << log;
  EXPECT_EQ("mine\n", ReadWholeFile(c.Out("hand.conf")));
  EXPECT_EQ("edited\n", ReadWholeFile(c.Out("web.conf")));
}

// A directory another user planted at one child's dest in a shared conf.d:
// that child is refused alone, naming it, its path and what is there; the
// other children keep following etcd (a change, a lease expiry); once the
// directory goes, the child's file appears on the next render, no restart.
TEST_F(ForEachTest, DirectoryPlantedAtOneChildsDestBlocksOnlyThatChild) {
  Confdir c;
  c.AddTemplate("svc.tmpl",
                "{{.name}}:{{range gets (printf \"%s/*\" .prefix)}} {{.Value}}{{end}}\n");
  ReplaceFile(c.Toml("svc.toml"),
              absl::StrCat("[template]\nsrc = \"svc.tmpl\"\ndest = \"", c.Out("{{.name}}.conf"),
                           "\"\nfor_each = \"/services/*\"\n"));
  ASSERT_EQ(0, mkdir(c.Out("api.conf").c_str(), 0755));
  Put("/services/api/1", "10.0.0.1");
  Put("/services/web/1", "10.0.0.2");
  absl::StatusOr<LeaseGrant> lease = client_->GrantLease(3);
  ASSERT_TRUE(lease.ok()) << lease.status();
  std::unique_ptr<LeaseKeeper> keeper = client_->KeepAlive(*lease);
  Put("/services/db/1", "10.0.0.3", lease->id);
  auto p = Watch(c);
  EXPECT_TRUE(FileBecomes(c.Out("web.conf"), "web: 10.0.0.2\n")) << p->Log();
  EXPECT_TRUE(FileBecomes(c.Out("db.conf"), "db: 10.0.0.3\n")) << p->Log();
  const std::string refusal =
      absl::StrCat("svc.toml: child \"api\" refused: IO error: ", c.Out("api.conf"),
                   ": is a directory owned by uid ", geteuid(),
                   ", not a regular file; the other children go on");
  EXPECT_TRUE(PollUntil([&] { return p->Log().find(refusal) != std::string::npos; })) << p->Log();

  Put("/services/web/2", "10.0.0.4");
  EXPECT_TRUE(FileBecomes(c.Out("web.conf"), "web: 10.0.0.2 10.0.0.4\n")) << p->Log();
  keeper.reset();  // the lease expires within its 3 s TTL: db is gone
  EXPECT_TRUE(PollUntil([&] { return !Exists(c.Out("db.conf")); }, std::chrono::seconds(30)))
      << p->Log();

  ASSERT_EQ(0, rmdir(c.Out("api.conf").c_str()));
  Put("/services/api/2", "10.0.0.5");
  EXPECT_TRUE(FileBecomes(c.Out("api.conf"), "api: 10.0.0.1 10.0.0.5\n")) << p->Log();
  EXPECT_EQ("web: 10.0.0.2 10.0.0.4\n", ReadWholeFile(c.Out("web.conf")));
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

constexpr char kNginx[] = "/usr/sbin/nginx";
constexpr int kServices = 50;

std::string ServiceName(int i) { return absl::StrFormat("svc-%02d", i); }

// The test: 50 services register under leases in one burst, each
// gets a conf.d file (upstream + virtual host) checked by nginx -t and
// served by a real nginx; half go when their lease is revoked, the rest when
// theirs expires. Each burst is one nginx reload.
TEST_F(ForEachTest, FiftyServicesComeAndGoBehindARealNginxOneReloadPerBurst) {
  if (access(kNginx, X_OK) != 0) GTEST_SKIP() << kNginx << " is not installed";
  TempDir ng;
  ASSERT_EQ(0, mkdir(ng.Path("tmp").c_str(), 0755));
  const int port = FreePort();
  Confdir c;
  auto nginx_conf = [&](const std::string& include) {
    return absl::StrCat(
        "worker_processes 1;\npid ", ng.Path("nginx.pid"), ";\nerror_log ", ng.Path("error.log"),
        ";\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n",
        "  client_body_temp_path ", ng.Path("tmp"), ";\n  proxy_temp_path ", ng.Path("tmp"),
        ";\n  fastcgi_temp_path ", ng.Path("tmp"), ";\n  uwsgi_temp_path ", ng.Path("tmp"),
        ";\n  scgi_temp_path ", ng.Path("tmp"), ";\n  server_names_hash_bucket_size 64;\n",
        "  server { listen 127.0.0.1:", port, " default_server; return 404; }\n",
        "  include ", include, ";\n}\n");
  };
  WriteFile(ng.Path("nginx.conf"), nginx_conf(c.Out("*.conf")));
  WriteFile(ng.Path("check.conf.in"), nginx_conf("CHILD"));
  const std::string nginx = absl::StrCat(kNginx, " -p ", ng.path(), "/ -e ", ng.Path("error.log"));
  // A file of the admin's in the same conf.d: never touched.
  WriteFile(c.Out("default.conf"), "# the admin's\n");

  c.AddTemplate("vhost.tmpl",
                "upstream svc_{{.name}} {\n"
                "{{range gets (printf \"%s/*\" .prefix)}}  server {{.Value}};\n{{end}}}\n"
                "server {\n  listen 127.0.0.1:{{getv \"/nginx/port\"}};\n"
                "  server_name {{.name}}.test;\n"
                "  location / { proxy_pass http://svc_{{.name}}; }\n}\n");
  ReplaceFile(
      c.Toml("vhosts.toml"),
      absl::StrCat("[template]\nsrc = \"vhost.tmpl\"\ndest = \"", c.Out("{{.name}}.conf"),
                   "\"\nfor_each = \"/services/*\"\nkeys = [\"/services\", \"/nginx\"]\n",
                   "wait = \"1s:60s\"\n",  // max: slack for a slow burst on a loaded machine
                   "check_cmd = \"sed 's#CHILD#{{.src}}#' ", ng.Path("check.conf.in"), " > ",
                   ng.Path("check.conf"), " && ", nginx, " -q -t -c ", ng.Path("check.conf"),
                   "\"\nreload_cmd = \"", nginx, " -c ", ng.Path("nginx.conf"),
                   " -s reload && echo r >> ", c.Scratch("reloads"), "\"\n"));
  Put("/nginx/port", absl::StrCat(port));

  ASSERT_EQ(0, std::system(absl::StrCat(nginx, " -c ", ng.Path("nginx.conf")).c_str()))
      << ReadWholeFile(ng.Path("error.log")).value_or("");
  pid_t nginx_pid = 0;  // nginx daemonizes; its master's pid is in the pid file
  ASSERT_TRUE(PollUntil([&] {
    nginx_pid = std::atoi(ReadWholeFile(ng.Path("nginx.pid")).value_or("0").c_str());
    return nginx_pid > 0;
  }));
  auto p = Watch(c);
  ASSERT_TRUE(PollUntil([&] { return p->Log().find("loaded 1 template") != std::string::npos; }))
      << p->Log();

  std::vector<std::unique_ptr<TinyHttpServer>> backends;
  for (int i = 0; i < kServices; ++i) backends.push_back(std::make_unique<TinyHttpServer>(ServiceName(i)));
  // First half: a lease kept alive, then left to expire. Second half: revoked.
  absl::StatusOr<LeaseGrant> expiring = client_->GrantLease(3);
  absl::StatusOr<LeaseGrant> revoked = client_->GrantLease(600);
  ASSERT_TRUE(expiring.ok() && revoked.ok());
  std::unique_ptr<LeaseKeeper> keeper = client_->KeepAlive(*expiring);
  // Two transactions, one per lease, back to back: a Put per service took
  // longer than the 1 s quiet wait under ThreadSanitizer, and the burst was
  // then rendered (and reloaded) in two parts.
  std::vector<std::pair<std::string, std::string>> expiring_half, revoked_half;
  for (int i = 0; i < kServices; ++i) {
    (i < kServices / 2 ? expiring_half : revoked_half)
        .emplace_back(absl::StrCat("/services/", ServiceName(i), "/instance"), backends[i]->address());
  }
  ASSERT_TRUE(client_->PutMany(expiring_half, expiring->id).ok());
  ASSERT_TRUE(client_->PutMany(revoked_half, revoked->id).ok());
  auto served = [&](int i) { return GetRootBody(port, ServiceName(i) + ".test") == ServiceName(i); };
  auto all_served = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (!served(i)) return false;
    }
    return true;
  };
  EXPECT_TRUE(PollUntil([&] { return all_served(0, kServices); }, std::chrono::seconds(120)))
      << p->Log() << ReadWholeFile(ng.Path("error.log")).value_or("");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a second reload would come by now
  EXPECT_EQ(1, CountLines(c.Scratch("reloads"))) << p->Log();

  ASSERT_TRUE(client_->RevokeLease(revoked->id).ok());
  EXPECT_TRUE(PollUntil([&] { return !Exists(c.Out(ServiceName(kServices - 1) + ".conf")); },
                        std::chrono::seconds(30)))
      << p->Log();
  EXPECT_TRUE(PollUntil([&] { return !served(kServices - 1); }, std::chrono::seconds(30))) << p->Log();
  for (int i = kServices / 2; i < kServices; ++i) EXPECT_FALSE(Exists(c.Out(ServiceName(i) + ".conf")));
  EXPECT_TRUE(all_served(0, kServices / 2)) << p->Log();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(2, CountLines(c.Scratch("reloads"))) << p->Log();

  keeper.reset();  // the lease expires within its 3 s TTL
  EXPECT_TRUE(PollUntil([&] { return !Exists(c.Out(ServiceName(0) + ".conf")); },
                        std::chrono::seconds(30)))
      << p->Log();
  EXPECT_TRUE(PollUntil([&] { return !served(0); }, std::chrono::seconds(30))) << p->Log();
  for (int i = 0; i < kServices; ++i) EXPECT_FALSE(Exists(c.Out(ServiceName(i) + ".conf")));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(3, CountLines(c.Scratch("reloads"))) << p->Log();
  EXPECT_EQ("# the admin's\n", ReadWholeFile(c.Out("default.conf")));

  kill(nginx_pid, SIGTERM);
  EXPECT_TRUE(PollUntil([&] { return kill(nginx_pid, 0) != 0; }));
  EXPECT_EQ(0, p->Stop()) << p->Log();
}

}  // namespace
}  // namespace for_each_itest
}  // namespace confwatch
