// confd's template function map (resource/template/template_funcs.go of
// kelseyhightower/confd master), reimplemented with the same Go signatures,
// because the signatures ARE the semantics in text/template: argument type
// checks, int-only arithmetic, (value, error) returns and in-place sorting all
// show in the rendered bytes and error messages.
//
// Deliberate determinism: datetime is time.Now as in confd (cases only use it
// in ways that do not depend on the clock); lookupIP/IPV4/IPV6 resolve IP
// literals only (no DNS), lookupSRV is left out.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"confwatch/tests/conformance/gen/memkv"
)

func confdFuncMap() map[string]interface{} {
	m := make(map[string]interface{})
	m["base"] = path.Base
	m["split"] = strings.Split
	m["json"] = unmarshalJSONObject
	m["jsonArray"] = unmarshalJSONArray
	m["dir"] = path.Dir
	m["map"] = createMap
	m["getenv"] = getenv
	m["join"] = strings.Join
	m["datetime"] = time.Now
	m["toUpper"] = strings.ToUpper
	m["toLower"] = strings.ToLower
	m["contains"] = strings.Contains
	m["replace"] = strings.Replace
	m["trimSuffix"] = strings.TrimSuffix
	m["lookupIP"] = lookupIP
	m["lookupIPV4"] = lookupIPV4
	m["lookupIPV6"] = lookupIPV6
	m["fileExists"] = isFileExist
	m["base64Encode"] = base64Encode
	m["base64Decode"] = base64Decode
	m["parseBool"] = strconv.ParseBool
	m["reverse"] = reverse
	m["sortByLength"] = sortByLength
	m["sortKVByLength"] = sortKVByLength
	m["add"] = func(a, b int) int { return a + b }
	m["sub"] = func(a, b int) int { return a - b }
	m["div"] = func(a, b int) int { return a / b }
	m["mod"] = func(a, b int) int { return a % b }
	m["mul"] = func(a, b int) int { return a * b }
	m["seq"] = seq
	m["atoi"] = strconv.Atoi
	return m
}

func seq(first, last int) []int {
	var arr []int
	for i := first; i <= last; i++ {
		arr = append(arr, i)
	}
	return arr
}

type byLengthKV []memkv.KVPair

func (s byLengthKV) Len() int           { return len(s) }
func (s byLengthKV) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
func (s byLengthKV) Less(i, j int) bool { return len(s[i].Key) < len(s[j].Key) }

func sortKVByLength(values []memkv.KVPair) []memkv.KVPair {
	sort.Sort(byLengthKV(values))
	return values
}

type byLength []string

func (s byLength) Len() int           { return len(s) }
func (s byLength) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
func (s byLength) Less(i, j int) bool { return len(s[i]) < len(s[j]) }

func sortByLength(values []string) []string {
	sort.Sort(byLength(values))
	return values
}

// reverse reverses []string and []memkv.KVPair in place; any other type (KVPairs
// from gets, []int from seq, []interface{}) comes back unchanged.
func reverse(values interface{}) interface{} {
	switch v := values.(type) {
	case []string:
		for l, r := 0, len(v)-1; l < r; l, r = l+1, r-1 {
			v[l], v[r] = v[r], v[l]
		}
	case []memkv.KVPair:
		for l, r := 0, len(v)-1; l < r; l, r = l+1, r-1 {
			v[l], v[r] = v[r], v[l]
		}
	}
	return values
}

func getenv(key string, v ...string) string {
	defaultValue := ""
	if len(v) > 0 {
		defaultValue = v[0]
	}
	value := os.Getenv(key)
	if value == "" {
		return defaultValue
	}
	return value
}

func createMap(values ...interface{}) (map[string]interface{}, error) {
	if len(values)%2 != 0 {
		return nil, errors.New("invalid map call")
	}
	dict := make(map[string]interface{}, len(values)/2)
	for i := 0; i < len(values); i += 2 {
		key, ok := values[i].(string)
		if !ok {
			return nil, errors.New("map keys must be strings")
		}
		dict[key] = values[i+1]
	}
	return dict, nil
}

func unmarshalJSONObject(data string) (map[string]interface{}, error) {
	var ret map[string]interface{}
	err := json.Unmarshal([]byte(data), &ret)
	return ret, err
}

func unmarshalJSONArray(data string) ([]interface{}, error) {
	var ret []interface{}
	err := json.Unmarshal([]byte(data), &ret)
	return ret, err
}

// lookupIP is confd's LookupIP restricted to IP literals so the goldens do not
// depend on DNS; for a literal net.LookupIP returns exactly that address.
func lookupIP(data string) []string {
	ip := net.ParseIP(data)
	if ip == nil {
		corpusViolation = "lookupIP only accepts IP literals in the corpus, got " + data
		return nil
	}
	return []string{ip.String()}
}

func lookupIPV6(data string) []string {
	var addresses []string
	for _, ip := range lookupIP(data) {
		if strings.Contains(ip, ":") {
			addresses = append(addresses, ip)
		}
	}
	return addresses
}

func lookupIPV4(data string) []string {
	var addresses []string
	for _, ip := range lookupIP(data) {
		if strings.Contains(ip, ".") {
			addresses = append(addresses, ip)
		}
	}
	return addresses
}

func isFileExist(fpath string) bool {
	if _, err := os.Stat(fpath); os.IsNotExist(err) {
		return false
	}
	return true
}

func base64Encode(data string) string {
	return base64.StdEncoding.EncodeToString([]byte(data))
}

func base64Decode(data string) (string, error) {
	s, err := base64.StdEncoding.DecodeString(data)
	return string(s), err
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
