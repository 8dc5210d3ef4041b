// -srv-domain end to end: the real confwatch binary finds a real etcd through
// a DNS SRV record, resolved by the C library's resolver. The record comes
// from a tiny DNS responder on 127.0.0.1:53 in this process; confwatch runs
// in a mount namespace of its own (unshare -m) whose /etc/resolv.conf names
// it, so nothing else on the machine sees it. Needs root (port 53, unshare);
// skipped otherwise.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/integration/binary_etcd_test.h"
#include "tests/integration/confwatch_process.h"

namespace confwatch {
namespace {

struct SrvAnswer {
  uint16_t priority, weight, port;
  std::string target;  // "localhost."
};

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

// "localhost." -> \x09localhost\x00
std::string EncodeName(const std::string& name) {
  std::string out;
  for (absl::string_view label : absl::StrSplit(name, '.', absl::SkipEmpty())) {
    out.push_back(static_cast<char>(label.size()));
    out.append(label.data(), label.size());
  }
  out.push_back('\0');
  return out;
}

// Answers SRV queries for one record, A queries for any name with
// 127.0.0.1, everything else with no answer; one UDP datagram at a time.
class TinyDns {
 public:
  TinyDns(std::string record, std::vector<SrvAnswer> answers)
      : record_(EncodeName(record)), answers_(std::move(answers)) {}
  ~TinyDns() {
    done_ = true;
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  // False when 127.0.0.1:53 cannot be bound (not root, or taken).
  bool Start() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) return false;
    timeval tv{0, 200 * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    thread_ = std::thread([this] { Loop(); });
    return true;
  }
  int srv_queries() const { return srv_queries_; }

 private:
  void Loop() {
    while (!done_) {
      char buf[512];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 12) continue;
      std::string reply = Answer(std::string(buf, static_cast<size_t>(n)));
      if (!reply.empty()) {
        sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
      }
    }
  }

  std::string Answer(const std::string& q) {
    size_t end = 12;  // the one question's name
    while (end < q.size() && q[end] != '\0') end += static_cast<unsigned char>(q[end]) + 1;
    if (end + 5 > q.size()) return "";
    const std::string qname = q.substr(12, end + 1 - 12);
    const uint16_t qtype = static_cast<uint16_t>((static_cast<unsigned char>(q[end + 1]) << 8) |
                                                 static_cast<unsigned char>(q[end + 2]));
    std::string records;
    int count = 0;
    bool nxdomain = false;
    if (qtype == 33) {
      ++srv_queries_;
      nxdomain = qname != record_;
      for (const SrvAnswer& s : nxdomain ? std::vector<SrvAnswer>{} : answers_) {
        std::string rdata;
        Put16(&rdata, s.priority);
        Put16(&rdata, s.weight);
        Put16(&rdata, s.port);
        rdata += EncodeName(s.target);
        Record(&records, 33, rdata);
        ++count;
      }
    } else if (qtype == 1) {
      Record(&records, 1, std::string("\x7f\x00\x00\x01", 4));
      ++count;
    }
    std::string out = q.substr(0, 2);         // the query's id
    Put16(&out, nxdomain ? 0x8183 : 0x8180);  // response, RD, RA; rcode
    Put16(&out, 1);
    Put16(&out, static_cast<uint16_t>(count));
    Put16(&out, 0);
    Put16(&out, 0);
    out += q.substr(12, end + 5 - 12);  // the question as asked
    return out + records;
  }

  static void Record(std::string* out, uint16_t type, const std::string& rdata) {
    Put16(out, 0xc00c);  // the name: a pointer to the question's
    Put16(out, type);
    Put16(out, 1);  // IN
    Put16(out, 0);
    Put16(out, 60);  // TTL
    Put16(out, static_cast<uint16_t>(rdata.size()));
    *out += rdata;
  }

