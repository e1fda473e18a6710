package trustlist

import "github.com/passcheck/passcheck/trustlist/internal/wire"

// RuleSources returns the raw CBOR of the bundle's business rules (payload
// key 7) and value sets (key 6), or nil for a key the bundle does not
// carry; package rules reads them (rules.ReadBundle). They are covered by
// the bundle's signature, sequence and expiry like the signers; a reader
// of an earlier release skips both keys.
func (l *List) RuleSources() (rules, valueSets []byte) {
	return l.Reserved(wire.KeyRules), l.Reserved(wire.KeyValueSets)
}
