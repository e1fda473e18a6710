package jsonread

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	ok := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{` true `, true},
		{`-0.5e1`, -5.0},
		{`12345678901234567890`, 12345678901234567890.0},
		{`"a\u00e9\ud83d\ude00\n\/"`, "aé😀\n/"},
		{`[1,[],{}]`, []any{1.0, []any{}, map[string]any{}}},
		{`{"a":{"b":["c"]}}`, map[string]any{"a": map[string]any{"b": []any{"c"}}}},
	}
	for _, c := range ok {
		got, err := Read([]byte(c.in), Limits{})
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Read(%s) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	bad := []string{
		``, ` `, `nul`, `01`, `1.`, `.5`, `1e`, `+1`, `-`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`,
		`"\x"`, "\"\x01\"", `"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, "\"\xff\"", `{"a":1,"a":2}`,
		`1 2`, "\xef\xbb\xbf1", `1e400`, `[`, `{"a":`, `"abc`, `tru`, `NaN`,
	}
	for _, in := range bad {
		if v, err := Read([]byte(in), Limits{}); err == nil {
			t.Errorf("Read(%q) = %#v, want an error", in, v)
		}
	}
}

func TestLimits(t *testing.T) {
	cases := []struct {
		name string
		in   string
		lim  Limits
	}{
		{"bytes", `[1,2,3]`, Limits{MaxBytes: 6}},
		{"depth", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), Limits{}},
		{"depth object", `{"a":{"a":{"a":1}}}`, Limits{MaxDepth: 2}},
		{"string", `"` + strings.Repeat("x", 100) + `"`, Limits{MaxString: 99}},
		{"escaped string", `"` + strings.Repeat(`\n`, 100) + `"`, Limits{MaxString: 99}},
		{"values", `[1,2,3,4]`, Limits{MaxValues: 4}},
		{"number", strings.Repeat("1", 600), Limits{}},
	}
	for _, c := range cases {
		if _, err := Read([]byte(c.in), c.lim); !IsLimit(err) {
			t.Errorf("%s: err = %v, want a limit error", c.name, err)
		}
	}
	if _, err := Read([]byte(`[[1]]`), Limits{MaxDepth: 2}); err != nil {
		t.Errorf("depth 2 under MaxDepth 2: %v", err)
	}
}

// seeds are the JSON files the repository's rule tests read.
func seeds(tb testing.TB) [][]byte {
	var files []string
	for _, g := range []string{"../../testdata/certlogic/testSuite/*.json", "../../testdata/business-rules/EU/*/rule.json", "../../testdata/business-rules/EU/VR-EU-0001/tests/*.json"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) == 0 {
		tb.Fatal("no seeds: testdata/certlogic and testdata/business-rules are empty")
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzRead: what Read accepts, encoding/json accepts and reads to the same
// tree; what Read refuses, it refuses with an *Error.
func FuzzRead(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`{"a":"\ud83d\ude00","b":[-0.0,1e-7,true,null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Read(data, Limits{MaxDepth: 64})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("Read accepted what encoding/json refuses (%v): %q", err, data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Read = %#v, encoding/json = %#v", got, want)
		}
	})
}

func TestSeedsRead(t *testing.T) {
	for _, s := range seeds(t) {
		if _, err := Read(s, Limits{}); err != nil {
			t.Errorf("%v", err)
		}
	}
}
