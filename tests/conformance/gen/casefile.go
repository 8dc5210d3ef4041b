// Parser for the hand-written case files (tests/conformance/cases/*.txt).
//
// Format, one directive per line ('#' at column 0 starts a comment line):
//
//	== NAME              starts a case; NAME is [A-Za-z0-9_.-]+ and unique per file
//	t TEXT               template is TEXT (no trailing newline)
//	tq "GO STRING"       template is the unquoted Go string literal
//	t<<TAG ... TAG       template is the lines up to TAG, each ending in "\n"
//	t<<-TAG ... TAG      same without the final "\n"
//	kv KEY VALUE         etcd key/value (VALUE is the rest of the line, may be empty)
//	kvq KEY "GO STRING"  value given as a Go string literal
//	env NAME VALUE       environment variable (envq NAME "GO STRING" too)
//	prefix P             resource prefix (confd [template] prefix)
//	keys K...            resource keys (default "/": everything)
//
// kv/env/prefix/keys lines before the first "==" are defaults for every case
// of the file; a case's own lines add to (kv, env) or replace (prefix, keys)
// them.
package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

type caseSpec struct {
	Name     string
	Line     int
	Template string
	KVs      map[string]string
	Env      map[string]string
	Prefix   string
	Keys     []string
	hasTmpl  bool
}

var caseNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

type caseParser struct {
	file  string
	lines []string
	i     int
}

func (p *caseParser) errf(format string, args ...interface{}) error {
	return fmt.Errorf("%s:%d: %s", p.file, p.i+1, fmt.Sprintf(format, args...))
}

func parseCaseFile(file, text string) ([]*caseSpec, error) {
	p := &caseParser{file: file, lines: strings.Split(text, "\n")}
	defaults := &caseSpec{KVs: map[string]string{}, Env: map[string]string{}}
	var cases []*caseSpec
	cur := defaults
	seen := map[string]bool{}
	for ; p.i < len(p.lines); p.i++ {
		line := p.lines[p.i]
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "== ") {
			name := strings.TrimSpace(line[3:])
			if !caseNameRE.MatchString(name) {
				return nil, p.errf("bad case name %q", name)
			}
			if seen[name] {
				return nil, p.errf("duplicate case name %q", name)
			}
			seen[name] = true
			cur = &caseSpec{Name: name, Line: p.i + 1, KVs: copyMap(defaults.KVs),
				Env: copyMap(defaults.Env), Prefix: defaults.Prefix, Keys: defaults.Keys}
			cases = append(cases, cur)
			continue
		}
		if err := p.directive(cur, cur == defaults, line); err != nil {
			return nil, err
		}
	}
	for _, c := range cases {
		if !c.hasTmpl {
			return nil, fmt.Errorf("%s:%d: case %s has no template", file, c.Line, c.Name)
		}
		if len(c.Keys) == 0 {
			c.Keys = []string{"/"}
		}
	}
	return cases, nil
}

func (p *caseParser) directive(c *caseSpec, isDefaults bool, line string) error {
	word, rest, _ := strings.Cut(line, " ")
	if strings.HasPrefix(word, "t<<") {
		if isDefaults {
			return p.errf("template outside a case")
		}
		return p.heredoc(c, strings.TrimPrefix(word, "t<<"))
	}
	switch word {
	case "t", "tq":
		if isDefaults {
			return p.errf("template outside a case")
		}
		if c.hasTmpl {
			return p.errf("second template in case %s", c.Name)
		}
		s, err := p.value(word == "tq", rest)
		c.Template, c.hasTmpl = s, true
		return err
	case "kv", "kvq", "env", "envq":
		name, val, _ := strings.Cut(rest, " ")
		if name == "" {
			return p.errf("%s needs a name", word)
		}
		s, err := p.value(strings.HasSuffix(word, "q"), val)
		if strings.HasPrefix(word, "kv") {
			c.KVs[name] = s
		} else {
			c.Env[name] = s
		}
		return err
	case "prefix":
		c.Prefix = rest
	case "keys":
		c.Keys = strings.Fields(rest)
	default:
		return p.errf("unknown directive %q", word)
	}
	return nil
}

func (p *caseParser) value(quoted bool, s string) (string, error) {
	if !quoted {
		return s, nil
	}
	u, err := strconv.Unquote(s)
	if err != nil {
		return "", p.errf("bad Go string literal %s", s)
	}
	return u, nil
}

func (p *caseParser) heredoc(c *caseSpec, tag string) error {
	chomp := strings.HasPrefix(tag, "-")
	tag = strings.TrimPrefix(tag, "-")
	if tag == "" {
		return p.errf("heredoc needs a tag")
	}
	if c.hasTmpl {
		return p.errf("second template in case %s", c.Name)
	}
	start := p.i
	var body []string
	for p.i++; p.i < len(p.lines); p.i++ {
		if p.lines[p.i] == tag {
			s := strings.Join(body, "\n")
			if !chomp {
				s += "\n"
			}
			c.Template, c.hasTmpl = s, true
			return nil
		}
		body = append(body, p.lines[p.i])
	}
	p.i = start
	return p.errf("heredoc %s not terminated", tag)
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
