#include "etcd/watcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "etcd/backoff.h"
#include "etcd/key_range.h"

namespace confwatch {
namespace {

constexpr absl::Duration kMinBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);

}  // namespace

Watcher::Watcher(std::shared_ptr<Connection> connection, WatchHandler* handler)
    : connection_(std::move(connection)), handler_(handler) {
  thread_ = std::thread([this] { Run(); });
}

Watcher::~Watcher() { Stop(); }

void Watcher::Stop() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status Watcher::Add(const std::string& prefix, int64_t start_revision) {
  {
    absl::MutexLock l(&mu_);
    absl::Status s = watches_.Add(prefix, start_revision);
    if (!s.ok()) return s;
  }
  SendNextCreate();
  return absl::OkStatus();
}

absl::Status Watcher::AddRange(const std::string& name, KeyRange range, int64_t start_revision) {
  {
    absl::MutexLock l(&mu_);
    absl::Status s = watches_.Add(name, start_revision, std::move(range));
    if (!s.ok()) return s;
  }
  SendNextCreate();
  return absl::OkStatus();
}

void Watcher::Remove(const std::string& prefix) {
  std::optional<int64_t> id;
  uint64_t generation;
  {
    absl::MutexLock l(&mu_);
    id = watches_.Remove(prefix);
    auth_retried_.erase(prefix);
    generation = generation_;
  }
  if (!id) return;
  etcdserverpb::WatchRequest req;
  req.mutable_cancel_request()->set_watch_id(*id);
  Send(req, generation);
}

void Watcher::Run() {
  Backoff backoff(kMinBackoff, kMaxBackoff);
  for (;;) {
    absl::StatusOr<std::shared_ptr<EndpointChannel>> ch = connection_->Get();
    std::string endpoint;
    absl::Status why = ch.status();
    if (ch.ok()) {
      endpoint = (*ch)->endpoint.address;
      bool answered = false;
      why = RunStream(*ch, &answered);
      if (answered) backoff.Reset();
      absl::MutexLock l(&mu_);
      if (stopping_) return;
      if (restart_now_) {
        restart_now_ = false;
        continue;
      }
    }
    if (ch.ok()) connection_->MarkFailed(*ch);
    handler_->OnConnectionState(false, endpoint, why);
    absl::MutexLock l(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff.Next());
    if (stopping_) return;
  }
}

absl::Status Watcher::RunStream(const std::shared_ptr<EndpointChannel>& ch, bool* answered) {
  const std::string& endpoint = ch->endpoint.address;
  absl::StatusOr<std::string> token = connection_->Token(*ch);
  if (!token.ok()) return token.status();
  grpc::ClientContext ctx;
  // Without a leader the member's data stops moving; "hasleader" makes etcd
  // end the stream then instead of leaving us watching a frozen copy.
  ctx.AddMetadata("hasleader", "true");
  if (!token->empty()) ctx.AddMetadata("token", *token);
  uint64_t generation;
  {
    absl::MutexLock l(&mu_);
    if (stopping_) return absl::CancelledError("etcd: watcher stopped");
    context_ = &ctx;
    generation = ++generation_;
    stream_token_ = *token;
  }
  std::unique_ptr<Stream> stream = ch->watch->Watch(&ctx);
  {
    absl::MutexLock l(&write_mu_);
    writer_ = stream.get();
    writer_generation_ = generation;
  }
  {
    absl::MutexLock l(&mu_);
    stream_up_ = true;
  }
  // etcd answers a progress request at once, which proves the stream works
  // even before any watch exists.
  etcdserverpb::WatchRequest progress;
  progress.mutable_progress_request();
  Send(progress, generation);
  SendNextCreate();
  *answered = ReadLoop(stream.get(), endpoint);
  {
    absl::MutexLock l(&write_mu_);
    writer_ = nullptr;
  }
  grpc::Status s = stream->Finish();
  {
    absl::MutexLock l(&mu_);
    stream_up_ = false;
    context_ = nullptr;
    watches_.Reset();
  }
  fragments_.Reset();
  if (s.ok()) return absl::UnavailableError(absl::StrCat("etcd ", endpoint, ": watch stream ended"));
  return RequestError(s, endpoint, RequestInfo{RequestKind::kWatch}, connection_->options().username);
}

