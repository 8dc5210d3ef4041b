// Key ranges for etcd requests: etcd selects keys in [key, range_end), and a
// prefix is expressed by a range_end that is the prefix "plus one".
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_ETCD_KEY_RANGE_H_
#define CONFWATCH_ETCD_KEY_RANGE_H_

#include <string>
#include "absl/strings/string_view.h"

namespace confwatch {

struct KeyRange {
  std::string key;
  std::string range_end;
};

// The range of every key that starts with `prefix`: range_end is the prefix
// with trailing 0xff bytes dropped and the last remaining byte incremented
// ("a\xff" -> "b"). When no byte can be incremented (empty prefix, all 0xff)
// range_end is "\0", etcd's "to the end of the keyspace"; the empty prefix
// starts at "\0" because etcd rejects an empty key.
KeyRange PrefixRange(absl::string_view prefix);

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_KEY_RANGE_H_
