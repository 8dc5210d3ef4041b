// See path.h.
#include "golang/path.h"

#include <vector>

namespace confwatch {

std::string GoPathClean(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> elems;
  size_t leading_dotdots = 0;  // ".." that cannot be resolved (relative only)
  size_t i = 0;
  while (i < path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view elem = path.substr(i, end - i);
    i = end + 1;
    if (elem.empty() || elem == ".") continue;
    if (elem != "..") {
      elems.push_back(elem);
    } else if (elems.size() > leading_dotdots) {
      elems.pop_back();
    } else if (!rooted) {  // "/.." is "/", but "a/../.." is ".."
      elems.push_back(elem);
      ++leading_dotdots;
    }
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < elems.size(); ++k) {
    if (k > 0) out += '/';
    out.append(elems[k]);
  }
  return out.empty() ? "." : out;
}

std::string GoPathDir(std::string_view path) {
  size_t slash = path.rfind('/');
  return GoPathClean(slash == std::string_view::npos ? std::string_view()
                                                     : path.substr(0, slash + 1));
}

std::string GoPathBase(std::string_view path) {
  if (path.empty()) return ".";
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return path.empty() ? "/" : std::string(path);
}

std::string GoPathJoin(std::initializer_list<std::string_view> elems) {
  std::string joined;
  bool any = false;
  for (std::string_view e : elems) {
    if (e.empty()) continue;
    if (any) joined += '/';
    joined.append(e);
    any = true;
  }
  return any ? GoPathClean(joined) : "";
}

}  // namespace confwatch
