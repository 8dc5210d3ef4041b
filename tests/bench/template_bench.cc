// Renders {{range getvs "/svc/*"}}server {{.}};{{end}} over 100k keys, the
// shape of an nginx upstream list, and prints the time per render and the
// process's peak RSS. Two variants:
//   engine  the list is built once and handed to the template: only the
//           executor and the printing are measured;
//   getvs   the real store, view and confd getvs: what a re-render costs.
// Usage: template_bench [keys=100000] [iterations=20]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "store/store.h"
#include "store/view.h"
#include "template/funcs_confd.h"
#include "template/template.h"

namespace confwatch {
namespace {

using Clock = std::chrono::steady_clock;

long PeakRssKb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// Renders `iterations` times; returns the per-render times in ms.
std::vector<double> Time(const Template& t, ExecContext& ctx, int iterations, size_t* bytes) {
  std::vector<double> ms;
  for (int i = 0; i < iterations; ++i) {
    std::string out;
    auto start = Clock::now();
    absl::Status st = t.Execute(Value(), ctx, &out);
    auto end = Clock::now();
    if (!st.ok()) {
      std::fprintf(stderr, "render failed: %s\n", std::string(st.message()).c_str());
      std::exit(1);
    }
    *bytes = out.size();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

void Report(const char* name, const std::vector<double>& ms, size_t bytes) {
  std::printf("%-7s output %.2f MB  min %.2f ms  median %.2f ms  max %.2f ms  peak RSS %ld kB\n",
              name, bytes / 1e6, ms.front(), ms[ms.size() / 2], ms.back(), PeakRssKb());
}

int Main(int argc, char** argv) {
  int keys = argc > 1 ? std::atoi(argv[1]) : 100000;
  int iterations = argc > 2 ? std::atoi(argv[2]) : 20;
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
  size_t bytes = 0;
  std::vector<double> ms = Time(**engine, engine_ctx, iterations, &bytes);
  Report("engine", ms, bytes);

  // getvs: the real path.
  absl::StatusOr<ViewScope> scope = ViewScope::Create("/", {"/svc"});
  StoreView view(store, *scope);
  auto full = Template::Parse("bench.tmpl", text, ConfwatchFuncMap());
  ExecContext ctx;
  ctx.store = &view;
  ms = Time(**full, ctx, iterations, &bytes);
  Report("getvs", ms, bytes);
  return 0;
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) { return confwatch::Main(argc, argv); }
