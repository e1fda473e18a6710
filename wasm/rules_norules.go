//go:build js && wasm && norules

package main

// A module without the business-rules engine, built only to measure what
// the engine costs (docs/rules.md, "Size in the module"):
//
//	go run ./internal/cmd/buildwasm -tags norules -o /tmp/norules.wasm
//
// It is never shipped: its Results carry no rules field worth the name
// (always null), and rules and evalRule answer that there are none. As the
// rules are never evaluated, every Result of a pass gets RULES_MISSING
// (amber), never green, as the build without revocation does.

import (
	"syscall/js"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

type ruleState struct{}

func (s *session) applyRules(r *dcc.Result, _ time.Time) {
	if r != nil && r.Verdict != dcc.VerdictNotAPass {
		r.AddError(dcc.NewMessage(dcc.RulesMissing, "this build of the module has no rules engine"))
	}
}

func appendRules(b []byte, _ *dcc.RulesOutcome) []byte { return append(b, "null"...) }

func (s *session) jsRules([]js.Value) any { return nil }

func jsEvalRule([]js.Value) any { return nil }
