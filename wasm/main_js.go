//go:build js && wasm

// Command wasm is the passcheck verifier compiled to WebAssembly
// (GOOS=js GOARCH=wasm; make wasm builds dist/passcheck.wasm). It only
// marshals between JavaScript values and the packages dcc, trustlist and
// qrimage, and recovers every panic into an error result, so that no input
// can stop the module.
//
// After go.run it sets globalThis.passcheck (see site/js/passcheck.d.ts for
// the types, docs/wasm.md for the guide):
//
//	version                                   the build's version string
//	loadTrustList(bundle, trustKeysPEM, lastSeenSequence?, {graceSeconds}?)
//	                                          → {ok, errors, warnings, sequence, sequenceText, issuedAt, expiresAt, signers}
//	                                          (lastSeenSequence: a number up to 2^53 or a decimal string up to 2^64-1;
//	                                          sequenceText: the sequence in decimal, exact above 2^53)
//	status()                                  → the same for the list in use
//	loadRevocations(index, parts, trustKeysPEM, lastSeenSequence?, why?)
//	                                          → {ok, errors, warnings, loaded, sequence, sequenceText, issuedAt, expiresAt, entries}
//	                                          (the signed revocation index and its parts; revocation_js.go)
//	revocations()                             → the same for the revocation data in use
//	verify(text, atMillis?)                   → Result, as passcheck verify --json
//	jwk(handle)                               → the JSON Web Key of a key handle (see exports_js.go), or null
//	id                                        the session's number, for the exported functions
//	scanImage(rgba, width, height, frame?)    → QR text, an array of texts (a picture of several codes), null, or an error Result (frame: a live camera frame, read by the quicker ladder, one code)
//	newSession()                              → another object with these functions and its own trust list
//	free()                                    frees the session: its trust list and its functions (which throw after)
//	sha256(bytes)                             → the SHA-256 of a Uint8Array (at most a bundle's size) in hex, or an error Result
//	qr                                        false in the build without the QR decoder (-tags noqr)
//	warmUp(webCrypto?)                        verifies a built-in pass once along this session's path (its list's state,
//	                                          revocation data and rules), so that the first scan is fast → whether it ran
//	rules({country, region}?)                 chooses the rule country (none: technical check only) → the rules in use
//	evalRule(ruleJSON, dataJSON)              → {result, error}: one rule on {"payload", "external"}, as a rule test
//
// Errors are Result-shaped objects ({valid: false, errors: [{code, message}],
// ...}); nothing is thrown.
//
// The ES module's verify goes through WebAssembly exports instead
// (exports_js.go): a call through syscall/js costs about 20 µs, an export
// well under one.
package main

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"syscall/js"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// version is set with -ldflags "-X main.version=...".
var version = "dev"

var (
	jsUint8Array        = js.Global().Get("Uint8Array")
	jsUint8ClampedArray = js.Global().Get("Uint8ClampedArray")
	jsObject            = js.Global().Get("Object")
	jsJSONParse         = js.Global().Get("JSON").Get("parse").Call("bind", js.Global().Get("JSON"))
	// String.prototype.lastIndexOf.call, and "", for strLen.
	jsLastIndexOf = js.Global().Get("Function").Get("prototype").Get("call").Call("bind", js.Global().Get("String").Get("prototype").Get("lastIndexOf"))
	jsEmpty       = js.ValueOf("")
)

func main() {
	// The collector shares WebAssembly's one thread with the verifier: at the
	// default GOGC=100 (a ~4 MB live heap, mostly tables) it took about a
	// third of each verify in Node (ES256 median 2.1 ms → 1.4 ms at 400), for
	// a heap of ~23 MB instead of ~12.
	debug.SetGCPercent(400)
	// But a phone is not a desktop: past 192 MiB (a few full-size camera
	// frames in flight) collect as often as it takes.
	debug.SetMemoryLimit(192 << 20)
	shared = sharedFuncs{
		scanImage:  safe(jsScanImage),
		newSession: safe(func([]js.Value) any { return api(newSession()) }),
		sha256:     safe(jsSHA256),
		evalRule:   safe(jsEvalRule),
	}
	js.Global().Set("passcheck", api(newSession()))
	select {} // keep the functions alive
}

