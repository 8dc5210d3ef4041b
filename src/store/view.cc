// See view.h for the rules; this file only makes them cheap: a query becomes
// a range of store keys walked with lower_bound, a listing jumps over each
// child's subtree once its first key has decided the answer, and the few odd
// keys whose names path.Clean moves are checked one by one.
#include "store/view.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "golang/path_match.h"
#include "golang/path.h"

namespace confwatch {
namespace {

using Ranges = ViewScope::Ranges;

std::string_view StripTrailingSlashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Ranges use "" as the unbounded end.
bool Below(std::string_view key, std::string_view end) { return end.empty() || key < end; }
std::string_view MinEnd(std::string_view a, std::string_view b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return std::min(a, b);
}

// Sorts and merges overlapping or touching ranges.
Ranges Normalize(Ranges in) {
  std::sort(in.begin(), in.end());
  Ranges out;
  for (auto& r : in) {
    if (!out.empty() && (out.back().second.empty() || r.first <= out.back().second)) {
      if (!out.back().second.empty() && (r.second.empty() || r.second > out.back().second)) {
        out.back().second = r.second;
      }
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

Ranges Intersect(const Ranges& a, const Ranges& b) {
  Ranges out;
  for (const auto& x : a) {
    for (const auto& y : b) {
      std::string lo = std::max(x.first, y.first);
      std::string hi(MinEnd(x.second, y.second));
      if (Below(lo, hi)) out.emplace_back(std::move(lo), std::move(hi));
    }
  }
  return Normalize(std::move(out));
}

// a minus b.
Ranges Subtract(const Ranges& a, const Ranges& b) {
  Ranges out;
  for (auto x : a) {
    bool gone = false;
    for (const auto& y : b) {  // b is sorted: cut pieces off x from the left
      if (!Below(y.first, x.second) || !Below(x.first, y.second)) continue;
      if (x.first < y.first) out.emplace_back(x.first, y.first);
      if (y.second.empty()) {
        gone = true;
        break;
      }
      x.first = std::max(x.first, y.second);
      if (!Below(x.first, x.second)) {
        gone = true;
        break;
      }
    }
    if (!gone) out.push_back(std::move(x));
  }
  return Normalize(std::move(out));
}

// The store keys `d` covers: d itself and [d/, d0) ('0' follows '/').
void AddSubtree(std::string_view d, Ranges* out) {
  if (d.empty()) {
    out->emplace_back("", "");  // everything
    return;
  }
  std::string self(d);
  out->emplace_back(self, self + '\0');
  out->emplace_back(self + '/', self + '0');
}

bool InRanges(const Ranges& ranges, std::string_view key) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), key,
                             [](std::string_view k, const auto& r) { return k < r.first; });
  return it != ranges.begin() && Below(key, std::prev(it)->second);
}

// memkv's samePrefixTerms(pathToTerms(a), pathToTerms(b)) without building
// the term lists: for clean paths, the '/'-split of `a` is a prefix of the
// split of `b` exactly when b == a or b starts with a + "/" (this holds for
// "/" and "." too).
bool SamePrefixTerms(std::string_view clean_a, std::string_view clean_b) {
  return StartsWith(clean_b, clean_a) &&
         (clean_b.size() == clean_a.size() || clean_b[clean_a.size()] == '/');
}

// path.Dir of a name; names are clean absolute paths, so no cleaning and no
// allocation is needed.
std::string_view CleanDir(std::string_view clean_name) {
  const size_t slash = clean_name.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? clean_name.substr(0, 1) : clean_name.substr(0, slash);
}

// The first 8 bytes from `offset` on as a big-endian number, zero-padded:
// comparing two of these orders the strings as memcmp would on those bytes.
uint64_t Head(std::string_view s, size_t offset) {
  unsigned char bytes[8] = {0};
  if (offset < s.size()) std::memcpy(bytes, s.data() + offset, std::min<size_t>(8, s.size() - offset));
  uint64_t h = 0;
  for (unsigned char b : bytes) h = (h << 8) | b;  // compilers turn this into a bswap
  return h;
}

// Go's sort.Strings (bytewise order) for many strings: each carries its
// first 16 bytes as two integers, so most comparisons are integer compares
// (equal heads mean equal bytes up to the shorter string's end or 16; the
// rest, and the length, then decide). Already sorted input (values that
// grow with their keys) costs one pass. An entry names its string by index
// (24 bytes, not 32 with the view: at a million values of a getvs that
// temporary array was the peak); *v is then rewritten in that order.
void SortBytewise(std::vector<std::string_view>* v) {
  if (std::is_sorted(v->begin(), v->end())) return;
  if (v->size() >= std::numeric_limits<uint32_t>::max()) {
    std::sort(v->begin(), v->end());
    return;
  }
  struct Entry {
    uint64_t head0, head1;
    uint32_t index;
  };
  std::vector<Entry> entries;
  entries.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    entries.push_back({Head((*v)[i], 0), Head((*v)[i], 8), static_cast<uint32_t>(i)});
  }
  const std::vector<std::string_view>& strings = *v;
  std::sort(entries.begin(), entries.end(), [&strings](const Entry& a, const Entry& b) {
    if (a.head0 != b.head0) return a.head0 < b.head0;
    if (a.head1 != b.head1) return a.head1 < b.head1;
    const std::string_view sa = strings[a.index], sb = strings[b.index];
    const size_t same = std::min({size_t{16}, sa.size(), sb.size()});
    return sa.substr(same) < sb.substr(same);
  });
  // Position i takes the string at entries[i].index. Following the
  // permutation's cycles in place made each step wait for the miss before
  // it (150 ms for a million values); gathering in position order lets the
  // reads overlap. The sorted views are gathered into the entries' own
  // storage, front to back, then copied over *v: view i fills bytes
  // [16i, 16i + 16), which end at or before entry i's index (at byte
  // 24i + 16), so no index is overwritten before it is read, and no extra
  // memory is needed.
  static_assert(std::is_trivially_copyable_v<Entry> &&
                std::is_trivially_copyable_v<std::string_view>);
  static_assert(offsetof(Entry, index) >= sizeof(std::string_view));
  unsigned char* gathered = reinterpret_cast<unsigned char*>(entries.data());
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint32_t from = entries[i].index;
    std::memcpy(gathered + i * sizeof(std::string_view), &(*v)[from], sizeof(std::string_view));
  }
  std::memcpy(static_cast<void*>(v->data()), gathered, v->size() * sizeof(std::string_view));
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

absl::StatusOr<ViewScope> ViewScope::Create(std::string_view prefix,
                                            const std::vector<std::string>& declared) {
  ViewScope scope;
  scope.prefix_ = std::string(prefix);
  scope.slash_prefix_ = !prefix.empty() && prefix.back() == '/';
  Ranges covered;
  for (const std::string& d : declared) {
    std::string_view trimmed = StripTrailingSlashes(d);
    if (trimmed.empty() && !d.empty()) {
      // "/" is the root of the absolute keys only, as confd's etcd read of
      // "/" WithPrefix: OpenIM-style "openim:///..." keys are not below it.
      covered.emplace_back("/", "0");
    } else {
      AddSubtree(trimmed, &covered);
    }
  }
  scope.covered_ = Normalize(std::move(covered));
  for (const std::string& d : declared) scope.declared_names_.push_back(scope.ToViewName(d));
  // Where clean keys are named by replacing the prefix: below a prefix that
  // ends in '/', or the prefix itself and its subtree.
  Ranges regular_region;
  if (scope.slash_prefix_) {
    regular_region.emplace_back(scope.prefix_, PrefixRangeEnd(scope.prefix_));
  } else {
    AddSubtree(scope.prefix_, &regular_region);
    if (scope.prefix_.empty()) regular_region = {{"", std::string(1, '\0')}, {"/", "0"}};
  }
  scope.regular_ = Intersect(scope.covered_, Normalize(std::move(regular_region)));
  scope.other_ = Subtract(scope.covered_, scope.regular_);
  return scope;
}

bool ViewScope::Covers(std::string_view store_key) const {
  return InRanges(covered_, store_key);
}

std::string ViewScope::ToViewName(std::string_view store_key) const {
  std::string_view rest = store_key;
  if (StartsWith(rest, prefix_)) rest.remove_prefix(prefix_.size());
  return GoPathJoin({"/", rest});
}

bool ViewScope::IsRegular(std::string_view store_key) const {
  std::string_view rest = store_key.substr(prefix_.size());
  if (rest.empty()) return true;
  if (!slash_prefix_) return IsCleanAbsolutePath(rest);
  // "/" + rest must be clean; it is the key from the prefix's final '/' on.
  return rest[0] != '/' && IsCleanAbsolutePath(RegularName(store_key));
}

std::string_view ViewScope::RegularName(std::string_view store_key) const {
  if (slash_prefix_) return store_key.substr(prefix_.size() - 1);  // "/" + rest
  std::string_view rest = store_key.substr(prefix_.size());
  return rest.empty() ? "/" : rest;
}

bool ViewScope::RegularStart(std::string_view name_prefix, std::string* store_key) const {
  if (name_prefix.empty() || (!slash_prefix_ && name_prefix == "/")) {
    *store_key = prefix_;
    return true;
  }
  if (name_prefix[0] != '/') return false;  // every name starts with '/'
  *store_key = prefix_;
  store_key->append(name_prefix.substr(slash_prefix_ ? 1 : 0));
  return true;
}

bool ViewScope::RegularKey(std::string_view name, std::string* store_key) const {
  if (name.empty() || name[0] != '/') return false;
  *store_key = prefix_;
  store_key->append(name.substr(slash_prefix_ ? 1 : 0));
  return InRanges(regular_, *store_key) && IsRegular(*store_key);
}

template <typename Fn>
void StoreView::ScanRegular(std::string_view name_prefix, Fn&& fn) const {
  std::string lo;
  if (!scope_->RegularStart(name_prefix, &lo)) return;
  const std::string hi = PrefixRangeEnd(lo);
  std::string cursor = lo;  // a jump may cross several scope ranges
  // Only odd store keys can be irregular; nearly always there are none.
  const bool check_regular = store_->odd_size() > 0;
  for (const auto& [range_lo, range_hi] : scope_->regular_) {
    if (!Below(range_lo, hi)) break;
    if (!Below(cursor, range_hi)) continue;
    const std::string_view end = MinEnd(range_hi, hi);
    auto it = store_->LowerBound(std::max<std::string_view>(cursor, range_lo));
    while (it != store_->end() && Below(it->first, end)) {
      if (check_regular && !scope_->IsRegular(it->first)) {  // ScanOdd names it
        ++it;
        continue;
      }
      std::string jump = fn(scope_->RegularName(it->first), it->second);
      if (jump.empty() || !scope_->RegularStart(jump, &cursor)) {
        ++it;
      } else {
        it = store_->LowerBound(cursor);
      }
    }
  }
}

template <typename Fn>
void StoreView::ScanOdd(std::string_view name_prefix, Fn&& fn) const {
  auto visit = [&](std::string_view key, std::string_view value) {
    const std::string name = scope_->ToViewName(key);
    if (StartsWith(name, name_prefix)) fn(std::string_view(name), value);
  };
  if (store_->odd_size() > 0) {
    for (const auto& [lo, hi] : scope_->regular_) {
      for (auto it = store_->OddLowerBound(lo); it != store_->odd_end() && Below(*it, hi); ++it) {
        if (!scope_->IsRegular(*it)) visit(*it, *store_->Find(*it));
      }
    }
  }
  for (const auto& [lo, hi] : scope_->other_) {
    for (auto it = store_->LowerBound(lo); it != store_->end() && Below(it->first, hi); ++it) {
      visit(it->first, it->second);
    }
  }
}

template <typename Fn>
void StoreView::Scan(std::string_view name_prefix, Fn&& fn) const {
  ScanRegular(name_prefix, fn);
  ScanOdd(name_prefix, fn);
}

template <typename Keep>
std::vector<StoreView::Named> StoreView::Collect(std::string_view name_prefix,
                                                 Keep&& keep) const {
  std::vector<Named> out;
  ScanRegular(name_prefix, [&](std::string_view name, std::string_view value) {
    if (keep(name)) out.push_back({std::string(name), value});
    return std::string();
  });
  const size_t regular = out.size();  // already in name order
  ScanOdd(name_prefix, [&](std::string_view name, std::string_view value) {
    if (keep(name)) out.push_back({std::string(name), value});
    return std::string();
  });
  // One pair per name, the regular one first (stable sort keeps scan order).
  // Regular names can repeat too: "/" is both the prefix and prefix + "/".
  if (out.size() != regular) {
    std::stable_sort(out.begin(), out.end(),
                     [](const Named& a, const Named& b) { return a.name < b.name; });
  }
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Named& a, const Named& b) { return a.name == b.name; }),
            out.end());
  return out;
}

