#include "tests/support/test_certs.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace confwatch {
namespace {

// EC keys: generating them is instant, and both Go's TLS (etcd) and gRPC's
// BoringSSL/OpenSSL accept them.
constexpr char kNewKey[] = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

std::string MakeCa(const std::string& name) {
  return absl::StrFormat(
      "openssl req -x509 %s -keyout %s.key -out %s.crt -days 2 -subj /CN=confwatch-test-%s "
      "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
      kNewKey, name, name, name);
}

// A leaf signed by ca.crt; `ext` is the extension file with SANs and usages.
std::string MakeLeaf(const std::string& name, const std::string& ext) {
  return absl::StrFormat(
      "openssl req %s -keyout %s.key -out %s.csr -subj /CN=confwatch-test-%s && "
      "printf '%s' > %s.ext && "
      "openssl x509 -req -in %s.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
      "-out %s.crt -extfile %s.ext",
      kNewKey, name, name, name, ext, name, name, name, name);
}

}  // namespace

absl::Status RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen(absl::StrCat("(", command, ") 2>&1").c_str(), "r");
  if (pipe == nullptr) return absl::InternalError(absl::StrCat("popen: ", command));
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = pclose(pipe);
  if (output != nullptr) *output = out;
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(
        absl::StrCat("command failed (status ", status, "): ", command, "\n", out));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TestCerts>> TestCerts::Generate() {
  std::unique_ptr<TestCerts> certs(new TestCerts());
  const std::string script = absl::StrCat(
      "cd ", certs->dir_.path(), " && ", MakeCa("ca"), " && ", MakeCa("other-ca"), " && ",
      MakeLeaf("server",
               "subjectAltName=IP:127.0.0.1,DNS:localhost\\n"
               "extendedKeyUsage=serverAuth,clientAuth\\n"),
      " && ", MakeLeaf("client", "extendedKeyUsage=clientAuth\\n"));
  absl::Status s = RunShell(script);
  if (!s.ok()) return s;
  return certs;
}

}  // namespace confwatch
