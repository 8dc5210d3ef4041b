// Functions confwatch adds beyond confd, named and behaving as sprig v3.2
// (Masterminds/sprig) so templates written for helm-style tooling or the
// maintained confd fork port unchanged, quirks included:
//   default ternary coalesce empty     sprig's "empty" rules (structs never
//                                       empty; nil, 0, "", false, len 0 are)
//   toJson toPrettyJson fromJson       encoding/json; toJson errors render "",
//                                       fromJson of bad JSON is nil
//   indent nindent quote squote        quote/squote take any values, skip nil
//   regexMatch regexFind regexReplaceAll
//                                       Go RE2 syntax (via RE2); a bad pattern
//                                       is false for regexMatch and an error
//                                       "regexp: Compile(`(`): error parsing
//                                       regexp: ..." for the others
//   trimPrefix repeat nospace          trimPrefix PREFIX S and repeat N S take
//                                       the string last (pipelines); nospace
//                                       works on bytes like goutils
//   dict list hasKey keys values append sha256sum
// and, from the maintained confd fork:
//   hostname                           os.Hostname
//   include NAME [DATA]                renders another template of the
//                                       confdir's templates/ dir (through
//                                       ExecContext::load_template) to a
//                                       string; at most 10 nested includes,
//                                       cycles are errors.
// and (sprig_extra.cc, net.cc) what templates from Helm,
// consul-template and the fork call: sprig's upper title trim int now
// b64enc b64dec sha1sum uuidv4, consul-template's replaceAll md5sum, the
// fork's snakecase camelcase kebabcase pluck lookupIfaceIPV4
// lookupIfaceIPV6 (the fork's meaning where sprig has the same name).
// Where sprig returns keys in Go's random map order (keys, values) we
// return them sorted by key, one of the orders Go may produce.
//
// Thread-safety: the FuncMap is immutable. REQUIRES: `env` outlives it.
#ifndef CONFWATCH_FUNCS_SPRIG_H_
#define CONFWATCH_FUNCS_SPRIG_H_

#include "template/function.h"
#include "funcs/env.h"

namespace confwatch {

// Bound on nested `include` calls (the maintained confd fork's limit).
inline constexpr int kMaxIncludeDepth = 10;

FuncMap SprigFuncMap(const FuncEnv& env);

}  // namespace confwatch

#endif  // CONFWATCH_FUNCS_SPRIG_H_
