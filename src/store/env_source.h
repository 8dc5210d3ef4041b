// The environment key source, as confd's env backend (backends/env/client.go):
// a declared key "/database/host" becomes the name prefix "DATABASE_HOST"
// (one leading '/' dropped, '/' -> '_', upper-cased), and EVERY variable
// whose name starts with that text becomes a key: its name lower-cased,
// '_' -> '/', with a leading '/' ("DATABASE_HOST_PORT" -> "/database/host/port",
// "DATABASE_HOSTNAME" -> "/database/hostname"). The declared key "/" matches
// every variable. Empty values are kept.
//
// The mapping is lossy, exactly as in confd: "/db_host" and "/db/host" both
// read DB_HOST, which comes back as "/db/host". Case mapping is ASCII-only
// (Go's strings.ToUpper would also map non-ASCII letters; variable names
// with those do not occur in practice).
//
// Thread-safety: reads `environ` only; safe if nobody modifies it meanwhile.
#ifndef CONFWATCH_STORE_ENV_SOURCE_H_
#define CONFWATCH_STORE_ENV_SOURCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace confwatch {

// The keys for `keys` from a NAME=value array (environ(7) layout, null
// terminated), sorted by key, one per key (the last NAME=... in the array
// wins, as in os.Environ's map). Entries without '=' are ignored.
std::vector<KVPair> LoadEnvSource(const std::vector<std::string>& keys, char** environ);

// confd's transform: "/database/host" -> "DATABASE_HOST".
std::string EnvNameForKey(std::string_view key);
// confd's clean: "DATABASE_HOST" -> "/database/host".
std::string KeyForEnvName(std::string_view name);

}  // namespace confwatch

#endif  // CONFWATCH_STORE_ENV_SOURCE_H_
