package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// The rule sources of "trustlist build", "verify" and the demo.
//
//	--rules SRC       a folder in the EU business-rule layout (every rule.json
//	                  below it), a rule JSON file (one rule or an array), or a
//	                  rule in the gateway's CMS envelope; "none" for none; ""
//	                  for the EU baseline that the binary ships (rules/eu)
//	--valuesets SRC   the map of value-set id → codes, or EU value-set
//	                  documents (a file or a folder of them); "" for the EU
//	                  value sets that the binary ships

// loadRuleSet reads the rules and value sets of --rules and --valuesets.
// It returns nil for --rules none. Rules that fail the checks are in the
// result's Loaded.Problems: left out, to be reported.
func loadRuleSet(rulesSrc, valueSetsSrc string) (*publish.RuleSet, error) {
	if strings.EqualFold(rulesSrc, rules.None) {
		return nil, nil
	}
	rs := &publish.RuleSet{Origin: rulesSrc}
	var err error
	if rulesSrc == "" {
		rs.Origin = "the EU baseline (built in)"
		rs.Loaded, err = eu.Rules()
	} else {
		rs.Loaded, err = rules.LoadRules(rulesSrc)
	}
	if err != nil {
		return nil, fmt.Errorf("--rules: %w", err)
	}
	if valueSetsSrc == "" {
		rs.ValueSets, err = eu.ValueSets()
	} else {
		rs.ValueSets, err = rules.LoadValueSets(valueSetsSrc)
	}
	if err != nil {
		return nil, fmt.Errorf("--valuesets: %w", err)
	}
	return rs, nil
}

// ruleSetOf returns the rules of rs for evaluation; nil for nil.
func ruleSetOf(rs *publish.RuleSet) *rules.Set {
	if rs == nil {
		return nil
	}
	return &rules.Set{Rules: rs.Loaded.Rules, ValueSets: rs.ValueSets}
}

// inspectRules is what "trustlist inspect" shows of a bundle's rules.
type inspectRules struct {
	Countries []string       `json:"countries"` // countries with Acceptance rules
	Rules     []inspectRule  `json:"rules"`
	ValueSets map[string]int `json:"valueSets"` // value-set id → number of codes
	Problems  []string       `json:"problems"`  // rules the verifier would leave out
}

type inspectRule struct {
	ID              string `json:"id"`
	Version         string `json:"version"`
	Type            string `json:"type"`
	Country         string `json:"country"`
	Region          string `json:"region"`
	CertificateType string `json:"certificateType"`
	ValidFrom       string `json:"validFrom"`
	ValidTo         string `json:"validTo"`
	Description     string `json:"description"`
}

// inspectRulesOf reads the rules of l; nil when it carries none.
func inspectRulesOf(l *trustlist.List) (*inspectRules, error) {
	set, problems, err := rules.ReadList(l)
	if set == nil || err != nil {
		return nil, err
	}
	out := &inspectRules{Countries: set.Countries(), Rules: []inspectRule{}, ValueSets: map[string]int{}, Problems: []string{}}
	if out.Countries == nil {
		out.Countries = []string{}
	}
	for _, r := range set.Rules {
		out.Rules = append(out.Rules, inspectRule{
			ID: r.Identifier, Version: r.Version, Type: r.Type, Country: r.Country, Region: r.Region,
			CertificateType: r.CertificateType, ValidFrom: r.ValidFrom.Format(time.RFC3339),
			ValidTo: r.ValidTo.Format(time.RFC3339), Description: r.DescriptionIn("en"),
		})
	}
	sort.Slice(out.Rules, func(i, j int) bool {
		a, b := out.Rules[i], out.Rules[j]
		return a.Country+a.ID+a.Version < b.Country+b.ID+b.Version
	})
	for id, codes := range set.ValueSets {
		out.ValueSets[id] = len(codes)
	}
	for _, p := range problems {
		out.Problems = append(out.Problems, p.Source+": "+p.Err.Error())
	}
	return out, nil
}

func writeInspectRules(w io.Writer, r *inspectRules) {
	var b strings.Builder
	if r == nil {
		b.WriteString("\nrules: none (a verifier does technical checks only)\n")
		io.WriteString(w, b.String())
		return
	}
	fmt.Fprintf(&b, "\nrules      %d, rule countries %s, value sets %d\n", len(r.Rules), strings.Join(r.Countries, " "), len(r.ValueSets))
	fmt.Fprintf(&b, "%-12s  %-7s  %-12s  %-11s  %-10s  %-10s  %s\n", "ID", "VERSION", "TYPE", "CERTIFICATE", "FROM", "UNTIL", "DESCRIPTION")
	for _, x := range r.Rules {
		id := x.ID
		if x.Region != "" {
			id += " (" + x.Region + ")"
		}
		fmt.Fprintf(&b, "%-12s  %-7s  %-12s  %-11s  %-10s  %-10s  %s\n", id, x.Version, x.Type, x.CertificateType, dateOnly(x.ValidFrom), dateOnly(x.ValidTo), x.Description)
	}
	for _, id := range slices.Sorted(maps.Keys(r.ValueSets)) {
		fmt.Fprintf(&b, "value set  %s (%d codes)\n", id, r.ValueSets[id])
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "left out   %s\n", p)
	}
	io.WriteString(w, b.String())
}
