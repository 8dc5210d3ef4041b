// libFuzzer: any bytes as a resource file. ParseResource must return a
// resource or an InvalidArgument whose message starts with the file name;
// toml11 exceptions must never escape.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "resource/resource_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace confwatch;
  static const ResourceLoadOptions* options = [] {
    auto* o = new ResourceLoadOptions;
    o->confdir = "/etc/confd";
    o->global_prefix = "/prod";
    // No NSS lookups: slow, and not what is being fuzzed.
    o->lookup_user = [](const std::string& n) -> std::optional<uid_t> {
      return n == "root" ? std::optional<uid_t>(0) : std::nullopt;
    };
    o->lookup_group = o->lookup_user;
    return o;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  absl::StatusOr<TemplateResource> r =
      ParseResource(text, "fuzz.toml", "fuzz.toml", *options, &warnings);
  if (!r.ok()) {
    if (r.status().code() != absl::StatusCode::kInvalidArgument ||
        !absl::StartsWith(r.status().message(), "fuzz.toml:")) {
      std::abort();
    }
    return 0;
  }
  if (r->src.empty() || r->dest.empty() || r->prefix.empty() || r->prefix[0] != '/') {
    std::abort();
  }
  for (const std::string& w : warnings) {
    if (!absl::StartsWith(w, "fuzz.toml:")) std::abort();
  }
  (void)r->DebugString();
  return 0;
}
