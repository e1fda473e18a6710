package revocation

import (
	"crypto/sha256"

	"github.com/passcheck/passcheck/trustlist"
)

// NewStatus returns the revocation data of index ix, loaded and verified
// by [trustlist.LoadRevocationIndex], whose parts' bytes are parts (same
// order; nil for a part that could not be fetched). Each part is checked
// against the size and SHA-256 the index gives before it is decoded; a part that is missing, does not
// match or does not decode is left out, and named in [Status.Problem], so that the list is reported
// stale (amber) and never taken as complete. The parts that do check out
// are still looked up.
func NewStatus(ix *trustlist.RevocationIndex, parts [][]byte) *Status {
	set := &Set{}
	bad, problem := 0, ""
	for i, ref := range ix.Parts {
		why := "could not be fetched"
		if i < len(parts) && parts[i] != nil {
			why = "does not match the index's SHA-256"
			if len(parts[i]) == ref.Size && sha256.Sum256(parts[i]) == ref.SHA256 {
				why = ""
				if err := set.AddPart(parts[i]); err != nil {
					why = "was refused: " + err.Error()
				}
			}
		}
		if why != "" {
			if bad == 0 {
				problem = num("part ", uint64(i+1), num(" of ", uint64(len(ix.Parts)), " "+why))
			}
			bad++
		}
	}
	if bad > 1 {
		problem += num(" (and ", uint64(bad-1), " more parts)")
	}
	return &Status{Set: set, Loaded: true, Sequence: ix.Sequence, IssuedAt: ix.IssuedAt, ExpiresAt: ix.ExpiresAt, Problem: problem}
}
