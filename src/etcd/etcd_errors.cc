#include "etcd/etcd_errors.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace confwatch {
namespace {

// etcd's descriptions (api/v3rpc/rpctypes/error.go); stable across 3.x.
constexpr absl::string_view kInvalidAuthToken = "etcdserver: invalid auth token";
constexpr absl::string_view kAuthOldRevision = "etcdserver: revision of auth store is old";
constexpr absl::string_view kAuthFailed =
    "etcdserver: authentication failed, invalid user ID or password";
constexpr absl::string_view kAuthNotEnabled = "etcdserver: authentication is not enabled";
constexpr absl::string_view kUserEmpty = "etcdserver: user name is empty";
constexpr absl::string_view kPermissionDenied = "etcdserver: permission denied";
constexpr absl::string_view kCompacted = "etcdserver: mvcc: required revision has been compacted";

absl::string_view Verb(RequestKind kind) {
  switch (kind) {
    case RequestKind::kRead: return "reading";
    case RequestKind::kWrite: return "writing";
    case RequestKind::kDelete: return "deleting";
    case RequestKind::kWatch: return "watching";
    case RequestKind::kLease: return "using lease";
    case RequestKind::kStatus: return "asking status";
    case RequestKind::kCompact: return "compacting";
  }
  return "using";
}

// "read" for requests that only look, "write" for ones that change keys.
absl::string_view Access(RequestKind kind) {
  switch (kind) {
    case RequestKind::kRead:
    case RequestKind::kWatch: return "read";
    case RequestKind::kWrite:
    case RequestKind::kDelete: return "write";
    default: return "the needed";
  }
}

// "reading /app/" or just "reading".
std::string Doing(const RequestInfo& req) {
  if (req.key.empty()) return std::string(Verb(req.kind));
  return absl::StrCat(Verb(req.kind), " ", PrintableKey(req.key));
}

}  // namespace

bool IsInvalidAuthToken(const grpc::Status& s) {
  return (s.error_code() == grpc::StatusCode::UNAUTHENTICATED &&
          s.error_message() == kInvalidAuthToken) ||
         (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
          s.error_message() == kAuthOldRevision);
}

bool IsEndpointFailure(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::UNAVAILABLE;
}

bool IsCompacted(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::OUT_OF_RANGE && s.error_message() == kCompacted;
}

bool IsAuthNotEnabled(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
         s.error_message() == kAuthNotEnabled;
}

grpc::Status WatchCancelStatus(const std::string& reason) {
  // etcd 3.4 fills cancel_reason with a Go gRPC error's text:
  // "rpc error: code = PermissionDenied desc = etcdserver: permission denied".
  static constexpr std::pair<absl::string_view, grpc::StatusCode> kCodes[] = {
      {"PermissionDenied", grpc::StatusCode::PERMISSION_DENIED},
      {"Unauthenticated", grpc::StatusCode::UNAUTHENTICATED},
      {"InvalidArgument", grpc::StatusCode::INVALID_ARGUMENT},
      {"FailedPrecondition", grpc::StatusCode::FAILED_PRECONDITION},
      {"OutOfRange", grpc::StatusCode::OUT_OF_RANGE},
      {"Unavailable", grpc::StatusCode::UNAVAILABLE},
  };
  constexpr absl::string_view kPrefix = "rpc error: code = ";
  constexpr absl::string_view kDesc = " desc = ";
  absl::string_view text = reason;
  if (absl::ConsumePrefix(&text, kPrefix)) {
    size_t desc = text.find(kDesc);
    for (const auto& [name, code] : kCodes) {
      if (desc != absl::string_view::npos && text.substr(0, desc) == name) {
        return grpc::Status(code, std::string(text.substr(desc + kDesc.size())));
      }
    }
  }
  if (reason == kPermissionDenied) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, reason);
  }
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      reason.empty() ? "watch canceled by etcd" : reason);
}

bool IsUserEmpty(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::INVALID_ARGUMENT && s.error_message() == kUserEmpty;
}

std::string PrintableKey(absl::string_view key) { return absl::CHexEscape(key); }

absl::Status RequestError(const grpc::Status& s, absl::string_view endpoint,
                          const RequestInfo& req, absl::string_view user) {
  switch (s.error_code()) {
    case grpc::StatusCode::PERMISSION_DENIED: {
      std::string text = absl::StrCat(
          "etcd: permission denied ", Doing(req), ": ",
          user.empty() ? std::string("no user given")
                       : absl::StrCat("user \"", user, "\" has no ", Access(req.kind), " access"));
      if (req.prefix && !user.empty()) {
        // etcd allows a range only inside one granted range, so a role
        // granted "/app/" is refused the prefix "/app" (it would also hold
        // "/app-x"): say which grant the read needs.
        const std::string key = PrintableKey(req.key);
        absl::StrAppend(&text, " (confwatch reads every key that starts with \"", key,
                        "\": etcdctl role grant-permission --prefix=true <role> read ", key, ")");
      }
      return absl::PermissionDeniedError(text);
    }
    case grpc::StatusCode::INVALID_ARGUMENT:
      if (s.error_message() == kUserEmpty) {
        return absl::UnauthenticatedError(absl::StrCat(
            "etcd ", endpoint, ": ", Doing(req),
            ": etcd has authentication enabled; set a username and password"));
      }
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::DeadlineExceededError(absl::StrCat(
          "etcd ", endpoint, ": ", Doing(req), ": no answer within ",
          absl::FormatDuration(req.timeout)));
    default:
      break;
  }
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("etcd ", endpoint, ": ", Doing(req), ": ", s.error_message()));
}

absl::Status AuthError(const grpc::Status& s, absl::string_view endpoint, absl::string_view user) {
  if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT && s.error_message() == kAuthFailed) {
    return absl::UnauthenticatedError(
        absl::StrCat("etcd: authentication failed for user \"", user, "\""));
  }
  if (IsEndpointFailure(s)) {
    return absl::UnavailableError(
        absl::StrCat("etcd ", endpoint, ": authenticating \"", user, "\": ", s.error_message()));
  }
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("etcd: authentication failed for user \"", user,
                                   "\": ", s.error_message()));
}

absl::Status DialError(absl::string_view endpoint, DialFailure why, absl::Duration timeout,
                       absl::string_view detail) {
  std::string what;
  switch (why) {
    case DialFailure::kRefused: what = "connection refused"; break;
    case DialFailure::kTimeout:
      what = absl::StrCat("no connection within ", absl::FormatDuration(timeout));
      break;
    case DialFailure::kTls:
      what = "TLS handshake failed (is ca_file the CA that signed the server's certificate, "
             "and does the server want a client certificate?)";
      break;
    case DialFailure::kUnresolved: what = "cannot resolve host name"; break;
    case DialFailure::kOther: what = absl::StrCat("cannot connect: ", detail); break;
  }
  return absl::UnavailableError(absl::StrCat("etcd ", endpoint, ": ", what));
}

absl::Status JoinDialErrors(const std::vector<absl::Status>& errors) {
  if (errors.size() == 1) return errors.front();
  std::vector<absl::string_view> parts;
  for (const absl::Status& e : errors) parts.push_back(e.message());
  return absl::UnavailableError(
      absl::StrCat("no etcd endpoint reachable: ", absl::StrJoin(parts, "; ")));
}

}  // namespace confwatch
