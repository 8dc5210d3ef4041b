// SRV discovery of the etcd nodes (confd's -srv-domain / -srv-record): when
// no -node is given, the nodes are the targets of one DNS SRV record, each
// as "<scheme>://<target>:<port>" (-scheme, http by default), then
// everything goes on as if they had been given with -node.
//
// Order: by priority (lowest first, as RFC 2782 and Go's net.LookupSRV
// prefer), then by weight (highest first), then by target and port. Go
// shuffles equal priorities by weight at random; we keep the order
// deterministic so the same DNS answer always gives the same -node list (the
// etcd client fails over through them in order). The target's trailing dot
// is dropped: "etcd0.example.com.:2379" is the same host for DNS, but not
// for a TLS certificate's name check.
//
// Thread-safety: pure functions; the lookup decides its own.
#ifndef CONFWATCH_APP_SRV_NODES_H_
#define CONFWATCH_APP_SRV_NODES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "app/options.h"
#include "funcs/env.h"

namespace confwatch {

// Looks up one fully written SRV record ("_etcd._tcp.example.com.").
using SrvLookup = std::function<absl::StatusOr<std::vector<SrvRecord>>(const std::string& record)>;

// The system resolver (res_search, as the template function lookupSRV).
SrvLookup SystemSrvLookup();

// The endpoints `record` names. Errors (Unavailable) name the record:
//   SRV record _etcd._tcp.example.com.: lookup ...: no SRV records
//   SRV record _etcd._tcp.example.com.: no targets
absl::StatusOr<std::vector<std::string>> NodesFromSrv(const std::string& record,
                                                      const std::string& scheme,
                                                      const SrvLookup& lookup);

// Sets o->nodes from o->srv_record when the backend is etcd, no -node was
// given and a record is set; otherwise leaves them (a -node given with an
// SRV record wins, with a warning in o->warnings). Errors as NodesFromSrv.
absl::Status ResolveSrvNodes(Options* o, const SrvLookup& lookup);

}  // namespace confwatch

#endif  // CONFWATCH_APP_SRV_NODES_H_
