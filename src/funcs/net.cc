// The functions that reach the system (datetime, lookupIP*, lookupSRV,
// fileExists, the fork's lookupIface*) and SystemFuncEnv, the real FuncEnv.
//
// DNS goes through the C library (getaddrinfo for addresses, res_search for
// SRV records), which reads /etc/hosts, /etc/resolv.conf and its search list
// as Go's resolver does. Addresses are printed with Go's net.IP.String rules,
// not inet_ntop's (they differ for "::1.2.3.4"-style addresses).
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "funcs/confd.h"
#include "golang/sort.h"
#include "process/errno_text.h"
#include "funcs/internal.h"

namespace confwatch {
namespace {

using funcs_internal::Args;
using funcs_internal::Def;
using funcs_internal::Result;
using funcs_internal::Str;
using funcs_internal::StringSlice;

// Go's net.IP.String for a 16-byte address: IPv4-mapped addresses print
// dotted; otherwise hex groups with the longest run (>= 2) of zero groups,
// the first such run on ties, shortened to "::".
std::string FormatIPv6(const unsigned char* p) {
  static constexpr unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(p, kV4Mapped, 12) == 0) return absl::StrCat(p[12], ".", p[13], ".", p[14], ".", p[15]);
  int e0 = -1, e1 = -1;
  for (int i = 0; i < 16; i += 2) {
    int j = i;
    while (j < 16 && p[j] == 0 && p[j + 1] == 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) e0 = e1 = -1;
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    if (i == e0) {
      out.append("::");
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      out.push_back(':');
    }
    absl::StrAppend(&out, absl::Hex((p[i] << 8) | p[i + 1]));
  }
  return out;
}

std::string FormatAddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    const auto* p = reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr);
    return absl::StrCat(p[0], ".", p[1], ".", p[2], ".", p[3]);
  }
  return FormatIPv6(reinterpret_cast<const unsigned char*>(
      &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr));
}

// One 16-bit big-endian field of a DNS message.
uint16_t Get16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

}  // namespace

namespace funcs_internal {

absl::StatusOr<std::vector<SrvRecord>> ParseSrvAnswer(const unsigned char* msg, int len) {
  const unsigned char* end = msg + len;
  if (len < HFIXEDSZ) return absl::InternalError("short DNS answer");
  int questions = Get16(msg + 4), answers = Get16(msg + 6);
  const unsigned char* p = msg + HFIXEDSZ;
  for (int i = 0; i < questions; ++i) {
    int n = dn_skipname(p, end);
    if (n < 0 || p + n + QFIXEDSZ > end) return absl::InternalError("bad DNS question");
    p += n + QFIXEDSZ;
  }
  std::vector<SrvRecord> out;
  for (int i = 0; i < answers; ++i) {
    int n = dn_skipname(p, end);
    if (n < 0 || p + n + RRFIXEDSZ > end) return absl::InternalError("bad DNS answer");
    p += n;
    uint16_t type = Get16(p), rdlength = Get16(p + 8);
    p += RRFIXEDSZ;
    if (p + rdlength > end) return absl::InternalError("bad DNS answer");
    if (type == ns_t_srv && rdlength >= 7) {
      char target[NS_MAXDNAME];
      if (dn_expand(msg, end, p + 6, target, sizeof(target)) < 0) {
        return absl::InternalError("bad SRV target");
      }
      // Go reports the target fully qualified, with the trailing dot.
      out.push_back({absl::StrCat(target, "."), Get16(p + 4), Get16(p), Get16(p + 2)});
    }
    p += rdlength;
  }
  return out;
}

}  // namespace funcs_internal

namespace {

using funcs_internal::ParseSrvAnswer;

class SystemEnv : public FuncEnv {
 public:
  std::string Getenv(const std::string& name) const override {
    const char* v = std::getenv(name.c_str());
    return v ? v : "";
  }

  absl::StatusOr<std::string> Hostname() const override {
    char buf[256];
    if (gethostname(buf, sizeof(buf)) != 0) {
      return absl::InternalError(absl::StrCat("hostname: ", ErrnoText(errno)));
    }
    buf[sizeof(buf) - 1] = '\0';
    return std::string(buf);
  }

  // Go's os.IsNotExist is true for ENOENT only.
  bool FileExists(const std::string& path) const override {
    struct stat st;
    return stat(path.c_str(), &st) == 0 || errno != ENOENT;
  }

  GoTime Now() const override { return GoTimeNow(); }

  absl::StatusOr<std::vector<std::string>> LookupIP(const std::string& host) const override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;  // one entry per address
    addrinfo* res = nullptr;
    if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
      return absl::NotFoundError(absl::StrCat("lookup ", host, ": ", gai_strerror(rc)));
    }
    std::vector<std::string> out;
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
      if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) out.push_back(FormatAddr(ai->ai_addr));
    }
    freeaddrinfo(res);
    return out;
  }

  absl::StatusOr<std::vector<SrvRecord>> LookupSRV(const std::string& service,
                                                   const std::string& proto,
                                                   const std::string& name) const override {
    std::string target = service.empty() && proto.empty()
                             ? name
                             : absl::StrCat("_", service, "._", proto, ".", name);
    unsigned char answer[NS_MAXMSG];
    // res_search applies resolv.conf's search list, as Go's resolver does.
    int len = res_search(target.c_str(), ns_c_in, ns_t_srv, answer, sizeof(answer));
    if (len < 0) return absl::NotFoundError(absl::StrCat("lookup ", target, ": no SRV records"));
    return ParseSrvAnswer(answer, len);
  }

  // getifaddrs reads the kernel's RTM_GETADDR dump, as Go's Interface.Addrs
  // does, so the order is the same.
  std::vector<std::string> InterfaceAddrs(const std::string& name) const override {
    std::vector<std::string> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
      if (i->ifa_addr == nullptr || name != i->ifa_name) continue;
      int family = i->ifa_addr->sa_family;
      if (family == AF_INET || family == AF_INET6) out.push_back(FormatAddr(i->ifa_addr));
    }
    freeifaddrs(list);
    return out;
  }
};

