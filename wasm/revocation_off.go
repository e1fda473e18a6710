//go:build norevocation

package main

// This file stands in for revocation.go and revocation_js.go in a build
// with -tags norevocation, which exists to measure what revocation adds to
// the module (make wasm-size). Such a module has no revocation data: every
// Result of a pass gets REVOCATION_STALE (amber), never green.

import (
	"syscall/js"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

type revocations struct{}

const noRevocation = "this build of the module has no revocation check"

func (s *session) checkRevocation(r *dcc.Result, p *dcc.Pass, _ time.Time) {
	if r != nil && p != nil && r.Verdict != dcc.VerdictNotAPass {
		r.AddError(dcc.NewMessage(dcc.RevocationStale, noRevocation))
	}
}

func (s *session) jsLoadRevocations([]js.Value) any { return s.jsRevocations(nil) }

func (s *session) jsRevocations([]js.Value) any {
	errs := []dcc.Message{dcc.NewMessage(dcc.RevocationStale, noRevocation)}
	return jsJSONParse.Invoke(string(appendListState(nil, false, errs, []dcc.Message{}, `,"loaded":false`, false, 0, time.Time{}, time.Time{}, "entries", 0)))
}
