package certlogic

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/passcheck/passcheck/internal/jsonread"
	"github.com/passcheck/passcheck/internal/jsontext"
)

// appendJSON writes a tree back as JSON text, for seeds.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if x {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case float64:
		return jsontext.AppendFloat(b, x)
	case string:
		return jsontext.AppendString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		i := 0
		for k, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			i++
			b = jsontext.AppendString(b, k)
			b = append(b, ':')
			b = appendJSON(b, e)
		}
		return append(b, '}')
	}
	panic("unexpected type")
}

// fuzzSeeds pairs expressions and data from the specification's test suite
// and from the EU rules and their tests.
func fuzzSeeds(tb testing.TB) [][2][]byte {
	var out [][2][]byte
	read := func(f string) any {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		v, err := jsonread.Read(b, jsonread.Limits{})
		if err != nil {
			tb.Fatal(f, err)
		}
		return v
	}
	suites, _ := filepath.Glob("../testdata/certlogic/testSuite/*.json")
	for _, f := range suites {
		for _, c := range read(f).(map[string]any)["cases"].([]any) {
			c := c.(map[string]any)
			for _, a := range c["assertions"].([]any) {
				out = append(out, [2][]byte{appendJSON(nil, c["certLogicExpression"]), appendJSON(nil, a.(map[string]any)["data"])})
			}
		}
	}
	rules, _ := filepath.Glob("../testdata/business-rules/EU/*/rule.json")
	for _, f := range rules {
		logic := appendJSON(nil, read(f).(map[string]any)["Logic"])
		tests, _ := filepath.Glob(filepath.Join(filepath.Dir(f), "tests", "*.json"))
		for _, tf := range tests[:min(2, len(tests))] {
			tc := read(tf).(map[string]any)
			ext := tc["external"].(map[string]any)
			delete(ext, "valueSets") // keep seeds small
			out = append(out, [2][]byte{logic, appendJSON(nil, map[string]any{"payload": tc["payload"], "external": ext})})
		}
	}
	if len(suites) == 0 || len(rules) == 0 || len(out) == 0 {
		tb.Fatal("no seeds: testdata/certlogic or testdata/business-rules is empty")
	}
	return out
}

// FuzzEval: no expression and no data make Compile or Eval panic, and every
// error is an *Error with a known code.
func FuzzEval(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s[0], s[1])
	}
	f.Add([]byte(`{"plusTime":[{"var":"d"},-1,"month"]}`), []byte(`{"d":"2021-03-31T23:59:59.9999-0:30"}`))
	f.Add([]byte(`{"extractFromUVCI":[{"var":""},2]}`), []byte(`"URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"`))
	f.Add([]byte(`{"after":[{"dccDateOfBirth":[{"var":"0"}]},{"plusTime":[{"var":"1"},-18,"year"]}]}`), []byte(`["2003-02","2021-06-01T00:00:00Z"]`))
	lim := Limits{MaxSteps: 10_000, MaxReduce: 1000}
	f.Fuzz(func(t *testing.T, exprJSON, dataJSON []byte) {
		expr, err := jsonread.Read(exprJSON, jsonread.Limits{MaxBytes: 1 << 16})
		if err != nil {
			return
		}
		data, err := jsonread.Read(dataJSON, jsonread.Limits{MaxBytes: 1 << 16})
		if err != nil {
			return
		}
		e, err := Compile(expr, lim)
		if (err == nil) != (len(Validate(expr)) == 0) {
			t.Fatalf("Compile err %v, but Validate gives %v", err, Validate(expr))
		}
		if err != nil {
			checkErr(t, err)
			return
		}
		if _, err := e.Eval(data); err != nil {
			checkErr(t, err)
		}
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error of type %T: %v", err, err)
	}
	switch e.Code {
	case CodeInvalid, CodeType, CodeLimit:
	default:
		t.Fatalf("unknown code %q", e.Code)
	}
}
