// Million-keys benchmark (issue 21, goal 3): one prefix of N keys (1M by
// default) in a private etcd, and what it costs the real confwatch binary to
// load it and render its first file, next to what it costs etcd to serve
// the same keys to a reader that does nothing with them.
//
//   floor        one Range of the whole prefix (no limit) read by a bare
//                gRPC call into a byte buffer that is dropped: etcd's own
//                time to serve it, plus the transfer
//   client       EtcdClient::RangePrefix (paginated, one revision) into a
//                vector: what etcd_snapshot_bench measures
//   -onetime     spawn -> exit 0 with the file installed: wall time and peak
//                RSS (ru_maxrss from wait4), and the same for -watch (spawn
//                -> file complete; VmHWM once settled)
//
// The template is daemon_bench's: `server <value>;` for every key, through
// getvs. The raw key+value bytes are printed so the RSS can be read as a
// multiple of them.
//
// Filling etcd with 1M keys takes a minute or more (txns of 128 puts, four
// writers), so the filled etcd is saved once (etcdctl snapshot save) to
// --cache (default $TMPDIR or /tmp, confwatch-million-keys-N.db) and restored
// on later runs. --wrapper runs confwatch under a tool, e.g.
// --wrapper heaptrack (the RSS is then the tool's too).
//
//   million_keys_bench [--keys 1000000] [--runs 3] [--cache DIR]
//                      [--binary build/confwatch] [--wrapper CMD]
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "base/file_io.h"
#include "etcd/etcd_client.h"
#include "etcd/key_range.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "etcdserverpb/rpc.pb.h"
#include "tests/support/etcd_test_server.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

constexpr char kPrefix[] = "/registry/app/";

struct Args {
  int keys = 1000000;
  int runs = 3;
  std::string cache;
  std::string binary = CONFWATCH_BINARY_DIR "/confwatch";
  std::vector<std::string> wrapper;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "million_keys_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string Key(int i) { return absl::StrFormat("%sinstance-%07d", kPrefix, i); }
std::string Value(int i) {
  return absl::StrFormat("10.%d.%d.%d:8080", i >> 16 & 255, i >> 8 & 255, i & 255);
}

std::unique_ptr<EtcdClient> Connect(const std::string& endpoint) {
  EtcdOptions o;
  o.endpoints = {endpoint};
  auto c = EtcdClient::Create(o);
  if (!c.ok()) Die(std::string(c.status().message()));
  return *std::move(c);
}

// Four writers, each putting its quarter of the keys in txns of 128.
void Fill(const std::string& endpoint, int keys) {
  constexpr int kWriters = 4;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::unique_ptr<EtcdClient> client = Connect(endpoint);
      std::vector<std::pair<std::string, std::string>> kvs;
      for (int i = w; i < keys; i += kWriters) kvs.emplace_back(Key(i), Value(i));
      if (absl::StatusOr<int64_t> r = client->PutMany(kvs); !r.ok()) {
        Die(absl::StrCat("fill: ", r.status().message()));
      }
    });
  }
  for (std::thread& t : writers) t.join();
}

// An etcd holding the keys: restored from the cache, or filled and saved.
std::unique_ptr<EtcdTestServer> StartFilled(const Args& args) {
  absl::StatusOr<std::unique_ptr<EtcdTestServer>> etcd = EtcdTestServer::Start();
  if (!etcd.ok()) Die(std::string(etcd.status().message()));
  const std::string cached =
      absl::StrCat(args.cache, "/confwatch-million-keys-", args.keys, ".db");
  const absl::Time start = absl::Now();
  if (access(cached.c_str(), R_OK) == 0) {
    if (absl::Status s = (*etcd)->RestoreSnapshot(cached); !s.ok()) Die(std::string(s.message()));
    std::printf("restored %d keys from %s in %s\n", args.keys, cached.c_str(),
                absl::FormatDuration(absl::Now() - start).c_str());
  } else {
    Fill((*etcd)->endpoint(), args.keys);
    std::printf("filled %d keys in %s\n", args.keys,
                absl::FormatDuration(absl::Now() - start).c_str());
    const std::string tmp = cached + ".tmp";
    if ((*etcd)->SaveSnapshot(tmp).ok() && rename(tmp.c_str(), cached.c_str()) == 0) {
      std::printf("saved to %s for the next run\n", cached.c_str());
    }
  }
  return *std::move(etcd);
}

