// A small function map with typed Go signatures for engine tests: each
// function mirrors a Go function of the same name used to produce the
// expected outputs (argument conversion and type errors depend on the
// declared types, so these exercise the executor's conversion rules).
//
//   s(string) string            "<" + s + ">"
//   i(int) int                  i * 2
//   u8(uint8) uint8             u + 1
//   f(float64) float64          f / 2
//   b(bool) bool                !b
//   v(string, ...int) string    fmt.Sprint(s, xs)
//   e() (string, error)         error "boom"
//   kv(k, v string) memkv.KVPair, kvp(k, v) *memkv.KVPair
//   kvs() memkv.KVPairs         {/a 1} {/b 2}; KVPairs has a Len() method
//   ss(...string) []string, any(interface{}) interface{}
//   m() map[string]string {a:1 b:2}, mi() map[string]int {x:1 y:-2}
//   nilf() []string (nil), sl([]string) int, kvf(memkv.KVPair) string
//   split(s, sep string) []string (strings.Split)
//
// Thread-safety: the returned map is immutable.
#ifndef CONFWATCH_TESTS_UNIT_TEMPLATE_TEST_FUNCS_H_
#define CONFWATCH_TESTS_UNIT_TEMPLATE_TEST_FUNCS_H_

#include "template/function.h"

namespace confwatch {
namespace testing_funcs {

const Type* KVPairType();   // memkv.KVPair
const Type* KVPairsType();  // memkv.KVPairs
const FuncMap& TestFuncs();

}  // namespace testing_funcs
}  // namespace confwatch

#endif  // CONFWATCH_TESTS_UNIT_TEMPLATE_TEST_FUNCS_H_
