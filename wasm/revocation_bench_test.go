//go:build benchwasm && !js

package main

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/revocation"
)

// TestRevocationBench measures revocation in the built module under Node,
// through its JavaScript API (make bench-revocation): loadRevocations of a
// signed index and one part of 1,000,000 random entries over 500 kids
// (the first call in a fresh process, then the median of four more), and
// one verify of an unrevoked pass with that data and without it. It logs;
// nothing is asserted on time.
func TestRevocationBench(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	kids := make([][]byte, 500)
	for i := range kids {
		kids[i] = []byte(fmt.Sprintf("kid%05d", i))
	}
	p, err := dcc.Decode(f.pass)
	if err != nil {
		t.Fatal(err)
	}
	kids[0] = p.KID // the pass's kid has groups of its own to search
	entries := make([]revocation.Entry, 1_000_000)
	for i := range entries {
		entries[i].KID = kids[i%len(kids)]
		entries[i].Type = revocation.HashType(1 + i%3)
		rand.Read(entries[i].Sum[:])
	}
	rev := f.pub.revocations(t, entries, 1, f.now, 48*time.Hour)
	var got struct {
		Entries                   int
		FirstLoadMs, MedianLoadMs float64
		VerifyUs, VerifyWithoutUs float64
		Verdict                   dcc.Verdict
	}
	runRevocationNode(t, m, map[string]any{"mode": "bench", "runs": 5, "bundle": b64(f.bundle(t, 1, f.now, time.Hour)), "keys": f.pub.pem, "revocations": revJSON(rev), "pass": f.pass}, &got)
	if got.Entries != len(entries) || got.Verdict != dcc.VerdictValid {
		t.Fatalf("the module loaded %d entries and found the pass %s", got.Entries, got.Verdict)
	}
	size := 0
	for _, p := range rev.Parts {
		size += len(p)
	}
	t.Logf("1,000,000 entries (%d bytes in %d part): loadRevocations first %.0f ms, median %.0f ms", size, len(rev.Parts), got.FirstLoadMs, got.MedianLoadMs)
	// The lookup itself (BenchmarkRevoked in ./revocation, a few µs) is
	// smaller than the noise of a pure-Go verify: the two are logged for
	// scale, not subtracted.
	t.Logf("verify (raw API, pure Go) of an unrevoked pass: %.1f µs with the list, %.1f µs without", got.VerifyUs, got.VerifyWithoutUs)
}
