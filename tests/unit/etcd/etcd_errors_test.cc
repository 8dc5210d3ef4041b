#include "etcd/etcd_errors.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace confwatch {
namespace {

grpc::Status G(grpc::StatusCode code, const char* msg) { return grpc::Status(code, msg); }

TEST(RequestError, PermissionDeniedNamesOperationKeyAndUser) {
  absl::Status s = RequestError(G(grpc::StatusCode::PERMISSION_DENIED, "etcdserver: permission denied"),
                                "127.0.0.1:2379", RequestInfo{RequestKind::kRead, "/app/"}, "web");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(s.message()), "etcd: permission denied reading /app/: user \"web\" has no read access");

  s = RequestError(G(grpc::StatusCode::PERMISSION_DENIED, "etcdserver: permission denied"),
                   "127.0.0.1:2379", RequestInfo{RequestKind::kWrite, "/db/host"}, "web");
  EXPECT_EQ(std::string(s.message()), "etcd: permission denied writing /db/host: user \"web\" has no write access");

  s = RequestError(G(grpc::StatusCode::PERMISSION_DENIED, "etcdserver: permission denied"),
                   "127.0.0.1:2379", RequestInfo{RequestKind::kWatch, "/x/"}, "web");
  EXPECT_EQ(std::string(s.message()), "etcd: permission denied watching /x/: user \"web\" has no read access");
}

TEST(RequestError, RefusedPrefixSaysWhichGrantCoversIt) {
  const grpc::Status denied = G(grpc::StatusCode::PERMISSION_DENIED, "etcdserver: permission denied");
  absl::Status s = RequestError(denied, "127.0.0.1:2379", RequestInfo::Prefix(RequestKind::kRead, "/grpc"),
                                "web");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(s.message()),
            "etcd: permission denied reading /grpc: user \"web\" has no read access (confwatch reads "
            "every key that starts with \"/grpc\": etcdctl role grant-permission --prefix=true <role> "
            "read /grpc)");
  s = RequestError(denied, "127.0.0.1:2379", RequestInfo::Prefix(RequestKind::kWatch, "/grpc"), "web");
  EXPECT_TRUE(absl::StrContains(s.message(), "watching /grpc: user \"web\" has no read access (confwatch"))
      << s;
  // Without a user there is no role to grant to: set credentials first.
  s = RequestError(denied, "127.0.0.1:2379", RequestInfo::Prefix(RequestKind::kRead, "/grpc"), "");
  EXPECT_EQ(std::string(s.message()), "etcd: permission denied reading /grpc: no user given");
}

TEST(RequestError, MissingCredentialsSaysToSetThem) {
  absl::Status s = RequestError(G(grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: user name is empty"),
                                "127.0.0.1:2379", RequestInfo{RequestKind::kRead, "/a"}, "");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(s.message()),
            "etcd 127.0.0.1:2379: reading /a: etcd has authentication enabled; set a username "
            "and password");
}

TEST(RequestError, TimeoutNamesTheDeadline) {
  absl::Status s = RequestError(G(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), "h:1",
                                RequestInfo{RequestKind::kRead, "/a", absl::Seconds(10)}, "");
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(std::string(s.message()), "etcd h:1: reading /a: no answer within 10s");
}

TEST(RequestError, OtherErrorsKeepCodeAndEtcdText) {
  absl::Status s = RequestError(G(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader"), "h:1",
                                RequestInfo{RequestKind::kDelete, "/a"}, "");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(s.message()), "etcd h:1: deleting /a: etcdserver: no leader");
  s = RequestError(G(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader"), "h:1",
                   RequestInfo{RequestKind::kStatus}, "");
  EXPECT_EQ(std::string(s.message()), "etcd h:1: asking status: etcdserver: no leader");
}

TEST(RequestError, BinaryKeysAreEscaped) {
  absl::Status s = RequestError(G(grpc::StatusCode::INTERNAL, "boom"), "h:1",
                                RequestInfo{RequestKind::kRead, absl::string_view("/a\xff\n", 4)}, "");
  EXPECT_EQ(std::string(s.message()), "etcd h:1: reading /a\\xff\\n: boom");
}

TEST(AuthError, WrongPasswordIsAuthenticationFailed) {
  absl::Status s = AuthError(
      G(grpc::StatusCode::INVALID_ARGUMENT,
        "etcdserver: authentication failed, invalid user ID or password"),
      "h:1", "web");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(s.message()), "etcd: authentication failed for user \"web\"");
}

