package main

import (
	"strconv"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/jsontext"
	"github.com/passcheck/passcheck/internal/rfc3339"
)

// appendJSON appends the JSON text of a JSON-shaped tree (map[string]any,
// []any, string, float64, int64, int, bool, nil; what Result.Certificate
// holds) to b. Handing JavaScript one string for JSON.parse is cheaper than
// building the object with one syscall/js call per field, and it keeps
// encoding/json (and its reflection) out of the module. Keys are sorted, as
// encoding/json sorts them. A value of another type, or a non-finite
// number, is written as null.
func appendJSON(b []byte, v any) []byte { return jsontext.AppendValue(b, v, nil) }

// appendResult appends the JSON text of r, the same as encoding/json's
// after parsing, written from the struct: no tree of maps to build
// and no keys to sort, which made up most of the cost of a Result in
// Go-WebAssembly. The certificate is transcoded from its CBOR, in the
// pass's order of keys; without that (a Result not from a pass), it goes
// through appendJSON.
func appendResult(b []byte, r *dcc.Result) []byte {
	b = append(b, `{"valid":`...)
	b = strconv.AppendBool(b, r.Valid)
	b = appendField(b, "verdict", string(r.Verdict))
	b = append(b, `,"errors":`...)
	b = appendMessages(b, r.Errors)
	b = append(b, `,"warnings":`...)
	b = appendMessages(b, r.Warnings)
	b = appendField(b, "kind", string(r.Kind))
	b = appendField(b, "issuer", r.Issuer)
	b = appendField(b, "issuedAt", r.IssuedAt)
	b = appendField(b, "expiresAt", r.ExpiresAt)
	b = appendField(b, "kid", r.KID)
	b = append(b, `,"signer":`...)
	if s := r.Signer; s != nil {
		b = append(b, `{"country":`...)
		b = jsontext.AppendString(b, s.Country)
		b = appendField(b, "subject", s.Subject)
		b = appendField(b, "notBefore", s.NotBefore)
		b = appendField(b, "notAfter", s.NotAfter)
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"holder":`...)
	if h := r.Holder; h != nil {
		b = append(b, `{"familyName":`...)
		b = jsontext.AppendString(b, h.FamilyName)
		b = appendField(b, "givenName", h.GivenName)
		b = appendField(b, "familyNameStd", h.FamilyNameStd)
		b = appendField(b, "givenNameStd", h.GivenNameStd)
		b = appendField(b, "dateOfBirth", h.DateOfBirth)
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"certificate":`...)
	b = appendCertificate(b, r)
	b = append(b, `,"rules":`...)
	b = appendRules(b, r.Rules)
	return append(b, '}')
}

// appendCertificate appends the certificate of r: straight from the pass's
// encoding, since in Go compiled to WebAssembly walking Certificate's maps
// was most of the cost of writing a Result; through appendJSON for a Result
// not from a pass.
func appendCertificate(b []byte, r *dcc.Result) []byte {
	if raw := r.CertificateCBOR(); raw != nil {
		if out, err := cbor.AppendJSON(b, raw, certificateLimits); err == nil {
			return out
		}
	}
	return appendJSON(b, r.Certificate)
}

// certificateLimits bound the transcoding of a certificate; dcc read the
// same bytes within its own, tighter limits already.
var certificateLimits = cbor.Limits{MaxDepth: dcc.MaxCBORDepth, MaxItems: dcc.MaxCBORItems}

// appendField appends ,"name":"value" (name needs no escaping). It is not
// inlined: the appends it makes, copied into each of its many callers, grew
// the module by kilobytes for nothing measurable in speed.
//
//go:noinline
func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return jsontext.AppendString(b, value)
}

func appendMessages(b []byte, ms []dcc.Message) []byte {
	b = append(b, '[')
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = jsontext.AppendString(b, string(m.Code))
		b = appendField(b, "message", m.Message)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendStatus appends the JSON of a trust-list answer (loadTrustList and
// status): {ok, errors, warnings, sequence, sequenceText, issuedAt,
// expiresAt, signers}. sequenceText is the sequence in decimal: a number
// above 2^53 does not survive JSON.parse exactly, and the pages compare
// sequences exactly (their rollback memory).
// Whole numbers and the RFC 3339 dates are written directly: strconv's
// float formatting and time.Format are code that V8 would otherwise compile
// on the first loadTrustList, which is part of the start-up.
func appendStatus(b []byte, out loadOutcome) []byte {
	var seq uint64
	var issued, expires time.Time
	n := 0
	if l := out.List; l != nil {
		seq, issued, expires, n = l.Sequence, l.IssuedAt, l.ExpiresAt, l.Len()
	}
	return appendListState(b, out.OK, out.Errors, out.Warnings, "", out.List != nil, seq, issued, expires, "signers", n)
}

// appendListState appends the answer of loadTrustList and of
// loadRevocations: {"ok", "errors", "warnings", then extra (pre-written
// fields, each with its leading comma), "sequence", "sequenceText",
// "issuedAt", "expiresAt", and the count under countName}, the last five
// empty (null, "", 0) when there is no list (present false).
func appendListState(b []byte, ok bool, errs, warns []dcc.Message, extra string, present bool, seq uint64, issued, expires time.Time, countName string, count int) []byte {
	b = append(b, `{"ok":`...)
	b = strconv.AppendBool(b, ok)
	b = append(b, `,"errors":`...)
	b = appendMessages(b, errs)
	b = append(b, `,"warnings":`...)
	b = appendMessages(b, warns)
	b = append(b, extra...)
	if !present {
		b = append(b, `,"sequence":null,"sequenceText":"","issuedAt":"","expiresAt":"","`...)
		b = append(b, countName...)
		return append(b, `":0}`...)
	}
	b = append(b, `,"sequence":`...)
	b = strconv.AppendUint(b, seq, 10)
	b = append(b, `,"sequenceText":"`...)
	b = strconv.AppendUint(b, seq, 10)
	b = append(b, `","issuedAt":"`...)
	b = rfc3339.Append(b, issued)
	b = append(b, `","expiresAt":"`...)
	b = rfc3339.Append(b, expires)
	b = append(b, `","`...)
	b = append(b, countName...)
	b = append(b, `":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	return append(b, '}')
}
