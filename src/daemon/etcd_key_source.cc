// See etcd_key_source.h.
#include "daemon/etcd_key_source.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/logging.h"

namespace confwatch {
namespace {

// How often Read starts over when etcd compacts the revision it is reading at.
constexpr int kReadAttempts = 3;

// Key range ends compare as keys, except etcd's "\0" = to the end of the keyspace.
bool EndBefore(const std::string& a, const std::string& b) {
  const std::string kToEnd(1, '\0');
  if (a == kToEnd) return false;
  if (b == kToEnd) return true;
  return a < b;
}

// The last of `sorted` that `key` starts with (they are disjoint), if any.
const std::string* PrefixOf(const std::vector<std::string>& sorted, const std::string& key) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), key);
  if (it == sorted.begin() || !absl::StartsWith(key, *std::prev(it))) return nullptr;
  return &*std::prev(it);
}

// Packs each key and value of a Range page into records as it is decoded:
// the keys are never held twice, nor as strings (the revisions are not kept).
class RecordsSink : public RangeSink {
 public:
  explicit RecordsSink(KvRecords* records) : records_(records) {}
  void Add(const KeyValueView& kv) override { records_->Append(kv.key, kv.value); }
  size_t size() const override { return records_->size(); }
  void Truncate(size_t n) override { records_->Truncate(n); }

 private:
  KvRecords* records_;
};

}  // namespace

EtcdKeySource::EtcdKeySource(std::unique_ptr<EtcdClient> client) : client_(std::move(client)) {}

EtcdKeySource::~EtcdKeySource() { StopFollowing(); }

std::string EtcdKeySource::Describe() const {
  std::vector<std::string> names;
  for (const Endpoint& e : client_->endpoints()) names.push_back(e.address);
  return absl::StrCat("etcd ", absl::StrJoin(names, ","));
}

absl::StatusOr<SourceSnapshot> EtcdKeySource::Read(const std::vector<std::string>& prefixes) {
  absl::Status last;
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    SourceSnapshot out;
    RecordsSink sink(&out.records);
    last = absl::OkStatus();
    for (const std::string& prefix : prefixes) {
      absl::StatusOr<int64_t> revision = client_->RangePrefixInto(prefix, out.revision, &sink);
      if (!revision.ok()) {
        last = revision.status();
        break;
      }
      out.revision = *revision;
    }
    if (last.ok()) {
      if (prefixes.empty()) {
        // Nothing declared: still learn the current revision for the watch.
        absl::StatusOr<MemberStatus> st = client_->Status();
        if (!st.ok()) return st.status();
        out.revision = st->revision;
      }
      return out;
    }
    // Compacted between two prefixes: start over at a newer revision.
    if (last.code() != absl::StatusCode::kOutOfRange) return last;
  }
  return last;
}

std::vector<EtcdKeySource::Group> EtcdKeySource::CoveringGroups(
    const std::vector<std::string>& prefixes, const std::vector<PrefixGroup>& together) {
  std::vector<Group> ranges;
  for (const PrefixGroup& g : together) {
    if (g.prefixes.size() < 2) continue;
    KeyRange r{g.prefixes.front(), PrefixRange(g.prefixes.back()).range_end};
    ranges.push_back(Group{g.label, {}, std::move(r)});
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Group& a, const Group& b) { return a.range.key < b.range.key; });
  // Overlapping ranges become one watch: a key must arrive through one only.
  std::vector<Group> merged;
  for (Group& g : ranges) {
    if (!merged.empty() && EndBefore(g.range.key, merged.back().range.range_end)) {
      Group& last = merged.back();
      last.label = absl::StrCat(last.label, ", ", g.label);
      if (EndBefore(last.range.range_end, g.range.range_end)) last.range.range_end = g.range.range_end;
      continue;
    }
    merged.push_back(std::move(g));
  }
  // The prefixes are disjoint, so each lies wholly inside a range or outside.
  for (Group& g : merged) {
    for (const std::string& p : prefixes) {
      if (p >= g.range.key && EndBefore(p, g.range.range_end)) g.prefixes.push_back(p);
    }
  }
  return merged;
}

