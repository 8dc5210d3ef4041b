#include "etcd/key_range.h"

namespace confwatch {

KeyRange PrefixRange(absl::string_view prefix) {
  KeyRange r;
  r.key = prefix.empty() ? std::string(1, '\0') : std::string(prefix);
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) {
    r.range_end = std::string(1, '\0');
  } else {
    end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
    r.range_end = std::move(end);
  }
  return r;
}

}  // namespace confwatch
