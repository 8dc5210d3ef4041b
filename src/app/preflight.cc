// See preflight.h.
#include "app/preflight.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "app/run.h"
#include "daemon/resource_set.h"
#include "daemon/template_cache.h"
#include "process/file_path.h"
#include "process/posix_command_runner.h"
#include "resource/file_system.h"
#include "resource/installer.h"
#include "funcs/confd.h"

namespace confwatch {
namespace {

// The last line of -preflight: "preflight: OK" or "preflight: FAILED (2 problems)".
void PrintPreflightVerdict(int problems) {
  if (problems == 0) {
    std::cout << "preflight: OK\n";
  } else {
    std::cout << "preflight: FAILED (" << problems
              << (problems == 1 ? " problem)\n" : " problems)\n");
  }
}

// -preflight, per resource: can this user stage a file in its dest
// directory (as Install() will)? Prints one line per resource; returns the
// number of problems.
int PreflightDests(const ResourceSet& set) {
  PosixFileSystem fs;
  PosixCommandRunner runner;  // not run: CheckCanStage only stages a file
  Installer installer(&fs, &runner, InstallOptions());
  int problems = 0;
  for (const LoadedResource& r : set.resources()) {
    if (absl::Status s = installer.CheckCanStage(r.config); !s.ok()) {
      std::cerr << r.config.name << ": dest " << r.config.dest << ": " << s.message() << "\n";
      ++problems;
      continue;
    }
    std::cout << r.config.name << ": dest " << r.config.dest << ": can stage a file in "
              << DirName(r.config.dest) << "\n";
  }
  return problems;
}

}  // namespace

int CheckConfig(const Options& options) {
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options.confdir, options.prefix, &cache);
  if (!set.ok()) {
    std::cerr << set.status().message() << "\n";
    return kExitUsage;
  }
  for (const std::string& w : (*set)->warnings()) std::cerr << "warning: " << w << "\n";
  for (const ResourceLoadError& e : (*set)->errors()) std::cerr << e.status.message() << "\n";
  std::cout << (*set)->resources().size() << " template resource(s) OK, " << (*set)->errors().size()
            << " with errors\n";
  return (*set)->errors().empty() ? kExitOk : kExitUsage;
}

int Preflight(const Options& options, KeySource* source) {
  TemplateCache cache(ConfwatchFuncMap());
  absl::StatusOr<std::shared_ptr<const ResourceSet>> set =
      ResourceSet::Load(options.confdir, options.prefix, &cache);
  if (!set.ok()) {
    std::cerr << set.status().message() << "\n";
    PrintPreflightVerdict(1);
    return kExitUsage;
  }
  for (const ResourceLoadError& e : (*set)->errors()) std::cerr << e.status.message() << "\n";
  int problems = static_cast<int>((*set)->errors().size());
  int code = (*set)->errors().empty() ? kExitOk : kExitUsage;
  if (int dests = PreflightDests(**set); dests > 0) {
    problems += dests;
    code = std::max(code, kExitResourceFailed);
  }
  for (const std::string& prefix : (*set)->index().WatchPrefixes()) {
    absl::StatusOr<SourceSnapshot> snap = source->Read({prefix});
    if (!snap.ok()) {
      std::cerr << "read " << (prefix.empty() ? "/" : prefix) << ": " << snap.status().message()
                << "\n";
      ++problems;
      code = kExitSourceUnavailable;
      continue;
    }
    std::cout << "read " << (prefix.empty() ? "/" : prefix) << ": " << snap->size()
              << " key(s) at revision " << snap->revision << "\n";
  }
  PrintPreflightVerdict(problems);
  return code;
}

}  // namespace confwatch
