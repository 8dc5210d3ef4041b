// FuncEnv: the operating system as the template functions see it
// (environment, host name, file existence, clock, DNS, interface
// addresses). The function map
// takes one so that tests substitute a fake (fixed clock, canned DNS
// answers) while production uses SystemFuncEnv(), which behaves like the Go
// calls confd makes (os.Getenv, os.Hostname, os.Stat, time.Now,
// net.LookupIP, net.LookupSRV).
//
// Thread-safety: implementations must be safe to call from several
// rendering threads at once; SystemFuncEnv() is.
#ifndef CONFWATCH_FUNCS_ENV_H_
#define CONFWATCH_FUNCS_ENV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "funcs/time.h"

namespace confwatch {

// One answer of net.LookupSRV (Go's net.SRV).
struct SrvRecord {
  std::string target;  // as in DNS, with the trailing dot
  uint16_t port = 0;
  uint16_t priority = 0;
  uint16_t weight = 0;
};

class FuncEnv {
 public:
  virtual ~FuncEnv() = default;

  // os.Getenv: "" when unset.
  virtual std::string Getenv(const std::string& name) const = 0;
  // os.Hostname.
  virtual absl::StatusOr<std::string> Hostname() const = 0;
  // confd's isFileExist: false only when stat reports "does not exist"
  // (a permission error counts as existing).
  virtual bool FileExists(const std::string& path) const = 0;
  // time.Now().
  virtual GoTime Now() const = 0;
  // net.LookupIP: the addresses as net.IP.String() prints them (IPv4 dotted,
  // IPv6 in RFC 5952 form), in resolver order. An IP literal resolves to
  // itself without DNS.
  virtual absl::StatusOr<std::vector<std::string>> LookupIP(const std::string& host) const = 0;
  // net.LookupSRV(service, proto, name): queries _service._proto.name, or
  // name itself when service and proto are both empty.
  virtual absl::StatusOr<std::vector<SrvRecord>> LookupSRV(const std::string& service,
                                                           const std::string& proto,
                                                           const std::string& name) const = 0;
  // The addresses of the network interface `name` (net.InterfaceByName +
  // Addrs), in the kernel's order, as net.IP.String() prints them (an
  // IPv4-mapped IPv6 address prints dotted). Empty when there is no such
  // interface or it has no address.
  virtual std::vector<std::string> InterfaceAddrs(const std::string& name) const = 0;
};

// The real environment (getenv, gethostname, stat, clocks, the system
// resolver). Lives for the whole process.
const FuncEnv& SystemFuncEnv();

}  // namespace confwatch

#endif  // CONFWATCH_FUNCS_ENV_H_
