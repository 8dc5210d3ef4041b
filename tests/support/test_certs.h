// TestCerts: a throw-away PKI for TLS tests, made with the openssl command
// line in a temp dir: a CA, a server certificate for 127.0.0.1/localhost and a
// client certificate, each signed by the CA, plus a second unrelated CA for
// "wrong CA" tests. All keys are unencrypted PEM.
//
//   auto certs = TestCerts::Generate();
//   ASSERT_TRUE(certs.ok()) << certs.status();
//   opts.ca_file = (*certs)->ca_file();
//
// Thread-safety: immutable after Generate(); the files live until destruction.
#ifndef CONFWATCH_TESTS_SUPPORT_TEST_CERTS_H_
#define CONFWATCH_TESTS_SUPPORT_TEST_CERTS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/support/temp_dir.h"

namespace confwatch {

class TestCerts {
 public:
  // Runs openssl (a second or so). Error names the failing command and shows
  // its output.
  static absl::StatusOr<std::unique_ptr<TestCerts>> Generate();

  std::string ca_file() const { return dir_.Path("ca.crt"); }
  std::string server_cert_file() const { return dir_.Path("server.crt"); }
  std::string server_key_file() const { return dir_.Path("server.key"); }
  std::string client_cert_file() const { return dir_.Path("client.crt"); }
  std::string client_key_file() const { return dir_.Path("client.key"); }
  // A CA that signed nothing here: trusting only it must fail the handshake.
  std::string other_ca_file() const { return dir_.Path("other-ca.crt"); }

 private:
  TestCerts() = default;
  TempDir dir_;
};

// Runs `command` through /bin/sh -c; returns its exit status as an error
// (with the captured stdout+stderr) when it is not 0. For test set-up only.
absl::Status RunShell(const std::string& command, std::string* output = nullptr);

}  // namespace confwatch

#endif  // CONFWATCH_TESTS_SUPPORT_TEST_CERTS_H_
