package trustlist

import (
	"errors"

	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// ErrRetiredRules is the error of [List.RuleSources] for a bundle that
// carries its rules only as the JSON text of payload keys 7 and 6, which
// builds before the rules went into CBOR wrote.
var ErrRetiredRules = errors.New("the trust list's rules are JSON text (payload keys 7 and 6), as builds before this release wrote them: build the bundle again")

// RuleSources returns the raw CBOR of the bundle's business rules (payload
// key 11) and value sets (key 10), or nil for a key the bundle does not
// carry; package rules reads them (rules.ReadBundle). They are covered by
// the bundle's signature, sequence and expiry like the signers; a reader
// of an earlier release skips both keys.
//
// Builds also write the rules and value sets as JSON text under keys 7
// and 6, for readers of the previous release, which read them there only;
// this reader does not read those keys. A bundle with neither key 11 nor
// key 10 but with key 7 or 6 gives [ErrRetiredRules]: it carries rules that
// this reader does not read, and must not pass for one without rules
// (technical checks only).
func (l *List) RuleSources() (rules, valueSets []byte, err error) {
	rules, valueSets = l.Reserved(wire.KeyRules), l.Reserved(wire.KeyValueSets)
	if rules == nil && valueSets == nil && (l.reserved[wire.KeyRulesJSON] != nil || l.reserved[wire.KeyValueSetsJSON] != nil) {
		return nil, nil, ErrRetiredRules
	}
	return rules, valueSets, nil
}
