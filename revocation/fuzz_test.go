package revocation_test

import (
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
)

// FuzzAddPart checks that no part panics the decoder or grows a set past its
// limits, and that what it accepts encodes back to a part it accepts again.
func FuzzAddPart(f *testing.F) {
	kids := [][]byte{[]byte("kid-0001"), nil}
	for _, n := range []int{1, 7, 300} {
		for _, typ := range []revocation.HashType{revocation.UCI, revocation.Signature} {
			s, err := revocation.NewSet(revgen.Entries(n, kids, typ))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(revocation.EncodePart(s))
		}
	}
	f.Add([]byte("PCRV\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s revocation.Set
		if err := s.AddPart(b); err != nil {
			if s.Len() != 0 {
				t.Fatalf("refused part left %d entries", s.Len())
			}
			return
		}
		if s.Len() > revocation.MaxEntries {
			t.Fatalf("%d entries", s.Len())
		}
		var again revocation.Set
		if err := again.AddPart(revocation.EncodePart(&s)); err != nil || again.Len() != s.Len() {
			t.Fatalf("re-encoded part: %v, %d vs %d entries", err, again.Len(), s.Len())
		}
	})
}
