package rules

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/passcheck/passcheck/internal/jsonread"
)

// ValueSets maps a value-set id ("covid-19-lab-test-type") to its codes, as
// rules see them under external.valueSets. Each code is a string; the type
// is []any so that the map goes into a rule's data without a copy.
type ValueSets map[string][]any

// Codes returns the codes of value set id. A map built by hand may hold
// other values than strings: those are left out.
func (vs ValueSets) Codes(id string) []string {
	out := make([]string, 0, len(vs[id]))
	for _, c := range vs[id] {
		if s, ok := c.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// ParseValueSets reads value sets from a JSON tree in either format:
//
//   - the compact map of value-set id → array of codes (the EU's
//     valueSets.json, exactly what rules see as external.valueSets);
//   - an EU value-set document ({"valueSetId", "valueSetDate",
//     "valueSetValues": {code: {...}}}), or an array of them; the codes
//     of a document are sorted.
func ParseValueSets(v any) (ValueSets, error) {
	vs := ValueSets{}
	return vs, vs.add(v)
}

func (vs ValueSets) add(v any) error {
	bad := func(msg string) error { return &Error{Code: SourceInvalid, Msg: "value sets: " + msg} }
	switch x := v.(type) {
	case []any:
		for _, doc := range x {
			if _, ok := doc.(map[string]any); !ok {
				return bad("an array must hold value-set documents")
			}
			if err := vs.add(doc); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		if id, ok := x["valueSetId"].(string); ok {
			values, ok := x["valueSetValues"].(map[string]any)
			if !ok {
				return bad("document " + id + " has no valueSetValues object")
			}
			codes := make([]string, 0, len(values))
			for c := range values {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			list := make([]any, len(codes))
			for i, c := range codes {
				list[i] = c
			}
			return vs.set(id, list, bad)
		}
		ids := make([]string, 0, len(x))
		for id := range x {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			list, ok := x[id].([]any)
			if !ok {
				return bad(id + " is not an array of codes")
			}
			for _, c := range list {
				if _, ok := c.(string); !ok {
					return bad(id + " holds a code that is not a string")
				}
			}
			if err := vs.set(id, list, bad); err != nil {
				return err
			}
		}
		return nil
	}
	return bad("neither a map of value-set id to codes, nor value-set documents")
}

func (vs ValueSets) set(id string, list []any, bad func(string) error) error {
	if _, dup := vs[id]; dup {
		return bad("value set " + id + " given twice")
	}
	vs[id] = list
	return nil
}

// LoadValueSets reads value sets from a file that [ParseValueSets] reads,
// or from a folder of such files (its *.json files, not below it).
func LoadValueSets(path string) (ValueSets, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		files, _ = filepath.Glob(filepath.Join(path, "*.json"))
		if len(files) == 0 {
			return nil, &Error{Code: SourceInvalid, Msg: "value sets: no *.json file in " + path}
		}
	}
	vs := ValueSets{}
	for _, f := range files {
		data, err := readFile(f)
		if err != nil {
			return nil, err
		}
		v, err := jsonread.Read(data, jsonread.Limits{MaxBytes: MaxRuleSourceBytes})
		if err != nil {
			return nil, &Error{Code: SourceInvalid, Msg: f + ": " + err.Error(), Err: err}
		}
		if err := vs.add(v); err != nil {
			e := err.(*Error)
			e.Msg = f + ": " + strings.TrimPrefix(e.Msg, "value sets: ")
			return nil, e
		}
	}
	return vs, nil
}
