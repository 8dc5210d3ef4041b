// Template functions for self-registration: the host's own addresses, which a
// registration key or value usually contains ("/services/web/{{hostIP}}:8080").
// The confd function map has hostname and getenv but nothing that lists the
// machine's interfaces, so these are added here:
//   hostIPs  []string  every address of an interface that is up, loopback
//                      and IPv6 link-local (fe80::/10) left out, IPv4 first,
//                      each family in interface order
//   hostIP   string    the address a peer most likely reaches us on: the
//                      first private IPv4 (10/8, 172.16/12, 192.168/8), else
//                      the first other IPv4, else the first IPv6 of hostIPs;
//                      an error when there is none (go-micro's addr.Extract
//                      picks the same way)
//
// Thread-safety: pure functions; the functions may run on any thread.
#ifndef CONFWATCH_REGISTER_HOST_IP_FUNCS_H_
#define CONFWATCH_REGISTER_HOST_IP_FUNCS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "template/function.h"

namespace confwatch {

struct InterfaceAddress {
  std::string name;  // "eth0"
  std::string ip;    // "10.0.0.5", "fd00::5" (Go's net.IP.String form)
  bool up = true;
  bool loopback = false;
};

// The usable addresses of `all`, in hostIPs order.
std::vector<std::string> UsableHostIPs(const std::vector<InterfaceAddress>& all);
// hostIP's choice among `all`. NotFound "no non-loopback network address"
// when there is none.
absl::StatusOr<std::string> PickHostIP(const std::vector<InterfaceAddress>& all);

// The machine's interface addresses (getifaddrs).
absl::StatusOr<std::vector<InterfaceAddress>> SystemInterfaceAddresses();

using InterfaceLister = std::function<absl::StatusOr<std::vector<InterfaceAddress>>()>;

// Adds hostIP and hostIPs to *m, reading addresses through `lister`.
void AddHostIPFuncs(FuncMap* m, InterfaceLister lister = SystemInterfaceAddresses);

// What registration templates can call: ConfwatchFuncMap() (hostname,
// getenv, lookupIP, ...) plus hostIP and hostIPs.
FuncMap RegistrationFuncMap();

}  // namespace confwatch

#endif  // CONFWATCH_REGISTER_HOST_IP_FUNCS_H_
