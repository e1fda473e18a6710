package rules

import (
	"errors"
	"strconv"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/trustlist"
)

// Limits on the rules of a trust bundle.
const (
	// MaxBundleRules caps the rules one bundle carries.
	MaxBundleRules = 10_000
	// MaxRuleDepth caps the nesting of a rule's JSON tree, wherever it is
	// read (a rule source, a bundle, the module's evalRule): CertLogic's
	// MaxDepth (certlogic.DefaultLimits), plus room for the rule's own
	// object around its Logic.
	MaxRuleDepth = 64 + 8
)

// bundleLimits read the CBOR of one rule, or of the value sets, of a bundle:
// nesting as deep as a rule's JSON may be, no container longer than a rule
// may be, and what bundles never hold (indefinite lengths, tags) refused.
var bundleLimits = cbor.Limits{MaxDepth: MaxRuleDepth, MaxItems: MaxRuleBytes, DefiniteOnly: true, NoTags: true}

// Tree returns the rule as the JSON tree of the gateway's model, as it was
// read: for writers (a trust bundle carries each rule as this tree written
// in CBOR).
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

// ReadList reads the rule set of a loaded trust list (its payload keys 11
// and 10, [ReadBundle]): nil, and no error, for a list that carries no
// rules (built with --rules none). A list with rules this reader cannot
// read, such as the retired JSON text of keys 7 and 6
// ([trustlist.ErrRetiredRules], which the error wraps), gives a
// [SourceInvalid] error, as a key of the wrong shape does: it must not
// pass for one without rules.
func ReadList(l *trustlist.List) (*Set, []Problem, error) {
	rc, vc, err := l.RuleSources()
	if err != nil {
		return nil, nil, bundleError("", err)
	}
	if rc == nil && vc == nil {
		return nil, nil, nil
	}
	return ReadBundle(rc, vc)
}

// ReadBundle reads the rule set a trust bundle carries: rulesCBOR is the
// raw CBOR of payload key 11 (an array of byte strings, each holding one
// rule's JSON tree in the gateway's model written in CBOR), valueSetsCBOR
// that of key 10 (a byte string holding the CBOR map of value-set id →
// array of codes, as rules see external.valueSets). Either may be nil
// (absent). Each rule is checked again as [ParseRule] checks it; a bad rule
// is left out and returned as a [Problem], never used. The error is for a
// key that is not of that shape at all.
//
// Read only the keys of a bundle whose signature was checked
// (trustlist.Load): the rules decide who is let in.
func ReadBundle(rulesCBOR, valueSetsCBOR []byte) (*Set, []Problem, error) {
	top := cbor.Limits{MaxDepth: 1, MaxItems: MaxBundleRules, DefiniteOnly: true, NoTags: true}
	s := &Set{ValueSets: ValueSets{}}
	var problems []Problem
	if rulesCBOR != nil {
		rd := cbor.NewReader(rulesCBOR, top)
		n, err := rd.Array(1)
		if err != nil {
			return nil, nil, bundleError("bundle rules: ", err)
		}
		for i := range n {
			name := "bundle rule " + strconv.Itoa(i)
			b, err := rd.Bytes()
			if err != nil {
				return nil, nil, bundleError(name+": ", err)
			}
			if len(b) > MaxRuleBytes {
				problems = append(problems, Problem{name, &Error{Code: SourceInvalid, Msg: "larger than " + strconv.Itoa(MaxRuleBytes) + " bytes"}})
				continue
			}
			v, err := cbor.DecodeJSON(b, bundleLimits)
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
			return nil, nil, bundleError("bundle rules: ", err)
		}
	}
	if valueSetsCBOR != nil {
		vs, err := readValueSets(valueSetsCBOR, top)
		if err != nil {
			return nil, nil, bundleError("bundle value sets: ", err)
		}
		s.ValueSets = vs
	}
	return s, problems, nil
}

// readValueSets reads key 10: a byte string holding the CBOR map of
// value-set id → array of codes, all text.
func readValueSets(key []byte, top cbor.Limits) (ValueSets, error) {
	rd := cbor.NewReader(key, top)
	b, err := rd.Bytes()
	if err == nil {
		err = rd.End()
	}
	if err != nil {
		return nil, err
	}
	rd = cbor.NewReader(b, bundleLimits)
	n, err := rd.Map(1)
	if err != nil {
		return nil, err
	}
	vs := ValueSets{}
	for range n {
		id, err := rd.Text()
		if err != nil {
			return nil, err
		}
		m, err := rd.Array(2)
		if err != nil {
			return nil, err
		}
		codes := make([]any, 0, min(m, 64))
		for range m {
			c, err := rd.Text()
			if err != nil {
				return nil, err
			}
			codes = append(codes, c)
		}
		if _, dup := vs[id]; dup {
			return nil, errors.New("value set " + id + " given twice")
		}
		vs[id] = codes
	}
	return vs, rd.End()
}

// bundleError wraps an error reading a bundle's rule keys as SourceInvalid.
func bundleError(prefix string, err error) error {
	return &Error{Code: SourceInvalid, Msg: prefix + err.Error(), Err: err}
}
