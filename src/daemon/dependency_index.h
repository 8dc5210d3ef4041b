// DependencyIndex answers "which resources must re-render because this key
// changed?" in O(depth of the key): every declared key (prefixes already
// applied) covers itself and its subtree, so a changed key is looked up once
// per '/'-boundary ancestor. Work never grows with the number of keys in the
// store, only with the number of resources that actually declared the key.
//
// Also computes the minimal set of prefixes to read and watch, disjoint so that
// no key arrives through two watches.
//
// Not thread-safe: built on configuration load, read by the event loop.
#ifndef CONFWATCH_DAEMON_DEPENDENCY_INDEX_H_
#define CONFWATCH_DAEMON_DEPENDENCY_INDEX_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace confwatch {

class DependencyIndex {
 public:
  // Declares that resource `id` depends on `key` and its subtree.
  // A trailing '/' is ignored ("/a/" == "/a"); "/" or "" covers everything.
  void Add(int id, std::string_view key);

  // Resources whose declared keys cover `key`, each once, in ascending id.
  std::vector<int> Affected(std::string_view key) const;

  // The byte prefixes to Range and Watch: the declared keys minus every key
  // that another declared key is a byte prefix of, sorted. The result's
  // ranges are pairwise disjoint.
  std::vector<std::string> WatchPrefixes() const;

  // Normalized form used for matching: no trailing '/', root is "".
  static std::string Normalize(std::string_view key);

  // True when `declared` (normalized) covers `key`.
  static bool Covers(std::string_view declared, std::string_view key);

 private:
  absl::flat_hash_map<std::string, std::vector<int>> by_key_;
  // declared_length_[n]: some declared key is n bytes long. A first read
  // asks about every key of the store; ancestors of other lengths are then
  // not looked up at all (usually all but one per key).
  std::vector<bool> declared_length_;
};

}  // namespace confwatch

#endif  // CONFWATCH_DAEMON_DEPENDENCY_INDEX_H_
