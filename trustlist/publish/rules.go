package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// RuleSet is the business-rule content of a build: rules and value sets
// as read from their sources ([rules.LoadRules], [rules.LoadValueSets], or
// package rules/eu for the EU baseline).
type RuleSet struct {
	// Loaded gives the rules; its Problems (rules that failed the checks
	// when read) are reported as left out, its Notes as notes.
	Loaded *rules.Loaded
	// ValueSets are what rules see as external.valueSets.
	ValueSets rules.ValueSets
	// Origin names the rule source in the report.
	Origin string
}

// RulesReport says which rules a build published.
type RulesReport struct {
	Origin    string         // RuleSet.Origin
	Rules     int            // rules in the bundle
	ByCountry map[string]int // rules per country
	ValueSets int            // value sets in the bundle
	Bytes     int            // the CBOR of the rules and value sets
}

// encodeRules puts rs into p: each rule as its JSON tree written in CBOR
// (key 11), the value sets as the CBOR map of id → codes (key 10); see
// rules.ReadBundle. A rule that does not read back is a bug: it fails the
// build (checkRules).
func encodeRules(p *wire.Payload, rs *RuleSet, r *Report) error {
	if rs == nil || rs.Loaded == nil {
		return nil
	}
	rep := &RulesReport{Origin: rs.Origin, ByCountry: map[string]int{}}
	for _, pr := range rs.Loaded.Problems {
		r.LeftOut = append(r.LeftOut, LeftOut{Origin: pr.Source, Reason: "rule: " + pr.Err.Error()})
	}
	r.Notes = append(r.Notes, rs.Loaded.Notes...)
	rs2 := append([]*rules.Rule{}, rs.Loaded.Rules...)
	sort.SliceStable(rs2, func(i, j int) bool {
		a, b := rs2[i], rs2[j]
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		if a.Identifier != b.Identifier {
			return a.Identifier < b.Identifier
		}
		return a.Version < b.Version
	})
	seen := map[string]bool{}
	for _, rule := range rs2 {
		key := rule.Identifier + " " + rule.Version
		if seen[key] {
			r.LeftOut = append(r.LeftOut, LeftOut{Origin: rule.Source, Country: rule.Country, Reason: "rule " + key + " given twice; the first is kept"})
			continue
		}
		seen[key] = true
		tree := rule.Tree()
		b, err := encode.Marshal(cborTree(tree))
		if err != nil {
			return fmt.Errorf("build: rule %s: %w", key, err)
		}
		p.Rules = append(p.Rules, b)
		text, err := ruleJSON(tree)
		if err != nil {
			return fmt.Errorf("build: rule %s: %w", key, err)
		}
		p.RulesJSON = append(p.RulesJSON, text)
		rep.ByCountry[rule.Country]++
		rep.Bytes += len(b)
	}
	if len(p.Rules) > rules.MaxBundleRules {
		return fmt.Errorf("build: %d rules, more than the %d a bundle may hold", len(p.Rules), rules.MaxBundleRules)
	}
	rep.Rules = len(p.Rules)
	if len(rs.ValueSets) > 0 {
		b, err := encode.Marshal(map[string][]any(rs.ValueSets))
		if err != nil {
			return fmt.Errorf("build: value sets: %w", err)
		}
		p.ValueSets = b
		if p.ValueSetsJSON, err = ruleJSON(map[string][]any(rs.ValueSets)); err != nil {
			return fmt.Errorf("build: value sets: %w", err)
		}
		rep.ValueSets = len(rs.ValueSets)
		rep.Bytes += len(b)
	}
	r.Rules = rep
	return nil
}

// checkRules reads the rules of a built list back as a verifier does.
func checkRules(l *trustlist.List, r *Report) error {
	set, problems, err := rules.ReadList(l)
	if err != nil {
		return fmt.Errorf("build: the new bundle's rules do not read: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("build: a rule of the new bundle does not read back: %s: %v", problems[0].Source, problems[0].Err)
	}
	got, want := 0, 0
	if set != nil {
		got = len(set.Rules)
	}
	if r.Rules != nil {
		want = r.Rules.Rules
	}
	if got != want {
		return fmt.Errorf("build: the new bundle carries %d rules, not %d", got, want)
	}
	return nil
}

// ruleJSON is v as compact JSON text, as the previous release wrote rules
// and value sets under payload keys 7 and 6 (wire.KeyRulesJSON).
func ruleJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// cborTree returns the JSON tree v with every number that is an integer
// of at most 2⁵³ in magnitude (but −0) as an int64, so that it is written as a CBOR
// integer (a float64 from JSON would be written as a float): the same
// number when read back, in fewer bytes. Other numbers stay float64.
func cborTree(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= 1<<53 && !(x == 0 && math.Signbit(x)) {
			return int64(x)
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cborTree(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cborTree(e)
		}
		return out
	}
	return v
}

// writeText prints the rules part of the report.
func (rep *RulesReport) writeText(b *strings.Builder) {
	if rep == nil {
		b.WriteString("rules: none (technical check only)\n")
		return
	}
	countries := make([]string, 0, len(rep.ByCountry))
	for c := range rep.ByCountry {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	fmt.Fprintf(b, "rules: %d from %d rule countries, %d value sets", rep.Rules, len(countries), rep.ValueSets)
	if rep.Origin != "" {
		fmt.Fprintf(b, " (from %s)", rep.Origin)
	}
	b.WriteString("\n")
	for _, c := range countries {
		fmt.Fprintf(b, "  %s %6d\n", c, rep.ByCountry[c])
	}
}