// One Range of the whole prefix into a byte buffer that is thrown away.
// Returns the milliseconds and sets *bytes to the response's size.
double BareRangeMs(const std::string& endpoint, size_t* bytes) {
  grpc::ChannelArguments ca;
  ca.SetMaxReceiveMessageSize(-1);
  std::shared_ptr<grpc::Channel> ch =
      grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), ca);
  grpc::GenericStub stub(ch);
  etcdserverpb::RangeRequest req;
  KeyRange range = PrefixRange(kPrefix);
  req.set_key(range.key);
  req.set_range_end(range.range_end);
  std::string wire = req.SerializeAsString();
  grpc::Slice slice(wire);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  const absl::Time start = absl::Now();
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&ctx, "/etcdserverpb.KV/Range", request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  if (!status.ok()) Die(absl::StrCat("bare Range: ", status.error_message()));
  *bytes = response.Length();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return ms;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

pid_t Spawn(const Args& args, const std::vector<std::string>& flags, const std::string& log) {
  std::vector<std::string> argv = args.wrapper;
  argv.push_back(args.binary);
  argv.insert(argv.end(), flags.begin(), flags.end());
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> a;
    for (const std::string& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  return pid;
}

double VmHwmMb(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

struct Confdir {
  TempDir dir;
  std::string confdir = dir.Path("confd");
  std::string dest = dir.Path("out/up.conf");
  Confdir() {
    for (const std::string& d : {confdir, confdir + "/conf.d", confdir + "/templates",
                                 dir.Path("out")}) {
      mkdir(d.c_str(), 0755);
    }
    const std::pair<std::string, std::string> files[] = {
        {confdir + "/templates/up.tmpl",
         absl::StrCat("upstream app {\n{{range getvs \"", kPrefix,
                      "*\"}}  server {{.}};\n{{end}}}\n")},
        {confdir + "/conf.d/up.toml",
         absl::StrCat("[template]\nsrc = \"up.tmpl\"\ndest = \"", dest, "\"\nkeys = [\"",
                      kPrefix, "\"]\n")},
    };
    for (const auto& [path, text] : files) {
      if (absl::Status s = WriteTestFile(path, text); !s.ok()) Die(std::string(s.message()));
    }
  }
};

// -onetime: wall time and peak RSS of the whole process.
// Sets *size to the rendered file's size.
void RunOnetime(const Args& args, const std::string& endpoint, std::vector<double>* ms,
                std::vector<double>* mb, off_t* size) {
  Confdir c;
  const absl::Time start = absl::Now();
  pid_t pid = Spawn(args, {"-onetime", "-confdir", c.confdir, "-node", endpoint,
                           "-log-level", "error"},
                    c.dir.Path("log"));
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) Die("wait4");
  ms->push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  mb->push_back(ru.ru_maxrss / 1024.0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Die(absl::StrCat("confwatch -onetime failed: ", ReadFile(c.dir.Path("log")).value_or("")));
  }
  struct stat st {};
  if (stat(c.dest.c_str(), &st) != 0) Die("no file rendered");
  *size = st.st_size;
}

// -watch: spawn -> the file is there with `size` bytes (installs are atomic:
// it is complete then); then the peak RSS.
void RunWatch(const Args& args, const std::string& endpoint, off_t size, std::vector<double>* ms,
              std::vector<double>* mb) {
  Confdir c;
  const absl::Time start = absl::Now();
  pid_t pid = Spawn(args, {"-watch", "-confdir", c.confdir, "-node", endpoint, "-log-level",
                           "error"},
                    c.dir.Path("log"));
  while (true) {
    struct stat st {};
    if (stat(c.dest.c_str(), &st) == 0 && st.st_size == size) break;
    if (absl::Now() - start > absl::Minutes(2)) Die("timed out waiting for the -watch file");
    absl::SleepFor(absl::Milliseconds(10));
  }
  ms->push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  absl::SleepFor(absl::Seconds(1));  // settled: the watch is up
  mb->push_back(VmHwmMb(pid));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  const char* tmp = std::getenv("TMPDIR");
  a.cache = tmp != nullptr ? tmp : "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--keys") {
      a.keys = std::atoi(value.c_str());
    } else if (flag == "--runs") {
      a.runs = std::atoi(value.c_str());
    } else if (flag == "--cache") {
      a.cache = value;
    } else if (flag == "--binary") {
      a.binary = value;
    } else if (flag == "--wrapper") {
      a.wrapper = absl::StrSplit(value, ' ', absl::SkipEmpty());
    } else {
      Die("unknown flag " + flag);
    }
  }
  if (a.keys < 1 || a.runs < 1) Die("--keys and --runs must be positive");
  return a;
}

