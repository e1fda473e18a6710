//go:build !norules

package main

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/jsonread"
)

// The JSON limits of evalRule are those of the command line's reader.
func TestEvalRuleLimits(t *testing.T) {
	if maxDataDepth != jsonread.DefaultLimits.MaxDepth || maxTreeValues != jsonread.DefaultLimits.MaxValues {
		t.Errorf("evalRule: depth %d, values %d; jsonread.DefaultLimits: %+v", maxDataDepth, maxTreeValues, jsonread.DefaultLimits)
	}
}

// appendRules writes what encoding/json writes of a Result's rules field.
func TestAppendRules(t *testing.T) {
	for _, o := range []*dcc.RulesOutcome{
		nil,
		{Country: "EU", Results: []dcc.RuleResult{}},
		{Country: "XX", Region: "R2", Results: []dcc.RuleResult{{
			ID: "VR-XX-0001", Version: "1.0.0", Type: "Acceptance", Country: "XX", CertificateType: "Vaccination",
			Result: "failed", Description: "Doses \"must\" be <complete>",
			Descriptions:   []dcc.RuleDescription{{Lang: "en", Desc: "Doses \"must\" be <complete>"}, {Lang: "vi", Desc: "Liệu trình"}},
			AffectedFields: []string{"v.0.dn", "v.0.sd"},
		}}},
	} {
		want, _ := json.Marshal(o)
		var a, b any
		if err := json.Unmarshal(appendRules(nil, o), &a); err != nil {
			t.Fatalf("%s: %v", appendRules(nil, o), err)
		}
		json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("appendRules: %s\nwant %s", appendRules(nil, o), want)
		}
	}
}

// The rules status of a session without a list, then with a refused and
// an accepted choice.
func TestRulesStatus(t *testing.T) {
	s := &session{}
	var st map[string]any
	if err := json.Unmarshal(appendRulesStatus(nil, s, true, ""), &st); err != nil {
		t.Fatal(err)
	}
	if st["country"] != "none" || st["chosen"] != false || st["rules"] != float64(0) || st["unreadable"] != "" {
		t.Errorf("no list: %v", st)
	}
	if s.setRules("Germany", "") {
		t.Error("a choice of Germany accepted")
	}
	if !s.setRules("de", "BY") {
		t.Error("a choice of de refused")
	}
	json.Unmarshal(appendRulesStatus(nil, s, true, ""), &st)
	if st["country"] != "DE" || st["region"] != "BY" || st["chosen"] != true {
		t.Errorf("DE/BY: %v", st)
	}
	// No list: the rules are due but not evaluated.
	r := dcc.ErrorResult(dcc.NewMessage(dcc.InputInvalid, ""))
	s.applyRules(r, time.Now())
	if r.Rules == nil || r.Rules.Country != "DE" || len(r.Rules.Results) != 0 {
		t.Errorf("rules of a Result without a pass: %+v", r.Rules)
	}
}
