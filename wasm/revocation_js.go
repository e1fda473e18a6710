//go:build js && wasm && !norevocation

package main

import (
	"syscall/js"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
)

// Limits on what loadRevocations copies into the module: at most the
// index's 64 parts, and at most 128 MiB of part bytes in all (16 Mi
// entries, revocation.MaxEntries, take about 8 bytes each).
const (
	maxRevocationParts     = 64
	maxRevocationPartBytes = 128 << 20
)

// loadRevocations(index, parts, trustKeysPEM, lastSeenSequence?, why?)
// → {ok, errors, warnings, loaded, sequence, sequenceText, issuedAt,
// expiresAt, entries}. index is the signed revocation index (a Uint8Array),
// or null when it could not be fetched (why: a string saying so); parts are
// its parts in its order, each a Uint8Array, or null for a part that could
// not be fetched. lastSeenSequence is read as loadTrustList's.
func (s *session) jsLoadRevocations(args []js.Value) any {
	now := time.Now()
	why := ""
	if w := arg(args, 4); w.Type() == js.TypeString && strLen(w) <= 1024 {
		why = w.String()
	}
	var index []byte
	var parts [][]byte
	if v := arg(args, 0); !v.IsNull() && !v.IsUndefined() {
		var bad js.Value
		if index, bad = bytesArg(v, "the revocation index", trustlist.MaxIndexSize); !bad.IsNull() {
			return revocationErrorJS(s, bad, now)
		}
		list := arg(args, 1)
		if list.Type() != js.TypeObject || !js.Global().Get("Array").Call("isArray", list).Bool() || list.Length() > maxRevocationParts {
			return revocationErrorJS(s, errorResult(dcc.InputInvalid, "the revocation parts must be an array of at most 64 Uint8Arrays or nulls"), now)
		}
		total := 0
		for i := 0; i < list.Length(); i++ {
			p := list.Index(i)
			if p.IsNull() || p.IsUndefined() {
				parts = append(parts, nil)
				continue
			}
			b, bad := bytesArg(p, "a revocation part", min(revocation.MaxPartSize, maxRevocationPartBytes-total))
			if !bad.IsNull() {
				return revocationErrorJS(s, bad, now)
			}
			total += len(b)
			parts = append(parts, b)
		}
	}
	pemArg := arg(args, 2)
	if pemArg.Type() != js.TypeString || strLen(pemArg) > 64<<10 {
		return revocationErrorJS(s, errorResult(dcc.InputInvalid, "the trust keys must be a PEM string of at most 64 KiB"), now)
	}
	lastSeen, bad := sequenceArg(arg(args, 3))
	if !bad.IsNull() {
		return revocationErrorJS(s, bad, now)
	}
	return revocationJS(s.loadRevocations(index, parts, pemArg.String(), lastSeen, why, now))
}

// revocations() → the revocation data in use, in loadRevocations' shape.
func (s *session) jsRevocations([]js.Value) any {
	return revocationJS(s.revocationState(time.Now()))
}

// revocationErrorJS answers a call refused for its arguments: the error
// first, then the state of the data in use.
func revocationErrorJS(s *session, r js.Value, now time.Time) js.Value {
	o := revocationJS(s.revocationState(now))
	errs := r.Get("errors")
	for i, e := 0, o.Get("errors"); i < e.Length(); i++ {
		errs.Call("push", e.Index(i))
	}
	o.Set("ok", false)
	o.Set("errors", errs)
	return o
}

func revocationJS(out revocationOutcome) js.Value {
	return jsJSONParse.Invoke(string(appendRevocations(nil, out)))
}

// appendRevocations appends the JSON of a revocationOutcome.
func appendRevocations(b []byte, out revocationOutcome) []byte {
	loaded := `,"loaded":false`
	if out.Loaded {
		loaded = `,"loaded":true`
	}
	return appendListState(b, out.OK, out.Errors, []dcc.Message{}, loaded, out.Loaded, out.Sequence, out.Issued, out.Expires, "entries", out.Entries)
}
