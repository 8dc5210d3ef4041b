// See etcd_key_source.h.
#include "daemon/etcd_key_source.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "daemon/log_absl.h"
#include "spdlog/spdlog.h"

namespace confwatch {
namespace {

// How often Read starts over when etcd compacts the revision it is reading at.
constexpr int kReadAttempts = 3;

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
    last = absl::OkStatus();
    for (const std::string& prefix : prefixes) {
      absl::StatusOr<Snapshot> snap = client_->RangePrefix(prefix, out.revision);
      if (!snap.ok()) {
        last = snap.status();
        break;
      }
      out.revision = snap->revision;
      out.kvs.reserve(out.kvs.size() + snap->kvs.size());
      for (KeyValue& kv : snap->kvs) out.kvs.push_back({std::move(kv.key), std::move(kv.value)});
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

absl::Status EtcdKeySource::Follow(const std::vector<std::string>& prefixes, int64_t revision,
                                   ChangeSink* sink) {
  StopFollowing();
  sink_ = sink;
  stopping_ = false;
  watcher_ = client_->Watch(this);
  for (const std::string& prefix : prefixes) {
    if (absl::Status s = watcher_->Add(prefix, revision + 1); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void EtcdKeySource::StopFollowing() {
  stopping_ = true;  // ends a resync retry loop on the watch thread
  watcher_.reset();
  stopping_ = false;  // joins the watch thread: no callback after this
  sink_ = nullptr;
}

void EtcdKeySource::OnEvents(const std::string& prefix, int64_t revision,
                             std::vector<Event> events) {
  std::vector<KeyChange> changes;
  changes.reserve(events.size());
  for (Event& e : events) {
    const bool deleted = e.type == Event::Type::kDelete;
    changes.push_back(KeyChange{std::move(e.kv.key), deleted ? "" : std::move(e.kv.value), deleted});
  }
  sink_->OnChanges(std::move(changes), revision);
}

void EtcdKeySource::OnCompacted(const std::string& prefix, int64_t compact_revision) {
  spdlog::warn("etcd compacted revision {} that the watch of {} still needed; reading it again",
               compact_revision, prefix.empty() ? "every key" : prefix);
  ReadAgain(prefix, 0);
}

void EtcdKeySource::OnBehind(const std::string& prefix, int64_t etcd_revision,
                             int64_t seen_revision) {
  spdlog::debug("etcd answered the watch of {} at revision {}, below revision {} already seen; "
               "reading it again",
               prefix.empty() ? "every key" : prefix, etcd_revision, seen_revision);
  ReadAgain(prefix, seen_revision);
}

void EtcdKeySource::ReadAgain(const std::string& prefix, int64_t seen_revision) {
  // The watch is gone; read the prefix afresh and follow it from there. This
  // runs on the watch thread: other prefixes wait, which is what we want
  // while the store is being brought back in line.
  absl::Duration backoff = absl::Milliseconds(200);
  while (!stopping_) {
    absl::StatusOr<Snapshot> snap = client_->RangePrefix(prefix);
    if (snap.ok()) {
      // A linearizable read below what we saw is another history, not a
      // member that lagged: etcd restored from an older backup, or a new
      // cluster. Our revision means nothing there; its keys are the truth.
      if (snap->revision < seen_revision) {
        spdlog::warn("etcd is at revision {}, lower than revision {} that confwatch already saw "
                     "(restored from an older backup, or a new cluster); resynchronising {}",
                     snap->revision, seen_revision, prefix.empty() ? "every key" : prefix);
      }
      SourceSnapshot s;
      s.revision = snap->revision;
      s.kvs.reserve(snap->kvs.size());
      for (KeyValue& kv : snap->kvs) s.kvs.push_back({std::move(kv.key), std::move(kv.value)});
      sink_->OnResync(prefix, std::move(s));
      if (absl::Status a = watcher_->Add(prefix, snap->revision + 1); !a.ok()) {
        spdlog::error("watch {}: {}", prefix, a.message());
      }
      return;
    }
    spdlog::warn("re-reading {}: {}; retrying", prefix, snap.status().message());
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(10));
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
