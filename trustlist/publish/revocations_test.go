package publish

import (
	"bytes"
	"crypto"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
)

// dirGet reads the files of a published folder for PreviousParts.
func dirGet(dir string) func(string, int) ([]byte, error) {
	return func(name string, _ int) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
}

// A tree with revocations: parts, then index, then bundle and pointer; the
// pointer names the index; a day later only a delta part is new; keep-N
// keeps what the kept lists reach and removes the rest.
func TestWriteTreeRevocations(t *testing.T) {
	p := loadPKI(t)
	dir := t.TempDir()
	entries := revgen.Entries(3000, revgen.KIDs(7), revocation.UCI)
	publishDay := func(seq uint64, entries []revocation.Entry, keep int) (*Revocations, *RevocationReport) {
		t.Helper()
		ptr, _ := ReadPointer(dir)
		prev, err := PreviousParts(ptr, dirGet(dir))
		if err != nil {
			t.Fatal(err)
		}
		now := testNow.Add(time.Duration(seq) * time.Hour)
		rev, rep, err := BuildRevocations(RevocationOptions{Entries: entries, Previous: prev, Key: p.key, Sequence: seq, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteTree(dir, bundleAt(t, seq, 0), keep, WithRevocations(rev)); err != nil {
			t.Fatal(err)
		}
		return rev, rep
	}
	rev1, rep1 := publishDay(1, entries, 1)
	if !rep1.Compacted || rep1.Parts != 1 || rep1.Entries != 3000 {
		t.Fatalf("first report: %+v", rep1)
	}
	ptr, err := ReadPointer(dir)
	if err != nil || ptr.Revocations == nil || ptr.Revocations.Index != IndexName(rev1.Index) || ptr.Revocations.Entries != 3000 {
		t.Fatalf("pointer: %+v, %v", ptr, err)
	}
	// The index verifies with the publisher key, and its part matches it.
	ix, err := trustlist.LoadRevocationIndex(rev1.Index, []crypto.PublicKey{p.key.Public()}, 0)
	if err != nil || len(ix.Parts) != 1 {
		t.Fatalf("index: %+v, %v", ix, err)
	}
	// ReadRevocations gives back what was published, index and parts.
	if got, err := ReadRevocations(ptr, dirGet(dir)); err != nil || !bytes.Equal(got.Index, rev1.Index) || len(got.Parts) != 1 || !bytes.Equal(got.Parts[0], rev1.Parts[0]) {
		t.Fatalf("ReadRevocations: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ix.Parts[0].Name())); err != nil {
		t.Fatal(err)
	}

	// Day 2: 30 new entries → one small delta part.
	entries2 := append(append([]revocation.Entry(nil), entries...), revgen.Entries(30, revgen.KIDs(7), revocation.UCI)...)
	rev2, rep2 := publishDay(2, entries2, 1)
	if rep2.Compacted || rep2.Parts != 2 || rep2.NewParts != 1 || rep2.Added != 30 || rep2.NewBytes*10 > rep2.Bytes {
		t.Fatalf("delta report: %+v", rep2)
	}
	if PartName(rev2.Parts[0]) != PartName(rev1.Parts[0]) {
		t.Error("the delta build rewrote the first part")
	}
	// Day 3: compaction forced (a withdrawn entry).
	rev3, _, err := BuildRevocations(RevocationOptions{Entries: entries2[1:], Withdrawn: entries2[:1], Previous: rev2.Parts, Key: p.key, Sequence: 3, Now: testNow})
	if err != nil || len(rev3.Parts) != 1 {
		t.Fatalf("compaction: %v", err)
	}
	if err := WriteTree(dir, bundleAt(t, 3, 0), 1, WithRevocations(rev3)); err != nil {
		t.Fatal(err)
	}
	// Keep 1: lists 3 (current) and 2 stay with everything they reach;
	// list 1's index goes; its part stays, since list 2 reaches it.
	names := listDir(t, dir)
	for _, want := range []string{IndexName(rev3.Index), PartName(rev3.Parts[0]), IndexName(rev2.Index), PartName(rev2.Parts[0]), PartName(rev2.Parts[1])} {
		if !slices.Contains(names, want) {
			t.Errorf("%s was removed; files: %v", want, names)
		}
	}
	if slices.Contains(names, IndexName(rev1.Index)) {
		t.Errorf("list 1's index stayed")
	}
	// Keep 0: only list 3's files.
	if err := WriteTree(dir, bundleAt(t, 4, 0), 0, WithRevocations(rev3)); err != nil {
		t.Fatal(err)
	}
	names = listDir(t, dir)
	for _, gone := range []string{IndexName(rev2.Index), PartName(rev2.Parts[1])} {
		if slices.Contains(names, gone) {
			t.Errorf("%s stayed with keep 0", gone)
		}
	}
	if !slices.Contains(names, PartName(rev3.Parts[0])) {
		t.Errorf("the current part was removed")
	}
}

// The tree writes revocation parts, then the index, before the bundle and
// the pointer: the object-store publisher uploads in this order.
func TestNewTreeRevocationOrder(t *testing.T) {
	p := loadPKI(t)
	rev, _, err := BuildRevocations(RevocationOptions{Entries: revgen.Entries(10, revgen.KIDs(7), revocation.UCI), Key: p.key, Sequence: 5, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := NewTree(bundleAt(t, 5, 0), WithRevocations(rev))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, f := range tree.Files {
		switch {
		case strings.HasSuffix(f.Name, ".part"):
			order = append(order, "part")
		case strings.HasSuffix(f.Name, ".index"):
			order = append(order, "index")
		case strings.HasSuffix(f.Name, ".cose"):
			order = append(order, "bundle")
		case f.Name == PointerName:
			order = append(order, "pointer")
		}
		if IsPartName(f.Name) != (f.Kind == KindPart) {
			t.Errorf("%s: kind %v", f.Name, f.Kind)
		}
	}
	if want := []string{"part", "index", "bundle", "pointer"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	// An old reader's Pointer (without the field) ignores it.
	var old struct {
		Sequence uint64 `json:"sequence"`
		Bundle   string `json:"bundle"`
		SHA256   string `json:"sha256"`
	}
	if err := strictJSON(tree.File(PointerName).Data, &old); err != nil || old.Bundle != tree.Pointer.Bundle {
		t.Errorf("an old reader: %+v, %v", old, err)
	}
	var raw map[string]any
	json.Unmarshal(tree.File(PointerName).Data, &raw)
	if raw["revocations"] == nil {
		t.Error("the pointer names no revocation index")
	}
	// A bundle is not an index, nor an index a bundle.
	if _, err := trustlist.ParseRevocationIndexUnverified(bundleAt(t, 5, 0)); err == nil {
		t.Error("a bundle read as a revocation index")
	}
	if _, err := trustlist.ParseUnverified(rev.Index); err == nil {
		t.Error("a revocation index read as a bundle")
	}
	// An empty list is an empty signed index.
	empty, rep, err := BuildRevocations(RevocationOptions{Key: p.key, Now: testNow})
	if err != nil || len(empty.Parts) != 0 || rep.Entries != 0 {
		t.Fatalf("empty: %+v, %v", rep, err)
	}
}