bool Watcher::ReadLoop(Stream* stream, const std::string& endpoint) {
  bool answered = false;
  etcdserverpb::WatchResponse resp;
  while (stream->Read(&resp)) {
    if (!answered) {
      answered = true;
      handler_->OnConnectionState(true, endpoint, absl::OkStatus());
    }
    std::optional<etcdserverpb::WatchResponse> whole = fragments_.Add(std::move(resp));
    resp.Clear();
    if (!whole) continue;
    std::vector<WatchSet::Action> actions;
    {
      absl::MutexLock l(&mu_);
      actions = watches_.Apply(*whole);
    }
    Deliver(std::move(actions), endpoint);
    // Creates go one at a time: the next one once this one is answered.
    if (whole->created()) SendNextCreate();
  }
  return answered;
}

void Watcher::Deliver(std::vector<WatchSet::Action> actions, const std::string& endpoint) {
  using Kind = WatchSet::Action::Kind;
  for (WatchSet::Action& a : actions) {
    switch (a.kind) {
      case Kind::kCreated: {
        absl::MutexLock l(&mu_);
        auth_retried_.erase(a.prefix);
        break;
      }
      case Kind::kEvents:
        handler_->OnEvents(a.prefix, a.revision, std::move(a.events));
        break;
      case Kind::kProgress:
        handler_->OnProgress(a.prefix, a.revision);
        break;
      case Kind::kCompacted:
        handler_->OnCompacted(a.prefix, a.revision);
        break;
      case Kind::kBehind:
        handler_->OnBehind(a.prefix, a.revision, a.seen_revision);
        break;
      case Kind::kFailed: {
        grpc::Status why = WatchCancelStatus(a.reason);
        if (RetryWithNewToken(a, why)) break;
        handler_->OnWatchRefused(
            a.prefix,
            RequestError(why, endpoint, RequestInfo::Prefix(RequestKind::kWatch, a.prefix),
                         connection_->options().username),
            a.revision);
        break;
      }
      case Kind::kSendCancel: {
        etcdserverpb::WatchRequest req;
        req.mutable_cancel_request()->set_watch_id(a.watch_id);
        uint64_t generation;
        {
          absl::MutexLock l(&mu_);
          generation = generation_;
        }
        Send(req, generation);
        break;
      }
    }
  }
}

bool Watcher::RetryWithNewToken(const WatchSet::Action& failed, const grpc::Status& why) {
  // etcd checks a watch's permission with the stream's token when the watch
  // is created; a token that expired since the stream opened reads as
  // "invalid auth token" (or, in older 3.4 releases, "permission denied"),
  // a stream opened before auth was enabled as "user name is empty". A
  // stream with a fresh token tells these apart from a real refusal.
  bool maybe_token = IsInvalidAuthToken(why) || IsUserEmpty(why) ||
                     why.error_code() == grpc::StatusCode::PERMISSION_DENIED;
  if (!maybe_token || connection_->options().username.empty()) return false;
  absl::MutexLock l(&mu_);
  if (!auth_retried_.insert(failed.prefix).second) {
    auth_retried_.erase(failed.prefix);
    return false;
  }
  if (!watches_.Add(failed.prefix, failed.revision, failed.range).ok()) return false;
  connection_->InvalidateToken(stream_token_);
  restart_now_ = true;
  if (context_ != nullptr) context_->TryCancel();
  return true;
}

void Watcher::SendNextCreate() {
  etcdserverpb::WatchRequest req;
  uint64_t generation;
  {
    absl::MutexLock l(&mu_);
    if (!stream_up_) return;
    std::optional<WatchSet::Create> c = watches_.NextCreate();
    if (!c) return;
    etcdserverpb::WatchCreateRequest* create = req.mutable_create_request();
    create->set_key(c->range.key);
    create->set_range_end(c->range.range_end);
    create->set_start_revision(c->start_revision);
    create->set_progress_notify(true);
    create->set_fragment(true);
    generation = generation_;
  }
  Send(req, generation);
}

void Watcher::Send(const etcdserverpb::WatchRequest& req, uint64_t generation) {
  absl::MutexLock l(&write_mu_);
  // A request meant for a stream that has ended is dropped: the next stream
  // starts from the watch set's state, not from old requests.
  if (writer_ != nullptr && writer_generation_ == generation) writer_->Write(req);
}

}  // namespace confwatch
