#include "etcd/watch_set.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace confwatch {
namespace {

Event ToEvent(mvccpb::Event& e) {
  Event out;
  out.type = e.type() == mvccpb::Event::DELETE ? Event::Type::kDelete : Event::Type::kPut;
  mvccpb::KeyValue* kv = e.mutable_kv();
  out.kv.key = std::move(*kv->mutable_key());
  out.kv.value = std::move(*kv->mutable_value());
  out.kv.create_revision = kv->create_revision();
  out.kv.mod_revision = kv->mod_revision();
  out.kv.version = kv->version();
  out.kv.lease = kv->lease();
  return out;
}

}  // namespace

absl::Status WatchSet::Add(const std::string& prefix, int64_t start_revision) {
  return Add(prefix, start_revision, PrefixRange(prefix));
}

absl::Status WatchSet::Add(const std::string& prefix, int64_t start_revision, KeyRange range) {
  auto [it, inserted] = watches_.try_emplace(prefix);
  if (!inserted) {
    return absl::AlreadyExistsError(absl::StrCat("etcd: already watching \"", prefix, "\""));
  }
  it->second.next_revision = std::max<int64_t>(start_revision, 0);
  it->second.order = next_order_++;
  it->second.range = std::move(range);
  return absl::OkStatus();
}

std::optional<int64_t> WatchSet::Remove(const std::string& prefix) {
  auto it = watches_.find(prefix);
  if (it == watches_.end()) return std::nullopt;
  int64_t id = it->second.id;
  watches_.erase(it);
  if (id < 0) return std::nullopt;
  by_id_.erase(id);
  return id;
}

std::optional<WatchSet::Create> WatchSet::NextCreate() {
  if (in_flight_) return std::nullopt;
  const std::pair<const std::string, Watch>* best = nullptr;
  for (const auto& entry : watches_) {
    if (entry.second.id >= 0) continue;
    if (best == nullptr || entry.second.order < best->second.order) best = &entry;
  }
  if (best == nullptr) return std::nullopt;
  in_flight_ = best->first;
  return Create{best->first, best->second.range, best->second.next_revision};
}

void WatchSet::Reset() {
  in_flight_.reset();
  by_id_.clear();
  for (auto& entry : watches_) entry.second.id = -1;
}

int64_t WatchSet::next_revision(const std::string& prefix) const {
  auto it = watches_.find(prefix);
  return it == watches_.end() ? 0 : it->second.next_revision;
}

std::vector<WatchSet::Action> WatchSet::Apply(etcdserverpb::WatchResponse& resp) {
  if (resp.created()) return ApplyCreated(resp);
  auto id = by_id_.find(resp.watch_id());
  // Not ours (any more): a watch removed meanwhile, or the stream-wide
  // progress answer (watch id -1).
  if (id == by_id_.end()) return {};
  std::string prefix = id->second;
  if (resp.canceled()) return {Ended(prefix, resp)};
  Watch& w = watches_.at(prefix);
  if (resp.events_size() == 0) {
    if (std::optional<std::vector<Action>> behind = Behind(prefix, resp)) return *behind;
    // A progress notification: every future event on this watch is newer.
    w.next_revision = std::max(w.next_revision, resp.header().revision() + 1);
    return {Action{Action::Kind::kProgress, prefix, resp.header().revision()}};
  }
  Action a = Events(prefix, w, resp);
  if (a.events.empty()) return {};
  return {std::move(a)};
}

