// Package memkv is an in-memory key store with the template functions confd gets from
// github.com/kelseyhightower/memkv (the version vendored by confd 0.16):
// exists ls lsdir get gets getv getvs. Written from that package's documented
// semantics; the quirks are deliberate because confd has them:
//   - gets/getvs match with path.Match, so "*" never crosses a "/";
//   - getvs sorts the VALUES, not the keys;
//   - get/getv of a missing key fail with "key does not exist: <key>";
//   - gets returns the named type KVPairs, which confd's reverse does not
//     recognise (it only handles []KVPair and []string).
package memkv

import (
	"errors"
	"path"
	"sort"
	"strings"
)

var ErrNotExist = errors.New("key does not exist")

// KeyError is memkv's error for a missing key.
type KeyError struct {
	Key string
	Err error
}

func (e *KeyError) Error() string { return e.Err.Error() + ": " + e.Key }

// KVPair is memkv.KVPair; templates read .Key and .Value.
type KVPair struct {
	Key   string
	Value string
}

// KVPairs is memkv.KVPairs (sorted by key).
type KVPairs []KVPair

func (ks KVPairs) Len() int           { return len(ks) }
func (ks KVPairs) Less(i, j int) bool { return ks[i].Key < ks[j].Key }
func (ks KVPairs) Swap(i, j int)      { ks[i], ks[j] = ks[j], ks[i] }

// Store is memkv.Store without the locking (one goroutine renders).
type Store struct {
	FuncMap map[string]interface{}
	m       map[string]KVPair
}

func New() *Store {
	s := &Store{m: make(map[string]KVPair)}
	s.FuncMap = map[string]interface{}{
		"exists": s.Exists,
		"ls":     s.List,
		"lsdir":  s.ListDir,
		"get":    s.Get,
		"gets":   s.GetAll,
		"getv":   s.GetValue,
		"getvs":  s.GetAllValues,
	}
	return s
}

func (s *Store) Set(key, value string) { s.m[key] = KVPair{key, value} }

func (s *Store) Exists(key string) bool {
	_, err := s.Get(key)
	return err == nil
}

func (s *Store) Get(key string) (KVPair, error) {
	kv, ok := s.m[key]
	if !ok {
		return kv, &KeyError{key, ErrNotExist}
	}
	return kv, nil
}

func (s *Store) GetValue(key string, v ...string) (string, error) {
	kv, err := s.Get(key)
	if err != nil {
		if len(v) > 0 {
			return v[0], nil
		}
		return "", err
	}
	return kv.Value, nil
}

// sortedPairs iterates in key order. memkv ranges over a Go map; the only
// observable difference would be which of several malformed-pattern errors is
// reported, and path.Match reports the same error for any name.
func (s *Store) sortedPairs() []KVPair {
	ks := make(KVPairs, 0, len(s.m))
	for _, kv := range s.m {
		ks = append(ks, kv)
	}
	sort.Sort(ks)
	return ks
}

func (s *Store) GetAll(pattern string) (KVPairs, error) {
	ks := make(KVPairs, 0)
	for _, kv := range s.sortedPairs() {
		m, err := path.Match(pattern, kv.Key)
		if err != nil {
			return nil, err
		}
		if m {
			ks = append(ks, kv)
		}
	}
	sort.Sort(ks)
	return ks, nil
}

func (s *Store) GetAllValues(pattern string) ([]string, error) {
	vs := make([]string, 0)
	ks, err := s.GetAll(pattern)
	if err != nil {
		return vs, err
	}
	for _, kv := range ks {
		vs = append(vs, kv.Value)
	}
	sort.Strings(vs)
	return vs, nil
}

func (s *Store) List(filePath string) []string {
	vs := make([]string, 0)
	m := make(map[string]bool)
	prefix := pathToTerms(filePath)
	for _, kv := range s.m {
		if kv.Key == filePath {
			m[path.Base(kv.Key)] = true
			continue
		}
		target := pathToTerms(path.Dir(kv.Key))
		if samePrefixTerms(prefix, target) {
			m[strings.Split(stripKey(kv.Key, filePath), "/")[0]] = true
		}
	}
	for k := range m {
		vs = append(vs, k)
	}
	sort.Strings(vs)
	return vs
}

func (s *Store) ListDir(filePath string) []string {
	vs := make([]string, 0)
	m := make(map[string]bool)
	prefix := pathToTerms(filePath)
	for _, kv := range s.m {
		if strings.HasPrefix(kv.Key, filePath) {
			items := pathToTerms(path.Dir(kv.Key))
			if samePrefixTerms(prefix, items) && (len(items)-len(prefix) >= 1) {
				m[items[len(prefix):][0]] = true
			}
		}
	}
	for k := range m {
		vs = append(vs, k)
	}
	sort.Strings(vs)
	return vs
}

func stripKey(key, prefix string) string {
	return strings.TrimPrefix(strings.TrimPrefix(key, prefix), "/")
}

func pathToTerms(filePath string) []string {
	return strings.Split(path.Clean(filePath), "/")
}

func samePrefixTerms(prefix, test []string) bool {
	if len(test) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] != test[i] {
			return false
		}
	}
	return true
}

// ResourceView is what a confd resource's template sees: the etcd keys under
// path.Join(prefix, k) for each declared k (the key itself or its subtree,
// as confd's etcdv3 backend filters), each stored as
// path.Join("/", strings.TrimPrefix(key, prefix)).
func ResourceView(kvs map[string]string, prefix string, keys []string) map[string]string {
	if !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	out := make(map[string]string)
	for _, k := range keys {
		want := path.Join(prefix, k)
		wantDir := want
		if !strings.HasSuffix(wantDir, "/") {
			wantDir += "/"
		}
		for key, value := range kvs {
			if key == want || strings.HasPrefix(key, wantDir) {
				out[path.Join("/", strings.TrimPrefix(key, prefix))] = value
			}
		}
	}
	return out
}
