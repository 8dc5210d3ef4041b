// EtcdOptions: how to reach etcd. Shared by the client and everything it
// starts (watch stream, lease keepers).
//
// Thread-safety: plain value.
#ifndef CONFWATCH_ETCD_ETCD_OPTIONS_H_
#define CONFWATCH_ETCD_ETCD_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace confwatch {

struct EtcdOptions {
  // "http://h:p", "https://h:p" or "h:p" (see endpoint.h). Tried in order; on
  // failure the client moves to the next one.
  std::vector<std::string> endpoints;
  // PEM files. ca_file alone: verify the server. cert_file + key_file: also
  // present a client certificate. Any of them makes bare "h:p" use TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // With a username every request carries a token from Authenticate.
  std::string username;
  std::string password;
  // How long to wait for one endpoint to accept a connection.
  absl::Duration dial_timeout = absl::Seconds(5);
  // Deadline of each unary request (a Range page, a Put, ...).
  absl::Duration request_timeout = absl::Seconds(10);
  // Largest response accepted, in bytes; -1: no limit beyond etcd's own
  // (gRPC's default of 4 MB would refuse a Range page or a watch response
  // with large values; etcd's own client lifts it too). Tests lower it to
  // make a page too large without writing gigabytes.
  int max_receive_message_bytes = -1;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_ETCD_OPTIONS_H_
