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

// jsArray is the page's Array, for the parts' instanceof check.
var jsArray = js.Global().Get("Array")

// loadRevocations(index, parts, trustKeysPEM, lastSeenSequence?, why?)
// → {ok, errors, warnings, loaded, sequence, sequenceText, issuedAt,
// expiresAt, entries}. index is the signed revocation index (a Uint8Array),
// or null when it could not be fetched (why: a string saying so); parts are
// its parts in its order, each a Uint8Array, or null for a part that could
// not be fetched. lastSeenSequence is read as loadTrustList's.
func (s *session) jsLoadRevocations(args []js.Value) any {
	now := time.Now()
	index, parts, pemText, lastSeen, why, bad := revocationArgs(args)
	if !bad.IsNull() {
		// Refused for its arguments: the error, then the data in use.
		e := bad.Get("errors").Index(0)
		m := dcc.Message{Code: dcc.Code(e.Get("code").String()), Message: e.Get("message").String()}
		return revocationJS(s.revocationState(now, &m))
	}
	return revocationJS(s.loadRevocations(index, parts, pemText, lastSeen, why, now))
}

// revocationArgs reads loadRevocations' arguments; bad is an error Result
// (not null) when one of them is refused.
func revocationArgs(args []js.Value) (index []byte, parts [][]byte, pemText string, lastSeen uint64, why string, bad js.Value) {
	if w := arg(args, 4); w.Type() == js.TypeString && strLen(w) <= 1024 {
		why = w.String()
	}
	// null or undefined (any falsy value): no index.
	if v := arg(args, 0); v.Truthy() {
		if index, bad = bytesArg(v, "the revocation index", trustlist.MaxIndexSize); !bad.IsNull() {
			return
		}
		list := arg(args, 1)
		n := -1 // the length, read once: a Proxy could answer another the next time
		if list.InstanceOf(jsArray) {
			n = list.Length()
		}
		if n < 0 || n > maxRevocationParts {
			bad = errorResult(dcc.InputInvalid, "the revocation parts must be an array of at most 64 Uint8Arrays or nulls")
			return
		}
		total := 0
		parts = make([][]byte, n)
		for i := range parts {
			if p := list.Index(i); p.Truthy() {
				if parts[i], bad = bytesArg(p, "a revocation part", min(revocation.MaxPartSize, maxRevocationPartBytes-total)); !bad.IsNull() {
					return
				}
				total += len(parts[i])
			}
		}
	}
	pemText, lastSeen, bad = keysArgs(arg(args, 2), arg(args, 3))
	return index, parts, pemText, lastSeen, why, bad
}

// revocations() → the revocation data in use, in loadRevocations' shape.
func (s *session) jsRevocations([]js.Value) any {
	return revocationJS(s.revocationState(time.Now(), nil))
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
