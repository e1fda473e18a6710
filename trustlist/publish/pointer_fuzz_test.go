package publish

import (
	"encoding/json"
	"testing"
)

// FuzzParsePointer feeds arbitrary bytes to the trustlist.json reader that
// the publishers use on what a folder or bucket holds: no panic, and a
// pointer it accepts names a part in the same folder and survives a round
// trip.
func FuzzParsePointer(f *testing.F) {
	tree, err := NewTree(bundleAt(f, 3, 0))
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][]byte{
		tree.File(PointerName).Data,
		[]byte(`{"sequence": 5, "bundle": "../../etc/passwd"}`),
		[]byte(`{"sequence": -1}`),
		[]byte(`{}`),
		[]byte(`[]`),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	if len(seeds) == 0 || len(seeds[0]) == 0 {
		f.Fatal("no seeds")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePointer(data)
		if err != nil {
			return
		}
		if !IsPartName(p.Bundle) {
			t.Fatalf("accepted bundle name %q", p.Bundle)
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParsePointer(again)
		if err != nil || *q != *p {
			t.Fatalf("round trip: %+v, %v; want %+v", q, err, p)
		}
	})
}
