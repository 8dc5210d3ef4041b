// libFuzzer: the input split at its first 0 byte into two texts. UnifiedDiff
// must not crash and must be empty exactly when the texts are equal.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "resource/unified_diff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\0');
  const std::string before = input.substr(0, split);
  const std::string after = split == std::string::npos ? "" : input.substr(split + 1);
  const std::string diff = confwatch::UnifiedDiff(before, after, "a", "b");
  if (diff.empty() != (before == after)) std::abort();
  if (!diff.empty() && !absl::StartsWith(diff, "--- a\n+++ b\n@@ -")) std::abort();
  return 0;
}