template <typename Fn>
void StoreView::ScanMatching(std::string_view pattern, Fn&& fn) const {
  // Every match starts with the literal prefix, and the scan only yields
  // names that do: matching the pattern's rest against the name's rest is
  // path.Match's answer for a valid pattern (its first chunk just compares
  // those bytes).
  const std::string_view literal = GlobLiteralPrefix(pattern);
  const std::string_view rest = pattern.substr(literal.size());
  // '*' and '?' never match '/': without a '/' (or a class or an escape
  // that could be one) in the rest, a name with a '/' after the literal
  // cannot match, nor can anything below it.
  const bool single_element = rest.find_first_of("/[\\") == std::string_view::npos;
  // "/svc/*": once the tail has no '/', it matches.
  const bool any_element = single_element && rest.find_first_not_of('*') == std::string_view::npos &&
                           !rest.empty();
  ScanRegular(literal, [&](std::string_view name, std::string_view value) {
    if (!StartsWith(name, literal)) return std::string();
    const std::string_view tail = name.substr(literal.size());
    if (single_element) {
      if (const size_t slash = tail.find('/'); slash != std::string_view::npos) {
        return PrefixRangeEnd(name.substr(0, literal.size() + slash + 1));
      }
    }
    if (any_element || GoPathMatch(rest, tail).value_or(false)) fn(name, value);
    return std::string();
  });
}

