// Plain value types the etcd client returns: keys, events, snapshots, leases.
// Keys and values are arbitrary bytes (std::string holds them unchanged).
//
// Thread-safety: plain values.
#ifndef CONFWATCH_ETCD_ETCD_TYPES_H_
#define CONFWATCH_ETCD_ETCD_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace confwatch {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;  // for a delete event: the revision of the delete
  int64_t version = 0;
  int64_t lease = 0;  // 0: no lease

  bool operator==(const KeyValue& o) const {
    return key == o.key && value == o.value && create_revision == o.create_revision &&
           mod_revision == o.mod_revision && version == o.version && lease == o.lease;
  }
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;  // for kDelete only key and mod_revision are meaningful
};

// Every key of a range as of one revision, sorted by key.
struct Snapshot {
  int64_t revision = 0;
  std::vector<KeyValue> kvs;
};

struct LeaseGrant {
  int64_t id = 0;
  int64_t ttl_seconds = 0;  // as granted by the server
};

struct LeaseTtl {
  int64_t ttl_seconds = -1;  // remaining; -1 when expired or unknown
  int64_t granted_ttl_seconds = 0;
};

// What Maintenance.Status says about the member that answered.
struct MemberStatus {
  std::string endpoint;  // "127.0.0.1:2379"
  std::string version;   // etcd server version, "3.4.23"
  uint64_t member_id = 0;
  uint64_t leader_id = 0;  // 0: the member knows no leader
  int64_t revision = 0;
  int64_t db_size = 0;
};

}  // namespace confwatch

#endif  // CONFWATCH_ETCD_ETCD_TYPES_H_