int Run(const Args& args) {
  std::unique_ptr<EtcdTestServer> etcd = StartFilled(args);
  const std::string endpoint = etcd->endpoint();
  size_t raw = 0;
  for (int i = 0; i < args.keys; ++i) raw += Key(i).size() + Value(i).size();
  std::printf("%d keys under %s: %.1f MB of keys and values\n", args.keys, kPrefix, raw / 1e6);

  std::vector<double> bare, client, onetime, onetime_mb, watch, watch_mb;
  size_t bytes = 0;
  for (int r = 0; r < args.runs; ++r) bare.push_back(BareRangeMs(endpoint, &bytes));
  std::printf("floor: one Range, bare reader: median %.0f ms, min %.0f ms (%.1f MB response)\n",
              Median(bare), *std::min_element(bare.begin(), bare.end()), bytes / 1e6);
  std::unique_ptr<EtcdClient> reader = Connect(endpoint);
  for (int r = 0; r < args.runs; ++r) {
    const absl::Time start = absl::Now();
    absl::StatusOr<Snapshot> snap = reader->RangePrefix(kPrefix);
    if (!snap.ok()) Die(std::string(snap.status().message()));
    if (snap->kvs.size() != static_cast<size_t>(args.keys)) Die("short snapshot");
    client.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  reader.reset();
  std::printf("EtcdClient::RangePrefix into a vector: median %.0f ms\n", Median(client));
  std::fflush(stdout);

  off_t size = 0;
  for (int r = 0; r < args.runs; ++r) RunOnetime(args, endpoint, &onetime, &onetime_mb, &size);
  std::printf("rendered file: %.1f MB\n", size / 1e6);
  std::printf("confwatch -onetime (load + render + install): median %.0f ms = %.2fx floor, "
              "peak RSS median %.1f MiB = %.2fx raw\n",
              Median(onetime), Median(onetime) / Median(bare), Median(onetime_mb),
              Median(onetime_mb) * (1 << 20) / raw);
  std::fflush(stdout);
  for (int r = 0; r < args.runs; ++r) RunWatch(args, endpoint, size, &watch, &watch_mb);
  std::printf("confwatch -watch (spawn -> file complete): median %.0f ms = %.2fx floor, "
              "peak RSS (VmHWM) median %.1f MiB = %.2fx raw\n",
              Median(watch), Median(watch) / Median(bare), Median(watch_mb),
              Median(watch_mb) * (1 << 20) / raw);
  return 0;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) { return confwatch::Run(confwatch::ParseArgs(argc, argv)); }