std::vector<WatchSet::Action> WatchSet::ApplyCreated(etcdserverpb::WatchResponse& resp) {
  if (!in_flight_) return {};  // nothing asked for: not a response to us
  std::string prefix = std::move(*in_flight_);
  in_flight_.reset();
  auto it = watches_.find(prefix);
  if (it == watches_.end()) {
    // Removed while its create was on the way.
    if (resp.canceled()) return {};
    Action cancel(Action::Kind::kSendCancel, prefix);
    cancel.watch_id = resp.watch_id();
    return {std::move(cancel)};
  }
  if (resp.canceled()) {
    by_id_[resp.watch_id()] = prefix;  // so that Ended() can clean up uniformly
    it->second.id = resp.watch_id();
    return {Ended(prefix, resp)};
  }
  Watch& w = it->second;
  w.id = resp.watch_id();
  by_id_[w.id] = prefix;
  if (std::optional<std::vector<Action>> behind = Behind(prefix, resp)) return *behind;
  // Watching "from now" means from the revision after the header's: pin it,
  // or a resume after a broken stream would silently skip what happened in
  // between.
  if (w.next_revision == 0) w.next_revision = resp.header().revision() + 1;
  std::vector<Action> out = {Action{Action::Kind::kCreated, prefix, w.next_revision}};
  if (resp.events_size() > 0) {
    Action a = Events(prefix, w, resp);
    if (!a.events.empty()) out.push_back(std::move(a));
  }
  return out;
}

WatchSet::Action WatchSet::Ended(const std::string& prefix,
                                 const etcdserverpb::WatchResponse& resp) {
  Watch w = watches_.at(prefix);
  watches_.erase(prefix);
  by_id_.erase(w.id);
  // etcd cancels a watch whose start revision was compacted and says where
  // history now starts; the owner must read the prefix again.
  if (resp.compact_revision() != 0) {
    return Action{Action::Kind::kCompacted, prefix, resp.compact_revision()};
  }
  Action failed(Action::Kind::kFailed, prefix, w.next_revision);
  failed.reason = resp.cancel_reason();
  failed.range = std::move(w.range);
  return failed;
}

std::optional<std::vector<WatchSet::Action>> WatchSet::Behind(
    const std::string& prefix, const etcdserverpb::WatchResponse& resp) {
  const Watch& w = watches_.at(prefix);
  // etcd accepts a start revision beyond its own and stays silent until it
  // gets there. next_revision - 1 is a revision this watch has seen (or read
  // at): a header below it means another history (or a member far behind;
  // the owner's linearizable read tells them apart), not a slow stream.
  if (w.next_revision == 0 || resp.header().revision() >= w.next_revision - 1) return std::nullopt;
  Action cancel(Action::Kind::kSendCancel, prefix);
  cancel.watch_id = w.id;
  Action behind(Action::Kind::kBehind, prefix, resp.header().revision());
  behind.seen_revision = w.next_revision - 1;
  by_id_.erase(w.id);
  watches_.erase(prefix);
  return std::vector<Action>{std::move(cancel), std::move(behind)};
}

WatchSet::Action WatchSet::Events(const std::string& prefix, Watch& w,
                                  etcdserverpb::WatchResponse& resp) {
  Action a(Action::Kind::kEvents, prefix);
  for (mvccpb::Event& e : *resp.mutable_events()) {
    // Already delivered before a reconnect: etcd resent it.
    if (e.kv().mod_revision() < w.next_revision) continue;
    a.events.push_back(ToEvent(e));
  }
  if (!a.events.empty()) {
    a.revision = a.events.back().kv.mod_revision;
    w.next_revision = a.revision + 1;
  }
  return a;
}

std::optional<etcdserverpb::WatchResponse> FragmentAssembler::Add(
    etcdserverpb::WatchResponse resp) {
  auto it = partial_.find(resp.watch_id());
  if (it == partial_.end()) {
    if (!resp.fragment()) return resp;
    partial_.emplace(resp.watch_id(), std::move(resp));
    return std::nullopt;
  }
  etcdserverpb::WatchResponse& whole = it->second;
  for (mvccpb::Event& e : *resp.mutable_events()) *whole.add_events() = std::move(e);
  if (resp.fragment()) return std::nullopt;
  whole.set_fragment(false);
  etcdserverpb::WatchResponse out = std::move(whole);
  partial_.erase(it);
  return out;
}

}  // namespace confwatch
