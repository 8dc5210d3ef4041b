// StoreView is what ONE template resource sees of the Store: only the keys it
// declared, renamed relative to its prefix, queried with the semantics of
// confd's memkv store (github.com/kelseyhightower/memkv, store.go, the version
// vendored by confd 0.16) that backs get/gets/getv/getvs/ls/lsdir/exists.
// ViewScope is the immutable description of "which keys, renamed how".
//
// Unlike confd, nothing is copied: confd re-reads every declared prefix and
// refills a map per render; a StoreView is two references and every query
// touches only the key range it can match (a binary search plus a walk of
// that range), never the whole store.
//
// Thread-safety: ViewScope is immutable and may be shared freely. A StoreView
// only reads; several may be used at once, but not while the Store changes.
// REQUIRES: the Store and ViewScope outlive the StoreView.
//
// ---- Which keys, and their names (ViewScope) ----
// * A declared key D covers the store key D itself and every key below it at a
//   '/' boundary: "/db/host" covers "/db/host" and "/db/host/x", NOT
//   "/db/hostname". A trailing '/' on D is ignored; "" or "/" covers every
//   key. (Same rule as DependencyIndex::Covers.)
// * The view name of a covered store key k is k with the prefix P removed
//   (P with trailing '/' removed): "/app" + "/db/host" -> "/db/host", and the
//   key equal to P itself -> "/". With P empty (or "/"), k is its own name.
//   confd computes path.Join("/", strings.TrimPrefix(k, P)); that is the same
//   name for every key whose remainder is a clean path. Deliberate
//   difference: confd also path.Cleans odd keys ("/app/db/" -> "/db", merging
//   it with "/app/db" and keeping a random one of the two values); here odd
//   keys keep their exact name ("/db/"), so no value is silently dropped.
//
// ---- Queries: memkv's rules, reproduced exactly ----
// Go's path.Clean/Dir/Base (go_path.h) and path.Match (glob.h) are used
// where memkv uses them; all results are sorted bytewise (Go sort.Strings).
// * Get(k): exact name. Missing: NotFound "key does not exist: <k>" (memkv
//   KeyError text). No cleaning: Get("/db/host/") does not find "/db/host".
// * Exists(k): Get(k) succeeded.
// * GetValue(k, def): the value; when missing, *def if given, else Get's
//   error. (confd's getv "/k" "default".)
// * GetAll(pattern): pairs whose name matches path.Match(pattern, name),
//   sorted by name. '*' never crosses '/', so "/svc/*" lists one level.
//   No match: empty list, no error. A malformed pattern: InvalidArgument
//   "syntax error in pattern" (Go's path.ErrBadPattern) -- but, as memkv
//   only reports it while matching some key, NOT when the view is empty.
// * GetAllValues(pattern): the values of GetAll, sorted as strings (so the
//   order is by value, not by key).
// * List(path) (ls): the distinct names of the entries directly below
//   path, leaves and directories alike: ls "/deis/services" over
//   ".../services/key" and ".../services/srv1/node1" = ["key", "srv1"].
//   - A trailing '/' does not matter: ls "/a/" == ls "/a".
//   - Matching is per path element: ls "/deis/prefix" does not see
//     "/deis/prefix_a/x".
//   - A key equal to path itself (byte for byte) contributes its base
//     name: ls "/deis/services/key" = ["key"] (plus any children of it:
//     "/deis/services/key/x" would add "x").
//   - ls "/" returns only the top-level LEAF keys: "/a" gives "a", but
//     "/b/c" gives nothing (memkv compares Dir("/b/c") = "/b" with the
//     path elements of "/" = ["", ""], and "b" != "").
//   - "db" (no leading '/') finds nothing among names that start with '/'
//     (the first elements differ: "db" vs "").
//   - memkv strips the raw path text from each key to name the child, so a
//     non-clean path behaves oddly and we keep that: ls "/a//b" over "/a/b/c"
//     gives "a" (the raw "/a//b" is not a prefix of the key, only the
//     leading "/" is removed).
// * ListDir(path) (lsdir): like List but only children that have keys below
//   them (directories): lsdir "/deis/services" = ["srv1"] above, not "key".
//   - A key must start with the raw path text: lsdir "/a//b" finds nothing.
//   - lsdir "/" is ALWAYS empty (memkv compares the elements of Dir(key),
//     which never start with ["", ""]).
//   - A trailing '/' does not matter: lsdir "/a/" == lsdir "/a".
//
// Known limit: a key containing "." or ".." path elements can be moved by
// path.Clean outside the key range we search; such keys are only found
// where their text falls. etcd keys from real registries never have them.
#ifndef CONFWATCH_STORE_VIEW_H_
#define CONFWATCH_STORE_VIEW_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/store.h"

namespace confwatch {

class ViewScope {
 public:
  // `prefix`: the resource's key prefix (confd's resource `prefix`, after any
  // global prefix was applied); "" or "/" for none.
  // `declared`: the resource's keys in store space, prefix already applied
  // ("/app" + "/db" -> "/app/db"; "/app" + "/" -> "/app").
  // Errors: InvalidArgument when a declared key is not the prefix itself or
  // below it ("key /other is not under prefix /app"): its keys would have no
  // name in the view.
  static absl::StatusOr<ViewScope> Create(std::string_view prefix,
                                          const std::vector<std::string>& declared);

  // True when the store key is visible through this scope.
  bool Covers(std::string_view store_key) const;
  // The view name of a store key. REQUIRES: Covers(store_key).
  std::string ToViewName(std::string_view store_key) const;

  // The prefix with trailing '/' removed ("" for none).
  const std::string& prefix() const { return prefix_; }

  // Covered store keys as sorted, disjoint half-open ranges [first, second);
  // second == "" means unbounded.
  const std::vector<std::pair<std::string, std::string>>& ranges() const {
    return ranges_;
  }

 private:
  ViewScope() = default;

  std::string prefix_;
  std::vector<std::pair<std::string, std::string>> ranges_;
};

class StoreView {
 public:
  StoreView(const Store& store, const ViewScope& scope)
      : store_(&store), scope_(&scope) {}

  // confd `get`. NotFound "key does not exist: <key>".
  absl::StatusOr<KVPair> Get(std::string_view key) const;
  // confd `gets`. InvalidArgument "syntax error in pattern" (see above).
  absl::StatusOr<std::vector<KVPair>> GetAll(std::string_view pattern) const;
  // confd `getv`; `default_value` may be null (no default).
  absl::StatusOr<std::string> GetValue(std::string_view key,
                                       const std::string* default_value = nullptr) const;
  // confd `getvs`: values sorted as strings.
  absl::StatusOr<std::vector<std::string>> GetAllValues(std::string_view pattern) const;
  // confd `ls`.
  std::vector<std::string> List(std::string_view path) const;
  // confd `lsdir`.
  std::vector<std::string> ListDir(std::string_view path) const;
  // confd `exists`.
  bool Exists(std::string_view key) const;

  // Every visible pair in name order (tests, debug logging).
  std::vector<KVPair> All() const;

 private:
  // Calls fn(view_name, value) for each visible key whose view name starts
  // with `name_prefix`, in order; fn returns the store key to continue from
  // (or "" to continue with the next key).
  template <typename Fn>
  void Scan(std::string_view name_prefix, Fn&& fn) const;

  const Store* store_;
  const ViewScope* scope_;
};

}  // namespace confwatch

#endif  // CONFWATCH_STORE_VIEW_H_
