package objstore

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// Revocation parts go up first, then the index, then the bundle and the
// pointer; keep-N keeps the parts a kept list's index reaches, however old
// the upload that first put them there.
func TestPublishRevocations(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := s.publisher(1)
	get := func(name string, max int) ([]byte, error) {
		b, _, err := p.get(ctx, p.Location.Key(name), int64(max))
		return b, err
	}
	entries := revgen.Entries(2000, revgen.KIDs(5), revocation.UCI)
	publishList := func(seq uint64, entries, withdrawn []revocation.Entry) (*publish.Revocations, *Result) {
		t.Helper()
		live, err := p.Live(ctx)
		if err != nil {
			t.Fatal(err)
		}
		prev, err := publish.PreviousParts(live, get)
		if err != nil {
			t.Fatal(err)
		}
		rev, _, err := publish.BuildRevocations(publish.RevocationOptions{Entries: entries, Withdrawn: withdrawn, Previous: prev, Key: s.key, Sequence: seq, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		p.TreeOptions = []publish.TreeOption{publish.WithRevocations(rev)}
		res, err := p.Publish(ctx, s.bundle(t, seq, now, false))
		if err != nil {
			t.Fatal(err)
		}
		return rev, res
	}
	rev1, res := publishList(100, entries, nil)
	want := []string{s.loc.Key(publish.PartName(rev1.Parts[0])), s.loc.Key(publish.IndexName(rev1.Index)), s.loc.Key(s.livePointer(t).Bundle), s.loc.Key(publish.PointerName)}
	if !slices.Equal(res.Uploaded, want) {
		t.Errorf("uploaded %v, want %v", res.Uploaded, want)
	}
	if ptr := s.livePointer(t); ptr.Revocations == nil || ptr.Revocations.Index != publish.IndexName(rev1.Index) {
		t.Fatalf("live pointer: %+v", ptr)
	}
	// A delta: the first part is already there.
	entries2 := append(append([]revocation.Entry(nil), entries...), revgen.Entries(20, revgen.KIDs(5), revocation.UCI)...)
	rev2, res := publishList(101, entries2, nil)
	if len(rev2.Parts) != 2 || !slices.Contains(res.Present, s.loc.Key(publish.PartName(rev1.Parts[0]))) {
		t.Fatalf("delta: %d parts, present %v", len(rev2.Parts), res.Present)
	}
	// A compaction: list 101 is kept (keep 1) and with it both its parts,
	// the first of which was uploaded with list 100; list 100's index goes.
	rev3, _ := publishList(102, entries2[1:], entries2[:1])
	parts := s.parts(t)
	for _, name := range []string{publish.PartName(rev2.Parts[0]), publish.PartName(rev2.Parts[1]), publish.IndexName(rev2.Index), publish.PartName(rev3.Parts[0]), publish.IndexName(rev3.Index)} {
		if !slices.Contains(parts, name) {
			t.Errorf("%s removed; left %v", name, parts)
		}
	}
	if slices.Contains(parts, publish.IndexName(rev1.Index)) {
		t.Errorf("list 100's index stayed")
	}
}
