// Real etcd servers for integration tests and benchmarks: Debian's
// /usr/bin/etcd on 127.0.0.1, free ports, a temp data dir, stopped (SIGTERM,
// then SIGKILL) when the object dies.
//
//   auto etcd = EtcdTestServer::Start();
//   ASSERT_TRUE(etcd.ok()) << etcd.status();
//   opts.endpoints = {(*etcd)->endpoint()};          // "127.0.0.1:PORT"
//   (*etcd)->Kill();                                  // SIGKILL
//   ASSERT_TRUE((*etcd)->Restart().ok());             // same ports, same data
//
//   EtcdTestOptions o;
//   o.tls = true;                                     // https, client certs
//   auto tls = EtcdTestServer::Start(o);
//   opts.ca_file = (*tls)->certs()->ca_file();
//
//   ASSERT_TRUE((*etcd)->EnableAuth().ok());          // root + reader "web"
//
//   auto cluster = EtcdTestCluster::Start(3);         // static bootstrap
//   (*cluster)->member(0)->Kill();
//
// Every call returns an absl::Status naming what failed and, when etcd itself
// failed, the end of its log. A server's process gets SIGKILL if the thread
// that started it exits (PR_SET_PDEATHSIG), so a crashed test leaves no etcd
// behind: start servers from the test's main thread.
//
// Thread-safety: not thread-safe; drive a server from one thread.
#ifndef CONFWATCH_TESTS_SUPPORT_ETCD_TEST_SERVER_H_
#define CONFWATCH_TESTS_SUPPORT_ETCD_TEST_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certs.h"

namespace confwatch {

// Users EnableAuth() creates. kTestReader may only read keys under "/app/".
inline constexpr char kTestRootUser[] = "root";
inline constexpr char kTestRootPassword[] = "rootpw";
inline constexpr char kTestReader[] = "web";
inline constexpr char kTestReaderPassword[] = "webpw";
inline constexpr char kTestReaderPrefix[] = "/app/";

struct EtcdTestOptions {
  // Serve clients over https with certificates from a fresh TestCerts
  // (certs()); clients must present the client certificate.
  bool tls = false;
  // Extra etcd flags, e.g. "--experimental-watch-progress-notify-interval=1s"
  // or "--auth-token-ttl=1".
  std::vector<std::string> extra_args;
};

// Credentials for a raw gRPC channel to a test server: insecure when `certs`
// is null, else its CA and client certificate.
std::shared_ptr<grpc::ChannelCredentials> TestClientCredentials(const TestCerts* certs);

class EtcdTestServer {
 public:
  // Starts a single-member etcd and waits until it serves a linearizable read
  // (at most 30 s). Retries with new ports if one was taken meanwhile.
  static absl::StatusOr<std::unique_ptr<EtcdTestServer>> Start(EtcdTestOptions options = {});

  ~EtcdTestServer();  // Stop(), ignoring the result
  EtcdTestServer(const EtcdTestServer&) = delete;
  EtcdTestServer& operator=(const EtcdTestServer&) = delete;

  // "127.0.0.1:PORT": the client endpoint in host:port form.
  std::string endpoint() const;
  // "http://127.0.0.1:PORT" or "https://..." with tls.
  std::string url() const;
  const std::string& data_dir() const { return data_dir_; }
  const std::string& name() const { return name_; }
  // Certificates when started with tls, else nullptr.
  const TestCerts* certs() const { return certs_.get(); }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // SIGTERM, wait up to 5 s, then SIGKILL; reaps the process. No-op when not
  // running.
  absl::Status Stop();
  // SIGKILL and reap: a crash, no clean shutdown. No-op when not running.
  void Kill();
  // SIGSTOP / SIGCONT: the process keeps its sockets but answers nothing.
  void Pause();
  void Resume();
  // Starts etcd again on the same ports and data dir and waits until it
  // serves linearizable reads (a cluster member needs a quorum of running
  // members for that). Stops it first if it is running.
  absl::Status Restart();
  // Stops etcd, empties its data dir and starts a new one-member cluster on
  // the same ports: revision 1 again, as after restoring an older backup.
  absl::Status RestartEmpty();
  // A backup of the running etcd, written to `path` (etcdctl snapshot save).
  absl::Status SaveSnapshot(const std::string& path);
  // Stops etcd, replaces its data dir by the backup at `path` (etcdctl
  // snapshot restore) and starts it on the same ports: the keys and the
  // revision of the moment the backup was taken. Single member only.
  absl::Status RestoreSnapshot(const std::string& path);

  // Creates user root (kTestRootPassword) with role root, role "app-reader"
  // with READ on the prefix kTestReaderPrefix, user kTestReader with that role,
  // then enables auth. After this every request needs credentials.
  absl::Status EnableAuth();
  // After EnableAuth(): grants the reader's role READ on every key under
  // `prefix` as well (as root), while clients keep running.
  absl::Status GrantReaderPrefix(const std::string& prefix);
  // Takes that grant back. etcd checks read access when a watch is created,
  // so clients that already watch `prefix` notice on their next reconnect.
  absl::Status RevokeReaderPrefix(const std::string& prefix);

  // The last `max_bytes` of etcd's combined stdout/stderr.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  friend class EtcdTestCluster;
  EtcdTestServer() = default;

  static std::unique_ptr<EtcdTestServer> Make(std::string name, std::shared_ptr<TestCerts> certs,
                                              const EtcdTestOptions& options);
  bool PortWasTaken() const;
  std::vector<std::string> Args() const;
  absl::Status Spawn();
  // Stop(), then removes the data dir.
  absl::Status StopAndClearData();
  // Runs etcdctl (API v3) with `args`, its output appended to the log.
  absl::Status Etcdctl(const std::vector<std::string>& args) const;
  absl::Status WaitHealthy(absl::Duration timeout);
  // Grants (or revokes) the reader's role READ on every key under `prefix`.
  absl::Status ChangeReaderPrefix(const std::string& prefix, bool grant);
  std::string PeerUrl() const;

  std::unique_ptr<TempDir> dir_;
  std::shared_ptr<TestCerts> certs_;  // shared by a cluster's members
  std::string name_ = "default";
  std::string data_dir_;
  std::string log_file_;
  std::string initial_cluster_;  // empty: single member
  std::vector<std::string> extra_args_;
  int client_port_ = 0;
  int peer_port_ = 0;
  pid_t pid_ = -1;
};

// A static-bootstrap cluster of N members on loopback, each an EtcdTestServer
// (member(i)->Kill(), ->Restart(), ->endpoint()).
class EtcdTestCluster {
 public:
  // Starts all members at once and waits until each serves linearizable reads.
  static absl::StatusOr<std::unique_ptr<EtcdTestCluster>> Start(int members = 3,
                                                                EtcdTestOptions options = {});

  int size() const { return static_cast<int>(members_.size()); }
  EtcdTestServer* member(int i) { return members_[i].get(); }
  // Every member's endpoint, "127.0.0.1:PORT", in member order.
  std::vector<std::string> endpoints() const;
  // The client URLs ("http://..." or "https://...") of the members running
  // now (not killed or stopped), in member order: for clients that must not
  // wait on a dead member.
  std::vector<std::string> running_endpoints() const;

 private:
  EtcdTestCluster() = default;
  std::vector<std::unique_ptr<EtcdTestServer>> members_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_SUPPORT_ETCD_TEST_SERVER_H_
