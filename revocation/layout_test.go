package revocation_test

import (
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
)

// load adds parts to a new Set.
func load(t *testing.T, parts [][]byte) *revocation.Set {
	t.Helper()
	s := &revocation.Set{}
	for i, p := range parts {
		if err := s.AddPart(p); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	return s
}

func TestPlanParts(t *testing.T) {
	kids := revgen.KIDs(50)
	base := revgen.Entries(20_000, kids, revocation.UCI)
	first, err := revocation.PlanParts(base, nil, nil, revocation.Layout{})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Compacted || len(first.Parts) != 1 || first.New != 1 || first.Entries != len(base) {
		t.Fatalf("first plan: %+v", first)
	}

	// A day later: 1 % new entries, spread over every kid, plus a new kid.
	day := append(revgen.Entries(200, kids, revocation.UCI), revgen.Entries(5, [][]byte{[]byte("new-kid!")}, revocation.Signature)...)
	next := append(append([]revocation.Entry(nil), base...), day...)
	second, err := revocation.PlanParts(next, first.Parts, nil, revocation.Layout{})
	if err != nil {
		t.Fatal(err)
	}
	if second.Compacted || len(second.Parts) != 2 || second.New != 1 || second.Added != len(day) || second.Entries != len(next) {
		t.Fatalf("delta plan: compacted %v, %d parts, %d new, %d added, %d entries", second.Compacted, len(second.Parts), second.New, second.Added, second.Entries)
	}
	if len(second.Parts[1])*20 > len(first.Parts[0]) {
		t.Errorf("the delta part takes %d bytes, the full list %d: more than 5 %%", len(second.Parts[1]), len(first.Parts[0]))
	}
	s := load(t, second.Parts)
	if s.Len() != len(next) {
		t.Errorf("the parts hold %d entries, want %d", s.Len(), len(next))
	}
	for _, e := range []revocation.Entry{base[7], day[3], day[len(day)-1]} {
		if !s.Has(e) {
			t.Errorf("entry %x of %x missing after the delta", e.Sum, e.KID)
		}
	}

	// Nothing new: the same parts.
	same, err := revocation.PlanParts(next, second.Parts, nil, revocation.Layout{})
	if err != nil || same.New != 0 || len(same.Parts) != 2 {
		t.Fatalf("unchanged plan: %+v, %v", same, err)
	}

	// Batches expire: a few entries are no longer listed; they stay until
	// compaction, within MaxLeftover.
	fewer := next[100:]
	left, err := revocation.PlanParts(fewer, second.Parts, nil, revocation.Layout{})
	if err != nil || left.Compacted || left.Leftover != 100 {
		t.Fatalf("leftover plan: %+v, %v", left, err)
	}
	// Many expire: compacted.
	many, err := revocation.PlanParts(next[5000:], second.Parts, nil, revocation.Layout{})
	if err != nil || !many.Compacted || many.Entries != len(next)-5000 {
		t.Fatalf("many leftovers: %+v, %v", many, err)
	}
	// A batch is withdrawn (deleted): its entries must go at once.
	withdrawn, err := revocation.PlanParts(next[1:], second.Parts, next[:1], revocation.Layout{})
	if err != nil || !withdrawn.Compacted || load(t, withdrawn.Parts).Has(next[0]) {
		t.Fatalf("withdrawn plan: %+v, %v", withdrawn, err)
	}
	// Deltas pile up: compacted past MaxDeltaShare.
	big := append(append([]revocation.Entry(nil), next...), revgen.Entries(8000, kids, revocation.UCI)...)
	piled, err := revocation.PlanParts(big, second.Parts, nil, revocation.Layout{})
	if err != nil || !piled.Compacted || len(piled.Parts) != 1 {
		t.Fatalf("piled-up deltas: %+v, %v", piled, err)
	}
	// Empty: no parts.
	none, err := revocation.PlanParts(nil, nil, nil, revocation.Layout{})
	if err != nil || len(none.Parts) != 0 {
		t.Fatalf("empty plan: %+v, %v", none, err)
	}
}
