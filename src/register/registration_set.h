// RegistrationSet: every registration of one confwatch process -- the
// [[register]] tables of the config file, or the one of `confwatch
// register` -- rendered up front and run together. This is the one call
// site the daemon and the subcommand share:
//
//   std::vector<std::string> warnings;
//   auto specs = LoadRegistrations(config_file, &warnings);   // registration_spec.h
//   auto set = RegistrationSet::Create(*specs, etcd_client, &runner);
//   if (!set.ok()) -> usage error (exit 2), nothing was registered
//   (*set)->Start();            // after signals are blocked
//   ...                         // (*set)->Statuses() for /metrics
//   (*set)->Shutdown();         // on SIGTERM/SIGINT: every key gone at once
//
// Thread-safety: Start(), Shutdown() and Statuses() may be called from any
// thread; Shutdown() is idempotent.
#ifndef CONFWATCH_REGISTER_REGISTRATION_SET_H_
#define CONFWATCH_REGISTER_REGISTRATION_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "etcd/etcd_client.h"
#include "process/command_runner.h"
#include "register/registrar.h"
#include "register/registration_spec.h"
#include "template/function.h"

namespace confwatch {

// One registration's key and state, for metrics.
struct RegistrationStatus {
  std::string key;
  RegistrarState state;
};

class RegistrationSet {
 public:
  // Renders every spec with `funcs` (RegistrationFuncMap() by default) and
  // makes its Registrar; starts nothing. The first spec that does not render
  // is the error (see RenderRegistration) and nothing is made. Two specs
  // rendering to the same key: InvalidArgument "<where>: key <k> is already
  // registered by <where>". REQUIRES: `client` and `runner` outlive the set.
  static absl::StatusOr<std::unique_ptr<RegistrationSet>> Create(
      const std::vector<RegistrationSpec>& specs, EtcdClient* client, CommandRunner* runner,
      RegistrarOptions options = {});
  static absl::StatusOr<std::unique_ptr<RegistrationSet>> Create(
      const std::vector<RegistrationSpec>& specs, EtcdClient* client, CommandRunner* runner,
      const FuncMap& funcs, RegistrarOptions options = {});

  ~RegistrationSet();  // Shutdown()
  RegistrationSet(const RegistrationSet&) = delete;
  RegistrationSet& operator=(const RegistrationSet&) = delete;

  void Start();
  // Revokes every lease; each key is gone when it returns (unless etcd is
  // unreachable: then each expires after its TTL).
  void Shutdown();

  std::vector<RegistrationStatus> Statuses() const;
  size_t size() const { return registrars_.size(); }
  // The i-th registration as rendered. REQUIRES: i < size().
  const Registration& registration(size_t i) const { return registrars_[i]->registration(); }
  bool empty() const { return registrars_.empty(); }

 private:
  explicit RegistrationSet(EtcdClient* client) : registry_(client) {}

  EtcdLeaseRegistry registry_;
  std::vector<std::unique_ptr<Registrar>> registrars_;
};

}  // namespace confwatch

#endif  // CONFWATCH_REGISTER_REGISTRATION_SET_H_
