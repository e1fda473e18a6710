package main

import (
	"embed"
	"io/fs"
	"path"

	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// demoRuleFiles are the demo country's rules (Demoland, XX; see
// demorules/README.md), with their tests.
//
//go:embed demorules
var demoRuleFiles embed.FS

// demoRuleSet is what the demo's trust list carries: the EU baseline, the
// demo country's rules, and the EU value sets.
func demoRuleSet() (*publish.RuleSet, error) {
	loaded, err := eu.Rules()
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(demoRuleFiles, "demorules", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(p) != "rule.json" {
			return err
		}
		data, err := demoRuleFiles.ReadFile(p)
		if err != nil {
			return err
		}
		l := rules.ParseRules("(demo) "+p, data)
		loaded.Rules = append(loaded.Rules, l.Rules...)
		loaded.Problems = append(loaded.Problems, l.Problems...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	vs, err := eu.ValueSets()
	if err != nil {
		return nil, err
	}
	return &publish.RuleSet{Loaded: loaded, ValueSets: vs, Origin: "the EU baseline and Demoland (XX)"}, nil
}
