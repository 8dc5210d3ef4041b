#include "etcd/endpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace confwatch {
namespace {

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("etcd endpoint \"", text, "\": ", why));
}

// Splits "host:port" / "[v6]:port" into its parts. Empty host on failure.
bool SplitHostPort(absl::string_view hp, absl::string_view* host, absl::string_view* port) {
  if (absl::StartsWith(hp, "[")) {
    size_t close = hp.find(']');
    if (close == absl::string_view::npos || close + 1 >= hp.size() || hp[close + 1] != ':') {
      return false;
    }
    *host = hp.substr(1, close - 1);
    *port = hp.substr(close + 2);
    return !host->empty();
  }
  size_t colon = hp.rfind(':');
  if (colon == absl::string_view::npos) return false;
  *host = hp.substr(0, colon);
  *port = hp.substr(colon + 1);
  // A second colon outside brackets is an unbracketed IPv6 address.
  return !host->empty() && host->find(':') == absl::string_view::npos;
}

}  // namespace

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text, bool tls_configured) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (rest.empty()) return Bad(text, "empty");
  Endpoint ep;
  ep.tls = tls_configured;
  size_t scheme_end = rest.find("://");
  if (scheme_end != absl::string_view::npos) {
    std::string scheme = absl::AsciiStrToLower(rest.substr(0, scheme_end));
    if (scheme == "http") {
      ep.tls = false;
    } else if (scheme == "https") {
      ep.tls = true;
    } else {
      return Bad(text, absl::StrCat("unsupported scheme \"", scheme, "\" (want http or https)"));
    }
    rest.remove_prefix(scheme_end + 3);
  }
  if (absl::EndsWith(rest, "/")) rest.remove_suffix(1);
  if (rest.find('/') != absl::string_view::npos) return Bad(text, "a path is not allowed");
  absl::string_view host, port;
  if (!SplitHostPort(rest, &host, &port)) return Bad(text, "want host:port");
  if (!absl::SimpleAtoi(port, &ep.port) || ep.port < 1 || ep.port > 65535 ||
      !absl::ascii_isdigit(port.front())) {
    return Bad(text, absl::StrCat("bad port \"", port, "\""));
  }
  ep.host = std::string(host);
  ep.address = std::string(rest);
  return ep;
}

absl::StatusOr<std::vector<Endpoint>> ParseEndpoints(const std::vector<std::string>& texts,
                                                     bool tls_configured) {
  if (texts.empty()) return absl::InvalidArgumentError("no etcd endpoints given");
  std::vector<Endpoint> out;
  for (const std::string& t : texts) {
    absl::StatusOr<Endpoint> ep = ParseEndpoint(t, tls_configured);
    if (!ep.ok()) return ep.status();
    out.push_back(*std::move(ep));
  }
  return out;
}

}  // namespace confwatch
