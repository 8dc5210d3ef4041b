// Daemon benchmark: the real `confwatch -watch` binary against a real etcd,
// measured the way a user sees it (issue 4's table, README "Benchmarks"):
//
//   initial render   spawn -> every dest file complete
//   change -> file   one Put -> the dest file shows the new value (the inotify
//                    event of the dest directory that revealed it; a read
//                    confirms it): p50/p90/p99
//   burst            300 puts as fast as one client sends them: reload_cmd
//                    runs, and time from the last Put's answer to the final
//                    state on disk
//   memory           VmRSS once settled (and its anonymous part: the rest
//                    is pages of shared libraries), VmHWM (peak)
//   floor            install_floor.h's install of the same bytes, in a
//                    sibling directory of the dest on the same file system,
//                    once after each change: the least any installer could
//                    take under the same load (p50), and change p50 / floor p50;
//                    also its p50 until the rename (what the change's inotify
//                    event marks for the daemon: its directory fsync follows)
//   faults/change    minor page faults of confwatch during the change phase,
//                    per change (fresh pages each render and install takes)
//   etcd's part  a bare watcher in the bench (its own connection) records
//                when each change's event reached it: put -> event p50 is
//                etcd's commit and delivery, which every watcher pays; event
//                -> file p50 is confwatch's part (receive, render, install up
//                to the rename), compared with the floor until its rename
//   idle CPU         user+system CPU of confwatch over 5 idle seconds
//   etcd reads       Range calls etcd served after the initial read
//                    (grpc_server_handled_total{grpc_method="Range"})
//   watches up       spawn -> etcd counts one watcher per watched prefix
//                    (etcd_debugging_mvcc_watcher_total): the daemon now
//                    follows every resource
//   work per change  confwatch's /metrics renders and installs during the
//                    change phase, divided by the changes: 1 / 1 when a
//                    change re-renders only the resource that reads it;
//                    and confwatch's CPU time per change (user+system)
//
// One resource renders `server <value>;` for every key of /svc; with
// --resources R, R resources each render their own /svc/r<i> subtree
// (--keys 10000 --resources 1000: 1000 services of 10 instances).
//
//   daemon_bench [--keys 100,10000,100000] [--changes 200] [--resources 1]
//                [--burst 300] [--out-dir /dev/shm] [--binary build/confwatch]
//                [--same-size 1]   (changed values keep their length: the
//                                   file's size never changes)
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/file_io.h"
#include "etcd/etcd_client.h"
#include "http/http_client.h"
#include "tests/bench/install_floor.h"
#include "tests/bench/percentile.h"
#include "tests/bench/watch_arrivals.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

struct Args {
  std::vector<int> keys = {100, 10000, 100000};
  int changes = 200;
  int resources = 1;
  int burst = 300;
  // Change a value to one of the same length (another port), so the file
  // keeps its size and only its bytes tell the change apart.
  bool same_size = false;
  std::string binary = CONFWATCH_BINARY_DIR "/confwatch";
  // Where the dest files go: a directory on the disk by default (every
  // install fsyncs the file and its directory, which dominates small
  // renders); /dev/shm shows the cost without the disk.
  std::string out_base;
};

// The confwatch of the run in progress: Die() stops it, or it would outlive
// the bench (its etcd is gone by then, and it retries forever).
pid_t g_confwatch = 0;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "daemon_bench: %s\n", what.c_str());
  if (g_confwatch > 0) {
    kill(g_confwatch, SIGTERM);
    waitpid(g_confwatch, nullptr, 0);
  }
  std::exit(1);
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

using bench::Percentile;

