// The two runs that check instead of watching: -check-config (load conf.d,
// parse every template; no key source) and -preflight (the same, plus read
// each watched prefix from the key source and stage a file in each dest
// directory as the running user). Both print what they found to stdout, the
// problems to stderr, and return the process exit code (app/run.h).
//
// Thread-safety: call from main's thread, once.
#ifndef CONFWATCH_APP_PREFLIGHT_H_
#define CONFWATCH_APP_PREFLIGHT_H_

#include "app/options.h"
#include "daemon/key_source.h"

namespace confwatch {

// -check-config: "N template resource(s) OK, M with errors", each error and
// warning above it. kExitOk when every resource loaded, else kExitUsage.
int CheckConfig(const Options& options);

// -preflight. One line per resource and prefix, then "preflight: OK" or
// "preflight: FAILED (N problems)". Exit code: the most serious problem
// found: kExitSourceUnavailable when a prefix cannot be read, else
// kExitUsage when a resource failed to load, else kExitResourceFailed when a
// dest directory cannot take a file.
int Preflight(const Options& options, KeySource* source);

}  // namespace confwatch

#endif  // CONFWATCH_APP_PREFLIGHT_H_
