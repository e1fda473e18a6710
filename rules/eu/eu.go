// Package eu carries the EU baseline business rules and the EU value sets
// that passcheck ships: what "passcheck trustlist build", "site build" and
// the demo publish when no other rule source is given, and what the
// command line evaluates with --country EU and no --rules.
//
// The rules are the EU rule set of the DCC business-rule test data
// (github.com/eu-digital-green-certificates/dgc-business-rules-testdata,
// Apache-2.0: LICENSE, NOTICE here), the same files as
// testdata/business-rules/EU/*/rule.json (a test keeps them equal); the
// value sets are testdata/business-rules/valuesets/valueSets.json. One
// event; COVID-19 only; a negative test, a rapid antigen test at most 48
// hours and a NAAT at most 72 hours old; EMA-approved vaccines; a complete
// series; a recovery within its certificate's window.
package eu

import (
	"embed"
	"io/fs"

	"github.com/passcheck/passcheck/internal/jsonread"
	"github.com/passcheck/passcheck/rules"
)

//go:embed EU valueSets.json
var files embed.FS

// FS returns the embedded files: EU/<Identifier>/rule.json and
// valueSets.json.
func FS() fs.FS { return files }

// Set returns the EU baseline rules and the EU value sets. It fails only
// if the embedded files are broken, which a test rules out.
func Set() (*rules.Set, error) {
	loaded, err := Rules()
	if err != nil {
		return nil, err
	}
	vs, err := ValueSets()
	if err != nil {
		return nil, err
	}
	return &rules.Set{Rules: loaded.Rules, ValueSets: vs}, nil
}

// Rules reads the embedded EU rules, as [rules.LoadRules] reads a folder.
func Rules() (*rules.Loaded, error) {
	return rules.LoadRulesFS(files, "EU", func(p string) string { return "(built-in) " + p })
}

// ValueSets reads the embedded EU value sets.
func ValueSets() (rules.ValueSets, error) {
	data, err := files.ReadFile("valueSets.json")
	if err != nil {
		return nil, err
	}
	v, err := jsonread.Read(data, jsonread.Limits{MaxBytes: rules.MaxRuleSourceBytes})
	if err != nil {
		return nil, err
	}
	return rules.ParseValueSets(v)
}
