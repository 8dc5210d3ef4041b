// See registration_set.h.
#include "register/registration_set.h"

#include <map>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "register/host_ip_funcs.h"

namespace confwatch {

absl::StatusOr<std::unique_ptr<RegistrationSet>> RegistrationSet::Create(
    const std::vector<RegistrationSpec>& specs, EtcdClient* client, CommandRunner* runner,
    RegistrarOptions options) {
  return Create(specs, client, runner, RegistrationFuncMap(), options);
}

absl::StatusOr<std::unique_ptr<RegistrationSet>> RegistrationSet::Create(
    const std::vector<RegistrationSpec>& specs, EtcdClient* client, CommandRunner* runner,
    const FuncMap& funcs, RegistrarOptions options) {
  // Render everything before making anything: a bad spec registers nothing.
  std::vector<Registration> rendered;
  std::map<std::string, std::string> where_by_key;
  for (const RegistrationSpec& spec : specs) {
    absl::StatusOr<Registration> r = RenderRegistration(spec, funcs);
    if (!r.ok()) return r.status();
    auto [it, inserted] = where_by_key.emplace(r->key, r->where);
    if (!inserted) {
      // Two registrars on one key would take turns deleting each other's.
      return absl::InvalidArgumentError(absl::StrCat(
          r->where, ": key ", r->key, " is already registered by ", it->second));
    }
    rendered.push_back(*std::move(r));
  }
  std::unique_ptr<RegistrationSet> set(new RegistrationSet(client));
  for (Registration& r : rendered) {
    std::unique_ptr<HealthChecker> checker;
    if (r.health) checker = MakeHealthChecker(*r.health, r.health_timeout, runner);
    set->registrars_.push_back(std::make_unique<Registrar>(std::move(r), &set->registry_,
                                                           std::move(checker), options));
  }
  return set;
}

RegistrationSet::~RegistrationSet() { Shutdown(); }

void RegistrationSet::Start() {
  for (auto& r : registrars_) r->Start();
}

void RegistrationSet::Shutdown() {
  if (registrars_.size() == 1) return registrars_[0]->Shutdown();
  // In parallel: one registrar's wait for its health check in flight must
  // not delay the next one's revoke.
  std::vector<std::thread> threads;
  for (auto& r : registrars_) threads.emplace_back([&r] { r->Shutdown(); });
  for (std::thread& t : threads) t.join();
}

std::vector<RegistrationStatus> RegistrationSet::Statuses() const {
  std::vector<RegistrationStatus> out;
  out.reserve(registrars_.size());
  for (const auto& r : registrars_) out.push_back({r->registration().key, r->state()});
  return out;
}

}  // namespace confwatch
