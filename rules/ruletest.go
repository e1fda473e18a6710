package rules

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/jsonread"
	"github.com/passcheck/passcheck/internal/jsontext"
)

// TestFailure is one failed assertion, rule test or validation case.
type TestFailure struct {
	File, Case, Expected, Got string
}

// String is the line "passcheck rules test" prints for f.
func (f TestFailure) String() string {
	return f.File + ": " + f.Case + ": expected " + f.Expected + ", got " + f.Got
}

// TestReport counts assertions, rule tests and validation cases.
type TestReport struct {
	Passed, Failed, Skipped int
	Failures                []TestFailure
}

// Summary is the last line of "passcheck rules test":
// "N passed, M failed, K skipped".
func (r *TestReport) Summary() string {
	return strconv.Itoa(r.Passed) + " passed, " + strconv.Itoa(r.Failed) + " failed, " + strconv.Itoa(r.Skipped) + " skipped"
}

// item is one thing to check, found before anything runs so that "only"
// can apply across all paths, as in the specification's Mocha runners.
type item struct {
	file, name string
	skip       bool
	only       bool // it, or the innermost "only" above it, chose it
	run        func() (ok bool, expected, got string)
}

// RunTests runs the tests under paths. A path is:
//
//   - a CertLogic test-suite file ({"name", "cases": [...]}); a case with
//     "assertions" is evaluated (an assertion passes when the result
//     deep-equals "expected"), a case with "issues" is validated (it
//     passes when the validator reports an issue exactly when "issues" is
//     non-empty);
//   - a rule folder (rule.json and tests/*.json, each test {"name",
//     "payload", "external", "expected"} evaluated on {"payload",
//     "external"}), or its rule.json;
//   - a folder holding any of these, walked recursively; other JSON files
//     are ignored.
//
// "directive": "skip" on a suite, case, assertion or rule test skips it;
// "only" anywhere runs only the items so marked (and what they contain).
// An error is returned when a path cannot be read.
func RunTests(paths []string) (*TestReport, error) {
	var items []item
	for _, p := range paths {
		found, err := collect(p, true)
		if err != nil {
			return nil, err
		}
		items = append(items, found...)
	}
	anyOnly := false
	for _, it := range items {
		anyOnly = anyOnly || it.only
	}
	rep := &TestReport{}
	for _, it := range items {
		if it.skip || (anyOnly && !it.only) {
			rep.Skipped++
			continue
		}
		ok, expected, got := it.run()
		if ok {
			rep.Passed++
			continue
		}
		rep.Failed++
		rep.Failures = append(rep.Failures, TestFailure{File: it.file, Case: it.name, Expected: expected, Got: got})
	}
	return rep, nil
}

