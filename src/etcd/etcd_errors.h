// Turns what etcd and gRPC report into errors a user can act on, with the
// context (endpoint, operation, key, user) added exactly once, here:
//
//   etcd 127.0.0.1:2379: connection refused
//   etcd: permission denied reading /config/: user "web" has no read access
//     (for a prefix, then: " (confwatch reads every key that starts with
//     "/config/": etcdctl role grant-permission --prefix=true <role> read
//     /config/)")
//   etcd: authentication failed for user "web"
//
// etcd identifies its errors by gRPC code plus a fixed description (its own Go
// client maps them back through rpctypes.errStringToError); the predicates
// below do the same for the few that change what the client does.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_ETCD_ETCD_ERRORS_H_
#define CONFWATCH_ETCD_ETCD_ERRORS_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace confwatch {

enum class RequestKind { kRead, kWrite, kDelete, kWatch, kLease, kStatus, kCompact };

// What a request was doing, for its error message.
struct RequestInfo {
  explicit RequestInfo(RequestKind kind, absl::string_view key = {},
                       absl::Duration timeout = absl::ZeroDuration())
      : kind(kind), key(key), timeout(timeout) {}

  // A read or watch of every key that starts with `prefix`.
  static RequestInfo Prefix(RequestKind kind, absl::string_view prefix) {
    RequestInfo info(kind, prefix);
    info.prefix = true;
    return info;
  }

  RequestKind kind;
  absl::string_view key;  // key or prefix; empty when the request has none
  absl::Duration timeout;
  // `key` is a prefix: a refusal then says which range a role must cover,
  // since a grant on "/app/" does not cover the prefix "/app".
  bool prefix = false;
};

// Why a connection to an endpoint could not be made.
enum class DialFailure { kRefused, kTimeout, kTls, kUnresolved, kOther };

// The token expired or was issued before an auth change: authenticate again.
bool IsInvalidAuthToken(const grpc::Status& s);
// The member cannot serve now (down, no leader, stopped, overloaded, raft
// timeout): another endpoint may.
bool IsEndpointFailure(const grpc::Status& s);
// The requested revision is older than etcd's compaction point.
bool IsCompacted(const grpc::Status& s);
// The answer to Authenticate when auth is disabled on the server.
bool IsAuthNotEnabled(const grpc::Status& s);
// A request without a token to a server with auth enabled.
bool IsUserEmpty(const grpc::Status& s);

// The status a watch's cancel_reason stands for: etcd's own code and
// description when the reason carries them ("rpc error: code = ... desc =
// ..."), else FAILED_PRECONDITION with the reason.
grpc::Status WatchCancelStatus(const std::string& reason);

// The error for a request answered (or not) by `endpoint` ("host:port") on
// behalf of `user` (may be empty). REQUIRES: !s.ok().
absl::Status RequestError(const grpc::Status& s, absl::string_view endpoint,
                          const RequestInfo& req, absl::string_view user);

// The error for Authenticate failing for `user`. REQUIRES: !s.ok().
absl::Status AuthError(const grpc::Status& s, absl::string_view endpoint, absl::string_view user);

// An Unavailable error naming the endpoint; `detail` only for kOther.
absl::Status DialError(absl::string_view endpoint, DialFailure why, absl::Duration timeout,
                       absl::string_view detail = "");

// One endpoint's error as it is; several joined under one headline.
absl::Status JoinDialErrors(const std::vector<absl::Status>& errors);

// A key as it appears in messages: printable bytes as they are, the rest
// C-escaped ("/a\xff").
std::string PrintableKey(absl::string_view key);

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_ETCD_ERRORS_H_
