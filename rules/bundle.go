package rules

import (
	"strconv"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/jsonread"
)

// Limits on the rules of a trust bundle.
const (
	// MaxBundleRules caps the rules one bundle carries.
	MaxBundleRules = 10_000
)

// Tree returns the rule as the JSON tree of the gateway's model, as it was
// read: for writers (a trust bundle carries each rule as its JSON text).
func (r *Rule) Tree() map[string]any {
	descs := make([]any, len(r.Description))
	for i, d := range r.Description {
		descs[i] = map[string]any{"lang": d.Lang, "desc": d.Desc}
	}
	fields := make([]any, len(r.AffectedFields))
	for i, f := range r.AffectedFields {
		fields[i] = f
	}
	m := map[string]any{
		"Identifier":      r.Identifier,
		"Type":            r.Type,
		"Country":         r.Country,
		"Version":         r.Version,
		"SchemaVersion":   r.SchemaVersion,
		"Engine":          r.Engine,
		"EngineVersion":   r.EngineVersion,
		"CertificateType": r.CertificateType,
		"Description":     descs,
		"ValidFrom":       r.ValidFrom.Format("2006-01-02T15:04:05Z07:00"),
		"ValidTo":         r.ValidTo.Format("2006-01-02T15:04:05Z07:00"),
		"AffectedFields":  fields,
		"Logic":           r.Logic,
	}
	if r.Region != "" {
		m["Region"] = r.Region
	}
	return m
}

// ReadBundle reads the rule set a trust bundle carries: rulesCBOR is the
// raw CBOR of payload key 7 (an array of text strings, each one rule's
// JSON in the gateway's model), valueSetsCBOR that of key 6 (a text string:
// the JSON map of value-set id → codes, as rules see external.valueSets).
// Either may be nil (absent). Each rule is checked again as [ParseRule]
// checks it; a bad rule is left out and returned as a [Problem], never
// used. The error is for a key that is not of that shape at all.
//
// Read only the keys of a bundle whose signature was checked
// (trustlist.Load): the rules decide who is let in.
func ReadBundle(rulesCBOR, valueSetsCBOR []byte) (*Set, []Problem, error) {
	lim := cbor.Limits{MaxDepth: 2, MaxItems: MaxBundleRules, DefiniteOnly: true, NoTags: true}
	s := &Set{ValueSets: ValueSets{}}
	var problems []Problem
	if rulesCBOR != nil {
		rd := cbor.NewReader(rulesCBOR, lim)
		n, err := rd.Array(1)
		if err != nil {
			return nil, nil, &Error{Code: SourceInvalid, Msg: "bundle rules: " + err.Error(), Err: err}
		}
		for i := range n {
			text, err := rd.Text()
			if err != nil {
				return nil, nil, &Error{Code: SourceInvalid, Msg: "bundle rule " + strconv.Itoa(i) + ": " + err.Error(), Err: err}
			}
			name := "bundle rule " + strconv.Itoa(i)
			if len(text) > MaxRuleBytes {
				problems = append(problems, Problem{name, &Error{Code: SourceInvalid, Msg: "larger than " + strconv.Itoa(MaxRuleBytes) + " bytes"}})
				continue
			}
			v, err := jsonread.Read([]byte(text), ruleJSONLimits)
			if err != nil {
				problems = append(problems, Problem{name, &Error{Code: SourceInvalid, Msg: err.Error(), Err: err}})
				continue
			}
			r, err := ParseRule(v, certlogic.DefaultLimits)
			if err != nil {
				problems = append(problems, Problem{name, err})
				continue
			}
			r.Source = name
			s.Rules = append(s.Rules, r)
		}
		if err := rd.End(); err != nil {
			return nil, nil, &Error{Code: SourceInvalid, Msg: "bundle rules: " + err.Error(), Err: err}
		}
	}
	if valueSetsCBOR != nil {
		rd := cbor.NewReader(valueSetsCBOR, lim)
		text, err := rd.Text()
		if err == nil {
			err = rd.End()
		}
		if err != nil {
			return nil, nil, &Error{Code: SourceInvalid, Msg: "bundle value sets: " + err.Error(), Err: err}
		}
		v, err := jsonread.Read([]byte(text), jsonread.Limits{MaxBytes: MaxRuleSourceBytes})
		if err != nil {
			return nil, nil, &Error{Code: SourceInvalid, Msg: "bundle value sets: " + err.Error(), Err: err}
		}
		if s.ValueSets, err = ParseValueSets(v); err != nil {
			return nil, nil, err
		}
	}
	return s, problems, nil
}
