package certlogic

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/jsonread"
)

func readJSON(t testing.TB, s string) any {
	t.Helper()
	v, err := jsonread.Read([]byte(s), jsonread.Limits{})
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// TestSuite runs every assertion of the specification's test-suite files
// (testdata/certlogic/testSuite).
func TestSuite(t *testing.T) {
	files, _ := filepath.Glob("../testdata/certlogic/testSuite/*.json")
	if len(files) == 0 {
		t.Fatal("no test-suite files in ../testdata/certlogic/testSuite")
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		suite := readJSON(t, string(b)).(map[string]any)
		for _, c := range suite["cases"].([]any) {
			c := c.(map[string]any)
			for i, a := range c["assertions"].([]any) {
				a := a.(map[string]any)
				expr := c["certLogicExpression"]
				if own, ok := a["certLogicExpression"]; ok {
					expr = own
				}
				got, err := Evaluate(expr, a["data"])
				if err != nil || !ResultEqual(got, a["expected"]) {
					t.Errorf("%s: %s #%d: got %v, %v; want %v", filepath.Base(f), c["name"], i, got, err, a["expected"])
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no assertions ran")
	}
}

func TestOperations(t *testing.T) {
	data := readJSON(t, `{"a":[1,2,3],"s":"x","n":null,"o":{"k":"v","0":"zero"},"t":"2021-06-01T12:30:00+02:00",
		"uvci":"URN:UVCI:01:NL:187/37512422923#Z","dob":"1990-02","e":[],"f":1.5}`)
	cases := []struct {
		name, expr, want string
	}{
		{"var index", `{"var":"a.2"}`, `3`},
		{"var missing index", `{"var":"a.3"}`, `null`},
		{"var object key 0", `{"var":"o.0"}`, `"zero"`},
		{"var through string", `{"var":"s.0"}`, `null`},
		{"var through null", `{"var":"n.x"}`, `null`},
		{"var non-index on array", `{"var":"a.x"}`, `null`},
		{"var negative", `{"var":"a.-1"}`, `null`},
		{"if truthy", `{"if":[{"var":"a"},"T","F"]}`, `"T"`},
		{"if falsy empty", `{"if":[{"var":"e"},"T","F"]}`, `"F"`},
		{"=== number", `{"===":[{"var":"a.0"},1]}`, `true`},
		{"=== mixed", `{"===":[1,"1"]}`, `false`},
		{"=== null", `{"===":[{"var":"n"},{"var":"zz"}]}`, `true`},
		{"=== arrays", `{"===":[[1],[1]]}`, `false`},
		{"!==", `{"!==":[1,2]}`, `true`},
		{"!== same", `{"!==":["x",{"var":"s"}]}`, `false`},
		{"and first falsy", `{"and":[1,0,true]}`, `0`},
		{"and last", `{"and":[1,"x",[1]]}`, `[1]`},
		{"and lazy", `{"and":[false,{"+":[{"var":"s"},1]}]}`, `false`},
		{"< 2", `{"<":[1,2]}`, `true`},
		{"< 3", `{"<":[1,2,2]}`, `false`},
		{"<= 3", `{"<=":[1,2,2]}`, `true`},
		{"> ", `{">":[3,2]}`, `true`},
		{">= 3", `{">=":[3,3,1]}`, `true`},
		{"in", `{"in":["x",["a","x"]]}`, `true`},
		{"in not", `{"in":[1,["1"]]}`, `false`},
		{"in empty", `{"in":[1,[]]}`, `false`},
		{"+", `{"+":[{"var":"a.1"},-5]}`, `-3`},
		{"! null", `{"!":[{"var":"n"}]}`, `true`},
		{"! object", `{"!":[{"var":"o"}]}`, `false`},
		{"reduce", `{"reduce":[{"var":"a"},{"+":[{"var":"accumulator"},{"var":"current"}]},0]}`, `6`},
		{"reduce null", `{"reduce":[{"var":"n"},{"+":[{"var":"accumulator"},1]},7]}`, `7`},
		{"reduce empty", `{"reduce":[[],{"+":[{"var":"accumulator"},1]},7]}`, `7`},
		{"plusTime offset", `{"plusTime":[{"var":"t"},0,"day"]}`, `"2021-06-01T10:30:00.000Z"`},
		{"plusTime hours", `{"plusTime":["2021-06-01",49,"hour"]}`, `"2021-06-03T01:00:00.000Z"`},
		{"plusTime leap day", `{"plusTime":["2020-02-29",1,"day"]}`, `"2020-03-01T00:00:00.000Z"`},
		{"plusTime leap month", `{"plusTime":["2020-02-29",1,"month"]}`, `"2020-03-29T00:00:00.000Z"`},
		{"plusTime leap year", `{"plusTime":["2020-02-29",1,"year"]}`, `"2021-03-01T00:00:00.000Z"`},
		{"plusTime month overflow", `{"plusTime":["2021-01-31T10:00:00Z",1,"month"]}`, `"2021-03-03T10:00:00.000Z"`},
		{"plusTime minus months", `{"plusTime":["2021-01-15",-13,"month"]}`, `"2019-12-15T00:00:00.000Z"`},
		{"plusTime minus years", `{"plusTime":["2021-06-01",-18,"year"]}`, `"2003-06-01T00:00:00.000Z"`},
		{"plusTime partial year", `{"plusTime":["2021",0,"day"]}`, `"2021-12-31T00:00:00.000Z"`},
		{"plusTime partial month", `{"plusTime":["2024-02",0,"day"]}`, `"2024-02-29T00:00:00.000Z"`},
		{"plusTime fraction", `{"plusTime":["2021-06-01T00:00:00.98765Z",0,"day"]}`, `"2021-06-01T00:00:00.987Z"`},
		{"plusTime .S", `{"plusTime":["2021-06-01T00:00:00.5",0,"day"]}`, `"2021-06-01T00:00:00.500Z"`},
		{"plusTime +h", `{"plusTime":["2021-06-01T00:00:00+1",0,"day"]}`, `"2021-05-31T23:00:00.000Z"`},
		{"plusTime -hmm", `{"plusTime":["2021-06-01T00:00:00-130",0,"day"]}`, `"2021-06-01T01:30:00.000Z"`},
		{"plusTime +hhmm", `{"plusTime":["2021-06-01T00:00:00+0530",0,"day"]}`, `"2021-05-31T18:30:00.000Z"`},
		{"plusTime h:mm", `{"plusTime":["2021-06-01T00:00:00.1-2:00",0,"day"]}`, `"2021-06-01T02:00:00.100Z"`},
		{"before", `{"before":[{"plusTime":["2021-06-01",0,"day"]},{"plusTime":["2021-06-01T00:00:00.001Z",0,"day"]}]}`, `true`},
		{"not-after 3", `{"not-after":[{"plusTime":["2021-06-01",0,"day"]},{"plusTime":["2021-06-01",0,"day"]},{"plusTime":["2021-06-02",0,"day"]}]}`, `true`},
		{"after 3", `{"after":[{"plusTime":["2021-06-03",0,"day"]},{"plusTime":["2021-06-02",0,"day"]},{"plusTime":["2021-06-02",0,"day"]}]}`, `false`},
		{"not-before", `{"not-before":[{"plusTime":["2021-06-01T02:00:00+02:00",0,"day"]},{"plusTime":["2021-06-01",0,"day"]}]}`, `true`},
		{"dob year", `{"dccDateOfBirth":["1990"]}`, `"1990-12-31T00:00:00.000Z"`},
		{"dob month", `{"dccDateOfBirth":[{"var":"dob"}]}`, `"1990-02-28T00:00:00.000Z"`},
		{"dob day", `{"dccDateOfBirth":["2000-02-29"]}`, `"2000-02-29T00:00:00.000Z"`},
		{"minor", `{"after":[{"dccDateOfBirth":["2004"]},{"plusTime":["2021-06-01T00:00:00Z",-18,"year"]}]}`, `true`},
		{"uvci 0", `{"extractFromUVCI":[{"var":"uvci"},0]}`, `"01"`},
		{"uvci 3", `{"extractFromUVCI":[{"var":"uvci"},3]}`, `"37512422923"`},
		{"uvci 4", `{"extractFromUVCI":[{"var":"uvci"},4]}`, `"Z"`},
		{"uvci past", `{"extractFromUVCI":[{"var":"uvci"},5]}`, `null`},
		{"uvci no prefix", `{"extractFromUVCI":["URN:UVCI",1]}`, `"UVCI"`},
		{"uvci null", `{"extractFromUVCI":[{"var":"n"},0]}`, `null`},
		{"uvci fragments", `{"extractFromUVCI":["a::c/#/f",5]}`, `"f"`},
		{"uvci empty fragment", `{"extractFromUVCI":["a::c/#/f",3]}`, `""`},
		{"uvci negative", `{"extractFromUVCI":["a",-1]}`, `null`},
		{"array literal", `[1,{"var":"s"},[true]]`, `[1,"x",[true]]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Evaluate(readJSON(t, c.expr), data)
			if err != nil || !ResultEqual(got, readJSON(t, c.want)) {
				t.Errorf("%s = %v, %v; want %s", c.expr, got, err, c.want)
			}
		})
	}
}

// TestTypeErrors: valid expressions that fail on the data, as the
// specification says they must.
func TestTypeErrors(t *testing.T) {
	data := readJSON(t, `{"s":"x","n":null,"f":1.5,"a":[1]}`)
	for _, expr := range []string{
		`{"if":[{"var":"f"},1,2]}`,
		`{"if":[{"plusTime":["2021",0,"day"]},1,2]}`,
		`{"and":[true,{"var":"f"}]}`,
		`{"!":[{"var":"f"}]}`,
		`{"<":[{"var":"s"},1]}`,
		`{"<":[1,{"var":"n"}]}`,
		`{"<":[1,2,{"var":"f"}]}`,
		`{"+":[{"var":"s"},1]}`,
		`{"in":[1,{"var":"s"}]}`,
		`{"in":[1,{"var":"n"}]}`,
		`{"before":[{"var":"s"},{"plusTime":["2021",0,"day"]}]}`,
		`{"plusTime":[{"var":"n"},0,"day"]}`,
		`{"plusTime":["2021-13-01",0,"day"]}`,
		`{"plusTime":["2021-09-99",0,"day"]}`,
		`{"plusTime":["2021-02-29",0,"day"]}`,
		`{"plusTime":["2021-06-01T24:00:00Z",0,"day"]}`,
		`{"plusTime":["2021-06-01T10:00Z",0,"day"]}`,
		`{"plusTime":["2021-06-01 10:00:00Z",0,"day"]}`,
		`{"plusTime":["2021-06T10:00:00Z",0,"day"]}`,
		`{"plusTime":["2021-06-01T10:00:00.Z",0,"day"]}`,
		`{"plusTime":["2021-06-01T10:00:00+2:0",0,"day"]}`,
		`{"plusTime":["2021-06-01T10:00:00+24",0,"day"]}`,
		`{"plusTime":["2021-06-01T10:00:00Zx",0,"day"]}`,
		`{"plusTime":["2021-06-01",2999999999,"hour"]}`,
		`{"plusTime":["2021-06-01",3000000001,"year"]}`,
		`{"dccDateOfBirth":["1990-01-01T00:00:00Z"]}`,
		`{"dccDateOfBirth":[""]}`,
		`{"dccDateOfBirth":[{"var":"n"}]}`,
		`{"extractFromUVCI":[{"var":"a"},0]}`,
		`{"reduce":[{"var":"s"},1,0]}`,
	} {
		_, err := Evaluate(readJSON(t, expr), data)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeType {
			t.Errorf("%s: err = %v, want %s", expr, err, CodeType)
		}
	}
}

// TestValidate: what the specification refuses, Validate reports and
// Compile refuses.
func TestValidate(t *testing.T) {
	for _, expr := range []string{
		`null`, `1.5`, `{}`, `{"var":"x","if":[1,2,3]}`, `{"foo":[1]}`, `{"var":1}`, `{"var":["x"]}`,
		`{"var":["x",0]}`, `{"if":[1,2]}`, `{"if":1}`, `{"===":[1]}`, `{"===":[1,2,3]}`, `{"!==":[1]}`,
		`{"and":[1]}`, `{"<":[1]}`, `{"<":[1,2,3,4]}`, `{"in":[1,2]}`, `{"in":[1,"abc"]}`, `{"+":[1]}`,
		`{"+":["a",1]}`, `{"<":["a",1]}`, `{"!":[]}`, `{"!":[1,2]}`, `{"plusTime":["2021",1]}`,
		`{"plusTime":["2021",1.5,"day"]}`, `{"plusTime":["2021",{"var":"x"},"day"]}`, `{"plusTime":["2021",1,"week"]}`,
		`{"plusTime":["2021",1,{"var":"u"}]}`, `{"plusTime":[1,1,"day"]}`, `{"before":["2021-01-01",{"var":"x"}]}`,
		`{"reduce":[[],1]}`, `{"reduce":["abc",1,0]}`, `{"extractFromUVCI":["a"]}`, `{"extractFromUVCI":["a","0"]}`,
		`{"dccDateOfBirth":[]}`, `{"dccDateOfBirth":[1990]}`, `[1,null]`, `{"if":[null,1,2]}`, `{"and":[true,{"var":"x"},{"x":1}]}`,
	} {
		e := readJSON(t, expr)
		if is := Validate(e); len(is) == 0 {
			t.Errorf("Validate(%s): no issue", expr)
		}
		_, err := Compile(e, Limits{})
		var ce *Error
		if !errors.As(err, &ce) || ce.Code != CodeInvalid {
			t.Errorf("Compile(%s): err = %v, want %s", expr, err, CodeInvalid)
		}
	}
	for _, expr := range []string{`true`, `0`, `""`, `[]`, `[1,"a",[false]]`, `{"var":""}`, `{"var":"a.0.b"}`, `{"!==":[1,2]}`,
		`{"in":[{"var":"x"},{"var":"y"}]}`, `{"plusTime":[{"var":"x"},-1,"year"]}`, `1e2`} {
		if is := Validate(readJSON(t, expr)); len(is) != 0 {
			t.Errorf("Validate(%s) = %v, want no issue", expr, is)
		}
	}
}

// TestHostile: the inputs of the issue end with CodeLimit errors, quickly.
func TestHostile(t *testing.T) {
	deep := strings.Repeat(`{"!":[`, 10000) + `true` + strings.Repeat(`]}`, 10000)
	deepTree := func() any { // build it without the JSON reader's own depth limit
		var v any = true
		for range 10000 {
			v = map[string]any{"!": []any{v}}
		}
		return v
	}()
	big := make([]any, 1_000_000)
	for i := range big {
		big[i] = float64(i)
	}
	rows := make([]any, 100)
	for i := range rows {
		rows[i] = big[:5000]
	}
	longString := strings.Repeat("x", 1<<20)
	longArray := make([]any, 1<<20)
	for i := range longArray {
		longArray[i] = 1.0
	}
	cases := []struct {
		name string
		expr any
		data any
	}{
		{"nesting 10,000 deep", deepTree, nil},
		{"reduce over 10^6 items", readJSON(t, `{"reduce":[{"var":"big"},{"+":[{"var":"accumulator"},{"var":"current"}]},0]}`), map[string]any{"big": big}},
		{"1 MB string literal", map[string]any{"===": []any{longString, "x"}}, nil},
		{"1 M item array literal", map[string]any{"in": []any{1.0, longArray}}, nil},
		{"steps", readJSON(t, `{"reduce":[{"var":"a"},{"reduce":[{"var":"current"},{"+":[{"var":"accumulator"},1]},{"var":"accumulator"}]},0]}`), map[string]any{"a": rows}},
	}
	if _, err := jsonread.Read([]byte(deep), jsonread.Limits{}); !jsonread.IsLimit(err) {
		t.Errorf("reading a 10,000-deep rule: err = %v, want a limit error", err)
	}
	for _, c := range cases {
		start := time.Now()
		_, err := Evaluate(c.expr, c.data)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeLimit {
			t.Errorf("%s: err = %v, want %s", c.name, err, CodeLimit)
		}
		t.Logf("%s: %v in %v", c.name, err, time.Since(start))
	}
}

func TestDateTimeString(t *testing.T) {
	for _, c := range []struct {
		ms   int64
		want string
	}{
		{0, "1970-01-01T00:00:00.000Z"},
		{-1, "1969-12-31T23:59:59.999Z"},
		{8.64e15, "+275760-09-13T00:00:00.000Z"},
		{-8.64e15, "-271821-04-20T00:00:00.000Z"},
	} {
		if got := (DateTime{c.ms}).String(); got != c.want {
			t.Errorf("%d: %s, want %s", c.ms, got, c.want)
		}
	}
	// civil conversions agree with the time package over a wide range.
	for days := int64(-800_000); days < 800_000; days += 997 {
		y, m, d := civilFromDays(days)
		tm := time.Unix(days*86400, 0).UTC()
		if int(y) != tm.Year() || time.Month(m) != tm.Month() || int(d) != tm.Day() || daysFromCivil(y, m, d) != days {
			t.Fatalf("day %d: %d-%d-%d, time says %v", days, y, m, d, tm)
		}
	}
}

func TestNumbersFromData(t *testing.T) {
	// A dcc payload carries int64; the evaluator reads it as JavaScript reads numbers.
	data := map[string]any{"v": []any{map[string]any{"dn": int64(2), "sd": int64(2)}}}
	got, err := Evaluate(readJSON(t, `{"and":[{">=":[{"var":"v.0.dn"},{"var":"v.0.sd"}]},{"in":[2,[{"var":"v.0.dn"}]]},{"===":[{"var":"v.0.dn"},2]}]}`), data)
	if err != nil || got != true {
		t.Errorf("got %v, %v", got, err)
	}
	if Truthy(math.NaN()) || Falsy(math.NaN()) || Truthy(1.5) || Falsy(1.5) {
		t.Error("a fraction or NaN is neither truthy nor falsy")
	}
}

// TestIntegerLiteralIssue: the integer operand of plusTime and
// extractFromUVCI is reported where it stands, naming the operand.
func TestIntegerLiteralIssue(t *testing.T) {
	for expr, want := range map[string]Issue{
		`{"and":[true,{"plusTime":["2021",1.5,"day"]}]}`: {Path: "and/1/plusTime/1", Expr: 1.5, Code: CodeInvalid,
			Message: `"amount" argument (#2) of "plusTime" must be an integer literal`},
		`{"extractFromUVCI":["a",9007199254740994]}`: {Path: "extractFromUVCI/1", Expr: 9007199254740994.0, Code: CodeInvalid,
			Message: `"index" argument (#2) of "extractFromUVCI" must be an integer literal`},
	} {
		is := Validate(readJSON(t, expr))
		if len(is) != 1 || is[0] != want {
			t.Errorf("Validate(%s) = %#v, want [%#v]", expr, is, want)
		}
	}
}