func collect(path string, explicit bool) ([]item, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if filepath.Base(path) == "rule.json" {
			return ruleFolder(filepath.Dir(path))
		}
		return suiteFile(path, explicit)
	}
	if _, err := os.Stat(filepath.Join(path, "rule.json")); err == nil {
		return ruleFolder(path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var out []item
	for _, e := range entries { // ReadDir sorts by name
		p := filepath.Join(path, e.Name())
		if !e.IsDir() && filepath.Ext(e.Name()) != ".json" {
			continue
		}
		found, err := collect(p, false)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

func readTree(path string) (any, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return jsonread.Read(data, jsonread.Limits{MaxBytes: MaxRuleSourceBytes, MaxDepth: ruleJSONLimits.MaxDepth})
}

func failItem(file, name, expected, got string) item {
	return item{file: file, name: name, run: func() (bool, string, string) { return false, expected, got }}
}

func directive(m map[string]any) (skip, only bool) {
	d, _ := m["directive"].(string)
	return d == "skip", d == "only"
}

// suiteFile reads a test-suite file. A walked JSON file that is not a
// suite is ignored; an explicit one is a failure.
func suiteFile(path string, explicit bool) ([]item, error) {
	v, err := readTree(path)
	if err != nil {
		if _, ok := err.(*jsonread.Error); ok {
			return []item{failItem(path, "(file)", "a JSON test suite", err.Error())}, nil
		}
		return nil, err
	}
	suite, _ := v.(map[string]any)
	cases, ok := suite["cases"].([]any)
	if !ok {
		if explicit {
			return []item{failItem(path, "(file)", `a test suite {"name", "cases"} or a rule folder`, "neither")}, nil
		}
		return nil, nil
	}
	suiteSkip, suiteOnly := directive(suite)
	var out []item
	for ci, c := range cases {
		cm, _ := c.(map[string]any)
		cname, _ := cm["name"].(string)
		if cname == "" {
			cname = "case " + strconv.Itoa(ci)
		}
		caseSkip, caseOnly := directive(cm)
		expr := cm["certLogicExpression"]
		if issues, ok := cm["issues"].([]any); ok {
			wantIssue := len(issues) > 0
			out = append(out, item{file: path, name: cname, skip: suiteSkip || caseSkip, only: caseOnly || suiteOnly,
				run: func() (bool, string, string) {
					got := certlogic.Validate(expr)
					want, gotS := "no issue", "no issue"
					if wantIssue {
						want = "an issue"
					}
					if len(got) > 0 {
						gotS = "issue: " + got[0].Message
					}
					return wantIssue == (len(got) > 0), want, gotS
				}})
			continue
		}
		assertions, ok := cm["assertions"].([]any)
		if !ok {
			out = append(out, failItem(path, cname, `"assertions" or "issues"`, "neither"))
			continue
		}
		innerOnly := false
		for _, a := range assertions {
			am, _ := a.(map[string]any)
			_, o := directive(am)
			innerOnly = innerOnly || o
		}
		for ai, a := range assertions {
			am, _ := a.(map[string]any)
			aSkip, aOnly := directive(am)
			e := expr
			if own, ok := am["certLogicExpression"]; ok {
				e = own
			}
			name := cname + " #" + strconv.Itoa(ai)
			if msg, ok := am["message"].(string); ok && msg != "" {
				name += " (" + msg + ")"
			}
			data, expected := am["data"], am["expected"]
			out = append(out, item{file: path, name: name, skip: suiteSkip || caseSkip || aSkip,
				only: aOnly || (!innerOnly && (caseOnly || suiteOnly)),
				run: func() (bool, string, string) {
					got, err := certlogic.Evaluate(e, data)
					if err != nil {
						return false, appendValue(nil, expected), "error: " + err.Error()
					}
					return certlogic.ResultEqual(got, expected), appendValue(nil, expected), appendValue(nil, got)
				}})
		}
	}
	return out, nil
}

// ruleFolder reads dir/rule.json and dir/tests/*.json.
func ruleFolder(dir string) ([]item, error) {
	rulePath := filepath.Join(dir, "rule.json")
	v, err := readTree(rulePath)
	if err != nil {
		if _, ok := err.(*jsonread.Error); ok {
			return []item{failItem(rulePath, "(rule)", "a rule", err.Error())}, nil
		}
		return nil, err
	}
	var out []item
	r, err := ParseRule(v, certlogic.DefaultLimits)
	if err != nil {
		out = append(out, failItem(rulePath, "(rule)", "a valid rule", err.Error()))
	} else if ok, why := r.Evaluable(); !ok {
		out = append(out, failItem(rulePath, "(rule)", "a rule this verifier evaluates", why))
		r = nil
	}
	tests, _ := filepath.Glob(filepath.Join(dir, "tests", "*.json"))
	sort.Strings(tests)
	for _, tf := range tests {
		tv, err := readTree(tf)
		if err != nil {
			if _, ok := err.(*jsonread.Error); ok {
				out = append(out, failItem(tf, "(test)", "a rule test", err.Error()))
				continue
			}
			return nil, err
		}
		tm, ok := tv.(map[string]any)
		if !ok {
			out = append(out, failItem(tf, "(test)", "a rule test object", "something else"))
			continue
		}
		name, _ := tm["name"].(string)
		if name == "" {
			name = filepath.Base(tf)
		}
		skip, only := directive(tm)
		ext, _ := tm["external"].(map[string]any)
		if clock, ok := tm["validationClock"]; ok {
			if _, has := ext["validationClock"]; !has {
				ext = copyMap(ext)
				ext["validationClock"] = clock
			}
		}
		data := map[string]any{"payload": tm["payload"]}
		if ext != nil {
			data["external"] = ext
		}
		expected := tm["expected"]
		out = append(out, item{file: tf, name: name, skip: skip, only: only,
			run: func() (bool, string, string) {
				if r == nil {
					return false, appendValue(nil, expected), "no evaluable rule"
				}
				got, err := r.Eval(data)
				if err != nil {
					return false, appendValue(nil, expected), "error: " + err.Error()
				}
				return certlogic.ResultEqual(got, expected), appendValue(nil, expected), appendValue(nil, got)
			}})
	}
	return out, nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// appendValue writes v as compact JSON (object keys sorted), a date-time
// as its ISO string, cut at about 200 bytes.
func appendValue(b []byte, v any) string {
	b = appendJSON(b, v)
	if len(b) > 200 {
		b = append(b[:200], "..."...)
	}
	return string(b)
}

// appendJSON writes v as JSON, a CertLogic date-time as "date-time" and its
// ISO 8601 text, for a failure line.
func appendJSON(b []byte, v any) []byte {
	return jsontext.AppendValue(b, v, func(b []byte, v any) []byte {
		if d, ok := v.(certlogic.DateTime); ok {
			return append(b, "date-time "+d.String()...)
		}
		return append(b, "?"...)
	})
}
