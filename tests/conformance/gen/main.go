// Command gen renders the conformance corpus with Go's own text/template and
// confd's function map, and writes the goldens the C++ runner checks.
//
//	go run . -cases ../cases -golden ../golden
//
// Every case is rendered with data nil (confd executes templates with nil
// data), template name "t.tmpl" (confd names templates after the file), a
// clean environment plus the case's env, and a store holding exactly what the
// case's resource would see. A case whose output changes between runs (Go map
// order, the clock) is rejected.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"text/template"
	"unicode/utf8"

	"confwatch/tests/conformance/gen/memkv"
)

const templateName = "t.tmpl"

// corpusViolation is set by a function that was called in a way the corpus
// must not use (e.g. a DNS lookup); gen fails instead of writing a golden.
var corpusViolation string

type goldenCase struct {
	Name         string            `json:"name"`
	Line         int               `json:"line"`
	Template     string            `json:"template"`
	Prefix       string            `json:"prefix,omitempty"`
	Keys         []string          `json:"keys"`
	KVs          map[string]string `json:"kvs"`
	KVsBase64    map[string]string `json:"kvs_base64,omitempty"`
	Store        map[string]string `json:"store"`
	StoreBase64  map[string]string `json:"store_base64,omitempty"`
	Env          map[string]string `json:"env,omitempty"`
	EnvBase64    map[string]string `json:"env_base64,omitempty"`
	Output       *string           `json:"output,omitempty"`
	OutputBase64 *string           `json:"output_base64,omitempty"`
	Error        *string           `json:"error,omitempty"`
}

type goldenFile struct {
	Comment string        `json:"comment"`
	Source  string        `json:"source"`
	Go      string        `json:"go"`
	Cases   []*goldenCase `json:"cases"`
}

func render(c *caseSpec, store map[string]string) (string, error) {
	os.Clearenv()
	for k, v := range c.Env {
		os.Setenv(k, v)
	}
	defer os.Clearenv()
	s := memkv.New()
	for k, v := range store {
		s.Set(k, v)
	}
	funcs := confdFuncMap()
	for name, fn := range s.FuncMap {
		funcs[name] = fn
	}
	for name, fn := range sprigFuncMap() {
		funcs[name] = fn
	}
	tmpl, err := template.New(templateName).Funcs(funcs).Parse(c.Template)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, nil)
	return buf.String(), err
}

// splitUTF8 returns the entries whose value is valid UTF-8 as they are and
// the others with base64 values: encoding/json would turn invalid bytes into
// U+FFFD, and the runner must see the exact bytes.
func splitUTF8(m map[string]string) (plain, b64 map[string]string) {
	plain = map[string]string{}
	for k, v := range m {
		if utf8.ValidString(v) {
			plain[k] = v
			continue
		}
		if b64 == nil {
			b64 = map[string]string{}
		}
		b64[k] = base64Std(v)
	}
	return plain, b64
}

func checkUTF8(c *caseSpec) error {
	names := []string{c.Template, c.Prefix}
	names = append(names, c.Keys...)
	for k := range c.KVs {
		names = append(names, k)
	}
	for k := range c.Env {
		names = append(names, k)
	}
	for _, s := range names {
		if !utf8.ValidString(s) {
			return fmt.Errorf("%q is not UTF-8 (only values may hold arbitrary bytes)", s)
		}
	}
	return nil
}

func generate(c *caseSpec) (*goldenCase, error) {
	if err := checkUTF8(c); err != nil {
		return nil, err
	}
	store := memkv.ResourceView(c.KVs, c.Prefix, c.Keys)
	g := &goldenCase{Name: c.Name, Line: c.Line, Template: c.Template, Prefix: c.Prefix, Keys: c.Keys}
	g.KVs, g.KVsBase64 = splitUTF8(c.KVs)
	g.Store, g.StoreBase64 = splitUTF8(store)
	env, envB64 := splitUTF8(c.Env)
	if len(env) > 0 {
		g.Env = env
	}
	g.EnvBase64 = envB64
	var first string
	for run := 0; run < 5; run++ {
		corpusViolation = ""
		out, err := render(c, store)
		if corpusViolation != "" {
			return nil, fmt.Errorf("%s", corpusViolation)
		}
		got := "output:" + out
		if err != nil {
			got = "error:" + err.Error()
		}
		if run == 0 {
			first = got
			if err != nil {
				msg := err.Error()
				g.Error = &msg
			} else if utf8.ValidString(out) {
				g.Output = &out
			} else {
				b := base64Std(out)
				g.OutputBase64 = &b
			}
		} else if got != first {
			return nil, fmt.Errorf("not deterministic:\n%q\n%q", first, got)
		}
	}
	return g, nil
}

func writeJSON(path string, v interface{}) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func run(casesDir, goldenDir string) error {
	files, err := filepath.Glob(filepath.Join(casesDir, "*.txt"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	total, errs := 0, 0
	testNames := map[string]string{}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		specs, err := parseCaseFile(f, string(text))
		if err != nil {
			return err
		}
		base := strings.TrimSuffix(filepath.Base(f), ".txt")
		gf := &goldenFile{
			Comment: "GENERATED by tests/conformance/regen.sh from the case file; do not edit.",
			Source:  "tests/conformance/cases/" + base + ".txt",
			Go:      runtime.Version(),
		}
		for _, c := range specs {
			id := base + "/" + c.Name
			tn := gtestName(base, c.Name)
			if other, dup := testNames[tn]; dup {
				return fmt.Errorf("%s and %s both become test name %s", id, other, tn)
			}
			testNames[tn] = id
			g, err := generate(c)
			if err != nil {
				return fmt.Errorf("%s:%d: case %s: %v", f, c.Line, c.Name, err)
			}
			if g.Error != nil {
				errs++
			}
			gf.Cases = append(gf.Cases, g)
		}
		total += len(gf.Cases)
		if err := writeJSON(filepath.Join(goldenDir, base+".json"), gf); err != nil {
			return err
		}
	}
	fmt.Printf("gen: %d cases (%d expect an error) in %d files\n", total, errs, len(files))
	return nil
}

// gtestName is the C++ runner's TestName: group__name with every byte
// outside [A-Za-z0-9] replaced by '_'. Two cases must not share one.
func gtestName(group, name string) string {
	b := []byte(group + "__" + name)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

func main() {
	casesDir := flag.String("cases", "../cases", "directory of *.txt case files")
	goldenDir := flag.String("golden", "../golden", "directory to write *.json goldens to")
	flag.Parse()
	if err := run(*casesDir, *goldenDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
