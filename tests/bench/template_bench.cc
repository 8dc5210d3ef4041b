// Renders {{range getvs "/svc/*"}}server {{.}};{{end}} over 100k keys, the
// shape of an nginx upstream list, and prints the time per render and the
// process's peak RSS. Two variants:
//   engine  the list is built once and handed to the template: only the
//           executor and the printing are measured;
//   getvs   the real store, view and confd getvs: what a re-render costs;
//   lookup  getvs alone, without the range: the store's share of it;
//   gets    {{range gets "/svc/*"}}server {{.Value}};{{end}}: the same list
//           as key/value pairs (sorted by key, not by value);
//   change  getvs after one Put before each render (untimed): what the
//           daemon does per change. Plain `getvs` re-renders an unchanged
//           store, so its getvs answer comes from the Store's cache as is.
//   getschg gets after one Put before each render (untimed): `change` for
//           the key/value form.
// Usage: template_bench [keys=100000] [iterations=20] [variant=all]
// `variant` (engine, getvs, change, lookup, gets, getschg or all) runs one variant alone, e.g. under
// valgrind --tool=callgrind --toggle-collect='*Template::Execute*', whose
// instruction counts do not depend on the machine's load.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "store/store.h"
#include "store/view.h"
#include "funcs/confd.h"
#include "template/template.h"

namespace confwatch {
namespace {

using Clock = std::chrono::steady_clock;

long PeakRssKb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

double CpuMs() {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Times {
  std::vector<double> wall;  // ms, sorted
  std::vector<double> cpu;   // ms of process CPU time, sorted (robust on a busy machine)
};

// Renders `iterations` times; returns the per-render times.
Times Time(const Template& t, ExecContext& ctx, int iterations, size_t* bytes,
           const std::function<void(int)>& before = nullptr) {
  Times times;
  for (int i = 0; i < iterations; ++i) {
    if (before) before(i);
    std::string out;
    double cpu_start = CpuMs();
    auto start = Clock::now();
    absl::Status st = t.Execute(Value(), ctx, &out);
    auto end = Clock::now();
    times.cpu.push_back(CpuMs() - cpu_start);
    if (!st.ok()) {
      std::fprintf(stderr, "render failed: %s\n", std::string(st.message()).c_str());
      std::exit(1);
    }
    *bytes = out.size();
    times.wall.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(times.wall.begin(), times.wall.end());
  std::sort(times.cpu.begin(), times.cpu.end());
  return times;
}

void Report(const char* name, const Times& t, size_t bytes) {
  std::printf(
      "%-7s output %.2f MB  wall min %.2f / median %.2f ms  cpu min %.2f / median %.2f ms  "
      "peak RSS %ld kB\n",
      name, bytes / 1e6, t.wall.front(), t.wall[t.wall.size() / 2], t.cpu.front(),
      t.cpu[t.cpu.size() / 2], PeakRssKb());
}

int Main(int argc, char** argv) {
  int keys = argc > 1 ? std::atoi(argv[1]) : 100000;
  int iterations = argc > 2 ? std::atoi(argv[2]) : 20;
  const std::string variant = argc > 3 ? argv[3] : "all";
  size_t bytes = 0;
  // Runs one variant unless another was asked for.
  auto run = [&](const char* name, const Template& t, ExecContext& ctx,
                 const std::function<void(int)>& before = nullptr) {
    if (variant != "all" && variant != name) return;
    Times times = Time(t, ctx, iterations, &bytes, before);
    Report(name, times, bytes);
  };
  const char* text = "{{range getvs \"/svc/*\"}}server {{.}};{{end}}";
  std::printf("template_bench: %d keys, %d renders of %s\n", keys, iterations, text);

  Store store;
  std::vector<std::string> values;
  for (int i = 0; i < keys; ++i) {
    std::string v = absl::StrFormat("10.%d.%d.%d:8080", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    store.Put(absl::StrFormat("/svc/node-%06d", i), v);
    values.push_back(std::move(v));
  }
  std::sort(values.begin(), values.end());  // getvs sorts its values

  // engine: getvs replaced by a function returning a prebuilt []string.
  Value list = Value::StringList(values);
  FuncMap engine_funcs;
  engine_funcs.Add("getvs", {{Type::String()}},
                   [list](ExecContext&, absl::Span<const Value>) { return list; });
  auto engine = Template::Parse("bench.tmpl", text, engine_funcs);
  ExecContext engine_ctx;
  run("engine", **engine, engine_ctx);

  // getvs: the real path.
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  StoreView view(store, *scope);
  auto full = Template::Parse("bench.tmpl", text, ConfwatchFuncMap());
  ExecContext ctx;
  ctx.store = &view;
  run("getvs", **full, ctx);
  // change: one key gets a new value before each render, as in the daemon.
  run("change", **full, ctx, [&](int i) {
    store.Put(absl::StrFormat("/svc/node-%06d", (i * 7919) % keys), absl::StrFormat("chg%d:80", i));
  });

  // The store lookup alone (getvs's result is not ranged over): what the
  // getvs variant costs beyond the engine.
  auto lookup = Template::Parse("bench.tmpl", "{{$v := getvs \"/svc/*\"}}", ConfwatchFuncMap());
  run("lookup", **lookup, ctx);

  auto gets = Template::Parse("bench.tmpl", "{{range gets \"/svc/*\"}}server {{.Value}};{{end}}",
                              ConfwatchFuncMap());
  run("gets", **gets, ctx);
  run("getschg", **gets, ctx, [&](int i) {
    store.Put(absl::StrFormat("/svc/node-%06d", (i * 7919 + 13) % keys),
              absl::StrFormat("gchg%d:80", i));
  });
  return 0;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) { return confwatch::Main(argc, argv); }
