//go:build !norules

package main

import (
	"strconv"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/jsontext"
	"github.com/passcheck/passcheck/internal/rfc3339"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/trustlist"
)

// Limits of evalRule's JSON (jsTree), those of the command line's JSON
// reader: a rule nests at most rules.MaxRuleDepth deep, data as deep as
// jsonread.DefaultLimits allow; a document holds at most maxTreeValues
// values, counting every scalar, array and object. (Constants, not
// jsonread's: that package stays out of the module; TestEvalRuleLimits
// keeps them equal.)
const (
	maxDataDepth  = 128
	maxTreeValues = 1 << 20
)

// ruleState is a session's business rules: the rule country the page
// chose, and the rule set read from the trust list in use. Rules come only
// from a list whose signature was checked (session.list is set by a
// successful trustlist.Load).
type ruleState struct {
	choice rules.Choice // Country "" until the page chooses
	from   *trustlist.List
	set    *rules.Set // read from from; nil when it carries no rules
	left   int        // rules of from left out (they did not read)
	err    error      // why the rules of from could not be read at all
}

// ruleSet returns the rule set of the list in use, read on first use after
// each load.
func (s *session) ruleSet() *rules.Set {
	if s.rules.from != s.list || s.list == nil {
		s.rules.from, s.rules.set, s.rules.left, s.rules.err = s.list, nil, 0, nil
		if s.list != nil {
			set, problems, err := rules.ReadList(s.list)
			s.rules.set, s.rules.left, s.rules.err = set, len(problems), err
			if err != nil {
				s.rules.set = &rules.Set{} // every choice but none is RULES_MISSING
			}
		}
	}
	return s.rules.set
}

// effectiveChoice is the rule country that applies: the page's choice;
// when it chose nothing, the EU baseline if the list carries rules, else
// technical checks only (the publisher published none: trustlist build
// --rules none).
func (s *session) effectiveChoice() rules.Choice {
	set := s.ruleSet()
	if s.rules.choice.Country == "" {
		if set == nil {
			return rules.Choice{Country: rules.None}
		}
		return rules.Choice{Country: rules.EU}
	}
	return s.rules.choice
}

// applyRules evaluates the rules that apply on r (rules.Set.Apply): the
// hook of session.verify, so that every Result of this module has them.
func (s *session) applyRules(r *dcc.Result, clock time.Time) {
	s.ruleSet().Apply(r, s.effectiveChoice(), clock)
}

// setRules chooses the rule country and region; "" for the default. It
// reports false, keeping the choice as it was, for a country that is
// none of EU, none and a two-letter code.
func (s *session) setRules(country, region string) bool {
	if country == "" {
		s.rules.choice = rules.Choice{}
		return true
	}
	c, ok := rules.Choice{Country: country, Region: region}.Normalize()
	if ok {
		s.rules.choice = c
	}
	return ok
}

// appendRulesStatus appends the JSON of the rules in use:
//
//	{"ok", "error", "country", "region", "chosen", "countries", "rules",
//	 "valueSets", "leftOut", "issuedAt"}
//
// country is what applies ("none" for technical checks only), chosen
// whether the page chose it, countries those the list has rules for,
// issuedAt the list's issue time (when the rules were last published).
func appendRulesStatus(b []byte, s *session, ok bool, errMsg string) []byte {
	set := s.ruleSet()
	c := s.effectiveChoice()
	b = append(b, `{"ok":`...)
	b = strconv.AppendBool(b, ok)
	b = appendField(b, "error", errMsg)
	b = appendField(b, "country", c.Country)
	b = appendField(b, "region", c.Region)
	b = append(b, `,"chosen":`...)
	b = strconv.AppendBool(b, s.rules.choice.Country != "")
	var countries []string
	n, vs := 0, 0
	if set != nil {
		countries, n, vs = set.Countries(), len(set.Rules), len(set.ValueSets)
	}
	b = appendStrings(b, "countries", countries)
	for _, f := range [...]struct {
		name string
		n    int
	}{{"rules", n}, {"valueSets", vs}, {"leftOut", s.rules.left}} {
		b = append(b, ',', '"')
		b = append(b, f.name...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, int64(f.n), 10)
	}
	issued := ""
	if s.list != nil {
		issued = rfc3339.Format(s.list.IssuedAt)
	}
	b = appendField(b, "issuedAt", issued)
	// Why the list's rules could not be read at all (a bundle built before
	// the rules were carried as CBOR, or damaged): "" when they were.
	unreadable := ""
	if s.rules.err != nil {
		unreadable = s.rules.err.Error()
	}
	b = appendField(b, "unreadable", unreadable)
	return append(b, '}')
}

// appendRules appends the JSON of a Result's rules field (null for a
// technical check only), as encoding/json writes dcc.RulesOutcome. Fields
// are written from tables, through appendField and appendStrings: one call
// site each instead of one per field keeps the module smaller.
func appendRules(b []byte, o *dcc.RulesOutcome) []byte {
	if o == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"country":`...)
	b = jsontext.AppendString(b, o.Country)
	b = appendField(b, "region", o.Region)
	b = append(b, `,"results":[`...)
	for i, r := range o.Results {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsontext.AppendString(b, r.ID)
		for _, f := range [...][2]string{
			{"version", r.Version}, {"type", r.Type}, {"country", r.Country}, {"certificateType", r.CertificateType},
			{"result", r.Result}, {"description", r.Description},
		} {
			b = appendField(b, f[0], f[1])
		}
		b = append(b, `,"descriptions":[`...)
		for j, d := range r.Descriptions {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"lang":`...)
			b = jsontext.AppendString(b, d.Lang)
			b = appendField(b, "desc", d.Desc)
			b = append(b, '}')
		}
		b = append(b, ']')
		b = appendStrings(b, "affectedFields", r.AffectedFields)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendStrings appends ,"name":[...] of the strings ss.
//
//go:noinline
func appendStrings(b []byte, name string, ss []string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, s)
	}
	return append(b, ']')
}
