package revocation

import (
	"bytes"
	"sort"
)

// Layout tunes [PlanParts]: when the parts published so far are kept and
// one delta part is added to them, and when they are compacted into one.
type Layout struct {
	// MaxParts caps the parts of a list (default 12).
	MaxParts int
	// MaxDeltaShare is the share of entries that may sit in delta parts
	// (every part after the first) before they are compacted (default
	// 0.25).
	MaxDeltaShare float64
	// MaxLeftover is the share of entries that may stay in published parts
	// after their source stopped listing them (an expired batch, whose
	// passes have expired too) before the parts are compacted (default
	// 0.05).
	MaxLeftover float64
}

// Plan is the parts of a revocation list, as [PlanParts] lays them out.
type Plan struct {
	// Parts are every part of the list, in order: the ones published
	// before that are kept, then the new ones.
	Parts [][]byte
	// New is how many of the last Parts are new.
	New int
	// Compacted tells whether the published parts were replaced by one.
	Compacted bool
	// Entries counts the entries of every part (leftovers included);
	// Added the new ones; Leftover those still in kept parts that no
	// source lists any more.
	Entries, Added, Leftover int
}

// PlanParts lays out the parts that publish entries, given the parts
// published before (prev, in order; none for a first list). A daily update
// re-downloads little: the entries not in prev go into one new delta part
// appended to prev, whose clients already have those. The parts are
// compacted into one instead when there is no prev, when a withdrawn entry
// (of a batch the gateway marked deleted: its passes are honest again) is
// in prev, when a prev part does not decode, when a group would outgrow the
// prefix width its earlier parts keep, or past the limits of l.
func PlanParts(entries []Entry, prev [][]byte, withdrawn []Entry, l Layout) (*Plan, error) {
	if l.MaxParts <= 0 {
		l.MaxParts = 12
	}
	if l.MaxDeltaShare <= 0 {
		l.MaxDeltaShare = 0.25
	}
	if l.MaxLeftover <= 0 {
		l.MaxLeftover = 0.05
	}
	now, err := NewSet(entries)
	if err != nil {
		return nil, err
	}
	compact := func() (*Plan, error) {
		p := &Plan{Compacted: true, Entries: now.Len(), Added: now.Len()}
		if now.Len() > 0 {
			p.Parts, p.New = [][]byte{EncodePart(now)}, 1
		}
		return p, nil
	}
	if len(prev) == 0 || len(prev)+1 > l.MaxParts {
		return compact()
	}
	old := &Set{}
	deltaEntries := 0
	for i, b := range prev {
		before := old.Len()
		if err := old.AddPart(b); err != nil {
			return compact()
		}
		if i > 0 {
			deltaEntries += old.Len() - before
		}
	}
	for _, e := range withdrawn {
		if g := old.groups[keyOf(e.KID, e.Type)]; g != nil && g.contains(e.Sum[:]) {
			return compact()
		}
	}
	var added []Entry
	addedBy := map[groupKey]int{}
	for _, e := range entries {
		k := keyOf(e.KID, e.Type)
		if g := old.groups[k]; g == nil || !g.contains(e.Sum[:]) {
			added = append(added, e)
			addedBy[k]++
		}
	}
	leftover := 0
	for k, g := range old.groups {
		ng := now.groups[k]
		for i := 0; i < g.len(); i++ {
			if ng == nil || !hasPrefix(ng, g.sums[i*g.width:(i+1)*g.width]) {
				leftover++
			}
		}
	}
	total := old.Len() + len(added)
	for k, n := range addedBy {
		if g := old.groups[k]; g != nil && Width(g.len()+n) > g.width {
			return compact()
		}
	}
	if float64(deltaEntries+len(added)) > l.MaxDeltaShare*float64(total) || float64(leftover) > l.MaxLeftover*float64(total) {
		return compact()
	}
	p := &Plan{Parts: prev, Entries: total, Added: len(added), Leftover: leftover}
	if len(added) == 0 {
		return p, nil
	}
	delta, err := newSet(added, func(k groupKey, n int) int {
		if g := old.groups[k]; g != nil {
			return g.width
		}
		// A new group: room for it to grow fourfold before the width
		// forces a compaction.
		return Width(4 * n)
	})
	if err != nil {
		return nil, err
	}
	p.Parts = append(append([][]byte(nil), prev...), EncodePart(delta))
	p.New = 1
	return p, nil
}

// hasPrefix reports whether g holds an entry that agrees with rec on their
// common prefix length.
func hasPrefix(g *group, rec []byte) bool {
	w := min(g.width, len(rec))
	n := g.len()
	i := sort.Search(n, func(i int) bool { return bytes.Compare(g.sums[i*g.width:i*g.width+w], rec[:w]) >= 0 })
	return i < n && bytes.Equal(g.sums[i*g.width:i*g.width+w], rec[:w])
}
