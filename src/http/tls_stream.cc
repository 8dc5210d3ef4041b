// See tls_stream.h.
#include "http/tls_stream.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace confwatch {
namespace {

// OpenSSL's reason for the last failure on this thread ("" if none); clears
// the error queue so the next call starts clean.
std::string OpenSslReason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : absl::StrCat("error ", e);
}

class TlsStream : public ByteStream {
 public:
  TlsStream(std::unique_ptr<FdStream> transport, SSL_CTX* ctx, SSL* ssl)
      : transport_(std::move(transport)), ctx_(ctx), ssl_(ssl) {}
  ~TlsStream() override {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Waits for what OpenSSL asked for after `rc`; OK means "call again".
  // *eof is set when the peer closed the TLS session.
  absl::Status Retry(int rc, absl::Time deadline, const char* what, bool* eof = nullptr) {
    switch (SSL_get_error(ssl_, rc)) {
      case SSL_ERROR_WANT_READ:
        return transport_->Wait(POLLIN, deadline);
      case SSL_ERROR_WANT_WRITE:
        return transport_->Wait(POLLOUT, deadline);
      case SSL_ERROR_ZERO_RETURN:
        if (eof != nullptr) {
          *eof = true;
          return absl::OkStatus();
        }
        break;
      default:
        break;
    }
    const long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      ERR_clear_error();
      return absl::UnavailableError(absl::StrCat("tls: certificate verify failed: ",
                                                 X509_verify_cert_error_string(verify)));
    }
    std::string reason = OpenSslReason();
    if (reason.empty()) reason = "connection closed";
    return absl::UnavailableError(absl::StrCat("tls: ", what, ": ", reason));
  }

  absl::Status Handshake(absl::Time deadline) {
    for (;;) {
      const int rc = SSL_connect(ssl_);
      if (rc == 1) return absl::OkStatus();
      if (absl::Status s = Retry(rc, deadline, "handshake"); !s.ok()) return s;
    }
  }

  absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) override {
    for (;;) {
      size_t got = 0;
      const int rc = SSL_read_ex(ssl_, buf, n, &got);
      if (rc == 1) return got;
      bool eof = false;
      if (absl::Status s = Retry(rc, deadline, "read", &eof); !s.ok()) return s;
      if (eof) return 0;
    }
  }

  absl::Status Write(absl::string_view data, absl::Time deadline) override {
    while (!data.empty()) {
      size_t put = 0;
      const int rc = SSL_write_ex(ssl_, data.data(), data.size(), &put);
      if (rc == 1) {
        data.remove_prefix(put);
        continue;
      }
      if (absl::Status s = Retry(rc, deadline, "write"); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<FdStream> transport_;
  SSL_CTX* const ctx_;
  SSL* const ssl_;
};

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ByteStream>> StartTls(std::unique_ptr<FdStream> transport,
                                                     const std::string& host,
                                                     const std::string& ca_file,
                                                     absl::Time deadline) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return absl::UnavailableError(absl::StrCat("tls: ", OpenSslReason()));
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // A server that closes without close_notify after its answer is common
  // (Connection: close); the body's length is checked by the HTTP layer.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  const int loaded = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                     : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  if (loaded != 1) {
    const std::string reason = OpenSslReason();
    SSL_CTX_free(ctx);
    return absl::UnavailableError(
        absl::StrCat("tls: CA certificates ", ca_file.empty() ? "(system)" : ca_file, ": ", reason));
  }
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) {
    SSL_CTX_free(ctx);
    return absl::UnavailableError(absl::StrCat("tls: ", OpenSslReason()));
  }
  SSL_set_fd(ssl, transport->fd());
  auto stream = std::make_unique<TlsStream>(std::move(transport), ctx, ssl);
  if (IsIpAddress(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
  }
  if (absl::Status s = stream->Handshake(deadline); !s.ok()) return s;
  return std::unique_ptr<ByteStream>(std::move(stream));
}

}  // namespace confwatch
