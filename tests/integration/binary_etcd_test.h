// BinaryEtcdTest: the fixture of tests that run the confwatch binary against
// a real etcd of their own -- a fresh single-member etcd per test, a client
// with short timeouts to write keys with, and Watch(confdir) to run
// `confwatch -watch` on it.
//
// Thread-safety: test-thread only.
#ifndef CONFWATCH_TESTS_INTEGRATION_BINARY_ETCD_TEST_H_
#define CONFWATCH_TESTS_INTEGRATION_BINARY_ETCD_TEST_H_

#include <memory>
#include <string>
#include <vector>

#include "etcd/etcd_client.h"
#include "gtest/gtest.h"
#include "tests/integration/confwatch_process.h"
#include "tests/integration/etcd_test_util.h"
#include "tests/support/etcd_test_server.h"

namespace confwatch {

class BinaryEtcdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto etcd = EtcdTestServer::Start();
    ASSERT_TRUE(etcd.ok()) << etcd.status();
    etcd_ = *std::move(etcd);
    client_ = ConnectForTest({etcd_->endpoint()});
    ASSERT_NE(client_, nullptr);
  }

  void Put(const std::string& key, const std::string& value, int64_t lease = 0) {
    absl::StatusOr<int64_t> r = client_->Put(key, value, lease);
    ASSERT_TRUE(r.ok()) << key << ": " << r.status();
  }
  void Delete(const std::string& key) {
    absl::StatusOr<int64_t> r = client_->Delete(key);
    ASSERT_TRUE(r.ok()) << key << ": " << r.status();
  }
  // `confwatch -confdir <c> -node <etcd> -watch`. `ConfdirLike`: see
  // ConfwatchProcess.
  template <typename ConfdirLike>
  std::unique_ptr<ConfwatchProcess> Watch(const ConfdirLike& c) {
    return std::make_unique<ConfwatchProcess>(
        c, std::vector<std::string>{"-node", etcd_->endpoint(), "-watch"});
  }

  std::unique_ptr<EtcdTestServer> etcd_;
  std::unique_ptr<EtcdClient> client_;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_INTEGRATION_BINARY_ETCD_TEST_H_
