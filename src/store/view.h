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
// only reads the Store (SortedAllValues also updates the Store's ValuesCache,
// which has its own lock); several may be used at once, but not while the
// Store changes.
// REQUIRES: the Store and ViewScope outlive the StoreView.
//
// ---- Which keys, and their names (ViewScope) ----
// * A declared key D covers the store key D itself and every key below it at a
//   '/' boundary: "/db/host" covers "/db/host" and "/db/host/x", NOT
//   "/db/hostname". A trailing '/' on D is ignored. "/" covers every key
//   that starts with '/' (confd reads "/" WithPrefix, so keys like
//   "openim:///x" stay invisible); "" covers every key.
// * The name of a covered store key k is exactly confd's
//   path.Join("/", strings.TrimPrefix(k, prefix)): prefix "/app" turns
//   "/app/db/host" into "/db/host", the key "/app" itself into "/", and an odd
//   key "/app/db/" into "/db". Names are therefore always clean absolute
//   paths. Two keys can get the same name ("/app/db" and "/app/db/"); confd
//   keeps a random one, we keep the clean one (else the first one found).
//
// ---- Queries: memkv's rules, reproduced exactly ----
// Go's path.Clean/Dir/Base (golang/path.h) and path.Match
// (golang/path_match.h) are used where memkv uses them; all results are
// sorted bytewise (Go sort.Strings).
// * Get(k): exact name. Missing: NotFound "key does not exist: <k>" (memkv
//   KeyError text). The argument is not cleaned: Get("/db/host/") does not
//   find "/db/host"; nor does Get("db/host").
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
//   - A trailing '/' does not change the children: ls "/a/" lists what
//     ls "/a" lists, except the name "/a" itself (see the next rule but one).
//   - Matching is per path element: ls "/deis/prefix" does not see
//     "/deis/prefix_a/x".
//   - A name equal to path itself (byte for byte) contributes its base
//     name: ls "/deis/services/key" = ["key"] (plus any children of it:
//     "/deis/services/key/x" would add "x").
//   - ls "/" returns only the top-level LEAF names: "/a" gives "a", but
//     "/b/c" gives nothing (memkv compares Dir("/b/c") = "/b" with the
//     path elements of "/" = ["", ""], and "b" != ""). The key equal to the
//     prefix (named "/") gives "/".
//   - A relative path ("db", "") finds nothing: names are absolute.
//   - memkv strips the raw path text from each name to name the child, so
//     a non-clean path behaves oddly and we keep that: ls "/a//b" over
//     "/a/b/c" gives "a" (only the leading "/" is stripped).
// * ListDir(path) (lsdir): like List but only children that have names
//   below them (directories): lsdir "/deis/services" = ["srv1"] above.
//   - A name must start with the raw path text: lsdir "/a//b" finds nothing.
//   - lsdir "/" is ALWAYS empty (memkv compares the elements of Dir(name),
//     which never start with ["", ""]).
//   - A trailing '/' does not matter: lsdir "/a/" == lsdir "/a".
//
// Cost: names of keys that are clean absolute paths (nearly all real keys)
// keep key order, so a query is a lower_bound on the name range it can match
// plus a walk of that range; ls/lsdir jump over each child's subtree after
// its first key, and so do gets/getvs when the rest of the pattern cannot
// match a '/'. When the scope holds no odd key, gets needs no sort and
// copies no name or value (SortedAllPairs), and getvs copies no value
// (GetAllValueViews) and sorts with an integer-keyed comparison. Odd keys (Store::OddLowerBound) are named through
// path.Clean, which moves them; every query also checks the odd keys the
// scope covers, so their cost is per odd key, not per store key.
#ifndef CONFWATCH_STORE_VIEW_H_
#define CONFWATCH_STORE_VIEW_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/store.h"

namespace confwatch {

class ViewScope {
 public:
  // `prefix`: the resource's key prefix exactly as confd's t.Prefix (after
  // any global prefix was applied); "/" for none.
  // `declared`: the resource's keys in store space, as confd queries them:
  // path.Join(prefix, key) ("/app" + "/db" -> "/app/db"; "/app" + "/" ->
  // "/app").
  // Never fails today (every declared key has a name under confd's rule);
  // the Status is kept for callers to handle future validation.
  static absl::StatusOr<ViewScope> Create(std::string_view prefix,
                                          const std::vector<std::string>& declared);

  // True when the store key is visible through this scope.
  bool Covers(std::string_view store_key) const;
  // The view name of a store key: path.Join("/", TrimPrefix(key, prefix)).
  std::string ToViewName(std::string_view store_key) const;

  const std::string& prefix() const { return prefix_; }

  // Covered store keys as sorted, disjoint half-open ranges [first, second);
  // second == "" means unbounded.
  using Ranges = std::vector<std::pair<std::string, std::string>>;
  const Ranges& ranges() const { return covered_; }

 private:
  friend class StoreView;
  ViewScope() = default;

  // Whether a covered key in regular_ is named by plain prefix replacement
  // (RegularName) -- true for every clean absolute key there.
  bool IsRegular(std::string_view store_key) const;
  // The name of a regular key, without path.Clean: always a suffix of
  // store_key (the prefix replaced by "/" is the key from the prefix's last
  // '/' on), so naming a key never allocates.
  std::string_view RegularName(std::string_view store_key) const;
  // First store key of the regular keys whose names start with
  // `name_prefix`; false when no regular name can.
  bool RegularStart(std::string_view name_prefix, std::string* store_key) const;
  // The regular store key named `name`; false when none can be.
  bool RegularKey(std::string_view name, std::string* store_key) const;

