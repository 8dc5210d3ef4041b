// gRPC's plugin registry for the static confwatch binary (CONFWATCH_STATIC, the default).
//
// libgrpc's own grpc_core::BuildCoreConfiguration (grpc_plugin_registry.cc)
// registers every resolver, load-balancing policy and filter gRPC has: xDS
// (resolver, cds/eds/cluster manager, RBAC and fault-injection filters),
// RLS, grpclb, ring_hash, priority, weighted_target, outlier detection, the
// c2p and fake resolvers. In a static link that one function is what pulls
// ~2 MB of code into the binary, and a static binary's code is what it keeps
// resident. confwatch needs none of it: one channel per etcd endpoint
// (dns:/ipv4:/ipv6: targets, pick_first), plaintext or TLS. Defining the
// function here, in an object file linked before libgrpc.a, keeps the
// archive's member (and all it references) out of the link.
//
// The list below is Debian 12's gRPC 1.51 list, in its order (filters of one
// stage run in registration order), minus the plugins named above. The names
// are gRPC internals with no installed header, hence the declarations here;
// a gRPC without one of them fails the link, loudly, never at run time.
// The shared build never compiles this file (it would override libgrpc.so's).
//
// Thread-safety: called once by gRPC under its own CoreConfiguration lock.

namespace grpc_core {
// Only the name matters (for the mangled symbols); never used as a type.
class CoreConfiguration {
 public:
  class Builder;
};
}  // namespace grpc_core

namespace grpc_event_engine {
namespace experimental {
void RegisterEventEngineChannelArgPreconditioning(grpc_core::CoreConfiguration::Builder* builder);
}  // namespace experimental
}  // namespace grpc_event_engine

namespace grpc_core {
void RegisterHttpConnectHandshaker(CoreConfiguration::Builder* builder);
void RegisterTCPConnectHandshaker(CoreConfiguration::Builder* builder);
void RegisterPickFirstLbPolicy(CoreConfiguration::Builder* builder);
void RegisterRoundRobinLbPolicy(CoreConfiguration::Builder* builder);
void BuildClientChannelConfiguration(CoreConfiguration::Builder* builder);
void SecurityRegisterHandshakerFactories(CoreConfiguration::Builder* builder);
void RegisterClientAuthorityFilter(CoreConfiguration::Builder* builder);
void RegisterChannelIdleFilters(CoreConfiguration::Builder* builder);
void RegisterHttpFilters(CoreConfiguration::Builder* builder);
void RegisterDeadlineFilter(CoreConfiguration::Builder* builder);
void RegisterMessageSizeFilter(CoreConfiguration::Builder* builder);
void RegisterServiceConfigChannelArgFilter(CoreConfiguration::Builder* builder);
void RegisterResourceQuota(CoreConfiguration::Builder* builder);
void RegisterAresDnsResolver(CoreConfiguration::Builder* builder);
void RegisterNativeDnsResolver(CoreConfiguration::Builder* builder);
void RegisterSockaddrResolver(CoreConfiguration::Builder* builder);
void RegisterHttpProxyMapper(CoreConfiguration::Builder* builder);
void RegisterSecurityFilters(CoreConfiguration::Builder* builder);
void RegisterBuiltins(CoreConfiguration::Builder* builder);

void BuildCoreConfiguration(CoreConfiguration::Builder* builder) {
  grpc_event_engine::experimental::RegisterEventEngineChannelArgPreconditioning(builder);
  RegisterHttpConnectHandshaker(builder);
  RegisterTCPConnectHandshaker(builder);
  RegisterPickFirstLbPolicy(builder);
  RegisterRoundRobinLbPolicy(builder);
  BuildClientChannelConfiguration(builder);
  SecurityRegisterHandshakerFactories(builder);
  RegisterClientAuthorityFilter(builder);
  RegisterChannelIdleFilters(builder);
  RegisterHttpFilters(builder);
  RegisterDeadlineFilter(builder);
  RegisterMessageSizeFilter(builder);
  RegisterServiceConfigChannelArgFilter(builder);
  RegisterResourceQuota(builder);
  RegisterAresDnsResolver(builder);
  RegisterNativeDnsResolver(builder);
  RegisterSockaddrResolver(builder);
  RegisterHttpProxyMapper(builder);
  RegisterSecurityFilters(builder);
  RegisterBuiltins(builder);
}

}  // namespace grpc_core