// sharedFuncs are the functions that act on no session: one of each for
// the module, shared by every session's object.
type sharedFuncs struct{ scanImage, newSession, sha256, evalRule js.Func }

var shared sharedFuncs

// api returns the JavaScript object whose functions act on s. Its free()
// frees s and releases the functions made for it, so that neither the
// session nor its trust list outlives the verifier that used it.
func api(s *session) js.Value {
	o := jsObject.New()
	var own []js.Func
	set := func(name string, f func([]js.Value) any) { own = setFunc(o, own, name, f) }
	o.Set("version", version)
	o.Set("qr", qrDecoder)
	set("loadTrustList", s.jsLoadTrustList)
	set("status", s.jsStatus)
	set("verify", s.jsVerify)
	set("jwk", s.jsJWK)
	set("rules", s.jsRules) // rules_js.go
	set("loadRevocations", s.jsLoadRevocations)
	set("revocations", s.jsRevocations)
	set("warmUp", func(args []js.Value) any { return s.warmUp(arg(args, 0).Truthy()) != nil })
	set("free", func([]js.Value) any {
		s.free()
		for _, f := range own {
			f.Release()
		}
		own = nil
		return nil
	})
	o.Set("id", s.id)
	o.Set("scanImage", shared.scanImage)
	o.Set("newSession", shared.newSession)
	o.Set("sha256", shared.sha256)
	o.Set("evalRule", shared.evalRule) // rules_js.go
	return o
}

// sha256(bytes) → hex: the hash of a trust-list bundle, for pages where
// WebCrypto is missing (an insecure context), so that the pointer's
// SHA-256 is checked there too.
func jsSHA256(args []js.Value) any {
	b, bad := bytesArg(arg(args, 0), "the bytes", trustlist.MaxBundleSize)
	if !bad.IsNull() {
		return bad
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// setFunc sets o[name] to f as a JavaScript function (safe) and returns
// own with it appended, for api. Not inlined, as safe.
//
//go:noinline
func setFunc(o js.Value, own []js.Func, name string, f func([]js.Value) any) []js.Func {
	jf := safe(f)
	o.Set(name, jf)
	return append(own, jf)
}

// safe wraps f as a JavaScript function that turns a panic into an
// INTERNAL_ERROR Result, so that the module keeps working. (Not inlined: a
// copy of it and of js.FuncOf at each of api's calls grew the module.)
//
//go:noinline
func safe(f func(args []js.Value) any) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = errorResult(dcc.InternalError, fmt.Sprintf("the verifier hit a bug: %v", r))
			}
		}()
		return f(args)
	})
}

// arg returns args[i], or undefined.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// errorResult is a Result holding one error.
func errorResult(code dcc.Code, detail string) js.Value { return resultJS(errResult(code, detail)) }

// resultJS hands r to JavaScript as JSON text for JSON.parse: one string
// crosses the boundary instead of one syscall/js call per field.
func resultJS(r *dcc.Result) js.Value { return jsJSONParse.Invoke(string(appendResult(nil, r))) }

// text reads a pass text argument. A text longer than dcc.MaxInputLen is
// refused before it is copied, as dcc.Decode would refuse it.
func text(v js.Value) (string, js.Value) {
	if v.Type() != js.TypeString {
		return "", errorResult(dcc.InputInvalid, "the text must be a string, not "+v.Type().String())
	}
	// UTF-16 units ≤ UTF-8 bytes, so a text over the limit in units is over it in bytes.
	if strLen(v) > dcc.MaxInputLen {
		return "", resultJS(dcc.ErrorResult(dcc.NewMessage(dcc.InputTooLarge, "")))
	}
	return v.String(), js.Null()
}

// strLen returns the length of a JavaScript string in UTF-16 units without
// copying it into Go. Value.Length works on objects only; the string's
// wrapper object, Object(s), would be one more reference for the collector
// to finalize on every call, so it asks s.lastIndexOf(""), which is the
// length, as a plain number.
func strLen(v js.Value) int { return jsLastIndexOf.Invoke(v, jsEmpty).Int() }