  const std::string record_;
  const std::vector<SrvAnswer> answers_;
  int fd_ = -1;
  std::atomic<bool> done_{false};
  std::atomic<int> srv_queries_{0};
  std::thread thread_;
};

class SrvDiscoveryTest : public BinaryEtcdTest {
 protected:
  // confwatch `args` in a mount namespace whose resolv.conf points to
  // 127.0.0.1; returns the exit code (nullopt if it hung).
  std::optional<int> RunResolvingLocally(const Confdir& c, const std::vector<std::string>& args) {
    const std::string resolv = c.Scratch("resolv.conf");
    WriteFile(resolv, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    std::string command = absl::StrCat("mount --bind ", resolv, " /etc/resolv.conf && exec ",
                                       CONFWATCH_BINARY_DIR, "/confwatch -confdir ", c.path());
    for (const std::string& a : args) absl::StrAppend(&command, " ", a);
    pid_t pid = SpawnLogged({"/usr/bin/unshare", "-m", "/bin/sh", "-c", command}, log_);
    if (pid <= 0) return std::nullopt;
    int status = 0;
    if (!PollUntil([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                   std::chrono::seconds(60))) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return std::nullopt;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Log() const { return ReadWholeFile(log_).value_or(""); }

  TempDir temp_;  // before log_, which is made from it
  std::string log_ = temp_.Path("confwatch.log");
};

TEST_F(SrvDiscoveryTest, SrvDomainFindsEtcdThroughDnsAndRenders) {
  if (geteuid() != 0) GTEST_SKIP() << "port 53 and unshare -m need root";
  if (access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/unshare";
  const std::string endpoint = etcd_->endpoint();  // "127.0.0.1:PORT"
  const int port = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
  TinyDns dns("_etcd._tcp.confwatch.test.", {{0, 10, static_cast<uint16_t>(port), "localhost."}});
  if (!dns.Start()) GTEST_SKIP() << "127.0.0.1:53 is not free";
  Put("/app/x", "from-srv");
  Confdir c;
  c.AddTemplate("t.tmpl", "x={{getv \"/app/x\"}}\n");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"");
  std::optional<int> code = RunResolvingLocally(c, {"-onetime", "-srv-domain", "confwatch.test"});
  ASSERT_TRUE(code.has_value()) << "hung\n" << Log();
  EXPECT_EQ(0, *code) << Log();
  EXPECT_EQ(std::optional<std::string>("x=from-srv\n"), ReadWholeFile(c.Out("t.conf"))) << Log();
  EXPECT_TRUE(absl::StrContains(Log(), absl::StrCat("SRV record _etcd._tcp.confwatch.test.: etcd "
                                                    "nodes http://localhost:",
                                                    port)))
      << Log();
  EXPECT_GE(dns.srv_queries(), 1);
}

TEST_F(SrvDiscoveryTest, UnknownSrvRecordExitsThreeNamingIt) {
  if (geteuid() != 0) GTEST_SKIP() << "port 53 and unshare -m need root";
  if (access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/unshare";
  TinyDns dns("_etcd._tcp.confwatch.test.", {});
  if (!dns.Start()) GTEST_SKIP() << "127.0.0.1:53 is not free";
  Confdir c;
  c.AddTemplate("t.tmpl", "x\n");
  c.AddResource("t.toml", "t.tmpl", "t.conf", "\"/app\"");
  std::optional<int> code =
      RunResolvingLocally(c, {"-onetime", "-srv-record", "_etcd-client._tcp.confwatch.test."});
  ASSERT_TRUE(code.has_value()) << "hung\n" << Log();
  EXPECT_EQ(3, *code) << Log();
  EXPECT_TRUE(absl::StrContains(
      Log(), "cannot find the etcd nodes: SRV record _etcd-client._tcp.confwatch.test.: "))
      << Log();
  EXPECT_GE(dns.srv_queries(), 1) << "the question reached our DNS server";
  EXPECT_FALSE(ReadWholeFile(c.Out("t.conf")).has_value());
}

}  // namespace
}  // namespace confwatch
