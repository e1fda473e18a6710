//go:build !js

package main

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// appendJSON writes what encoding/json writes, as far as JSON.parse can
// tell: the same tree after parsing, for every vector's Result and for
// awkward values.
func TestAppendJSON(t *testing.T) {
	vs, cs := readVectors(t)
	var keys dcc.Signers
	for _, c := range cs {
		s := dccSigner(t, c)
		keys = append(keys, s)
	}
	trees := []any{
		map[string]any{"s": "quote \" backslash \\ nl \n tab \t ctl \x01\x1f del \x7f <&> \u2028\u2029 é 𝄞 bad \xff\xfe end"},
		[]any{1.5, math.Copysign(0, -1), 1e21, 1e-7, 123456789012345678.0, int64(-1 << 62), int64(1 << 53), 7, true, false, nil},
		map[string]any{},
		[]any{},
		map[string]any{"nested": []any{map[string]any{"b": 1.0, "a": []any{"x"}}}},
	}
	for _, v := range vs {
		trees = append(trees, jsonTree(t, dcc.Check(v.text, keys, dcc.Options{Now: v.now})))
	}
	for i, tree := range trees {
		got := appendJSON(nil, tree)
		var parsed any
		if err := json.Unmarshal(got, &parsed); err != nil {
			t.Errorf("tree %d: %v\n%s", i, err, got)
			continue
		}
		if want := jsonTree(t, tree); !reflect.DeepEqual(parsed, want) {
			t.Errorf("tree %d:\n got %v\nwant %v\njson %s", i, parsed, want, got)
		}
	}
	// Values JSON cannot hold are null, as in dcc's tree.
	for _, v := range []any{math.NaN(), math.Inf(1), time.Second, struct{}{}} {
		if got := string(appendJSON(nil, v)); got != "null" {
			t.Errorf("appendJSON(%T) = %s, want null", v, got)
		}
	}
}

// appendResult writes every vector's Result as encoding/json writes the
// Result struct, as far as JSON.parse can tell, also with no holder, signer
// or messages.
func TestAppendResult(t *testing.T) {
	vs, cs := readVectors(t)
	var keys dcc.Signers
	for _, c := range cs {
		keys = append(keys, dccSigner(t, c))
	}
	results := []*dcc.Result{{Errors: []dcc.Message{}, Warnings: []dcc.Message{}, Signer: &dcc.SignerInfo{Country: "\"x\""}}}
	for _, v := range vs {
		results = append(results, dcc.Check(v.text, keys, dcc.Options{Now: v.now}))
	}
	for i, r := range results {
		got := appendResult(nil, r)
		var parsed any
		if err := json.Unmarshal(got, &parsed); err != nil {
			t.Errorf("result %d: %v\n%s", i, err, got)
			continue
		}
		if want := jsonTree(t, r); !reflect.DeepEqual(parsed, want) {
			t.Errorf("result %d:\n got %v\nwant %v", i, parsed, want)
		}
	}
}

// appendStatus writes what encoding/json writes for the same answer, as far
// as JSON.parse can tell: with and without a list, with messages.
func TestAppendStatus(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	out := s.load(f.bundle(t, 1700000000, f.now, time.Hour), f.pub.pem, 0, 0, f.now)
	if !out.OK {
		t.Fatal(codes(out.Errors))
	}
	outcomes := []loadOutcome{
		out,
		{Errors: []dcc.Message{{Code: "X", Message: "bad \"list\""}}, Warnings: []dcc.Message{}},
		{OK: true, Errors: []dcc.Message{}, Warnings: []dcc.Message{{Code: "W", Message: "w"}}, List: out.List},
	}
	for i, o := range outcomes {
		want := map[string]any{"ok": o.OK, "errors": o.Errors, "warnings": o.Warnings, "sequence": nil, "sequenceText": "", "issuedAt": "", "expiresAt": "", "signers": 0}
		if l := o.List; l != nil {
			want["sequence"], want["signers"] = l.Sequence, l.Len()
			want["sequenceText"] = strconv.FormatUint(l.Sequence, 10)
			want["issuedAt"], want["expiresAt"] = l.IssuedAt.UTC().Format(time.RFC3339), l.ExpiresAt.UTC().Format(time.RFC3339)
		}
		var got any
		if err := json.Unmarshal(appendStatus(nil, o), &got); err != nil {
			t.Fatalf("outcome %d: %v\n%s", i, err, appendStatus(nil, o))
		}
		if w := jsonTree(t, want); !reflect.DeepEqual(got, w) {
			t.Errorf("outcome %d:\n got %v\nwant %v", i, got, w)
		}
	}
}
