// Command gen renders the conformance corpus with Go's own text/template and
// confd's function map, and writes the goldens the C++ runner checks.
//
//	go run . -cases ../cases -golden ../golden          (regen.sh)
//	go run . -cases ../cases -golden ../golden -check   (goldens up to date?)
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
	for name, fn := range extraFuncMap() {
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

func encodeJSON(v interface{}) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return buf.Bytes(), err
}

// emit writes the golden, or with check only compares it with the file on
// disk and reports a stale one.
func emit(path string, v interface{}, check bool) error {
	data, err := encodeJSON(v)
	if err != nil {
		return err
	}
	if !check {
		return os.WriteFile(path, data, 0o644)
	}
	old, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(old, data) {
		return fmt.Errorf("%s is not what the case file renders to: run tests/conformance/regen.sh", path)
	}
	return nil
}

// errOtherGo: the goldens were made by another Go release, whose messages may
// legitimately differ; -check then skips (exit 77) instead of failing.
var errOtherGo = fmt.Errorf("goldens were generated by another Go release")

// goRelease is "go1.19" for "go1.19.8".
func goRelease(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func sameGoRelease(goldenPath string) (bool, error) {
	data, err := os.ReadFile(goldenPath)
	if err != nil {
		return false, err
	}
	var gf goldenFile
	if err := json.Unmarshal(data, &gf); err != nil {
		return false, fmt.Errorf("%s: %v", goldenPath, err)
	}
	return goRelease(gf.Go) == goRelease(runtime.Version()), nil
}

func run(casesDir, goldenDir string, check bool) error {
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
		if check {
			same, err := sameGoRelease(filepath.Join(goldenDir, base+".json"))
			if err != nil {
				return fmt.Errorf("%v: run tests/conformance/regen.sh", err)
			}
			if !same {
				return errOtherGo
			}
		}
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
		if err := emit(filepath.Join(goldenDir, base+".json"), gf, check); err != nil {
			return err
		}
	}
	if check {
		goldens, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
		if err != nil {
			return err
		}
		if len(goldens) != len(files) {
			return fmt.Errorf("%d goldens for %d case files: run tests/conformance/regen.sh", len(goldens), len(files))
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
	check := flag.Bool("check", false, "write nothing; fail if a golden differs from what its case file renders to")
	flag.Parse()
	if err := run(*casesDir, *goldenDir, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		if err == errOtherGo {
			fmt.Fprintln(os.Stderr, "gen: skipped, this is", runtime.Version())
			os.Exit(77)
		}
		os.Exit(1)
	}
}
