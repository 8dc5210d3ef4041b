// Measures the key store: what one watch event costs, what a template's
// gets/getvs/ls cost over a large and a small prefix, and memory per key.
// Speed is printed, never asserted. Times are the thread's CPU time, so a
// busy machine (other builds) inflates them less than wall time would.
//
//   store_bench [keys]        (default 100000)
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/view.h"

namespace confwatch {
namespace {

// CPU time of this thread, as a steady_clock-like clock.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec));
  }
};

// Small chunks plus mmapped ones (the Store keeps a read in 1 MiB blocks,
// which glibc serves by mmap).
size_t HeapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Median wall time of `runs` calls of fn, in seconds.
template <typename Fn>
double Median(int runs, Fn&& fn) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    fn();
    t.push_back(Seconds(Clock::now() - start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::string InstanceKey(int i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "/svc/web-%07d", i);
  return buf;
}

std::string Address(int i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "10.%d.%d.%d:8080", (i >> 16) & 255, (i >> 8) & 255, i & 255);
  return buf;
}

void Report(const char* what, double seconds, const char* unit_note = "") {
  if (seconds < 1e-3) {
    std::printf("%-46s %10.2f us%s\n", what, seconds * 1e6, unit_note);
  } else {
    std::printf("%-46s %10.2f ms%s\n", what, seconds * 1e3, unit_note);
  }
}

int Run(int n) {
  Store store;
  const size_t heap_before = HeapInUse();
  const auto load_start = Clock::now();
  for (int i = 0; i < n; ++i) store.Put(InstanceKey(i), Address(i));
  // A small unrelated prefix, to show queries cost what they match only.
  for (int i = 0; i < 10; ++i) store.Put("/config/app/db/k" + std::to_string(i), "v");
  const double load = Seconds(Clock::now() - load_start);
  const size_t heap = HeapInUse() - heap_before;

  std::printf("keys in store: %zu (key ~%zu bytes, value ~%zu bytes)\n", store.size(),
              InstanceKey(0).size(), Address(0).size());
  Report("load (Put of every key)", load);
  std::printf("%-46s %10.1f MB  (%.0f bytes/key)\n", "heap for the store", heap / 1e6,
              static_cast<double>(heap) / store.size());

  ViewScope all = ViewScope::Create("/", {"/svc", "/config/app"}).value();
  ViewScope small = ViewScope::Create("/config/app", {"/config/app/db"}).value();
  StoreView big_view(store, all);
  StoreView small_view(store, small);
  size_t sink = 0;

  Report("getvs \"/svc/*\" (all instances)", Median(21, [&] {
           sink += big_view.GetAllValues("/svc/*")->size();
         }));
  Report("gets \"/svc/*\"", Median(21, [&] { sink += big_view.GetAll("/svc/*")->size(); }));
  Report("ls \"/svc\"", Median(21, [&] { sink += big_view.List("/svc").size(); }));
  Report("lsdir \"/\" + ls \"/\" (skip-scan, 2 dirs)", Median(101, [&] {
           sink += big_view.ListDir("/").size() + big_view.List("/").size();
         }));
  Report("getvs \"/db/*\" (10 keys, other resource)", Median(1001, [&] {
           sink += small_view.GetAllValues("/db/*")->size();
         }));
  Report("getv of one key", Median(1001, [&] { sink += big_view.GetValue("/svc/web-0004242")->size(); }));
  Report("ViewScope::Create (2 keys)", Median(1001, [&] {
           sink += ViewScope::Create("/", {"/svc", "/config/app"})->ranges().size();
         }));

  // Watch events: value change of an existing key, new key, delete.
  const int events = 100000;
  auto start = Clock::now();
  for (int i = 0; i < events; ++i) store.Put(InstanceKey(i % n), Address(i + 1));
  Report("Put (value change), per event", Seconds(Clock::now() - start) / events);
  start = Clock::now();
  for (int i = 0; i < events; ++i) store.Put(InstanceKey(n + i), Address(i));
  Report("Put (new key), per event", Seconds(Clock::now() - start) / events);
  start = Clock::now();
  for (int i = 0; i < events; ++i) store.Delete(InstanceKey(n + i));
  Report("Delete, per event", Seconds(Clock::now() - start) / events);

  std::vector<KVPair> snapshot;
  for (int i = 0; i < n; ++i) snapshot.push_back({InstanceKey(i), Address(i)});
  start = Clock::now();
  sink += store.ReplacePrefix("/svc/", snapshot).size();
  Report("ReplacePrefix (resync, nothing changed)", Seconds(Clock::now() - start));
  return sink == 42 ? 1 : 0;  // keeps the work observable
}

}  // namespace
}  // namespace confwatch

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  return confwatch::Run(n);
}
