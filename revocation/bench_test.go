package revocation_test

import (
	"bytes"
	"crypto/sha256"
	"runtime"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
)

// millionEntries is the issue's budget case: 1,000,000 random hashes over
// 500 kids.
func millionEntries() []revocation.Entry {
	return revgen.Entries(1_000_000, revgen.KIDs(500), revocation.UCI)
}

// BenchmarkBuild1M builds and encodes 1,000,000 entries over 500 kids, and
// reports the bytes an entry takes on the wire, raw and brotli-compressed.
func BenchmarkBuild1M(b *testing.B) {
	entries := millionEntries()
	var part []byte
	for b.Loop() {
		s, err := revocation.NewSet(entries)
		if err != nil {
			b.Fatal(err)
		}
		part = revocation.EncodePart(s)
	}
	var z bytes.Buffer
	w := brotli.NewWriterLevel(&z, brotli.BestCompression)
	w.Write(part)
	w.Close()
	b.ReportMetric(float64(len(part))/1e6, "B/entry")
	b.ReportMetric(float64(z.Len())/1e6, "brotli-B/entry")
}

// BenchmarkLoad1M decodes a part of 1,000,000 entries into a Set, and
// reports the heap in use after it, per entry.
func BenchmarkLoad1M(b *testing.B) {
	s, _ := revocation.NewSet(millionEntries())
	part := revocation.EncodePart(s)
	var set *revocation.Set
	for b.Loop() {
		set = &revocation.Set{}
		if err := set.AddPart(part); err != nil {
			b.Fatal(err)
		}
	}
	part, s = nil, nil
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/float64(set.Len()), "heap-B/entry")
	runtime.KeepAlive(set)
}

// BenchmarkRevoked looks one pass up (all its hashes) in 1,000,000 entries:
// of one hash type (the pass is hashed once), and spread over the three
// types (hashed three or four times).
func BenchmarkRevoked(b *testing.B) {
	d := signer(b, issuer.EC, "AT")
	text, err := d.Issue(issuer.PassOptions{Kind: dcc.KindVaccination})
	if err != nil {
		b.Fatal(err)
	}
	p, err := dcc.Decode(text)
	if err != nil {
		b.Fatal(err)
	}
	entries := millionEntries()
	b.Run("UCI", func(b *testing.B) { benchRevoked(b, entries, p) })
	for i := range entries {
		entries[i].Type = revocation.HashType(1 + i%3)
	}
	// Some under the pass's own kid, so that its groups are searched.
	for i := 0; i < 3000; i++ {
		entries[i].KID = d.KID
	}
	b.Run("all-types", func(b *testing.B) { benchRevoked(b, entries, p) })
}

func benchRevoked(b *testing.B, entries []revocation.Entry, p *dcc.Pass) {
	s, err := revocation.NewSet(entries)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, revoked := s.Revoked(p); revoked {
			b.Fatal("revoked")
		}
	}
}

// BenchmarkDailyUpdate lays out a day's update of the 1,000,000 entries:
// 1 % new entries spread over all 500 kids. It reports the brotli bytes
// of the new delta part against those of the full list (budget: 5 %).
func BenchmarkDailyUpdate(b *testing.B) {
	entries := millionEntries()
	first, err := revocation.PlanParts(entries, nil, nil, revocation.Layout{})
	if err != nil {
		b.Fatal(err)
	}
	kids := revgen.KIDs(500)
	next := append(append([]revocation.Entry(nil), entries...), revgen.Entries(10_000, kids, revocation.UCI)...)
	var plan *revocation.Plan
	for b.Loop() {
		if plan, err = revocation.PlanParts(next, first.Parts, nil, revocation.Layout{}); err != nil {
			b.Fatal(err)
		}
	}
	if plan.Compacted || plan.New != 1 {
		b.Fatalf("not a delta: %+v", plan)
	}
	full, delta := brotliLen(first.Parts[0]), brotliLen(plan.Parts[len(plan.Parts)-1])
	b.ReportMetric(float64(delta), "delta-brotli-B")
	b.ReportMetric(100*float64(delta)/float64(full), "%-of-full")
}

func brotliLen(p []byte) int {
	var z bytes.Buffer
	w := brotli.NewWriterLevel(&z, brotli.BestCompression)
	w.Write(p)
	w.Close()
	return z.Len()
}

// BenchmarkNewStatus1M is what a verifier does with the published data of
// 1,000,000 entries: each part checked against the index's size and
// SHA-256, then decoded into a Set (revocation.NewStatus). Under Node
// (make bench-revocation) it is the module's load; it reports the Go heap
// in use after it and a collection, per entry (budget: 1.5 × 16 B).
func BenchmarkNewStatus1M(b *testing.B) {
	s, _ := revocation.NewSet(millionEntries())
	part := revocation.EncodePart(s)
	ix := &trustlist.RevocationIndex{Parts: []trustlist.RevocationPart{{SHA256: sha256.Sum256(part), Size: len(part)}}}
	s = nil
	var st *revocation.Status
	for b.Loop() {
		st = nil
		if st = revocation.NewStatus(ix, [][]byte{part}); st.Problem != "" {
			b.Fatal(st.Problem)
		}
	}
	part = nil
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/float64(st.Set.Len()), "heap-B/entry")
	runtime.KeepAlive(st)
}
