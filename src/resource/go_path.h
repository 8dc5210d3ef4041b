// Slash-separated key paths joined and cleaned with the exact rules of Go's
// path.Join / path.Clean, which confd uses to build etcd keys from a prefix and
// a key ("/app" + "/db/" -> "/app/db"). Keeping Go's rules keeps the key set a
// resource watches identical to confd's.
//
// Thread-safety: pure functions, safe from any thread.
#ifndef CONFWATCH_RESOURCE_GO_PATH_H_
#define CONFWATCH_RESOURCE_GO_PATH_H_

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

namespace confwatch {

// Go's path.Clean: collapses "//", removes "." and resolves ".." lexically,
// drops a trailing "/"; "" becomes ".".
std::string GoPathClean(absl::string_view path);

// Go's path.Join: joins the non-empty elements with "/" and cleans the
// result; all elements empty gives "".
std::string GoPathJoin(std::initializer_list<absl::string_view> elements);

}  // namespace confwatch

#endif  // CONFWATCH_RESOURCE_GO_PATH_H_
