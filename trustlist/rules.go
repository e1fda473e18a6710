package trustlist

import "github.com/passcheck/passcheck/trustlist/internal/wire"

// RuleSources returns the raw CBOR of the bundle's business rules (payload
// key 11) and value sets (key 10), or nil for a key the bundle does not
// carry; package rules reads them (rules.ReadBundle). They are covered by
// the bundle's signature, sequence and expiry like the signers; a reader
// of an earlier release skips both keys.
//
// Builds also write the rules and value sets as JSON text under keys 7
// and 6, for readers of the previous release, which read them there only;
// this reader does not read those keys. A bundle with neither key 11 nor
// key 10 but with keys 7 and 6 gives those instead, which rules.ReadBundle
// refuses: such a bundle carries rules that this reader does not read, and
// must not pass for one without rules (technical checks only).
func (l *List) RuleSources() (rules, valueSets []byte) {
	r, v := uint64(wire.KeyRules), uint64(wire.KeyValueSets)
	if l.reserved[r] == nil && l.reserved[v] == nil {
		r, v = wire.KeyRulesJSON, wire.KeyValueSetsJSON
	}
	return l.Reserved(r), l.Reserved(v)
}
