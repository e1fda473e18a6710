//go:build js && wasm && !norules

package main

import (
	"syscall/js"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/jsonread"
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
func jsEvalRule(args []js.Value) any {
	ruleText, dataText := arg(args, 0), arg(args, 1)
	if ruleText.Type() != js.TypeString || dataText.Type() != js.TypeString || strLen(ruleText) > rules.MaxRuleBytes || strLen(dataText) > rules.MaxRuleBytes {
		return evalAnswer(nil, "the rule and the data must be JSON strings of at most 1 MiB")
	}
	// One rule as JSON (not the CMS envelopes and arrays that
	// rules.ParseRules reads: that code stays out of the module).
	tree, err := jsonread.Read([]byte(ruleText.String()), jsonread.Limits{MaxBytes: rules.MaxRuleBytes, MaxDepth: certlogic.DefaultLimits.MaxDepth + 8})
	if err != nil {
		return evalAnswer(nil, "rule: "+err.Error())
	}
	rule, err := rules.ParseRule(tree, certlogic.DefaultLimits)
	if err != nil {
		return evalAnswer(nil, err.Error())
	}
	data, err := jsonread.Read([]byte(dataText.String()), jsonread.Limits{MaxBytes: rules.MaxRuleBytes})
	if err != nil {
		return evalAnswer(nil, "data: "+err.Error())
	}
	res, err := rule.Eval(data)
	if err != nil {
		return evalAnswer(nil, err.Error())
	}
	return evalAnswer(res, "")
}

func evalAnswer(res any, msg string) js.Value {
	b := []byte(`{"result":`)
	b = appendJSON(b, res)
	b = appendField(b, "error", msg)
	return jsJSONParse.Invoke(string(append(b, '}')))
}