// clock reads an optional validation clock in milliseconds since the epoch.
func clock(v js.Value, now time.Time) (time.Time, js.Value) {
	if v.IsUndefined() || v.IsNull() {
		return now, js.Null()
	}
	if v.Type() != js.TypeNumber {
		return time.Time{}, errorResult(dcc.InputInvalid, "the clock must be milliseconds since 1970, not a "+v.Type().String())
	}
	at, bad := clockMillis(v.Float())
	if bad != nil {
		return time.Time{}, resultJS(bad)
	}
	return at, js.Null()
}

// bytesArg copies a Uint8Array of at most max bytes.
func bytesArg(v js.Value, what string, max int) ([]byte, js.Value) {
	if v.Type() != js.TypeObject || !(v.InstanceOf(jsUint8Array) || v.InstanceOf(jsUint8ClampedArray)) {
		return nil, errorResult(dcc.InputInvalid, what+" must be a Uint8Array")
	}
	n := v.Length()
	if n > max {
		return nil, errorResult(dcc.InputInvalid, fmt.Sprintf("%s has %d bytes, more than %d", what, n, max))
	}
	b := make([]byte, n)
	js.CopyBytesToGo(b, v)
	return b, js.Null()
}

// wholeNumber reads an optional integer in [0, 2^53]; def when absent.
func wholeNumber(v js.Value, what string, def float64) (float64, js.Value) {
	if v.IsUndefined() || v.IsNull() {
		return def, js.Null()
	}
	if v.Type() != js.TypeNumber {
		return 0, errorResult(dcc.InputInvalid, what+" must be a number")
	}
	f := v.Float()
	if math.IsNaN(f) || f < 0 || f > 1<<53 || f != math.Trunc(f) {
		return 0, errorResult(dcc.InputInvalid, what+" must be a whole number from 0 to 2^53")
	}
	return f, js.Null()
}

// sequenceArg reads the last seen sequence: absent (0), a whole number up
// to 2^53, or a decimal string up to 2^64-1 (exact where a number is not).
func sequenceArg(v js.Value) (uint64, js.Value) {
	if v.Type() == js.TypeString {
		t := v.String()
		n, err := strconv.ParseUint(t, 10, 64)
		if err != nil || len(t) > 20 || t == "" || t[0] == '+' {
			return 0, errorResult(dcc.InputInvalid, "the last seen sequence must be a decimal number from 0 to 2^64-1")
		}
		return n, js.Null()
	}
	f, bad := wholeNumber(v, "the last seen sequence", 0)
	return uint64(f), bad
}

// keysArgs reads the pinned keys (a PEM string of at most 64 KiB) and the
// last seen sequence (sequenceArg) that loadTrustList and loadRevocations
// both take.
func keysArgs(pemArg, seqArg js.Value) (pemText string, lastSeen uint64, bad js.Value) {
	if pemArg.Type() != js.TypeString || strLen(pemArg) > 64<<10 {
		return "", 0, errorResult(dcc.InputInvalid, "the trust keys must be a PEM string of at most 64 KiB")
	}
	lastSeen, bad = sequenceArg(seqArg)
	return pemArg.String(), lastSeen, bad
}

// loadTrustList(bundle, trustKeysPEM, lastSeenSequence?, {graceSeconds}?)
func (s *session) jsLoadTrustList(args []js.Value) any {
	bundle, bad := bytesArg(arg(args, 0), "the bundle", trustlist.MaxBundleSize)
	if !bad.IsNull() {
		return loadErrorJS(bad)
	}
	pemText, lastSeen, bad := keysArgs(arg(args, 1), arg(args, 2))
	if !bad.IsNull() {
		return loadErrorJS(bad)
	}
	var grace float64
	if o := arg(args, 3); o.Type() == js.TypeObject {
		if grace, bad = wholeNumber(o.Get("graceSeconds"), "graceSeconds", 0); !bad.IsNull() {
			return loadErrorJS(bad)
		}
	}
	now := time.Now()
	out := s.load(bundle, pemText, lastSeen, time.Duration(min(grace, maxGrace.Seconds()))*time.Second, now)
	return statusJS(out)
}