// Blocks until `pred` holds for the dest directory's files, checking on
// every inotify event there (and every 50 ms without one, for state outside
// the directory). Dies after `limit`. `pred` is not run before the first
// event: the watch exists before the change is made, so the change cannot
// be missed, and a check at once (reading 2.4 MB at 100k keys) would put the
// bench's own 5-15 ms of reading into the measured time whenever the daemon
// finished while it ran. Returns when the change was noticed: the
// time the event that revealed it was read (the file was in place by then;
// reading and searching a 2.4 MB file to confirm it takes the bench itself
// 5-15 ms, which is not the daemon's latency), or, when no event came with
// it, the time `pred` confirmed it. Events of dot files (confwatch's stage
// files) are ignored: the dest cannot have changed on those, and re-reading
// it then would compete with the daemon for the CPU while it installs.
class DirWaiter {
 public:
  explicit DirWaiter(const std::string& dir) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0 || inotify_add_watch(fd_, dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
      Die("inotify on " + dir);
    }
  }
  ~DirWaiter() { close(fd_); }
  template <typename Pred>
  absl::Time WaitUntil(Pred pred, absl::Duration limit = absl::Seconds(60)) {
    const absl::Time give_up = absl::Now() + limit;
    while (true) {
      const bool event = DrainDestEvents();
      const absl::Time noticed = absl::Now();
      if (event && pred()) return noticed;
      if (absl::Now() > give_up) Die("timed out waiting for the rendered file");
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) == 0 && pred()) return absl::Now();  // no event: check anyway
    }
  }

 private:
  // Reads every pending event; true when one was about a file that is not a
  // dot file.
  bool DrainDestEvents() {
    alignas(inotify_event) char buf[4096];
    bool dest = false;
    ssize_t n;
    while ((n = read(fd_, buf, sizeof buf)) > 0) {
      for (char* p = buf; p < buf + n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(p);
        if (e->len == 0 || e->name[0] != '.') dest = true;
        p += sizeof(inotify_event) + e->len;
      }
    }
    return dest;
  }

 private:
  int fd_ = -1;
};

// The unlabelled metric `name` on the /metrics page at `endpoint`.
double Metric(const std::string& endpoint, const std::string& name) {
  absl::StatusOr<HttpReply> res = HttpGet(absl::StrCat("http://", endpoint, "/metrics"));
  if (!res.ok() || res->status != 200) Die("cannot read /metrics of " + endpoint);
  const std::string metric = absl::StrCat("\n", name, " ");
  size_t at = res->body.find(metric);
  if (at == std::string::npos) Die("no metric " + name + " at " + endpoint);
  at += metric.size();
  return std::atof(res->body.substr(at, res->body.find('\n', at) - at).c_str());
}

int64_t EtcdRangeCalls(const std::string& endpoint) {
  absl::StatusOr<HttpReply> res = HttpGet(absl::StrCat("http://", endpoint, "/metrics"));
  if (!res.ok() || res->status != 200) Die("cannot read etcd /metrics");
  int64_t total = 0;
  for (absl::string_view line : absl::StrSplit(res->body, '\n')) {
    if (!absl::StartsWith(line, "grpc_server_handled_total{") ||
        !absl::StrContains(line, "grpc_method=\"Range\"")) {
      continue;
    }
    int64_t n = 0;
    if (absl::SimpleAtoi(line.substr(line.rfind(' ') + 1), &n)) total += n;
  }
  return total;
}

// VmRSS/VmHWM of `pid` in MB.
double ProcStatusMb(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, field + ":")) {
      return std::atof(line.c_str() + field.size() + 1) / 1024.0;
    }
  }
  return -1;
}

// The fields of /proc/<pid>/stat after the command name: [0] is the state,
// [7] minflt, [11] utime, [12] stime.
std::vector<std::string> ProcStat(pid_t pid) {
  std::string stat = ReadFile(absl::StrCat("/proc/", pid, "/stat")).value_or("");
  return absl::StrSplit(stat.substr(stat.rfind(')') + 2), ' ');
}

double CpuSeconds(pid_t pid) {
  std::vector<std::string> f = ProcStat(pid);
  return (std::atof(f[11].c_str()) + std::atof(f[12].c_str())) / sysconf(_SC_CLK_TCK);
}

// Minor page faults so far: fresh pages the process touched.
int64_t MinorFaults(pid_t pid) { return std::atoll(ProcStat(pid)[7].c_str()); }

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    if (f) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Zero-padded so that no subtree's name is a byte prefix of another's
// ("/svc/r1" of "/svc/r10"): etcd would then deliver both through one watch,
// and the bench would not show one watch per resource.
std::string Subtree(int resources, int r) {
  return resources == 1 ? "/svc" : absl::StrFormat("/svc/r%06d", r);
}
std::string Key(int resources, int keys, int i) {
  return absl::StrCat(Subtree(resources, i % resources), "/k", i);
}

