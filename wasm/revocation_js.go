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
	var index []byte
	var parts [][]byte
	why := ""
	if w := arg(args, 4); w.Type() == js.TypeString && strLen(w) <= 1024 {
		why = w.String()
	}
	pemText, lastSeen, bad := keysArgs(arg(args, 2), arg(args, 3))
	ok := bad.IsNull()
	// null or undefined (any falsy value): no index.
	if v := arg(args, 0); ok && v.Truthy() {
		index, bad = bytesArg(v, "the revocation index", trustlist.MaxIndexSize)
		list := arg(args, 1)
		n := -1 // the length, read once: a Proxy could answer another the next time
		if list.InstanceOf(jsArray) {
			n = list.Length()
		}
		if ok = bad.IsNull() && n >= 0 && n <= maxRevocationParts; ok {
			parts = make([][]byte, n)
		}
		left := maxRevocationPartBytes
		for i := 0; i < len(parts) && ok; i++ {
			if p := list.Index(i); p.Truthy() {
				parts[i], bad = bytesArg(p, "a revocation part", min(revocation.MaxPartSize, left))
				ok, left = bad.IsNull(), left-len(parts[i])
			}
		}
	}
	// Refused for its arguments: the one message that says what they must
	// be, then the data in use.
	refused := &badRevocationArgs
	if ok {
		refused = s.putRevocations(index, parts, pemText, lastSeen, why)
	}
	return revocationJS(s.revocationState(now, refused))
}

// badRevocationArgs is loadRevocations' refusal of any argument it cannot
// use. (A variable, laid out by the linker; revocationState copies it.)
var badRevocationArgs = dcc.Message{Code: dcc.InputInvalid, Message: "loadRevocations takes (index: Uint8Array of at most 64 KiB or null, " +
	"parts: array of at most 64 Uint8Arrays of at most 64 MiB, 128 MiB in all, or nulls, trustKeysPEM: string of at most 64 KiB, " +
	"lastSeenSequence?: whole number or decimal string)"}

// revocations() → the revocation data in use, in loadRevocations' shape.
func (s *session) jsRevocations([]js.Value) any {
	return revocationJS(s.revocationState(time.Now(), nil))
}

// revocationJS hands JavaScript a revocationOutcome as JSON.
func revocationJS(out revocationOutcome) js.Value {
	loaded := `,"loaded":false`
	if out.Loaded {
		loaded = `,"loaded":true`
	}
	return jsJSONParse.Invoke(string(appendListState(nil, out.OK, out.Errors, nil, loaded, out.Loaded, out.Sequence, out.Issued, out.Expires, "entries", out.Entries)))
}