TEST(AuthError, UnreachableEndpointIsNotBlamedOnCredentials) {
  absl::Status s = AuthError(G(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader"), "h:1", "web");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(s.message()), "etcd h:1: authenticating \"web\": etcdserver: no leader");
}

TEST(DialError, NamesEndpointAndCause) {
  EXPECT_EQ(std::string(DialError("127.0.0.1:2379", DialFailure::kRefused, absl::Seconds(5)).message()),
            "etcd 127.0.0.1:2379: connection refused");
  EXPECT_EQ(std::string(DialError("10.1.1.1:2379", DialFailure::kTimeout, absl::Seconds(5)).message()),
            "etcd 10.1.1.1:2379: no connection within 5s");
  EXPECT_EQ(std::string(DialError("nohost:2379", DialFailure::kUnresolved, absl::Seconds(5)).message()),
            "etcd nohost:2379: cannot resolve host name");
  EXPECT_EQ(std::string(DialError("h:1", DialFailure::kOther, absl::Seconds(5), "x").message()),
            "etcd h:1: cannot connect: x");
  absl::Status tls = DialError("h:1", DialFailure::kTls, absl::Seconds(5));
  EXPECT_EQ(tls.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(tls.message()),
            "etcd h:1: TLS handshake failed (is ca_file the CA that signed the server's "
            "certificate, and does the server want a client certificate?)");
}

TEST(JoinDialErrors, OneErrorStaysAsIsSeveralAreListed) {
  absl::Status a = DialError("a:1", DialFailure::kRefused, absl::Seconds(1));
  absl::Status b = DialError("b:2", DialFailure::kRefused, absl::Seconds(1));
  EXPECT_EQ(JoinDialErrors({a}), a);
  EXPECT_EQ(std::string(JoinDialErrors({a, b}).message()),
            "no etcd endpoint reachable: etcd a:1: connection refused; etcd b:2: connection "
            "refused");
}

TEST(Classification, FollowsEtcdsErrorDescriptions) {
  EXPECT_TRUE(IsInvalidAuthToken(G(grpc::StatusCode::UNAUTHENTICATED, "etcdserver: invalid auth token")));
  EXPECT_TRUE(IsInvalidAuthToken(
      G(grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: revision of auth store is old")));
  EXPECT_FALSE(IsInvalidAuthToken(G(grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: user name is empty")));
  EXPECT_TRUE(IsEndpointFailure(G(grpc::StatusCode::UNAVAILABLE, "etcdserver: no leader")));
  EXPECT_FALSE(IsEndpointFailure(G(grpc::StatusCode::PERMISSION_DENIED, "etcdserver: permission denied")));
  EXPECT_TRUE(IsCompacted(
      G(grpc::StatusCode::OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted")));
  EXPECT_FALSE(IsCompacted(
      G(grpc::StatusCode::OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision")));
  EXPECT_TRUE(IsUserEmpty(G(grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: user name is empty")));
  EXPECT_FALSE(IsUserEmpty(G(grpc::StatusCode::INVALID_ARGUMENT, "etcdserver: key is not provided")));
  EXPECT_TRUE(IsAuthNotEnabled(
      G(grpc::StatusCode::FAILED_PRECONDITION, "etcdserver: authentication is not enabled")));
}

TEST(WatchCancelStatus, RecoversEtcdsCodeAndDescription) {
  struct Case {
    std::string reason;
    grpc::StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      // What etcd 3.4 sends.
      {"rpc error: code = PermissionDenied desc = etcdserver: permission denied",
       grpc::StatusCode::PERMISSION_DENIED, "etcdserver: permission denied"},
      {"rpc error: code = Unauthenticated desc = etcdserver: invalid auth token",
       grpc::StatusCode::UNAUTHENTICATED, "etcdserver: invalid auth token"},
      // A bare description.
      {"etcdserver: permission denied", grpc::StatusCode::PERMISSION_DENIED,
       "etcdserver: permission denied"},
      {"etcdserver: mvcc: watcher is canceled", grpc::StatusCode::FAILED_PRECONDITION,
       "etcdserver: mvcc: watcher is canceled"},
      {"rpc error: code = Bogus desc = x", grpc::StatusCode::FAILED_PRECONDITION,
       "rpc error: code = Bogus desc = x"},
      {"", grpc::StatusCode::FAILED_PRECONDITION, "watch canceled by etcd"},
  };
  for (const Case& c : cases) {
    grpc::Status s = WatchCancelStatus(c.reason);
    EXPECT_EQ(s.error_code(), c.code) << c.reason;
    EXPECT_EQ(s.error_message(), c.message) << c.reason;
  }
  EXPECT_TRUE(IsInvalidAuthToken(
      WatchCancelStatus("rpc error: code = Unauthenticated desc = etcdserver: invalid auth token")));
}

}  // namespace
}  // namespace confwatch