struct Row {
  int keys = 0;
  double initial_s = 0;
  double watches_s = 0;
  double p50 = 0, p90 = 0, p99 = 0;
  double floor_p50 = 0;
  double floor_visible_p50 = 0;  // until the rename, before the directory's fsync
  double etcd_p50 = 0;   // put -> the bare watcher's event
  double share_p50 = 0;  // the bare watcher's event -> file
  double faults_per_change = 0;
  double renders_per_change = 0, installs_per_change = 0, cpu_per_change_ms = 0;
  int burst_reloads = 0;
  double burst_final_ms = 0;
  double rss_mb = 0, anon_mb = 0, peak_mb = 0, idle_cpu_s = 0;
  int64_t range_calls = 0;
};

Row RunOne(const Args& args, int keys) {
  Row row;
  row.keys = keys;
  absl::StatusOr<std::unique_ptr<EtcdTestServer>> etcd = EtcdTestServer::Start();
  if (!etcd.ok()) Die(std::string(etcd.status().message()));
  EtcdOptions eo;
  eo.endpoints = {(*etcd)->endpoint()};
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(eo);
  if (!client.ok()) Die(std::string(client.status().message()));

  std::vector<std::pair<std::string, std::string>> kvs;
  for (int i = 0; i < keys; ++i) {
    kvs.emplace_back(Key(args.resources, keys, i), bench::FloorValue(i));
  }
  if (absl::StatusOr<int64_t> r = (*client)->PutMany(kvs); !r.ok()) Die(std::string(r.status().message()));

  TempDir dir;
  const std::string confdir = dir.path() + "/confd";
  const std::string out = args.out_base.empty()
                              ? dir.path() + "/out"
                              : absl::StrCat(args.out_base, "/confwatch-bench-out-", getpid());
  const std::string reloads = dir.path() + "/reloads";
  const std::string floor_dir = out + "-floor";  // beside out: same file system, no events in out
  for (const std::string& d :
       {confdir, confdir + "/conf.d", confdir + "/templates", out, floor_dir}) {
    mkdir(d.c_str(), 0755);
  }
  WriteAll(reloads, "");
  for (int r = 0; r < args.resources; ++r) {
    WriteAll(absl::StrCat(confdir, "/templates/up", r, ".tmpl"),
             absl::StrCat("upstream app {\n{{range getvs \"", Subtree(args.resources, r),
                          "/*\"}}  server {{.}};\n{{end}}}\n"));
    WriteAll(absl::StrCat(confdir, "/conf.d/up", r, ".toml"),
             absl::StrCat("[template]\nsrc = \"up", r, ".tmpl\"\ndest = \"", out, "/up", r,
                          ".conf\"\nkeys = [\"", Subtree(args.resources, r), "\"]\n",
                          "reload_cmd = \"echo x >> ", reloads, "\"\n"));
  }
  auto dest = [&](int r) { return absl::StrCat(out, "/up", r, ".conf"); };
  auto count_lines = [&] {
    std::string s = ReadFile(reloads).value_or("");
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  };

  DirWaiter waiter(out);
  const absl::Time t0 = absl::Now();
  const std::string metrics = absl::StrCat("127.0.0.1:", FreePort());
  pid_t pid = Spawn({args.binary, "-watch", "-confdir", confdir, "-node", (*etcd)->endpoint(),
                     "-log-level", "error", "-metrics-addr", metrics},
                    dir.path() + "/confwatch.log");
  g_confwatch = pid;
  const std::string last_line = absl::StrCat("  server ", kvs.back().second, ";\n");
  waiter.WaitUntil([&] {
    for (int r = 0; r < args.resources; ++r) {
      if (!absl::StrContains(ReadFile(dest(r)).value_or(""),
                             r == (keys - 1) % args.resources ? last_line : "}"))
        return false;
    }
    return true;
  });
  row.initial_s = absl::ToDoubleSeconds(absl::Now() - t0);
  while (Metric((*etcd)->endpoint(), "etcd_debugging_mvcc_watcher_total") < args.resources) {
    if (absl::Now() - t0 > absl::Seconds(120)) {
      Die(absl::StrCat("the watches did not all start within 120 s: etcd counts ",
                       Metric((*etcd)->endpoint(), "etcd_debugging_mvcc_watcher_total")));
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  row.watches_s = absl::ToDoubleSeconds(absl::Now() - t0);
  waiter.WaitUntil([&] { return count_lines() >= 1; });  // one shared reload_cmd: runs once
  absl::SleepFor(absl::Milliseconds(300));
  const int64_t ranges_before = EtcdRangeCalls((*etcd)->endpoint());
  // Started after "watches up" counted confwatch's watches alone.
  absl::StatusOr<std::unique_ptr<EtcdClient>> reader = EtcdClient::Create(eo);
  if (!reader.ok()) Die(std::string(reader.status().message()));
  bench::WatchArrivals arrivals;
  std::unique_ptr<Watcher> bare = (*reader)->Watch(&arrivals);
  absl::StatusOr<int64_t> head = (*client)->Put("/bench-start", "x");
  if (!head.ok() || !bare->Add("/", *head).ok()) Die("bench watch");
  arrivals.WaitFor(*head);

  auto counter = [&](const char* name) { return Metric(metrics, name); };
  const double renders_before = counter("confwatch_renders_total");
  const double installs_before = counter("confwatch_installs_total");
  const double cpu_before = CpuSeconds(pid);
  std::vector<double> ms, floor_ms, floor_visible_ms, etcd_ms, share_ms;
  if (args.resources == 1) bench::FloorInstall(floor_dir, bench::FloorRendered(keys, -1, ""), 0);
  int64_t faults = 0;
  for (int c = 0; c < args.changes; ++c) {
    const int i = (c * 7919) % keys;
    // Same size: port 80 becomes another two-digit port (10-79).
    const std::string original = bench::FloorValue(i);
    const std::string value =
        args.same_size ? absl::StrCat(original.substr(0, original.size() - 2), 10 + c % 70)
                       : absl::StrCat("chg", c, ":80");
    const std::string want = absl::StrCat("  server ", value, ";\n");
    const std::string path = dest(i % args.resources);
    const int64_t faults_before = MinorFaults(pid);
    const absl::Time start = absl::Now();
    absl::StatusOr<int64_t> rev = (*client)->Put(Key(args.resources, keys, i), value);
    if (!rev.ok()) Die("put");
    const absl::Time seen =
        waiter.WaitUntil([&] { return absl::StrContains(ReadFile(path).value_or(""), want); });
    const absl::Time arrived = arrivals.WaitFor(*rev);
    ms.push_back(absl::ToDoubleMilliseconds(seen - start));
    etcd_ms.push_back(absl::ToDoubleMilliseconds(arrived - start));
    share_ms.push_back(absl::ToDoubleMilliseconds(seen - arrived));
    faults += MinorFaults(pid) - faults_before;
    // A change every ~20 ms: latency of lone changes, not of a burst.
    absl::SleepFor(absl::Milliseconds(10));
    if (args.resources == 1) {
      const std::string data = bench::FloorRendered(keys, i, value);
      const absl::Time floor_start = absl::Now();
      const absl::Time renamed = bench::FloorInstall(floor_dir, data, c + 1);
      floor_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - floor_start));
      floor_visible_ms.push_back(absl::ToDoubleMilliseconds(renamed - floor_start));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  row.faults_per_change = static_cast<double>(faults) / args.changes;
  if (!floor_ms.empty()) {
    row.floor_p50 = Percentile(floor_ms, 0.5);
    row.floor_visible_p50 = Percentile(floor_visible_ms, 0.5);
  }
  absl::SleepFor(absl::Milliseconds(300));  // the last install's counter
  row.cpu_per_change_ms = (CpuSeconds(pid) - cpu_before) * 1000 / args.changes;
  row.renders_per_change = (counter("confwatch_renders_total") - renders_before) / args.changes;
  row.installs_per_change = (counter("confwatch_installs_total") - installs_before) / args.changes;
  row.p50 = Percentile(ms, 0.5);
  row.etcd_p50 = Percentile(etcd_ms, 0.5);
  row.share_p50 = Percentile(share_ms, 0.5);
  row.p90 = Percentile(ms, 0.9);
  row.p99 = Percentile(ms, 0.99);

  bare.reset();
  absl::SleepFor(absl::Seconds(2));  // let the change phase's reloads settle
  const int reloads_before = count_lines();
  const std::string burst_dest = dest(0);
  std::string final_line;
  absl::Time last_put;
  for (int b = 0; b < args.burst; ++b) {
    const int i = (b * args.resources) % keys;  // keys of resource 0
    const std::string value = absl::StrCat("burst", b, ":80");
    if (!(*client)->Put(Key(args.resources, keys, i), value).ok()) Die("put");
    final_line = absl::StrCat("  server ", value, ";\n");
    last_put = absl::Now();
  }
  const absl::Time final_seen = waiter.WaitUntil(
      [&] { return absl::StrContains(ReadFile(burst_dest).value_or(""), final_line); });
  row.burst_final_ms = absl::ToDoubleMilliseconds(final_seen - last_put);
  absl::SleepFor(absl::Seconds(2));  // longer than any coalescing wait
  row.burst_reloads = count_lines() - reloads_before;

  row.rss_mb = ProcStatusMb(pid, "VmRSS");
  row.anon_mb = ProcStatusMb(pid, "RssAnon");  // the rest is shared library pages
  row.peak_mb = ProcStatusMb(pid, "VmHWM");
  const double cpu0 = CpuSeconds(pid);
  absl::SleepFor(absl::Seconds(5));
  row.idle_cpu_s = CpuSeconds(pid) - cpu0;
  row.range_calls = EtcdRangeCalls((*etcd)->endpoint()) - ranges_before;

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  g_confwatch = 0;
  if (!args.out_base.empty()) std::system(absl::StrCat("rm -rf '", out, "' '", floor_dir, "'").c_str());
  return row;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--keys") {
      a.keys.clear();
      for (absl::string_view k : absl::StrSplit(value, ',')) a.keys.push_back(std::atoi(std::string(k).c_str()));
    } else if (flag == "--changes") {
      a.changes = std::atoi(value.c_str());
    } else if (flag == "--resources") {
      a.resources = std::atoi(value.c_str());
    } else if (flag == "--burst") {
      a.burst = std::atoi(value.c_str());
    } else if (flag == "--out-dir") {
      a.out_base = value;
    } else if (flag == "--same-size") {
      a.same_size = value == "1";
    } else if (flag == "--binary") {
      a.binary = value;
    } else {
      Die("unknown flag " + flag);
    }
  }
  if (a.resources < 1 || a.changes < 1) Die("--resources and --changes must be positive");
  return a;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) {
  using namespace confwatch;
  const Args args = ParseArgs(argc, argv);
  std::printf("| keys | resources | initial render | watches up | change->file p50 / p90 / p99 | "
              "floor p50 (ratio) / until rename | etcd put->event p50 | event->file p50 (/ floor until rename) | "
              "page faults/change | "
              "renders / installs, CPU per change | burst of %d: reloads, "
              "last put->final file | RSS settled (anon) / peak | idle CPU (5 s) | etcd Range calls after start |\n",
              args.burst);
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int keys : args.keys) {
    Row r = RunOne(args, keys);
    std::printf("| %d | %d | %.3f s | %.3f s | %.2f / %.2f / %.2f ms | %.2f ms (%.1fx) / %.2f ms | %.2f ms | "
                "%.2f ms (%.1fx) | %.1f | "
                "%.2f / %.2f, %.2f ms | %d, %.1f ms | %.1f (%.1f) / %.1f MB | %.2f s | %lld |\n",
                r.keys, args.resources, r.initial_s, r.watches_s, r.p50, r.p90, r.p99, r.floor_p50,
                r.floor_p50 > 0 ? r.p50 / r.floor_p50 : 0.0, r.floor_visible_p50, r.etcd_p50, r.share_p50,
                r.floor_visible_p50 > 0 ? r.share_p50 / r.floor_visible_p50 : 0.0, r.faults_per_change,
                r.renders_per_change, r.installs_per_change, r.cpu_per_change_ms, r.burst_reloads,
                r.burst_final_ms, r.rss_mb, r.anon_mb, r.peak_mb, r.idle_cpu_s,
                static_cast<long long>(r.range_calls));
    std::fflush(stdout);
  }
  return 0;
}
