#include "tests/support/etcd_test_server.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/file_io.h"
#include "etcdserverpb/rpc.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace confwatch {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kStopGrace = absl::Seconds(5);
constexpr int kStartAttempts = 3;

// True when `pid` has exited (and is now reaped).
bool Reaped(pid_t pid) {
  int status;
  return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

std::shared_ptr<grpc::ChannelCredentials> TestClientCredentials(const TestCerts* certs) {
  if (certs == nullptr) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(certs->ca_file()).value_or("");
  ssl.pem_cert_chain = ReadFile(certs->client_cert_file()).value_or("");
  ssl.pem_private_key = ReadFile(certs->client_key_file()).value_or("");
  return grpc::SslCredentials(ssl);
}

namespace {

std::unique_ptr<grpc::ClientContext> Deadline(absl::Duration d) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + d));
  return ctx;
}

// One unary call with a 5 s deadline; the error says which step failed.
template <typename Stub, typename Req, typename Resp>
absl::Status Call(const char* what, Stub* stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& req) {
  Resp resp;
  grpc::Status s = (stub->*method)(Deadline(absl::Seconds(5)).get(), req, &resp);
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

}  // namespace

namespace {

// Fresh certificates when the options ask for TLS, else null.
absl::StatusOr<std::shared_ptr<TestCerts>> CertsFor(const EtcdTestOptions& options) {
  if (!options.tls) return nullptr;
  absl::StatusOr<std::unique_ptr<TestCerts>> certs = TestCerts::Generate();
  if (!certs.ok()) return certs.status();
  return std::shared_ptr<TestCerts>(*std::move(certs));
}

}  // namespace

std::unique_ptr<EtcdTestServer> EtcdTestServer::Make(std::string name,
                                                     std::shared_ptr<TestCerts> certs,
                                                     const EtcdTestOptions& options) {
  std::unique_ptr<EtcdTestServer> server(new EtcdTestServer());
  server->dir_ = std::make_unique<TempDir>();
  server->certs_ = std::move(certs);
  server->extra_args_ = options.extra_args;
  server->name_ = std::move(name);
  server->data_dir_ = server->dir_->Path("data");
  server->log_file_ = server->dir_->Path("etcd.log");
  server->client_port_ = FreePort();
  server->peer_port_ = FreePort();
  return server;
}

bool EtcdTestServer::PortWasTaken() const {
  return LogTail(100000).find("address already in use") != std::string::npos;
}

absl::StatusOr<std::unique_ptr<EtcdTestServer>> EtcdTestServer::Start(EtcdTestOptions options) {
  absl::StatusOr<std::shared_ptr<TestCerts>> certs = CertsFor(options);
  if (!certs.ok()) return certs.status();
  absl::Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    std::unique_ptr<EtcdTestServer> server = Make("default", *certs, options);
    last = server->Spawn();
    if (last.ok()) last = server->WaitHealthy(kStartTimeout);
    if (last.ok()) return server;
    // Only a port grabbed by someone else between FreePort() and etcd's bind
    // is worth another try.
    if (!server->PortWasTaken()) break;
  }
  return last;
}

EtcdTestServer::~EtcdTestServer() { Stop().IgnoreError(); }

std::string EtcdTestServer::endpoint() const { return absl::StrCat("127.0.0.1:", client_port_); }

std::string EtcdTestServer::url() const {
  return absl::StrCat(certs_ ? "https://" : "http://", endpoint());
}

std::string EtcdTestServer::PeerUrl() const {
  return absl::StrCat("http://127.0.0.1:", peer_port_);
}

