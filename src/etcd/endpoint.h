// Endpoint parsing: the forms a user writes for an etcd node (confd's -node,
// etcdctl's --endpoints) turned into a gRPC target.
//
//   "http://10.0.0.1:2379"   plaintext
//   "https://etcd.local:2379" TLS
//   "127.0.0.1:2379"          TLS exactly when a CA, cert or key is configured
//   "[::1]:2379"              IPv6 in brackets
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_ETCD_ENDPOINT_H_
#define CONFWATCH_ETCD_ENDPOINT_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace confwatch {

struct Endpoint {
  std::string address;  // "host:port" ("[v6]:port"): gRPC target and name in messages
  std::string host;     // without brackets
  int port = 0;
  bool tls = false;

  bool operator==(const Endpoint& o) const {
    return address == o.address && host == o.host && port == o.port && tls == o.tls;
  }
};

// Parses one endpoint. `tls_configured` decides TLS for the bare host:port
// form; an explicit scheme always wins. A trailing "/" is accepted, any other
// path is not. Errors are InvalidArgument and quote the input, e.g.
//   etcd endpoint "ftp://h:1": unsupported scheme "ftp" (want http or https)
absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text, bool tls_configured);

// Parses every endpoint; an empty list is an InvalidArgument error.
absl::StatusOr<std::vector<Endpoint>> ParseEndpoints(const std::vector<std::string>& texts,
                                                     bool tls_configured);

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_ENDPOINT_H_
