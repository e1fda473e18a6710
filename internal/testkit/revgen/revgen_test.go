package revgen_test

import (
	"bytes"
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
)

// KIDs are distinct and 8 bytes; Entries go round the kids with the type
// asked for and hashes that differ, and make a set that loads.
func TestEntries(t *testing.T) {
	kids := revgen.KIDs(300)
	seen := map[string]bool{}
	for _, k := range kids {
		if len(k) != 8 || seen[string(k)] {
			t.Fatalf("kid %x: not 8 bytes or given twice", k)
		}
		seen[string(k)] = true
	}
	es := revgen.Entries(1000, kids, revocation.Signature)
	for i, e := range es {
		if !bytes.Equal(e.KID, kids[i%len(kids)]) || e.Type != revocation.Signature {
			t.Fatalf("entry %d: kid %x type %v", i, e.KID, e.Type)
		}
	}
	if es[0].Sum == es[1].Sum {
		t.Error("two entries with the same hash: not random")
	}
	s, err := revocation.NewSet(es)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != len(es) {
		t.Errorf("set of %d entries, want %d", s.Len(), len(es))
	}
}