absl::StatusOr<KVPair> StoreView::Get(std::string_view key) const {
  std::string store_key;
  // Without a trailing '/' on the prefix, "/" names both the prefix itself
  // (preferred, it sorts first) and prefix + "/".
  if (key == "/" && !scope_->slash_prefix_ && InRanges(scope_->regular_, scope_->prefix_)) {
    if (auto value = store_->Find(scope_->prefix_)) return KVPair{"/", std::string(*value)};
  }
  if (scope_->RegularKey(key, &store_key)) {
    if (auto value = store_->Find(store_key)) return KVPair{std::string(key), std::string(*value)};
  }
  std::optional<std::string_view> found;
  ScanOdd(key, [&](std::string_view name, std::string_view value) {
    if (!found && name == key) found = value;
  });
  if (found) return KVPair{std::string(key), std::string(*found)};
  return absl::NotFoundError(absl::StrCat("key does not exist: ", std::string(key), OutsideKeysHint(key)));
}

std::string StoreView::OutsideKeysHint(std::string_view key) const {
  const std::string store_key = GoPathJoin({scope_->prefix_, key});
  if (!store_->Find(store_key) || scope_->Covers(store_key)) return "";
  return absl::StrCat(" (not under this resource's keys [",
                      absl::StrJoin(scope_->declared_names_, " "), "])");
}

