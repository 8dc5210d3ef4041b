// See srv_nodes.h.
#include "app/srv_nodes.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace confwatch {
namespace {

bool Before(const SrvRecord& a, const SrvRecord& b) {
  // Weight descending: negate it inside the ascending tuple comparison.
  return std::make_tuple(a.priority, -int{a.weight}, a.target, a.port) <
         std::make_tuple(b.priority, -int{b.weight}, b.target, b.port);
}

std::string HostOf(const SrvRecord& r) {
  std::string host = r.target;
  if (absl::EndsWith(host, ".") && host.size() > 1) host.pop_back();
  // An IPv6 literal target needs brackets before ":port".
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]");
  return host;
}

}  // namespace

SrvLookup SystemSrvLookup() {
  return [](const std::string& record) { return SystemFuncEnv().LookupSRV("", "", record); };
}

absl::StatusOr<std::vector<std::string>> NodesFromSrv(const std::string& record,
                                                      const std::string& scheme,
                                                      const SrvLookup& lookup) {
  absl::StatusOr<std::vector<SrvRecord>> answers = lookup(record);
  if (!answers.ok()) {
    return absl::UnavailableError(
        absl::StrCat("SRV record ", record, ": ", answers.status().message()));
  }
  std::vector<SrvRecord> sorted = *std::move(answers);
  // RFC 2782: a target of "." means the service is decidedly not available.
  sorted.erase(
      std::remove_if(sorted.begin(), sorted.end(),
                     [](const SrvRecord& r) { return r.target.empty() || r.target == "."; }),
      sorted.end());
  if (sorted.empty()) {
    return absl::UnavailableError(absl::StrCat("SRV record ", record, ": no targets"));
  }
  std::sort(sorted.begin(), sorted.end(), Before);
  std::vector<std::string> nodes;
  for (const SrvRecord& r : sorted) {
    nodes.push_back(absl::StrCat(scheme, "://", HostOf(r), ":", r.port));
  }
  return nodes;
}

absl::Status ResolveSrvNodes(Options* o, const SrvLookup& lookup) {
  if (o->srv_record.empty() || o->backend != "etcdv3") return absl::OkStatus();
  if (!o->nodes.empty()) {
    o->warnings.push_back(absl::StrCat("-node ", absl::StrJoin(o->nodes, ","),
                                       " is used; the SRV record ", o->srv_record,
                                       " is not looked up"));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> nodes = NodesFromSrv(o->srv_record, o->scheme, lookup);
  if (!nodes.ok()) return nodes.status();
  o->nodes = *std::move(nodes);
  return absl::OkStatus();
}

}  // namespace confwatch