// confd's LookupIP: the addresses sorted as strings; nil on any error.
Value LookupIPValue(const FuncEnv& env, std::string_view host) {
  absl::StatusOr<std::vector<std::string>> ips = env.LookupIP(std::string(host));
  if (!ips.ok()) return Value::Zero(StringSlice());
  std::sort(ips->begin(), ips->end());
  return Value::StringList(std::move(*ips));
}

// confd's LookupIPV4/V6: LookupIP filtered by a '.' or ':' in the text;
// a nil slice when nothing is left.
Value FilterIPs(const Value& ips, char marker) {
  std::vector<std::string> out;
  for (const Value& ip : ips.AsList()) {
    if (ip.AsString().find(marker) != std::string_view::npos) out.emplace_back(ip.AsString());
  }
  if (out.empty()) return Value::Zero(StringSlice());
  return Value::StringList(std::move(out));
}

const Type* SrvStructType() {
  static const Type* type = Type::NewStruct(
      "net.SRV", {{"Target", Type::String()}, {"Port", Type::Uint16()},
                  {"Priority", Type::Uint16()}, {"Weight", Type::Uint16()}});
  return type;
}

// confd's LookupSRV: sorted by fmt.Sprintf("%s%d%d%d", Target, Port,
// Priority, Weight) with sort.Sort; an empty (not nil) slice on error.
Value LookupSRVValue(const FuncEnv& env, Args a) {
  const Type* list_type = Type::SliceOf(SrvPointerType());
  absl::StatusOr<std::vector<SrvRecord>> records = env.LookupSRV(Str(a[0]), Str(a[1]), Str(a[2]));
  if (!records.ok()) return Value::List(list_type, ValueList{});
  auto key = [](const SrvRecord& r) {
    return absl::StrCat(r.target, r.port, r.priority, r.weight);
  };
  GoSort(&*records, [&](const SrvRecord& x, const SrvRecord& y) { return key(x) < key(y); });
  ValueList out;
  for (const SrvRecord& r : *records) {
    out.push_back(Value::Struct(SrvPointerType(),
                                {Value::String(r.target), Value::Integer(Type::Uint16(), r.port),
                                 Value::Integer(Type::Uint16(), r.priority),
                                 Value::Integer(Type::Uint16(), r.weight)}));
  }
  return Value::List(list_type, std::move(out));
}

}  // namespace

const Type* SrvPointerType() {
  static const Type* type = Type::PointerTo(SrvStructType());
  return type;
}

const FuncEnv& SystemFuncEnv() {
  static const SystemEnv* env = new SystemEnv();
  return *env;
}

namespace funcs_internal {

void AddSystemFuncs(FuncMap* m, const FuncEnv* env) {
  const Type* s = Type::String();
  Def(m, "datetime", {}, nullptr, TimeType(),
      [env](ExecContext&, Args) -> Result { return MakeTimeValue(env->Now()); });
  Def(m, "fileExists", {s}, nullptr, Type::Bool(), [env](ExecContext&, Args a) -> Result {
    return Value::Bool(env->FileExists(Str(a[0])));
  });
  Def(m, "lookupIP", {s}, nullptr, StringSlice(), [env](ExecContext&, Args a) -> Result {
    return LookupIPValue(*env, a[0].AsString());
  });
  Def(m, "lookupIPV4", {s}, nullptr, StringSlice(), [env](ExecContext&, Args a) -> Result {
    return FilterIPs(LookupIPValue(*env, a[0].AsString()), '.');
  });
  Def(m, "lookupIPV6", {s}, nullptr, StringSlice(), [env](ExecContext&, Args a) -> Result {
    return FilterIPs(LookupIPValue(*env, a[0].AsString()), ':');
  });
  Def(m, "lookupSRV", {s, s, s}, nullptr, Type::SliceOf(SrvPointerType()),
      [env](ExecContext&, Args a) -> Result { return LookupSRVValue(*env, a); });
}

// The fork's LookupIfaceIPV4/IPV6: the first address of the family, "" when
// the interface is missing or has none. IP.To4() != nil is what makes an
// address IPv4 there, and exactly those addresses print dotted.
void AddInterfaceFuncs(FuncMap* m, const FuncEnv* env) {
  const Type* s = Type::String();
  auto first = [env](const std::string& iface, bool v4) {
    for (const std::string& ip : env->InterfaceAddrs(iface)) {
      if ((ip.find('.') != std::string::npos) == v4) return Value::String(ip);
    }
    return Value::String("");
  };
  Def(m, "lookupIfaceIPV4", {s}, nullptr, s,
      [first](ExecContext&, Args a) -> Result { return first(Str(a[0]), true); });
  Def(m, "lookupIfaceIPV6", {s}, nullptr, s,
      [first](ExecContext&, Args a) -> Result { return first(Str(a[0]), false); });
}

}  // namespace funcs_internal
}  // namespace confwatch
