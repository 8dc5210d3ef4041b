#include "resource/go_path.h"

namespace confwatch {

std::string GoPathClean(absl::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  const size_t n = path.size();
  std::string out;
  out.reserve(n);
  size_t r = 0;
  // Index in `out` where ".." must stop: after the root "/" or after a run
  // of leading "../" that cannot be resolved in a relative path.
  size_t dotdot = 0;
  if (rooted) {
    out += '/';
    r = dotdot = 1;
  }
  while (r < n) {
    if (path[r] == '/') {
      ++r;
    } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
      ++r;
    } else if (path[r] == '.' && path[r + 1] == '.' &&
               (r + 2 == n || path[r + 2] == '/')) {
      r += 2;
      if (out.size() > dotdot) {
        size_t w = out.size() - 1;
        while (w > dotdot && out[w] != '/') --w;
        out.resize(w);
      } else if (!rooted) {
        if (!out.empty()) out += '/';
        out += "..";
        dotdot = out.size();
      }
    } else {
      if ((rooted && out.size() != 1) || (!rooted && !out.empty())) out += '/';
      for (; r < n && path[r] != '/'; ++r) out += path[r];
    }
  }
  if (out.empty()) return ".";
  return out;
}

std::string GoPathJoin(std::initializer_list<absl::string_view> elements) {
  std::string joined;
  for (absl::string_view e : elements) {
    if (joined.empty() && e.empty()) continue;
    if (!joined.empty()) joined += '/';
    joined.append(e.data(), e.size());
  }
  if (joined.empty()) return "";
  return GoPathClean(joined);
}

}  // namespace confwatch