  std::string prefix_;
  bool slash_prefix_ = false;  // prefix ends with '/': names are "/" + rest
  Ranges covered_;  // everything visible
  Ranges regular_;  // covered keys that start with the prefix at a boundary
  Ranges other_;    // covered_ minus regular_: always named via path.Clean
  std::vector<std::string> declared_names_;  // the keys as the template names them
};

class StoreView {
 public:
  StoreView(const Store& store, const ViewScope& scope)
      : store_(&store), scope_(&scope) {}

  // confd `get`. NotFound "key does not exist: <key>"; when the key is in
  // the store but outside the resource's keys (the usual cause: a key
  // missing from `keys`), the message adds " (not under this resource's
  // keys [/db /cache])".
  absl::StatusOr<KVPair> Get(std::string_view key) const;
  // The hint Get adds to "key does not exist"; "" when it does not apply.
  std::string OutsideKeysHint(std::string_view key) const;
  // confd `gets`. InvalidArgument "syntax error in pattern" (see above).
  absl::StatusOr<std::vector<KVPair>> GetAll(std::string_view pattern) const;
  // The same pairs without copying them: fn(name, value) for each, in
  // GetAll's order; the views are valid during the call only. What the
  // `gets` function uses to put all names and values in one buffer.
  absl::Status ForEachMatch(std::string_view pattern,
                            absl::FunctionRef<void(std::string_view, std::string_view)> fn) const;
  // confd `getv`; `default_value` may be null (no default).
  absl::StatusOr<std::string> GetValue(std::string_view key,
                                       const std::string* default_value = nullptr) const;
  // confd `getvs`: values sorted as strings.
  absl::StatusOr<std::vector<std::string>> GetAllValues(std::string_view pattern) const;
  // The same values without copying them: views into the Store's values,
  // valid until the Store is next modified. What the `getvs` function uses.
  absl::StatusOr<std::vector<std::string_view>> GetAllValueViews(std::string_view pattern) const;
  // confd `getvs` as a shared, immutable answer in the form `make` builds
  // (values_cache.h), errors as GetAllValues. The answer for a scope and
  // pattern asked for again comes from the Store's ValuesCache, kept current
  // through the Store's change log instead of recomputed (when every visible
  // key is regular, as nearly always), and is shared, not copied. Valid
  // until the Store is next modified, or longer when `make`'s form owns its
  // bytes (values_cache.h). What the `getvs` function uses.
  absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> SortedAllValues(
      std::string_view pattern, ValuesCache::MakeValues make) const;
  // confd `gets` in the same way: the matching names and values as views
  // into the Store's records, sorted by name, in the form `make` builds;
  // cached, kept current and shared as SortedAllValues' answers are (in
  // their own entries), with the same lifetime. Errors as GetAll. Null when
  // the scope holds an odd key (then names are not all views into the
  // Store: use ForEachMatch). What the `gets` function uses.
  absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> SortedAllPairs(
      std::string_view pattern, ValuesCache::MakePairs make) const;
  // confd `ls`.
  std::vector<std::string> List(std::string_view path) const;
  // confd `lsdir`.
  std::vector<std::string> ListDir(std::string_view path) const;
  // confd `exists`.
  bool Exists(std::string_view key) const;

  // Every visible pair in name order (tests, debug logging).
  std::vector<KVPair> All() const;

 private:
  // Calls fn(name, value) for each visible key whose name starts with
  // `name_prefix`: first the regular keys in name order (fn returns "" to go
  // on, or a name to jump to, skipping a subtree it has already decided),
  // then the odd ones in no useful order (the jump is ignored).
  template <typename Fn>
  void Scan(std::string_view name_prefix, Fn&& fn) const;
  template <typename Fn>
  void ScanRegular(std::string_view name_prefix, Fn&& fn) const;
  template <typename Fn>
  void ScanOdd(std::string_view name_prefix, Fn&& fn) const;
  // A visible key's name and a pointer to its value in the Store.
  struct Named {
    std::string name;
    std::string_view value;  // into the Store
  };
  // Scan, collected sorted by name, one per name.
  template <typename Keep>
  std::vector<Named> Collect(std::string_view name_prefix, Keep&& keep) const;
  // The fast path of gets/getvs: when AllRegular(), calls fn(name, value)
  // for each name that matches the (valid) pattern, in name order; names
  // are unique. Skips subtrees the pattern cannot match.
  template <typename Fn>
  void ScanMatching(std::string_view pattern, Fn&& fn) const;
  // The cache key of SortedAllValues' (kind "v") or SortedAllPairs' (kind
  // "p") answer: everything it depends on.
  std::string ValuesCacheKey(std::string_view kind, std::string_view pattern) const;
  // The view's name of a regular store key, viewing its bytes.
  std::string_view NameOf(std::string_view key) const { return scope_->RegularName(key); }
  // What a change of `key` means for the answer to `pattern`.
  ValuesCache::KeyRole ValuesRole(std::string_view pattern, std::string_view key) const;
  // True when no key is visible.
  bool Empty() const;
  // True when every visible key is regular and no two share a name (no odd
  // key in the scope): names then come in key order, from ScanRegular alone.
  bool AllRegular() const;
  // When `name` is below base/<element>/, the name just past that subtree;
  // otherwise "". Every clean name of such a subtree lists alike.
  static std::string SubtreeEnd(std::string_view base, std::string_view name);

  const Store* store_;
  const ViewScope* scope_;
};

}  // namespace confwatch

#endif  // CONFWATCH_STORE_VIEW_H_
