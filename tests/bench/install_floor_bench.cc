// Install floor benchmark: what it costs at the least to put a rendered file
// on disk the way confwatch's installer does, with nothing of confwatch in
// the way. daemon_bench's change -> file latency is compared with this.
//
// For each key count it builds the bytes daemon_bench's resource renders
// (`upstream app {`, `  server <value>;` per key, `}`), then per iteration
// changes one value and installs it with plain system calls
// (install_floor.h: open ".<name>.<n>" O_CREAT|O_EXCL 0600 in the dest
// directory -> write -> fchmod 0644 -> fsync -> close -> rename over dest ->
// open + fsync the directory) and reports p50/p90/p99 of that sequence.
// Iterations are paced like daemon_bench's changes (one every ~20 ms), since
// how busy the disk's journal is changes what an fsync costs. On a shared,
// loaded machine compare with daemon_bench's own "floor" column, measured
// interleaved with its changes.
//
// Single-threaded, no shared state.
//
//   install_floor_bench [--keys 100,10000,100000] [--iterations 200]
//                       [--out-dir DIR]   (default: a temp dir under $TMPDIR)
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/bench/install_floor.h"
#include "tests/bench/percentile.h"
#include "tests/support/temp_dir.h"

namespace confwatch {
namespace {

struct Args {
  std::vector<int> keys = {100, 10000, 100000};
  int iterations = 200;
  std::string out_dir;
};

using bench::Percentile;

struct Row {
  int keys = 0;
  size_t bytes = 0;
  double p50 = 0, p90 = 0, p99 = 0;
  double visible_p50 = 0;  // until the rename, before the directory's fsync
};

Row RunOne(const Args& args, const std::string& dir, int keys) {
  Row row;
  row.keys = keys;
  // The file exists, as in the daemon's steady state.
  bench::FloorInstall(dir, bench::FloorRendered(keys, -1, ""), 0);
  std::vector<double> ms, visible_ms;
  for (int c = 0; c < args.iterations; ++c) {
    // Built before the clock starts: the floor is the disk's part only.
    const std::string data =
        bench::FloorRendered(keys, (c * 7919) % keys, absl::StrCat("chg", c, ":80"));
    row.bytes = data.size();
    const absl::Time start = absl::Now();
    const absl::Time renamed = bench::FloorInstall(dir, data, c + 1);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    visible_ms.push_back(absl::ToDoubleMilliseconds(renamed - start));
    absl::SleepFor(absl::Milliseconds(20));
  }
  row.p50 = Percentile(ms, 0.5);
  row.p90 = Percentile(ms, 0.9);
  row.p99 = Percentile(ms, 0.99);
  row.visible_p50 = Percentile(visible_ms, 0.5);
  return row;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--keys") {
      a.keys.clear();
      for (absl::string_view k : absl::StrSplit(value, ',')) {
        a.keys.push_back(std::atoi(std::string(k).c_str()));
      }
    } else if (flag == "--iterations") {
      a.iterations = std::atoi(value.c_str());
    } else if (flag == "--out-dir") {
      a.out_dir = value;
    } else {
      std::fprintf(stderr, "install_floor_bench: unknown flag %s\n", flag.c_str());
      std::exit(1);
    }
  }
  if (a.iterations < 1) {
    std::fprintf(stderr, "install_floor_bench: --iterations must be positive\n");
    std::exit(1);
  }
  return a;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) {
  using namespace confwatch;
  const Args args = ParseArgs(argc, argv);
  TempDir temp;
  const std::string dir = args.out_dir.empty() ? temp.path() : args.out_dir;
  std::printf("| keys | file size | stage+write+fsync+rename+fsync dir p50 / p90 / p99 | "
              "until the rename p50 |\n");
  std::printf("|---|---|---|---|\n");
  for (int keys : args.keys) {
    const Row r = RunOne(args, dir, keys);
    std::printf("| %d | %zu bytes | %.2f / %.2f / %.2f ms | %.2f ms |\n", r.keys, r.bytes, r.p50,
                r.p90, r.p99, r.visible_p50);
    std::fflush(stdout);
  }
  unlink((dir + "/up.conf").c_str());
  return 0;
}
