// The sprig functions confwatch adds on top of confd's map, reimplemented
// with the semantics (and Go signatures) of Masterminds/sprig v3.2 and
// Masterminds/goutils, including their quirks:
//   - toJson escapes <, > and & (json.Marshal), errors render as "";
//   - fromJson of invalid JSON is <nil>, not an error;
//   - regexFind/regexReplaceAll panic on a bad pattern (regexp.MustCompile),
//     which text/template turns into "error calling ...";
//   - regexMatch of a bad pattern is false;
//   - keys/values come in Go map order, so cases only use them on one key;
//   - nospace works on BYTES (goutils.DeleteWhiteSpace), so it drops 0x85
//     and 0xA0 and re-encodes every other byte >= 0x80 as a rune;
//   - trimPrefix and repeat take the string last, for pipelines.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode"
)

func sprigFuncMap() map[string]interface{} {
	return map[string]interface{}{
		"default":         dfault,
		"empty":           empty,
		"coalesce":        coalesce,
		"ternary":         ternary,
		"toJson":          toJSON,
		"fromJson":        fromJSON,
		"toPrettyJson":    toPrettyJSON,
		"indent":          indent,
		"nindent":         nindent,
		"quote":           quote,
		"squote":          squote,
		"regexMatch":      regexMatch,
		"regexFind":       regexFind,
		"regexReplaceAll": regexReplaceAll,
		"trimPrefix":      func(a, b string) string { return strings.TrimPrefix(b, a) },
		"repeat":          func(count int, str string) string { return strings.Repeat(str, count) },
		"nospace":         deleteWhiteSpace,
		"dict":            dict,
		"list":            list,
		"hasKey":          hasKey,
		"keys":            keys,
		"values":          values,
		"append":          push,
		"sha256sum":       sha256sum,
	}
}

func dfault(d interface{}, given ...interface{}) interface{} {
	if empty(given) || empty(given[0]) {
		return d
	}
	return given[0]
}

func empty(given interface{}) bool {
	g := reflect.ValueOf(given)
	if !g.IsValid() {
		return true
	}
	switch g.Kind() {
	default:
		return g.IsNil()
	case reflect.Array, reflect.Slice, reflect.Map, reflect.String:
		return g.Len() == 0
	case reflect.Bool:
		return !g.Bool()
	case reflect.Complex64, reflect.Complex128:
		return g.Complex() == 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return g.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return g.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return g.Float() == 0
	case reflect.Struct:
		return false
	}
}

func coalesce(v ...interface{}) interface{} {
	for _, val := range v {
		if !empty(val) {
			return val
		}
	}
	return nil
}

func ternary(vt interface{}, vf interface{}, v bool) interface{} {
	if v {
		return vt
	}
	return vf
}

func fromJSON(v string) interface{} {
	var output interface{}
	_ = json.Unmarshal([]byte(v), &output)
	return output
}

func toJSON(v interface{}) string {
	output, _ := json.Marshal(v)
	return string(output)
}

func toPrettyJSON(v interface{}) string {
	output, _ := json.MarshalIndent(v, "", "  ")
	return string(output)
}

func indent(spaces int, v string) string {
	pad := strings.Repeat(" ", spaces)
	return pad + strings.Replace(v, "\n", "\n"+pad, -1)
}

func nindent(spaces int, v string) string {
	return "\n" + indent(spaces, v)
}

func strval(v interface{}) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprintf("%v", v)
	}
}

func quote(str ...interface{}) string {
	out := make([]string, 0, len(str))
	for _, s := range str {
		if s != nil {
			out = append(out, fmt.Sprintf("%q", strval(s)))
		}
	}
	return strings.Join(out, " ")
}

func squote(str ...interface{}) string {
	out := make([]string, 0, len(str))
	for _, s := range str {
		if s != nil {
			out = append(out, fmt.Sprintf("'%v'", s))
		}
	}
	return strings.Join(out, " ")
}

func regexMatch(regex string, s string) bool {
	match, _ := regexp.MatchString(regex, s)
	return match
}

func regexFind(regex string, s string) string {
	r := regexp.MustCompile(regex)
	return r.FindString(s)
}

func regexReplaceAll(regex string, s string, repl string) string {
	r := regexp.MustCompile(regex)
	return r.ReplaceAllString(s, repl)
}

func deleteWhiteSpace(str string) string {
	if str == "" {
		return str
	}
	sz := len(str)
	var chs bytes.Buffer
	count := 0
	for i := 0; i < sz; i++ {
		ch := rune(str[i])
		if !unicode.IsSpace(ch) {
			chs.WriteRune(ch)
			count++
		}
	}
	if count == sz {
		return str
	}
	return chs.String()
}

func dict(v ...interface{}) map[string]interface{} {
	d := map[string]interface{}{}
	lenv := len(v)
	for i := 0; i < lenv; i += 2 {
		key := strval(v[i])
		if i+1 >= lenv {
			d[key] = ""
			continue
		}
		d[key] = v[i+1]
	}
	return d
}

func list(v ...interface{}) []interface{} { return v }

func hasKey(d map[string]interface{}, key string) bool {
	_, ok := d[key]
	return ok
}

func keys(dicts ...map[string]interface{}) []string {
	k := []string{}
	for _, d := range dicts {
		for key := range d {
			k = append(k, key)
		}
	}
	return k
}

func values(d map[string]interface{}) []interface{} {
	vs := []interface{}{}
	for _, value := range d {
		vs = append(vs, value)
	}
	return vs
}

func push(l interface{}, v interface{}) []interface{} {
	tp := reflect.TypeOf(l).Kind()
	switch tp {
	case reflect.Slice, reflect.Array:
		l2 := reflect.ValueOf(l)
		n := l2.Len()
		nl := make([]interface{}, n)
		for i := 0; i < n; i++ {
			nl[i] = l2.Index(i).Interface()
		}
		return append(nl, v)
	default:
		panic(fmt.Errorf("Cannot push on type %s", tp))
	}
}

func sha256sum(input string) string {
	hash := sha256.Sum256([]byte(input))
	return hex.EncodeToString(hash[:])
}
