// Shared plumbing of the function-map files (confd.cc, net.cc,
// regex.cc, sprig.cc): registration with a Go signature and small value helpers.
// Not part of the public API.
//
// Thread-safety: pure functions.
#ifndef CONFWATCH_FUNCS_INTERNAL_H_
#define CONFWATCH_FUNCS_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "template/function.h"
#include "funcs/env.h"

namespace confwatch::funcs_internal {

using Args = absl::Span<const Value>;
using Result = absl::StatusOr<Value>;
using Impl = std::function<Result(ExecContext&, Args)>;

// Registers `name` with the Go signature func(params..., ...variadic) result;
// `variadic` may be null.
inline void Def(FuncMap* m, std::string name, std::vector<const Type*> params,
                const Type* variadic, const Type* result, Impl impl) {
  Signature sig;
  sig.params = std::move(params);
  sig.variadic = variadic;
  sig.result = result;
  m->Add(std::move(name), std::move(sig), std::move(impl));
}

// Debian's abseil has its own string_view type; absl::StrCat and friends
// need this conversion for a std::string_view.
inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

inline const Type* StringSlice() { return Type::SliceOf(Type::String()); }
inline std::string Str(const Value& v) { return std::string(v.AsString()); }

// strings.Split(s, sep) with n = -1. An empty sep splits into runes the way
// Go's explode does: an invalid byte becomes "\uFFFD", except in the last
// element, which is the raw rest of the string (confd.cc).
std::vector<std::string> GoSplit(std::string_view s, std::string_view sep);
// strings.Replace(s, old, new, n): n < 0 replaces all; an empty `old`
// matches before every rune and at the end (confd.cc).
std::string GoReplace(std::string_view s, std::string_view old, std::string_view with, int64_t n);
// base64.StdEncoding.DecodeString, with Go's error positions: '\r' and '\n'
// are skipped anywhere, padding is required, bytes after it are an error
// ("illegal base64 data at input byte N") (confd.cc).
absl::StatusOr<std::string> Base64Decode(std::string_view src);

// datetime, lookupIP, lookupIPV4, lookupIPV6, lookupSRV, fileExists
// (net.cc).
void AddSystemFuncs(FuncMap* m, const FuncEnv* env);
// The SRV records of a DNS response (what res_search returned), targets
// with their trailing dot as Go reports them (net.cc).
absl::StatusOr<std::vector<SrvRecord>> ParseSrvAnswer(const unsigned char* msg, int len);
// regexMatch, regexFind, regexReplaceAll (regex.cc).
void AddRegexFuncs(FuncMap* m);
// The maintained confd fork's lookupIfaceIPV4, lookupIfaceIPV6 (net.cc).
void AddInterfaceFuncs(FuncMap* m, const FuncEnv* env);
// upper title trim replaceAll int now b64enc b64dec sha1sum md5sum uuidv4
// snakecase camelcase kebabcase pluck, and sprig's lower hasPrefix
// hasSuffix trimAll splitList trunc add1 (sprig_extra.cc).
void AddSprigExtraFuncs(FuncMap* m, const FuncEnv* env);
// Helm's toYaml, for the subset whose go-yaml bytes are reproduced, and
// fromYaml (yaml.cc).
void AddYamlFuncs(FuncMap* m);
// Helm's fromYaml: the map sigs.k8s.io/yaml.Unmarshal fills, or {"Error":
// the error text} (from_yaml.cc).
Value HelmFromYaml(std::string_view text);

}  // namespace confwatch::funcs_internal

#endif  // CONFWATCH_FUNCS_INTERNAL_H_