absl::Status EtcdKeySource::Follow(const std::vector<std::string>& prefixes,
                                   const std::vector<PrefixGroup>& together, int64_t revision,
                                   ChangeSink* sink) {
  StopFollowing();
  sink_ = sink;
  stopping_ = false;
  groups_.clear();
  absl::flat_hash_set<std::string> grouped;
  for (Group& g : CoveringGroups(prefixes, together)) {
    for (const std::string& p : g.prefixes) grouped.insert(p);
    std::string name = g.prefixes.front();
    groups_.emplace(std::move(name), std::move(g));
  }
  // What to watch, decided before the watch thread starts: from then on it
  // owns groups_ (a refused covering watch changes it).
  std::vector<std::pair<std::string, std::optional<KeyRange>>> watches;
  for (const std::string& prefix : prefixes) {
    auto g = groups_.find(prefix);
    if (g != groups_.end()) {
      watches.emplace_back(prefix, g->second.range);
    } else if (!grouped.contains(prefix)) {
      watches.emplace_back(prefix, std::nullopt);
    }  // else inside a group's watch, which is named by its first prefix
  }
  watcher_ = client_->Watch(this);
  for (auto& [name, range] : watches) {
    absl::Status s = range ? watcher_->AddRange(name, *std::move(range), revision + 1)
                           : watcher_->Add(name, revision + 1);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// Watch thread only (it reads groups_).
absl::Status EtcdKeySource::Watch(const std::string& name, int64_t start_revision) {
  auto g = groups_.find(name);
  if (g == groups_.end()) return watcher_->Add(name, start_revision);
  return watcher_->AddRange(name, g->second.range, start_revision);
}

void EtcdKeySource::StopFollowing() {
  stopping_ = true;  // ends a resync retry loop on the watch thread
  // The watch thread reads watcher_ (a resync re-adds its watch): join it
  // before the pointer changes, not by destroying what it points to.
  if (watcher_ != nullptr) watcher_->Stop();
  watcher_.reset();
  stopping_ = false;  // no callback after this
  sink_ = nullptr;
}

void EtcdKeySource::OnEvents(const std::string& prefix, int64_t revision,
                             std::vector<Event> events) {
  std::vector<KeyChange> changes;
  changes.reserve(events.size());
  auto g = groups_.find(prefix);
  const std::vector<std::string>* only = g == groups_.end() ? nullptr : &g->second.prefixes;
  for (Event& e : events) {
    // A covering watch also sees the keys between its prefixes.
    if (only != nullptr && PrefixOf(*only, e.kv.key) == nullptr) continue;
    const bool deleted = e.type == Event::Type::kDelete;
    changes.push_back(KeyChange{std::move(e.kv.key), deleted ? "" : std::move(e.kv.value), deleted});
  }
  if (changes.empty()) return;
  sink_->OnChanges(std::move(changes), revision);
}

void EtcdKeySource::OnCompacted(const std::string& prefix, int64_t compact_revision) {
  LogWarning(absl::StrCat("etcd compacted revision ", compact_revision, " that the watch of ",
                          prefix.empty() ? "every key" : prefix,
                          " still needed; reading it again"));
  ReadAgain(prefix, 0);
}

void EtcdKeySource::OnBehind(const std::string& prefix, int64_t etcd_revision,
                             int64_t seen_revision) {
  LogDebug(absl::StrCat("etcd answered the watch of ", prefix.empty() ? "every key" : prefix,
                        " at revision ", etcd_revision, ", below revision ", seen_revision,
                        " already seen; reading it again"));
  ReadAgain(prefix, seen_revision);
}

void EtcdKeySource::ReadAgain(const std::string& name, int64_t seen_revision) {
  // The watch is gone; read its prefixes afresh (together, at one revision)
  // and follow from there. This runs on the watch thread: other prefixes
  // wait, which is what we want while the store is being brought back in line.
  auto g = groups_.find(name);
  const std::vector<std::string> prefixes =
      g == groups_.end() ? std::vector<std::string>{name} : g->second.prefixes;
  const std::string what = name.empty() ? "every key" : absl::StrJoin(prefixes, ", ");
  absl::Duration backoff = absl::Milliseconds(200);
  while (!stopping_) {
    absl::StatusOr<SourceSnapshot> snap = Read(prefixes);
    if (snap.ok()) {
      // A linearizable read below what we saw is another history, not a
      // member that lagged: etcd restored from an older backup, or a new
      // cluster. Our revision means nothing there; its keys are the truth.
      if (snap->revision < seen_revision) {
        LogWarning(absl::StrCat("etcd is at revision ", snap->revision, ", lower than revision ",
                                seen_revision,
                                " that confwatch already saw (restored from an older backup, or a "
                                "new cluster); resynchronising ",
                                what));
      }
      const int64_t revision = snap->revision;
      sink_->OnResync(prefixes, *std::move(snap));
      if (absl::Status a = Watch(name, revision + 1); !a.ok()) {
        LogError(absl::StrCat("watch ", what, ": ", a.message()));
      }
      return;
    }
    LogWarning(absl::StrCat("re-reading ", what, ": ", snap.status().message(), "; retrying"));
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(10));
  }
}

void EtcdKeySource::OnWatchRefused(const std::string& prefix, const absl::Status& status,
                                   int64_t next_revision) {
  auto g = groups_.find(prefix);
  if (g == groups_.end() || status.code() != absl::StatusCode::kPermissionDenied) {
    OnWatchError(prefix, status);
    return;
  }
  // Reading the prefixes is allowed (Read did), the keys between them are
  // not: watch each prefix alone, from where the covering watch stood.
  Group group = std::move(g->second);
  groups_.erase(g);
  if (warned_.insert(group.label).second) {
    LogWarning(absl::StrCat(
        group.label, ": etcd refused one watch over the keys from ", group.range.key, " up to ",
        group.range.range_end, " (permission denied); watching ",
        absl::StrJoin(group.prefixes, ", "),
        " separately, so a transaction that writes under more than one of them may reach ",
        group.label, " in two renders (grant read access to that range for one consistent watch)"));
  }
  for (const std::string& p : group.prefixes) {
    if (absl::Status a = watcher_->Add(p, next_revision); !a.ok()) {
      LogError(absl::StrCat("watch ", p, ": ", a.message()));
    }
  }
}

void EtcdKeySource::OnWatchError(const std::string& prefix, const absl::Status& status) {
  // The connection is fine; only this prefix's watch is gone.
  sink_->OnWatchFailed(prefix, status);
}

void EtcdKeySource::OnConnectionState(bool connected, const std::string& endpoint,
                                      const absl::Status& status) {
  // A lost connection's status already names the endpoint ("etcd <addr>: ...").
  sink_->OnSourceState(connected, connected ? absl::StrCat(Describe(), ": watching through ", endpoint)
                                            : std::string(status.message()));
}

}  // namespace confwatch
