// EtcdOptionsFrom: the etcd connection confwatch's options describe (-node,
// TLS files, credentials). Shared by the daemon (run.cc) and `confwatch
// register`, so both connect the same way.
//
// Thread-safety: pure function.
#ifndef CONFWATCH_APP_ETCD_OPTIONS_FROM_H_
#define CONFWATCH_APP_ETCD_OPTIONS_FROM_H_

#include "app/options.h"
#include "etcd/etcd_options.h"

namespace confwatch {

inline EtcdOptions EtcdOptionsFrom(const Options& o) {
  EtcdOptions e;
  e.endpoints = o.nodes;
  if (e.endpoints.empty()) e.endpoints = {"127.0.0.1:2379"};
  e.ca_file = o.client_ca_keys;
  e.cert_file = o.client_cert;
  e.key_file = o.client_key;
  // confd sends credentials only with -basic-auth; a -username given alone is
  // almost certainly meant to be used, so we send it too.
  if (o.basic_auth || !o.username.empty()) {
    e.username = o.username;
    e.password = o.password;
  }
  return e;
}

}  // namespace confwatch

#endif  // CONFWATCH_APP_ETCD_OPTIONS_FROM_H_
