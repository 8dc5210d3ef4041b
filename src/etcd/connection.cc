#include "etcd/connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/file_io.h"

namespace confwatch {
namespace {

// Longest wait of the TCP probe that tells why a dial failed.
constexpr absl::Duration kProbeTimeout = absl::Seconds(1);

absl::StatusOr<std::string> ReadPem(const char* option, const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFile(path);
  if (pem.ok()) return pem;
  return absl::Status(pem.status().code(),
                      absl::StrCat("etcd ", option, ": ", pem.status().message()));
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(const EtcdOptions& o) {
  if (o.ca_file.empty() && o.cert_file.empty() && o.key_file.empty()) return nullptr;
  if (o.cert_file.empty() != o.key_file.empty()) {
    return absl::InvalidArgumentError("etcd: cert_file and key_file must be given together");
  }
  grpc::SslCredentialsOptions ssl;
  // An empty pem_root_certs means the system's CA bundle, as for https.
  for (auto [option, path, out] : {std::make_tuple("ca_file", &o.ca_file, &ssl.pem_root_certs),
                                   std::make_tuple("cert_file", &o.cert_file, &ssl.pem_cert_chain),
                                   std::make_tuple("key_file", &o.key_file, &ssl.pem_private_key)}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> pem = ReadPem(option, *path);
    if (!pem.ok()) return pem.status();
    *out = *std::move(pem);
  }
  return grpc::SslCredentials(ssl);
}

// Connects a plain TCP socket to the endpoint to learn why gRPC could not.
DialFailure ProbeTcp(const Endpoint& ep, bool grpc_timed_out) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &res) != 0 ||
      res == nullptr) {
    return DialFailure::kUnresolved;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, absl::ToInt64Milliseconds(kProbeTimeout)) == 1) {
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      } else {
        err = ETIMEDOUT;
      }
    }
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(res);
  if (err == ECONNREFUSED) return DialFailure::kRefused;
  if (err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH) return DialFailure::kTimeout;
  if (err != 0) return DialFailure::kOther;
  // TCP is fine, so the trouble is above it.
  if (ep.tls) return DialFailure::kTls;
  return grpc_timed_out ? DialFailure::kTimeout : DialFailure::kOther;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Connection::Create(const EtcdOptions& options) {
  std::unique_ptr<Connection> c(new Connection(options));
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> tls = TlsCredentials(options);
  if (!tls.ok()) return tls.status();
  c->tls_credentials_ = *std::move(tls);
  absl::StatusOr<std::vector<Endpoint>> eps =
      ParseEndpoints(options.endpoints, c->tls_credentials_ != nullptr);
  if (!eps.ok()) return eps.status();
  c->endpoints_ = *std::move(eps);
  if (c->tls_credentials_ == nullptr) {
    // https:// without any file: verify against the system's CAs.
    c->tls_credentials_ = grpc::SslCredentials(grpc::SslCredentialsOptions());
  }
  absl::MutexLock l(&c->mu_);
  c->channels_.resize(c->endpoints_.size());
  return c;
}

std::shared_ptr<EndpointChannel> Connection::MakeChannel(const Endpoint& ep) const {
  grpc::ChannelArguments args;
  // See EtcdOptions::max_receive_message_bytes.
  args.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
  // Our own endpoint rotation handles failures; a private subchannel with
  // short reconnect backoffs keeps gRPC from adding long waits of its own.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // Also gRPC's connect timeout: longer than dial_timeout, so that a server
  // that accepts but never answers ends our wait, which names the timeout.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
              static_cast<int>(absl::ToInt64Milliseconds(options_.dial_timeout + absl::Seconds(1))));
  // Pings find a dead or frozen member under an idle watch stream. etcd
  // refuses pings more often than every 5 s (--grpc-keepalive-min-time) and
  // pings without an active call.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  auto creds = ep.tls ? tls_credentials_ : grpc::InsecureChannelCredentials();
  auto ch = std::make_shared<EndpointChannel>();
  ch->endpoint = ep;
  ch->channel = grpc::CreateCustomChannel(ep.address, creds, args);
  ch->kv = etcdserverpb::KV::NewStub(ch->channel);
  ch->watch = etcdserverpb::Watch::NewStub(ch->channel);
  ch->lease = etcdserverpb::Lease::NewStub(ch->channel);
  ch->maintenance = etcdserverpb::Maintenance::NewStub(ch->channel);
  ch->auth = etcdserverpb::Auth::NewStub(ch->channel);
  return ch;
}

