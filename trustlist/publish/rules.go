package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/trustlist"
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
	Bytes     int            // the JSON of the rules and value sets
}

// encodeRules puts rs into p: each rule as its compact JSON text (key 7),
// the value sets as one JSON text (key 6). A rule whose JSON does not read
// back as the same rule is a bug: it fails the build.
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
		text, err := compactJSON(rule.Tree())
		if err != nil {
			return fmt.Errorf("build: rule %s: %w", key, err)
		}
		p.Rules = append(p.Rules, text)
		rep.ByCountry[rule.Country]++
		rep.Bytes += len(text)
	}
	if len(p.Rules) > rules.MaxBundleRules {
		return fmt.Errorf("build: %d rules, more than the %d a bundle may hold", len(p.Rules), rules.MaxBundleRules)
	}
	rep.Rules = len(p.Rules)
	if len(rs.ValueSets) > 0 {
		text, err := compactJSON(map[string][]any(rs.ValueSets))
		if err != nil {
			return fmt.Errorf("build: value sets: %w", err)
		}
		p.ValueSets = text
		rep.ValueSets = len(rs.ValueSets)
		rep.Bytes += len(text)
	}
	r.Rules = rep
	return nil
}

// checkRules reads the rules of a built list back as a verifier does.
func checkRules(l *trustlist.List, r *Report) error {
	set, problems, err := rules.ReadBundle(l.RuleSources())
	if err != nil {
		return fmt.Errorf("build: the new bundle's rules do not read: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("build: a rule of the new bundle does not read back: %s: %v", problems[0].Source, problems[0].Err)
	}
	want := 0
	if r.Rules != nil {
		want = r.Rules.Rules
	}
	if len(set.Rules) != want {
		return fmt.Errorf("build: the new bundle carries %d rules, not %d", len(set.Rules), want)
	}
	return nil
}

func compactJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
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