std::vector<std::string> EtcdTestServer::Args() const {
  std::vector<std::string> args = {
      "etcd",
      "--name=" + name_,
      "--data-dir=" + data_dir_,
      "--listen-client-urls=" + url(),
      "--advertise-client-urls=" + url(),
      "--listen-peer-urls=" + PeerUrl(),
      "--initial-advertise-peer-urls=" + PeerUrl(),
      "--initial-cluster=" + (initial_cluster_.empty() ? name_ + "=" + PeerUrl() : initial_cluster_),
      "--initial-cluster-state=new",
      "--initial-cluster-token=confwatch-test",
      // Short raft timers: a killed cluster member is replaced in about a
      // second instead of several.
      "--heartbeat-interval=50",
      "--election-timeout=500",
      "--logger=zap",
      "--log-outputs=stderr",
  };
  if (certs_) {
    args.push_back("--cert-file=" + certs_->server_cert_file());
    args.push_back("--key-file=" + certs_->server_key_file());
    args.push_back("--trusted-ca-file=" + certs_->ca_file());
    args.push_back("--client-cert-auth");
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  return args;
}

absl::Status EtcdTestServer::Spawn() {
  std::vector<std::string> args = Args();
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) return absl::InternalError("IO error: " + log_file_);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  close(null_fd);
  if (pid < 0) return absl::InternalError("fork failed");
  pid_ = pid;
  return absl::OkStatus();
}