absl::Status Connection::Dial(EndpointChannel& ch) const {
  auto deadline = absl::ToChronoTime(absl::Now() + options_.dial_timeout);
  grpc_connectivity_state state = ch.channel->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    // TRANSIENT_FAILURE comes after a failed attempt: waiting longer would
    // only wait for gRPC's next try.
    bool failed = state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN;
    if (failed || !ch.channel->WaitForStateChange(state, deadline)) {
      DialFailure why = ProbeTcp(ch.endpoint, /*grpc_timed_out=*/!failed);
      return DialError(ch.endpoint.address, why, options_.dial_timeout,
                       "connected, but no gRPC answer (if the server uses TLS, use https://)");
    }
    state = ch.channel->GetState(true);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<EndpointChannel>> Connection::Get() {
  absl::MutexLock dial(&dial_mu_);
  size_t start;
  {
    absl::MutexLock l(&mu_);
    start = current_;
  }
  std::vector<absl::Status> errors;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    size_t idx = (start + i) % endpoints_.size();
    std::shared_ptr<EndpointChannel> ch;
    {
      absl::MutexLock l(&mu_);
      if (channels_[idx] == nullptr) channels_[idx] = MakeChannel(endpoints_[idx]);
      ch = channels_[idx];
    }
    absl::Status s = Dial(*ch);
    absl::MutexLock l(&mu_);
    if (s.ok()) {
      current_ = idx;
      return ch;
    }
    if (channels_[idx] == ch) channels_[idx] = nullptr;
    errors.push_back(std::move(s));
  }
  return JoinDialErrors(errors);
}

void Connection::MarkFailed(const std::shared_ptr<EndpointChannel>& ch) {
  absl::MutexLock l(&mu_);
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (channels_[i] != ch) continue;
    channels_[i] = nullptr;
    if (current_ == i) current_ = (i + 1) % channels_.size();
  }
}

absl::StatusOr<std::string> Connection::Token(EndpointChannel& ch) {
  if (options_.username.empty()) return std::string();
  {
    absl::MutexLock l(&mu_);
    if (!token_.empty() || auth_not_enabled_) return token_;
  }
  etcdserverpb::AuthenticateRequest req;
  req.set_name(options_.username);
  req.set_password(options_.password);
  etcdserverpb::AuthenticateResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.request_timeout));
  grpc::Status s = ch.auth->Authenticate(&ctx, req, &resp);
  if (!s.ok() && !IsAuthNotEnabled(s)) return AuthError(s, ch.endpoint.address, options_.username);
  absl::MutexLock l(&mu_);
  // A server without auth ignores tokens: remember that and go on without.
  auth_not_enabled_ = !s.ok();
  token_ = resp.token();
  return token_;
}

void Connection::InvalidateToken(const std::string& stale) {
  absl::MutexLock l(&mu_);
  if (token_ != stale) return;
  token_.clear();
  auth_not_enabled_ = false;
}

absl::Status Connection::Call(
    RequestInfo info, bool idempotent,
    absl::FunctionRef<grpc::Status(EndpointChannel&, grpc::ClientContext*)> rpc) {
  info.timeout = options_.request_timeout;
  bool reauthenticated = false;
  size_t failovers = 0;
  for (;;) {
    absl::StatusOr<std::shared_ptr<EndpointChannel>> ch = Get();
    if (!ch.ok()) return ch.status();
    absl::StatusOr<std::string> token = Token(**ch);
    if (!token.ok()) return token.status();
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.request_timeout));
    if (!token->empty()) ctx.AddMetadata("token", *token);
    grpc::Status s = rpc(**ch, &ctx);
    if (s.ok()) return absl::OkStatus();
    // Also "user name is empty": auth was enabled after we found it off.
    if ((IsInvalidAuthToken(s) || (IsUserEmpty(s) && !options_.username.empty())) &&
        !reauthenticated) {
      reauthenticated = true;
      InvalidateToken(*token);
      continue;
    }
    if (IsEndpointFailure(s)) {
      MarkFailed(*ch);
      // Each endpoint once; with a single endpoint one retry on a fresh
      // channel covers a server that restarted since the last request.
      if (idempotent && failovers++ < std::max<size_t>(endpoints_.size(), 2) - 1) continue;
    }
    return RequestError(s, (*ch)->endpoint.address, info, options_.username);
  }
}

}  // namespace confwatch
