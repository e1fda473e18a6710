package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
	"github.com/passcheck/passcheck/trustlist"
)

// verifyRules holds the business-rule flags of "verify":
//
//	--rules SRC       evaluate the rules of SRC (see rulesource.go), none for none
//	--valuesets SRC   with --rules: the value sets (default the EU ones built in)
//	--country CC      the rule country: EU (default), a member state, or none
//	--region R        the region within CC
//	--lang L          the language of the rule descriptions printed
//
// Rules are evaluated when --rules or --country is given, or when the trust
// list of --trustlist carries rules; --country none is technical check only.
// Rules of the trust list that cannot be read at all (such as the retired
// JSON keys 7 and 6) leave no rule in force: RULES_MISSING, cannot check.
type verifyRules struct {
	src, valueSets, country, region, lang string
}

func addVerifyRuleFlags(fs *flag.FlagSet) *verifyRules {
	v := &verifyRules{}
	fs.StringVar(&v.src, "rules", "", "evaluate the business rules of `SRC` (a rule folder or file), or none")
	fs.StringVar(&v.valueSets, "valuesets", "", "with --rules: the value sets `SRC` (default the EU ones built in)")
	fs.StringVar(&v.country, "country", "", "the rule country `CC`: EU (the default when rules apply), a member state, or none for technical checks only")
	fs.StringVar(&v.region, "region", "", "the `REGION` of --country whose rules apply too")
	fs.StringVar(&v.lang, "lang", "en", "the `LANG` of the rule descriptions printed")
	return v
}

// apply evaluates the rules on r at clock, when any are due (see
// verifyRules), and prints what was left out of a rule source. It returns
// a usage exit code, or 0.
func (v *verifyRules) apply(e *env, r *dcc.Result, list *trustlist.List, clock time.Time) int {
	choice, ok := rules.Choice{Country: v.country, Region: v.region}.Normalize()
	if !ok {
		errorf(e, "--country %q is not EU, none or a two-letter country code", v.country)
		return exitUsage
	}
	var set *rules.Set
	switch {
	case choice.Country == rules.None:
		return 0
	case v.src != "":
		rs, err := loadRuleSet(v.src, v.valueSets)
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		if rs == nil { // --rules none
			return 0
		}
		for _, p := range rs.Loaded.Problems {
			hintf(e, "rule left out: %s: %v", p.Source, p.Err)
		}
		set = ruleSetOf(rs)
	case list != nil && hasRules(list):
		s, problems, err := rules.ReadList(list)
		if err != nil {
			// As in the module: no rule of the list applies, so every
			// choice but none is RULES_MISSING (cannot check), never a
			// technical check only.
			hintf(e, "the trust list's rules cannot be read: %v", err)
			s = &rules.Set{}
		}
		for _, p := range problems {
			hintf(e, "rule of the trust list left out: %s: %v", p.Source, p.Err)
		}
		set = s
	case v.country != "":
		s, err := eu.Set()
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		set = s
	default:
		return 0 // no rules given, none in the trust list: technical check only
	}
	set.Apply(r, choice, clock)
	return 0
}

// hasRules reports whether l carries rules or value sets, readable or
// not: a list built with rules that were all left out still has its value
// sets, and is not one built without rules (--rules none), as in the
// module and "trustlist inspect".
func hasRules(l *trustlist.List) bool {
	rc, vc, err := l.RuleSources()
	return err != nil || rc != nil || vc != nil
}

// print prints the rules part of a Result for people, descriptions in
// v.lang where the rule has it.
func (v *verifyRules) print(w io.Writer, r *dcc.Result) {
	if r.Rules == nil {
		fmt.Fprintln(w, "Rules: none (technical check only)")
		return
	}
	counts := map[string]int{}
	for _, x := range r.Rules.Results {
		counts[x.Result]++
	}
	where := r.Rules.Country
	if r.Rules.Region != "" {
		where += " " + r.Rules.Region
	}
	if len(r.Rules.Results) == 0 {
		fmt.Fprintf(w, "Rules (%s): not evaluated\n", where)
		return
	}
	fmt.Fprintf(w, "Rules (%s): %d passed, %d failed, %d open\n", where, counts["passed"], counts["failed"], counts["open"])
	for _, x := range r.Rules.Results {
		if x.Result == "passed" {
			continue
		}
		desc := x.Description
		for _, d := range x.Descriptions {
			if d.Lang == v.lang {
				desc = d.Desc
			}
		}
		fmt.Fprintf(w, "  %s %s %s: %s\n", x.Result, x.ID, x.Version, desc)
	}
}