absl::Status EtcdTestServer::WaitHealthy(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  grpc::Status last;
  while (absl::Now() < deadline) {
    if (Reaped(pid_)) {
      pid_ = -1;
      return absl::UnavailableError(
          absl::StrCat("etcd ", name_, " on ", endpoint(), " exited during start:\n", LogTail()));
    }
    // A fresh channel per probe: etcd accepts connections only once it has a
    // leader, and a reused channel would sit in gRPC's reconnect backoff.
    auto kv = etcdserverpb::KV::NewStub(
        grpc::CreateChannel(endpoint(), TestClientCredentials(certs_.get())));
    etcdserverpb::RangeRequest req;
    req.set_key("health");
    etcdserverpb::RangeResponse resp;
    auto ctx = Deadline(absl::Seconds(1));
    last = kv->Range(ctx.get(), req, &resp);
    // A linearizable read that gets any answer but "unavailable" went through
    // raft: there is a leader. With auth on, the answer is "user name is
    // empty", which is just as good.
    if (last.error_code() != grpc::StatusCode::UNAVAILABLE &&
        last.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat("etcd ", name_, " on ", endpoint(),
                                                  " not healthy after ", absl::FormatDuration(timeout),
                                                  ": ", last.error_message(), "\n", LogTail()));
}

absl::Status EtcdTestServer::Stop() {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  kill(pid_, SIGCONT);  // a paused etcd cannot act on SIGTERM
  absl::Time deadline = absl::Now() + kStopGrace;
  while (absl::Now() < deadline) {
    if (Reaped(pid_)) {
      pid_ = -1;
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  Kill();
  return absl::DeadlineExceededError(
      absl::StrCat("etcd ", name_, " ignored SIGTERM for ", absl::FormatDuration(kStopGrace)));
}

void EtcdTestServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void EtcdTestServer::Pause() {
  if (pid_ <= 0) return;
  kill(pid_, SIGSTOP);
  // kill() returns before the stop takes effect; a request sent right after
  // could still be answered. We are etcd's parent, so wait for the stop.
  int status = 0;
  if (waitpid(pid_, &status, WUNTRACED) == pid_ && !WIFSTOPPED(status)) {
    pid_ = -1;  // it exited instead; it is reaped now
  }
}

void EtcdTestServer::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

absl::Status EtcdTestServer::Restart() {
  absl::Status stopped = Stop();
  if (!stopped.ok()) return stopped;
  absl::Status s = Spawn();
  if (!s.ok()) return s;
  return WaitHealthy(kStartTimeout);
}

absl::Status EtcdTestServer::EnableAuth() {
  auto auth = etcdserverpb::Auth::NewStub(
      grpc::CreateChannel(endpoint(), TestClientCredentials(certs_.get())));
  etcdserverpb::AuthUserAddRequest root;
  root.set_name(kTestRootUser);
  root.set_password(kTestRootPassword);
  etcdserverpb::AuthUserGrantRoleRequest grant_root;
  grant_root.set_user(kTestRootUser);
  grant_root.set_role("root");
  etcdserverpb::AuthRoleAddRequest role;
  role.set_name("app-reader");
  etcdserverpb::AuthRoleGrantPermissionRequest perm;
  perm.set_name("app-reader");
  perm.mutable_perm()->set_permtype(authpb::Permission::READ);
  perm.mutable_perm()->set_key(kTestReaderPrefix);
  perm.mutable_perm()->set_range_end("/app0");  // kTestReaderPrefix with its last byte + 1
  etcdserverpb::AuthUserAddRequest reader;
  reader.set_name(kTestReader);
  reader.set_password(kTestReaderPassword);
  etcdserverpb::AuthUserGrantRoleRequest grant_reader;
  grant_reader.set_user(kTestReader);
  grant_reader.set_role("app-reader");

  using Stub = etcdserverpb::Auth::Stub;
  absl::Status s = Call("UserAdd root", auth.get(), &Stub::UserAdd, root);
  if (s.ok()) s = Call("UserGrantRole root", auth.get(), &Stub::UserGrantRole, grant_root);
  if (s.ok()) s = Call("RoleAdd", auth.get(), &Stub::RoleAdd, role);
  if (s.ok()) s = Call("RoleGrantPermission", auth.get(), &Stub::RoleGrantPermission, perm);
  if (s.ok()) s = Call("UserAdd web", auth.get(), &Stub::UserAdd, reader);
  if (s.ok()) s = Call("UserGrantRole web", auth.get(), &Stub::UserGrantRole, grant_reader);
  if (s.ok()) {
    s = Call("AuthEnable", auth.get(), &Stub::AuthEnable, etcdserverpb::AuthEnableRequest());
  }
  return s;
}

absl::Status EtcdTestServer::StopAndClearData() {
  if (absl::Status s = Stop(); !s.ok()) return s;
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
  if (ec) return absl::InternalError(absl::StrCat("removing ", data_dir_, ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status EtcdTestServer::RestartEmpty() {
  if (absl::Status s = StopAndClearData(); !s.ok()) return s;
  if (absl::Status s = Spawn(); !s.ok()) return s;
  return WaitHealthy(kStartTimeout);
}

absl::Status EtcdTestServer::Etcdctl(const std::vector<std::string>& args) const {
  std::vector<std::string> full = {"etcdctl"};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError("IO error: " + log_file_);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    setenv("ETCDCTL_API", "3", 1);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);
  if (pid < 0) return absl::InternalError("fork failed");
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(
        absl::StrCat("etcdctl ", absl::StrJoin(args, " "), " failed:\n", LogTail()));
  }
  return absl::OkStatus();
}

absl::Status EtcdTestServer::SaveSnapshot(const std::string& path) {
  std::vector<std::string> args = {"--endpoints=" + url(), "snapshot", "save", path};
  if (certs_) {
    args.insert(args.end(), {"--cacert=" + certs_->ca_file(), "--cert=" + certs_->client_cert_file(),
                             "--key=" + certs_->client_key_file()});
  }
  return Etcdctl(args);
}

absl::Status EtcdTestServer::RestoreSnapshot(const std::string& path) {
  if (absl::Status s = StopAndClearData(); !s.ok()) return s;
  absl::Status s = Etcdctl({"snapshot", "restore", path, "--data-dir=" + data_dir_,
                            "--name=" + name_, "--initial-cluster=" + name_ + "=" + PeerUrl(),
                            "--initial-advertise-peer-urls=" + PeerUrl(),
                            "--initial-cluster-token=confwatch-test"});
  if (s.ok()) s = Spawn();
  if (s.ok()) s = WaitHealthy(kStartTimeout);
  return s;
}

absl::Status EtcdTestServer::GrantReaderPrefix(const std::string& prefix) {
  return ChangeReaderPrefix(prefix, true);
}

absl::Status EtcdTestServer::RevokeReaderPrefix(const std::string& prefix) {
  return ChangeReaderPrefix(prefix, false);
}

absl::Status EtcdTestServer::ChangeReaderPrefix(const std::string& prefix, bool grant) {
  auto auth = etcdserverpb::Auth::NewStub(
      grpc::CreateChannel(endpoint(), TestClientCredentials(certs_.get())));
  etcdserverpb::AuthenticateRequest login;
  login.set_name(kTestRootUser);
  login.set_password(kTestRootPassword);
  etcdserverpb::AuthenticateResponse token;
  grpc::Status s = auth->Authenticate(Deadline(absl::Seconds(5)).get(), login, &token);
  if (!s.ok()) return absl::UnavailableError(absl::StrCat("Authenticate root: ", s.error_message()));
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);  // every key starting with `prefix`
  std::unique_ptr<grpc::ClientContext> ctx = Deadline(absl::Seconds(5));
  ctx->AddMetadata("token", token.token());
  if (grant) {
    etcdserverpb::AuthRoleGrantPermissionRequest perm;
    perm.set_name("app-reader");
    perm.mutable_perm()->set_permtype(authpb::Permission::READ);
    perm.mutable_perm()->set_key(prefix);
    perm.mutable_perm()->set_range_end(end);
    etcdserverpb::AuthRoleGrantPermissionResponse resp;
    s = auth->RoleGrantPermission(ctx.get(), perm, &resp);
  } else {
    etcdserverpb::AuthRoleRevokePermissionRequest perm;
    perm.set_role("app-reader");
    perm.set_key(prefix);
    perm.set_range_end(end);
    etcdserverpb::AuthRoleRevokePermissionResponse resp;
    s = auth->RoleRevokePermission(ctx.get(), perm, &resp);
  }
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat(grant ? "RoleGrantPermission: " : "RoleRevokePermission: ",
                                               s.error_message()));
  }
  return absl::OkStatus();
}

std::string EtcdTestServer::LogTail(size_t max_bytes) const {
  std::string log = ReadFile(log_file_).value_or("");
  if (log.size() > max_bytes) log = "..." + log.substr(log.size() - max_bytes);
  return log;
}

absl::StatusOr<std::unique_ptr<EtcdTestCluster>> EtcdTestCluster::Start(int members,
                                                                        EtcdTestOptions options) {
  absl::StatusOr<std::shared_ptr<TestCerts>> certs = CertsFor(options);
  if (!certs.ok()) return certs.status();
  absl::Status last;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    std::unique_ptr<EtcdTestCluster> cluster(new EtcdTestCluster());
    std::vector<std::string> peers;
    for (int i = 0; i < members; ++i) {
      cluster->members_.push_back(EtcdTestServer::Make(absl::StrCat("m", i), *certs, options));
      peers.push_back(cluster->members_.back()->name_ + "=" + cluster->members_.back()->PeerUrl());
    }
    last = absl::OkStatus();
    for (auto& m : cluster->members_) {
      m->initial_cluster_ = absl::StrJoin(peers, ",");
      if (last.ok()) last = m->Spawn();
    }
    for (auto& m : cluster->members_) {
      if (last.ok()) last = m->WaitHealthy(kStartTimeout);
    }
    if (last.ok()) return cluster;
    bool port_taken = false;
    for (auto& m : cluster->members_) port_taken |= m->PortWasTaken();
    if (!port_taken) break;
  }
  return last;
}

std::vector<std::string> EtcdTestCluster::endpoints() const {
  std::vector<std::string> out;
  for (const auto& m : members_) out.push_back(m->endpoint());
  return out;
}

std::vector<std::string> EtcdTestCluster::running_endpoints() const {
  std::vector<std::string> out;
  for (const auto& m : members_) {
    if (m->running()) out.push_back(m->url());
  }
  return out;
}

}  // namespace confwatch