bool StoreView::Exists(std::string_view key) const { return Get(key).ok(); }

absl::StatusOr<std::string> StoreView::GetValue(std::string_view key,
                                                const std::string* default_value) const {
  absl::StatusOr<KVPair> kv = Get(key);
  if (kv.ok()) return std::move(kv->value);
  if (default_value != nullptr) return *default_value;
  return kv.status();
}

bool StoreView::AllRegular() const {
  for (const auto& [lo, hi] : scope_->other_) {
    auto it = store_->LowerBound(lo);
    if (it != store_->end() && Below(it->first, hi)) return false;
  }
  if (store_->odd_size() == 0) return true;
  // An odd key can be irregular, or share its name with a regular one.
  for (const auto& [lo, hi] : scope_->regular_) {
    auto it = store_->OddLowerBound(lo);
    if (it != store_->odd_end() && Below(*it, hi)) return false;
  }
  return true;
}

bool StoreView::Empty() const {
  for (const auto& [lo, hi] : scope_->covered_) {
    auto it = store_->LowerBound(lo);
    if (it != store_->end() && Below(it->first, hi)) return false;
  }
  return true;
}

absl::Status StoreView::ForEachMatch(
    std::string_view pattern, absl::FunctionRef<void(std::string_view, std::string_view)> fn) const {
  if (absl::Status valid = ValidateGoPattern(pattern); !valid.ok()) {
    // memkv only notices a bad pattern while matching a key.
    if (Empty()) return absl::OkStatus();
    return valid;
  }
  if (AllRegular()) {  // already in name order, one per name
    ScanMatching(pattern, [&](std::string_view name, std::string_view value) { fn(name, value); });
    return absl::OkStatus();
  }
  for (const Named& n : Collect(GlobLiteralPrefix(pattern), [&](std::string_view name) {
         return GoPathMatch(pattern, name).value_or(false);
       })) {
    fn(n.name, n.value);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<KVPair>> StoreView::GetAll(std::string_view pattern) const {
  std::vector<KVPair> out;
  absl::Status st = ForEachMatch(pattern, [&](std::string_view name, std::string_view value) {
    out.push_back({std::string(name), std::string(value)});
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<std::string_view>> StoreView::GetAllValueViews(
    std::string_view pattern) const {
  std::vector<std::string_view> values;
  if (absl::Status valid = ValidateGoPattern(pattern); !valid.ok()) {
    if (Empty()) return values;  // as GetAll
    return valid;
  }
  if (AllRegular()) {
    // Counted first, then filled: grown by doubling, a million values left
    // 15 MB of freed smaller arrays that the render's larger buffers could
    // not reuse, all resident at the first render's peak.
    size_t count = 0;
    ScanMatching(pattern, [&](std::string_view, std::string_view) { ++count; });
    values.reserve(count);
    ScanMatching(pattern,
                 [&](std::string_view, std::string_view value) { values.push_back(value); });
  } else {
    for (const Named& n : Collect(GlobLiteralPrefix(pattern), [&](std::string_view name) {
           return GoPathMatch(pattern, name).value_or(false);
         })) {
      values.push_back(n.value);
    }
  }
  SortBytewise(&values);
  return values;
}

std::string StoreView::ValuesCacheKey(std::string_view kind, std::string_view pattern) const {
  // Length-prefixed, as keys may hold any byte.
  std::string key;
  auto add = [&key](std::string_view s) {
    key += std::to_string(s.size());
    key += ':';
    key.append(s.data(), s.size());
  };
  add(kind);
  add(pattern);
  add(scope_->prefix_);
  for (const auto& [lo, hi] : scope_->covered_) {
    add(lo);
    add(hi);
  }
  return key;
}

ValuesCache::KeyRole StoreView::ValuesRole(std::string_view pattern, std::string_view key) const {
  if (!scope_->Covers(key)) return ValuesCache::KeyRole::kOutside;
  // A visible key named through path.Clean (odd, or outside the regular
  // ranges) may share its name with another: only a full answer is right.
  if (!IsCleanAbsolutePath(key) || !InRanges(scope_->regular_, key) || !scope_->IsRegular(key)) {
    return ValuesCache::KeyRole::kRebuild;
  }
  return GoPathMatch(pattern, scope_->RegularName(key)).value_or(false)
             ? ValuesCache::KeyRole::kMatching
             : ValuesCache::KeyRole::kOther;
}

absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> StoreView::SortedAllValues(
    std::string_view pattern, ValuesCache::MakeValues make) const {
  ValuesCache* cache = store_->values_cache();
  // The cache only keeps answers whose keys all have names in key order; a
  // bad pattern's error comes from GetAllValueViews.
  if (cache == nullptr || !ValidateGoPattern(pattern).ok() || !AllRegular()) {
    absl::StatusOr<std::vector<std::string_view>> values = GetAllValueViews(pattern);
    if (!values.ok()) return values.status();
    return std::shared_ptr<const ValuesCache::SortedValues>(make(*std::move(values)));
  }
  return cache->Get(
      *store_, ValuesCacheKey("v", pattern), ValuesCache::FormOf(make),
      [&] {
        absl::StatusOr<std::vector<std::string_view>> values = GetAllValueViews(pattern);
        return make(values.ok() ? *std::move(values) : std::vector<std::string_view>());
      },
      [&](std::string_view key) { return ValuesRole(pattern, key); },
      [&](std::string_view key) { return NameOf(key); });
}

absl::StatusOr<std::shared_ptr<const ValuesCache::SortedValues>> StoreView::SortedAllPairs(
    std::string_view pattern, ValuesCache::MakePairs make) const {
  if (absl::Status valid = ValidateGoPattern(pattern); !valid.ok()) {
    // memkv only notices a bad pattern while matching a key.
    if (!Empty()) return valid;
    return std::shared_ptr<const ValuesCache::SortedValues>(make({}));
  }
  if (!AllRegular()) return nullptr;  // names made by path.Clean: not views
  // In name order already, one per name, both views into the records.
  auto build = [&] {
    std::vector<ValuesCache::NamedValue> pairs;
    ScanMatching(pattern, [&](std::string_view name, std::string_view value) {
      pairs.push_back({name, value});
    });
    return make(std::move(pairs));
  };
  ValuesCache* cache = store_->values_cache();
  if (cache == nullptr) return std::shared_ptr<const ValuesCache::SortedValues>(build());
  return cache->Get(
      *store_, ValuesCacheKey("p", pattern), ValuesCache::FormOf(make), build,
      [&](std::string_view key) { return ValuesRole(pattern, key); },
      [&](std::string_view key) { return NameOf(key); });
}

absl::StatusOr<std::vector<std::string>> StoreView::GetAllValues(std::string_view pattern) const {
  absl::StatusOr<std::vector<std::string_view>> views = GetAllValueViews(pattern);
  if (!views.ok()) return views.status();
  return std::vector<std::string>(views->begin(), views->end());
}

std::vector<std::string> StoreView::List(std::string_view path) const {
  std::vector<std::string> out;
  if (Exists(path)) out.push_back(GoPathBase(path));
  const std::string clean = GoPathClean(path);
  if (clean[0] != '/') return out;  // names are absolute; Dir(name) never relative
  // Names whose Dir lies under `clean` start with `base`.
  const std::string base = clean == "/" ? clean : clean + "/";
  Scan(base, [&](std::string_view name, std::string_view) {
    if (name == path) return std::string();  // counted above, as memkv's `continue`
    if (SamePrefixTerms(clean, CleanDir(name))) {
      // memkv: strings.Split(stripKey(key, filePath), "/")[0], on the raw path.
      std::string_view rest = name;
      if (StartsWith(rest, path)) rest.remove_prefix(path.size());
      if (StartsWith(rest, "/")) rest.remove_prefix(1);
      out.emplace_back(rest.substr(0, rest.find('/')));
    }
    return SubtreeEnd(base, name);
  });
  SortUnique(&out);
  return out;
}

std::vector<std::string> StoreView::ListDir(std::string_view path) const {
  std::vector<std::string> out;
  const std::string clean = GoPathClean(path);
  const std::string base = clean + "/";
  // memkv requires the raw path as a string prefix; names with a directory
  // below `clean` also start with `base`: scan the narrower one.
  std::string_view scan = path;
  if (StartsWith(base, path)) scan = base;
  Scan(scan, [&](std::string_view name, std::string_view) {
    // memkv: the element of Dir(name) right after the path's elements.
    const std::string_view dir = CleanDir(name);
    if (SamePrefixTerms(clean, dir) && dir.size() > clean.size()) {
      std::string_view below = dir.substr(clean.size() + 1);
      out.emplace_back(below.substr(0, below.find('/')));
    }
    return SubtreeEnd(base, name);
  });
  SortUnique(&out);
  return out;
}

std::string StoreView::SubtreeEnd(std::string_view base, std::string_view name) {
  if (!StartsWith(name, base)) return "";
  const size_t slash = name.find('/', base.size());
  if (slash == std::string_view::npos || slash == base.size()) return "";
  return PrefixRangeEnd(name.substr(0, slash + 1));
}

std::vector<KVPair> StoreView::All() const {
  std::vector<KVPair> out;
  for (Named& n : Collect("", [](std::string_view) { return true; })) {
    out.push_back({std::move(n.name), std::string(n.value)});
  }
  return out;
}

}  // namespace confwatch
