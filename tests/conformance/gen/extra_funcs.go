// The functions of issue 19 that templates from other tools call, taken
// from their Go implementations so the goldens are those tools' bytes:
//   - sprig v3.2.3 itself (Debian's golang-github-masterminds-sprig-dev,
//     vendored by symlink, see vendor/modules.txt): upper title trim int
//     now b64enc b64dec sha1sum uuidv4 lower hasPrefix hasSuffix trimAll
//     splitList trunc add1 toString first last rest initial uniq without
//     compact has max min;
//   - consul-template's replaceAll and md5sum (two lines each, stdlib);
//   - the maintained confd fork's (abtreece/confd pkg/template)
//     snakecase camelcase kebabcase pluck lookupIfaceIPV4 lookupIfaceIPV6,
//     reimplemented with the same signatures and word rules. They win over
//     sprig's functions of the same names, as in confwatch's map;
//   - Helm's toYaml (pkg/engine/funcs.go) over sigs.k8s.io/yaml.Marshal,
//     which is json.Marshal, then go-yaml v2 (Debian's
//     golang-gopkg-yaml.v2-dev, vendored the same way) unmarshals that JSON
//     into an interface{} and marshals it; both reproduced here in a few
//     lines.
//   - Helm's fromYaml over sigs.k8s.io/yaml.Unmarshal. sigs.k8s.io/yaml is
//     not packaged in Debian: its YAML -> JSON half (yamlToJSONTarget and
//     convertToJSONableObject, for a map[string]interface{} target, where
//     no scalar is coerced to a string) is reimplemented below over Debian's
//     go-yaml v2, with its error wrapping.
//
// lookupIface* of an interface that exists depends on the host: the corpus
// may only name missing interfaces.
package main

import (
	"bytes"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	sprig "github.com/Masterminds/sprig/v3"
	yaml "gopkg.in/yaml.v2"
)

func extraFuncMap() map[string]interface{} {
	s := sprig.TxtFuncMap()
	m := map[string]interface{}{}
	for _, name := range []string{"upper", "title", "trim", "int", "now", "b64enc", "b64dec", "sha1sum", "uuidv4",
		"lower", "hasPrefix", "hasSuffix", "trimAll", "splitList", "trunc", "add1", "toString", "first", "last",
		"rest", "initial", "uniq", "without", "compact", "has", "max", "min"} {
		m[name] = s[name]
	}
	m["replaceAll"] = func(f, t, s string) (string, error) { return strings.Replace(s, f, t, -1), nil }
	m["md5sum"] = func(item string) (string, error) { return fmt.Sprintf("%x", md5.Sum([]byte(item))), nil }
	m["snakecase"] = func(s string) string { return joinLowered(s, "_") }
	m["kebabcase"] = func(s string) string { return joinLowered(s, "-") }
	m["camelcase"] = forkCamelcase
	m["pluck"] = forkPluck
	m["lookupIfaceIPV4"] = func(name string) string { return lookupIface(name) }
	m["lookupIfaceIPV6"] = func(name string) string { return lookupIface(name) }
	m["toYaml"] = helmToYAML
	m["fromYaml"] = helmFromYAML
	return m
}

// sigs.k8s.io/yaml.Marshal: JSON first, so struct tags and MarshalJSON
// apply, then JSONToYAML.
func k8sYAMLMarshal(o interface{}) ([]byte, error) {
	j, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("error marshaling into JSON: %v", err)
	}
	var jsonObj interface{}
	if err := yaml.Unmarshal(j, &jsonObj); err != nil {
		return nil, err
	}
	return yaml.Marshal(jsonObj)
}

// Helm's toYAML: errors render as "".
func helmToYAML(v interface{}) string {
	data, err := k8sYAMLMarshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

// Helm's fromYAML: the error text under "Error".
func helmFromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := k8sYAMLUnmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// sigs.k8s.io/yaml.Unmarshal: YAML -> JSON, then encoding/json.
func k8sYAMLUnmarshal(y []byte, obj interface{}) error {
	j, err := k8sYAMLToJSON(y)
	if err != nil {
		return fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	if err := json.NewDecoder(bytes.NewReader(j)).Decode(obj); err != nil {
		return fmt.Errorf("error unmarshaling JSON: %w", err)
	}
	return nil
}

func k8sYAMLToJSON(y []byte) ([]byte, error) {
	var yamlObj interface{}
	if err := yaml.Unmarshal(y, &yamlObj); err != nil {
		return nil, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	jsonObj, err := k8sJSONable(yamlObj)
	if err != nil {
		return nil, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	j, err := json.Marshal(jsonObj)
	if err != nil {
		return nil, fmt.Errorf("error converting YAML to JSON: %w", err)
	}
	return j, nil
}

// convertToJSONableObject with a nil target: map keys become strings.
func k8sJSONable(yamlObj interface{}) (interface{}, error) {
	switch typed := yamlObj.(type) {
	case map[interface{}]interface{}:
		strMap := make(map[string]interface{})
		for k, v := range typed {
			var keyString string
			switch typedKey := k.(type) {
			case string:
				keyString = typedKey
			case int:
				keyString = strconv.Itoa(typedKey)
			case int64:
				keyString = strconv.FormatInt(typedKey, 10)
			case float64:
				s := strconv.FormatFloat(typedKey, 'g', -1, 32)
				switch s {
				case "+Inf":
					s = ".inf"
				case "-Inf":
					s = "-.inf"
				case "NaN":
					s = ".nan"
				}
				keyString = s
			case bool:
				if typedKey {
					keyString = "true"
				} else {
					keyString = "false"
				}
			default:
				return nil, fmt.Errorf("unsupported map key of type: %s, key: %+#v, value: %+#v",
					reflect.TypeOf(k), k, v)
			}
			var err error
			if strMap[keyString], err = k8sJSONable(v); err != nil {
				return nil, err
			}
		}
		return strMap, nil
	case []interface{}:
		arr := make([]interface{}, len(typed))
		for i, v := range typed {
			var err error
			if arr[i], err = k8sJSONable(v); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return yamlObj, nil
}

// forkSplitWords: words break at '_', '-', ' ' and before an upper-case
// rune that follows a lower-case one or starts a capitalised word.
func forkSplitWords(s string) []string {
	if s == "" {
		return nil
	}
	runes := []rune(s)
	var words []string
	var cur []rune
	for i, r := range runes {
		if r == '_' || r == '-' || r == ' ' {
			if len(cur) > 0 {
				words = append(words, string(cur))
				cur = nil
			}
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if nextLower || !unicode.IsUpper(runes[i-1]) {
				words = append(words, string(cur))
				cur = nil
			}
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		words = append(words, string(cur))
	}
	return words
}

func joinLowered(s, sep string) string {
	words := forkSplitWords(s)
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return strings.Join(words, sep)
}

func forkCamelcase(s string) string {
	words := forkSplitWords(s)
	for i, w := range words {
		lower := strings.ToLower(w)
		if i > 0 {
			r := []rune(lower)
			r[0] = unicode.ToUpper(r[0])
			lower = string(r)
		}
		words[i] = lower
	}
	return strings.Join(words, "")
}

func forkPluck(key string, maps ...map[string]interface{}) []interface{} {
	var out []interface{}
	for _, m := range maps {
		if v, ok := m[key]; ok {
			out = append(out, v)
		}
	}
	return out
}

func lookupIface(name string) string {
	if _, err := net.InterfaceByName(name); err == nil {
		corpusViolation = "lookupIface of an existing interface (" + name + ") depends on the host"
	}
	return ""
}
