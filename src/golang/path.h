// Go's package path (slash-separated paths) functions that confd relies on:
// memkv uses Clean/Dir/Base for ls/lsdir, confd's `base` and `dir` template
// functions are path.Base and path.Dir, and resource keys are joined with
// path.Join. Reproduced byte for byte, including Go's special cases
// (Clean("") == ".", Base("") == ".", Base("///") == "/", Dir("a") == ".").
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_GOLANG_PATH_H_
#define CONFWATCH_GOLANG_PATH_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace confwatch {

// path.Clean: the shortest equivalent path by purely lexical processing
// (collapse "//", drop "." elements, resolve ".." against the preceding
// element, drop a trailing '/'); "" becomes ".".
std::string GoPathClean(std::string_view path);

// path.Dir: everything but the last element, cleaned. Dir("/a/b") == "/a",
// Dir("/a/b/") == "/a/b", Dir("/a") == "/", Dir("a") == ".", Dir("") == ".".
std::string GoPathDir(std::string_view path);

// path.Base: the last element, trailing slashes removed first.
// Base("/a/b/") == "b", Base("/") == "/", Base("") == ".".
std::string GoPathBase(std::string_view path);

// path.Join: joins the non-empty elements with '/' and cleans the result;
// "" when every element is empty.
std::string GoPathJoin(std::initializer_list<std::string_view> elems);

}  // namespace confwatch

#endif  // CONFWATCH_GOLANG_PATH_H_
