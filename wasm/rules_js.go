//go:build js && wasm && !norules

package main

import (
	"errors"
	"strconv"
	"syscall/js"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/rules"
)

// rules({country, region}?) chooses the rule country and region (country
// "" for the default, "none" for technical checks only) and returns the
// rules in use (appendRulesStatus); without an argument it only returns
// them.
func (s *session) jsRules(args []js.Value) any {
	ok, msg := true, ""
	if o := arg(args, 0); o.Type() == js.TypeObject {
		country, region := shortString(o.Get("country")), shortString(o.Get("region"))
		if !s.setRules(country, region) {
			ok, msg = false, "the rule country must be EU, none or a two-letter country code"
		}
	}
	return jsJSONParse.Invoke(string(appendRulesStatus(nil, s, ok, msg)))
}

// shortString reads a string of at most 64 UTF-16 units, else "".
func shortString(v js.Value) string {
	if v.Type() != js.TypeString || strLen(v) > 64 {
		return ""
	}
	return v.String()
}

// evalRule(ruleJSON, dataJSON) → {result, error}: evaluates one rule's
// logic on a data object ({"payload", "external"}), as a rule test does
// ("passcheck rules test"): for rule authors, and for the test that holds
// the module to the native engine. result is the CertLogic result (null
// when error is set).
//
// The JSON is read by JavaScript's JSON.parse and the value it makes taken
// into Go by jsTree, so that the module needs no JSON reader of its own
// (internal/jsonread, about 28 KB of code). JSON.parse is laxer than
// jsonread, which the command line uses, in three ways, all on JSON that is
// wrong already: a repeated key keeps its last value, and an unpaired
// surrogate escape and invalid UTF-8 become U+FFFD.
func jsEvalRule(args []js.Value) any {
	ruleText, dataText := arg(args, 0), arg(args, 1)
	if ruleText.Type() != js.TypeString || dataText.Type() != js.TypeString || strLen(ruleText) > rules.MaxRuleBytes || strLen(dataText) > rules.MaxRuleBytes {
		return evalAnswer(nil, "the rule and the data must be JSON strings of at most 1 MiB")
	}
	// One rule as JSON (not the CMS envelopes and arrays that
	// rules.ParseRules reads: that code stays out of the module).
	tree, err := jsTree(ruleText, rules.MaxRuleDepth)
	if err != nil {
		return evalAnswer(nil, "rule: "+err.Error())
	}
	rule, err := rules.ParseRule(tree, certlogic.DefaultLimits)
	if err != nil {
		return evalAnswer(nil, err.Error())
	}
	data, err := jsTree(dataText, maxDataDepth)
	if err != nil {
		return evalAnswer(nil, "data: "+err.Error())
	}
	res, err := rule.Eval(data)
	if err != nil {
		return evalAnswer(nil, err.Error())
	}
	return evalAnswer(res, "")
}

var jsIsArray = js.Global().Get("Array").Get("isArray")

// jsTree parses text, a JavaScript string of JSON, with JSON.parse, and
// returns the value as the JSON-shaped tree that rules take: map[string]any,
// []any, string, float64, bool and nil. Nesting deeper than maxDepth, or
// more than maxTreeValues values, is an error; so is JSON that JSON.parse
// refuses.
func jsTree(text js.Value, maxDepth int) (any, error) {
	v, err := jsonParse(text)
	if err != nil {
		return nil, err
	}
	t := treeReader{left: maxTreeValues, maxDepth: maxDepth}
	return t.value(v, 0)
}

// jsonParse is JSON.parse(text), its SyntaxError an error.
func jsonParse(text js.Value) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			v, err = js.Undefined(), errors.New(e.Get("message").String())
		}
	}()
	return jsJSONParse.Invoke(text), nil
}

type treeReader struct {
	left     int // values still allowed
	maxDepth int
}

// value converts v, at nesting depth (the top value is at 0, and a
// container one deeper than the value holding it).
func (t *treeReader) value(v js.Value, depth int) (any, error) {
	if t.left--; t.left < 0 {
		return nil, errors.New("more than " + strconv.Itoa(maxTreeValues) + " values")
	}
	switch v.Type() {
	case js.TypeNull:
		return nil, nil
	case js.TypeBoolean:
		return v.Bool(), nil
	case js.TypeNumber:
		return v.Float(), nil
	case js.TypeString:
		return v.String(), nil
	case js.TypeObject:
	default: // JSON.parse makes nothing else
		return nil, errors.New("not a JSON value: " + v.Type().String())
	}
	if depth++; depth > t.maxDepth {
		return nil, errors.New("nested deeper than " + strconv.Itoa(t.maxDepth))
	}
	if jsIsArray.Invoke(v).Bool() {
		n := v.Length()
		out := make([]any, 0, min(n, t.left))
		for i := range n {
			e, err := t.value(v.Index(i), depth)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, nil
	}
	keys := jsObject.Call("keys", v)
	n := keys.Length()
	out := make(map[string]any, min(n, t.left))
	for i := range n {
		k := keys.Index(i).String()
		e, err := t.value(v.Get(k), depth)
		if err != nil {
			return nil, err
		}
		out[k] = e
	}
	return out, nil
}

func evalAnswer(res any, msg string) js.Value {
	b := []byte(`{"result":`)
	b = appendJSON(b, res)
	b = appendField(b, "error", msg)
	return jsJSONParse.Invoke(string(append(b, '}')))
}
