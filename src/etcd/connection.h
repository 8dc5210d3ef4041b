// Connection: the client's link to an etcd cluster. It owns one gRPC channel
// per endpoint (created on first use), knows which endpoint is current, moves
// to the next one when the current fails, and holds the auth token. Every
// request of the client, its watch stream and its lease keepers goes through
// one Connection.
//
// Dialing: the current endpoint is used while its channel is READY;
// otherwise endpoints are tried in turn, each for at most dial_timeout, and a
// failed one gets a fresh channel next time (no hidden gRPC reconnect backoff).
// Why an endpoint failed is found out by a plain TCP connect (refused, timed
// out, TLS) so that the error names the cause, not gRPC's internals.
//
// Thread-safety: thread-safe. Dialing is serialised (one thread dials while
// the others wait for its result).
#ifndef CONFWATCH_ETCD_CONNECTION_H_
#define CONFWATCH_ETCD_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "etcd/endpoint.h"
#include "etcd/etcd_errors.h"
#include "etcd/etcd_options.h"
#include "etcdserverpb/rpc.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace confwatch {

// One endpoint's channel and the stubs on it. Immutable once made.
struct EndpointChannel {
  Endpoint endpoint;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance;
  std::unique_ptr<etcdserverpb::Auth::Stub> auth;
};

class Connection {
 public:
  // Validates the endpoints and reads the TLS files; connects to nothing yet.
  // Errors: InvalidArgument for a bad endpoint, an empty list or a cert
  // without its key; NotFound/PermissionDenied naming an unreadable file.
  static absl::StatusOr<std::unique_ptr<Connection>> Create(const EtcdOptions& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const EtcdOptions& options() const { return options_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }

  // A connected endpoint: the current one while it is READY, else the first
  // of the following ones (in order, wrapping) that connects within
  // dial_timeout. Unavailable naming every endpoint when none does.
  absl::StatusOr<std::shared_ptr<EndpointChannel>> Get();

  // A request on `ch` failed at the endpoint (Unavailable, broken stream):
  // the next Get() starts after it, and with a fresh channel.
  void MarkFailed(const std::shared_ptr<EndpointChannel>& ch);

  // The auth token to send ("" without a username), authenticating on `ch`
  // first when there is none yet. Errors as AuthError().
  absl::StatusOr<std::string> Token(EndpointChannel& ch);
  // `stale` was refused: forget it (unless another thread has already
  // replaced it) so the next Token() authenticates again.
  void InvalidateToken(const std::string& stale);

  // Runs one unary request: picks an endpoint, attaches the token and a
  // request_timeout deadline, and calls `rpc`. Authenticates again once when
  // etcd says the token is invalid. When the endpoint fails, `idempotent`
  // requests are retried on the next endpoints (each endpoint once); others
  // are not, since etcd may have applied them. Errors come from
  // RequestError(), already carrying all context.
  absl::Status Call(RequestInfo info, bool idempotent,
                    absl::FunctionRef<grpc::Status(EndpointChannel&, grpc::ClientContext*)> rpc);

 private:
  explicit Connection(EtcdOptions options) : options_(std::move(options)) {}
  std::shared_ptr<EndpointChannel> MakeChannel(const Endpoint& ep) const;
  // OK once `ch` is READY; else why not, within dial_timeout.
  absl::Status Dial(EndpointChannel& ch) const;

  const EtcdOptions options_;
  std::vector<Endpoint> endpoints_;
  std::shared_ptr<grpc::ChannelCredentials> tls_credentials_;  // null: no TLS files

  absl::Mutex dial_mu_;  // held for a whole Get()
  absl::Mutex mu_ ABSL_ACQUIRED_AFTER(dial_mu_);
  size_t current_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<EndpointChannel>> channels_ ABSL_GUARDED_BY(mu_);
  std::string token_ ABSL_GUARDED_BY(mu_);
  bool auth_not_enabled_ ABSL_GUARDED_BY(mu_) = false;  // Authenticate said so
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_CONNECTION_H_
