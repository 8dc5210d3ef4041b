// Helpers for the self-registration integration tests: a TCP listener the
// test opens and closes (the service a health check watches), polling with a
// bound, and reads of a key's lease from the real etcd.
//
// Thread-safety: single-threaded test use.
#ifndef CONFWATCH_TESTS_INTEGRATION_REGISTER_TEST_UTIL_H_
#define CONFWATCH_TESTS_INTEGRATION_REGISTER_TEST_UTIL_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "etcd/etcd_client.h"
#include "gtest/gtest.h"

namespace confwatch {

// Polls `done` every 20 ms until it holds or `bound` passes.
inline bool PollFor(const std::function<bool()>& done, absl::Duration bound = absl::Seconds(15)) {
  absl::Time deadline = absl::Now() + bound;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

// The key as etcd has it now; nullopt when absent or on error.
inline std::optional<KeyValue> GetKey(EtcdClient* client, const std::string& key) {
  absl::StatusOr<std::optional<KeyValue>> kv = client->Get(key);
  if (!kv.ok()) return std::nullopt;
  return *kv;
}

// A listening TCP socket on 127.0.0.1:port (port 0 picks one) that can be
// closed and opened again on the same port.
class TestListener {
 public:
  explicit TestListener(int port = 0) { Open(port); }
  ~TestListener() { Close(); }
  TestListener(const TestListener&) = delete;
  TestListener& operator=(const TestListener&) = delete;

  int port() const { return port_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  void Open(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd_, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    ASSERT_EQ(0, bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a)) << "port " << port;
    // Checks connect and go; nobody accepts, so leave room for many.
    ASSERT_EQ(0, listen(fd_, SOMAXCONN));
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  void Reopen() { Open(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_INTEGRATION_REGISTER_TEST_UTIL_H_
