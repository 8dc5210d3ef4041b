// The template function map of confwatch: confd's functions, reproduced
// with the exact Go semantics of confd 0.16 (resource/template/
// template_funcs.go plus memkv's store functions), and a set of additions
// named as in sprig v3.2 / the maintained confd fork (abtreece/confd) so
// that templates written for those port unchanged.
//
// confd's functions (argument types as confd's Go signatures):
//   store:   get gets getv getvs ls lsdir exists   (through ExecContext::store)
//   strings: base dir split join toUpper toLower contains replace trimSuffix
//            getenv (optional default, also used when the value is "")
//   data:    json jsonArray map
//   system:  datetime (time.Time: prints as Go's Time.String, has methods)
//            lookupIP lookupIPV4 lookupIPV6 lookupSRV fileExists
//   codecs:  base64Encode base64Decode parseBool atoi
//   lists:   reverse sortByLength sortKVByLength seq
//   math:    add sub mul div mod (int; division by zero is an error)
// Our additions (sprig.h): default ternary coalesce empty toJson
//   fromJson toPrettyJson indent nindent quote squote regexMatch regexFind
//   regexReplaceAll trimPrefix repeat nospace dict list hasKey keys values
//   append sha256sum hostname include.
//
// Go behaviours kept on purpose: `reverse (gets ...)` returns the list
// unchanged (confd's type switch does not match memkv.KVPairs), `seq 3 1` is
// a nil []int that prints "[]" and marshals to null, sortByLength is Go's
// unstable sort.Sort. Differences: Go's reverse and sortByLength reorder the
// caller's slice in place; here values are immutable, so a variable passed
// to them keeps its order. `seq` refuses more than a million elements (Go
// would try to allocate them).
//
// Thread-safety: the returned FuncMap is immutable and may be used by many
// executions at once. REQUIRES: `env` outlives the FuncMap.
#ifndef CONFWATCH_FUNCS_CONFD_H_
#define CONFWATCH_FUNCS_CONFD_H_

#include "template/function.h"
#include "funcs/env.h"
#include "template/type.h"

namespace confwatch {

// memkv.KVPair {Key, Value string}, what `get` returns.
const Type* KVPairType();
// memkv.KVPairs ([]memkv.KVPair, named), what `gets` returns.
const Type* KVPairsType();
// *net.SRV {Target string; Port, Priority, Weight uint16}, from lookupSRV.
const Type* SrvPointerType();

// confd's functions only.
FuncMap ConfdFuncMap(const FuncEnv& env);

// Everything a confwatch template may call: ConfdFuncMap + SprigFuncMap.
FuncMap ConfwatchFuncMap(const FuncEnv& env = SystemFuncEnv());

}  // namespace confwatch

#endif  // CONFWATCH_FUNCS_CONFD_H_
