// See host_ip_funcs.h.
#include "register/host_ip_funcs.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "process/errno_text.h"
#include "funcs/confd.h"

namespace confwatch {
namespace {

bool IsV4(const std::string& ip) { return ip.find(':') == std::string::npos; }

bool IsPrivateV4(const std::string& ip) {
  in_addr a{};
  if (inet_pton(AF_INET, ip.c_str(), &a) != 1) return false;
  uint32_t h = ntohl(a.s_addr);
  return (h >> 24) == 10 || (h >> 20) == ((172u << 4) | 1) || (h >> 16) == ((192u << 8) | 168);
}

bool IsLinkLocalV6(const std::string& ip) {
  in6_addr a{};
  if (inet_pton(AF_INET6, ip.c_str(), &a) != 1) return false;
  return a.s6_addr[0] == 0xfe && (a.s6_addr[1] & 0xc0) == 0x80;
}

// Go's net.IP.String: inet_ntop agrees with it for what interfaces carry
// (plain IPv4, IPv6 that is not IPv4-mapped).
std::string FormatSockaddr(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

}  // namespace

std::vector<std::string> UsableHostIPs(const std::vector<InterfaceAddress>& all) {
  std::vector<std::string> v4, v6;
  for (const InterfaceAddress& a : all) {
    if (!a.up || a.loopback) continue;
    if (IsV4(a.ip)) {
      v4.push_back(a.ip);
    } else if (!IsLinkLocalV6(a.ip)) {
      v6.push_back(a.ip);
    }
  }
  v4.insert(v4.end(), v6.begin(), v6.end());
  return v4;
}

absl::StatusOr<std::string> PickHostIP(const std::vector<InterfaceAddress>& all) {
  std::vector<std::string> ips = UsableHostIPs(all);
  for (const std::string& ip : ips) {
    if (IsPrivateV4(ip)) return ip;
  }
  if (ips.empty()) return absl::NotFoundError("no non-loopback network address");
  return ips.front();  // IPv4 come first
}

absl::StatusOr<std::vector<InterfaceAddress>> SystemInterfaceAddresses() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return absl::InternalError(absl::StrCat("getifaddrs: ", ErrnoText(errno)));
  }
  std::vector<InterfaceAddress> out;
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    int family = i->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    InterfaceAddress a;
    a.name = i->ifa_name;
    a.ip = FormatSockaddr(i->ifa_addr);
    a.up = (i->ifa_flags & IFF_UP) != 0;
    a.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
    out.push_back(std::move(a));
  }
  freeifaddrs(list);
  return out;
}

void AddHostIPFuncs(FuncMap* m, InterfaceLister lister) {
  Signature ips_sig;
  ips_sig.result = Type::SliceOf(Type::String());
  m->Add("hostIPs", ips_sig, [lister](ExecContext&, absl::Span<const Value>) -> absl::StatusOr<Value> {
    absl::StatusOr<std::vector<InterfaceAddress>> all = lister();
    if (!all.ok()) return all.status();
    return Value::StringList(UsableHostIPs(*all));
  });
  Signature ip_sig;
  ip_sig.result = Type::String();
  m->Add("hostIP", ip_sig, [lister](ExecContext&, absl::Span<const Value>) -> absl::StatusOr<Value> {
    absl::StatusOr<std::vector<InterfaceAddress>> all = lister();
    if (!all.ok()) return all.status();
    absl::StatusOr<std::string> ip = PickHostIP(*all);
    if (!ip.ok()) return ip.status();
    return Value::String(*std::move(ip));
  });
}

FuncMap RegistrationFuncMap() {
  FuncMap m = ConfwatchFuncMap();
  AddHostIPFuncs(&m);
  return m;
}

}  // namespace confwatch