// loadErrorJS turns an error Result into the shape of loadTrustList's answer.
func loadErrorJS(r js.Value) js.Value {
	return js.ValueOf(map[string]any{
		"ok": false, "errors": r.Get("errors"), "warnings": []any{},
		"sequence": nil, "sequenceText": "", "issuedAt": "", "expiresAt": "", "signers": 0,
	})
}

func statusJS(out loadOutcome) js.Value { return jsJSONParse.Invoke(string(appendStatus(nil, out))) }

// status() → the list in use, in loadTrustList's shape: ok is false when
// verify cannot use it (none loaded, or expired past the grace period).
func (s *session) jsStatus([]js.Value) any {
	st := s.status(time.Now())
	errs, warnings := st.Messages()
	return statusJS(loadOutcome{OK: st.Usable(), Errors: errs, Warnings: warnings, List: s.list})
}

// verify(text, atMillis?)
func (s *session) jsVerify(args []js.Value) any {
	t, bad := text(arg(args, 0))
	if !bad.IsNull() {
		return bad
	}
	now := time.Now()
	at, bad := clock(arg(args, 1), now)
	if !bad.IsNull() {
		return bad
	}
	return resultJS(s.check(t, at, now))
}

// index reads a small whole number argument: -1 when it is not one.
func index(v js.Value) int {
	if v.Type() == js.TypeNumber && v.Float() >= 0 && v.Float() < 1<<20 && v.Float() == math.Trunc(v.Float()) {
		return v.Int()
	}
	return -1
}

// jwk(handle) → the JSON Web Key of a key prepare named, or null
func (s *session) jsJWK(args []js.Value) any {
	h := index(arg(args, 0))
	if k, ok := s.handleKeys[h]; ok {
		if j := jwk(k); j != nil {
			return js.ValueOf(j)
		}
	}
	return nil
}

func bytesJS(b []byte) js.Value {
	a := jsUint8Array.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// jwk returns a public key as a JSON Web Key for WebCrypto's importKey, or
// nil for a key WebCrypto cannot use here.
func jwk(k any) any {
	b64 := base64.RawURLEncoding.EncodeToString
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		// WebCrypto's curve names are the Go ones: P-256, P-384, P-521.
		crv := k.Curve.Params().Name
		var size int
		switch crv {
		case "P-256":
			size = 32
		case "P-384":
			size = 48
		case "P-521":
			size = 66
		default:
			return nil
		}
		// The uncompressed point: 0x04 ‖ X ‖ Y, each size bytes.
		point, err := k.Bytes()
		if err != nil || len(point) != 1+2*size {
			return nil
		}
		x, y := point[1:1+size], point[1+size:]
		return map[string]any{"kty": "EC", "crv": crv, "x": b64(x), "y": b64(y), "ext": true}
	case *rsa.PublicKey:
		e := make([]byte, 0, 8)
		for v := k.E; v > 0; v >>= 8 {
			e = append([]byte{byte(v)}, e...)
		}
		return map[string]any{"kty": "RSA", "n": b64(k.N.Bytes()), "e": b64(e), "ext": true}
	}
	return nil
}

// scanImage(rgba, width, height, frame?) → text, an array of texts for a picture of several codes (not for a frame), null, or an error Result.
// A truthy frame marks a live camera frame: the next one comes in tens of
// milliseconds, so it gets qrimage's quicker ladder (DecodeFrame) instead of
// the full one that an uploaded picture deserves.
func jsScanImage(args []js.Value) any {
	w, bad := wholeNumber(arg(args, 1), "the width", -1)
	if bad.IsNull() {
		var h float64
		if h, bad = wholeNumber(arg(args, 2), "the height", -1); bad.IsNull() {
			return scan(arg(args, 0), int(w), int(h), arg(args, 3).Truthy())
		}
	}
	return bad
}
