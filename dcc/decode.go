package dcc

import (
	"errors"
	"math"
	"strings"
	"time"

	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/cose"
	zinflate "github.com/passcheck/passcheck/internal/inflate"
)

// Prefix is the context identifier of an EU DCC QR code (hcert §4.2).
const Prefix = "HC1:"

// COSE algorithm identifiers (RFC 9053, RFC 8230).
const (
	AlgES256 = -7  // ECDSA P-256 with SHA-256
	AlgPS256 = -37 // RSASSA-PSS with SHA-256
)

// CWT claim keys (RFC 8392) and the hcert claim (hcert §3.3.1).
const (
	claimIss   = 1
	claimExp   = 4
	claimIat   = 6
	claimHcert = -260
	hcertDCCv1 = 1
)

// limits bound every CBOR item a pass holds.
var limits = cbor.Limits{MaxDepth: MaxCBORDepth, MaxItems: MaxCBORItems}

// coseOptions read a pass's COSE_Sign1: tagged or not, in a CWT tag or not,
// alg and kid from the unprotected header when the protected one lacks
// them (hcert §3.3.1).
var coseOptions = cose.Options{Limits: limits, UnprotectedFallback: true}

// Pass is a decoded pass. Nothing in it is trusted until [Verify] has run.
type Pass struct {
	// Text is the QR text as decoded, with surrounding whitespace removed.
	Text string

	// Alg is the COSE algorithm, from the protected header, or the
	// unprotected one when the protected header has none. 0 if absent.
	Alg int64
	// KID is the key identifier, from the protected header, or the
	// unprotected one only when the protected header has none (hcert §3.3.1).
	KID []byte

	// Issuer is the CWT iss claim (the issuing country).
	Issuer string
	// IssuedAt and ExpiresAt are the CWT iat and exp claims; zero when absent.
	IssuedAt, ExpiresAt time.Time

	// Certificate is the DCC payload as decoded, as a JSON-shaped tree
	// (map[string]any, []any, string, int64, float64, bool, nil): unknown
	// fields, empty strings and untrimmed values included.
	Certificate any

	protected []byte // the protected header bytes, exactly as received
	payload   []byte // the CWT bytes
	signature []byte
	claims    bool // the claims were read (DecodeClaims ran without error)
	// certificateCBOR is the encoding of Certificate, a part of payload.
	certificateCBOR []byte
	claimsErr       error // why they could not be read
}

// Decode parses the text of an HC1 QR code through base45, zlib, COSE_Sign1
// and CWT to the DCC payload. It checks no signature, clock or schema: use
// [Verify] for that. The error is an *[Error] whose Code names the failed step.
func Decode(text string) (*Pass, error) {
	p, err := DecodeEnvelope(text)
	if err != nil {
		return nil, err
	}
	if err := p.DecodeClaims(); err != nil {
		return nil, err
	}
	return p, nil
}

// DecodeEnvelope is the first half of [Decode]: it parses the text through
// base45, zlib and COSE_Sign1 only, so that Alg, KID, [Pass.ToBeSigned] and
// [Pass.Signature] are set, but not the claims (Issuer, IssuedAt, ExpiresAt)
// nor the Certificate. It is for a caller that checks the signature
// elsewhere (WebCrypto in a browser) and wants to start that check before
// the rest is read; [Pass.DecodeClaims] reads the rest, and [Verify] calls
// it when the caller did not.
func DecodeEnvelope(text string) (*Pass, error) {
	if len(text) > MaxInputLen {
		return nil, errorf(InputTooLarge, "input of %d bytes is longer than the %d allowed", len(text), MaxInputLen)
	}
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, Prefix) {
		return nil, &Error{Code: PrefixInvalid}
	}
	compressed, err := base45.Decode(text[len(Prefix):])
	if err != nil {
		return nil, &Error{Code: Base45Invalid, Err: err}
	}
	raw, err := inflate(compressed)
	if err != nil {
		return nil, err
	}
	p := &Pass{Text: text}
	if err := p.parseCOSE(raw); err != nil {
		return nil, err
	}
	return p, nil
}

// DecodeClaims reads the CWT claims and the DCC payload of a pass from
// [DecodeEnvelope], the second half of [Decode]. It does the work once: a
// later call returns the first call's error. The error is an *[Error] with
// Code [CBORInvalid].
func (p *Pass) DecodeClaims() error {
	if !p.claims && p.claimsErr == nil {
		if err := p.parseCWT(); err != nil {
			p.claimsErr = err
		} else {
			p.claims = true
		}
	}
	return p.claimsErr
}

// inflate decompresses zlib data, refusing more than MaxDecompressed bytes
// and anything after the stream's checksum.
func inflate(b []byte) ([]byte, error) {
	out, n, err := zinflate.Zlib(b, MaxDecompressed)
	switch {
	case err == zinflate.ErrTooLarge:
		return nil, errorf(CompressionInvalid, "decompressed content is larger than %d bytes", MaxDecompressed)
	case err != nil:
		return nil, &Error{Code: CompressionInvalid, Err: err}
	case n < len(b):
		return nil, errorf(CompressionInvalid, "%d bytes after the end of the zlib stream", len(b)-n)
	}
	return out, nil
}

// parseCOSE reads a COSE_Sign1 message (RFC 9052 §4.2): untagged, tag 18,
// or tag 61 around tag 18.
func (p *Pass) parseCOSE(raw []byte) error {
	m, err := cose.Decode(raw, coseOptions)
	if err != nil {
		return &Error{Code: COSEInvalid, Err: err}
	}
	if len(m.Signature) == 0 {
		return errorf(COSEInvalid, "missing signature")
	}
	p.Alg, p.KID = m.Alg, m.KID
	p.protected, p.payload, p.signature = m.Protected, m.Payload, m.Signature
	return nil
}

// parseCWT reads the CWT claims (RFC 8392) and the DCC payload from p.payload.
func (p *Pass) parseCWT() error {
	// The DCC payload is read straight into its JSON-shaped tree.
	v, raw, err := cbor.DecodeJSONAt(p.payload, limits, claimHcert, hcertDCCv1)
	if err != nil {
		return errorf(CBORInvalid, "CWT claims: %v", err)
	}
	claims, ok := v.(map[any]any)
	if !ok {
		return errorf(CBORInvalid, "CWT claims are not a map")
	}
	if iss, present := claims[int64(claimIss)]; present {
		if p.Issuer, ok = iss.(string); !ok {
			return errorf(CBORInvalid, "iss claim is not a text string")
		}
	}
	if p.IssuedAt, err = cwtTime(claims, claimIat); err != nil {
		return errorf(CBORInvalid, "iat claim: %v", err)
	}
	if p.ExpiresAt, err = cwtTime(claims, claimExp); err != nil {
		return errorf(CBORInvalid, "exp claim: %v", err)
	}
	hcert, ok := claims[int64(claimHcert)].(map[any]any)
	if !ok {
		return errorf(CBORInvalid, "no hcert claim (-260) holding a map")
	}
	dcc, ok := hcert[int64(hcertDCCv1)]
	if !ok {
		return errorf(CBORInvalid, "hcert claim has no DCC (key 1)")
	}
	if _, ok := dcc.(map[string]any); !ok {
		return errorf(CBORInvalid, "DCC payload is not a map")
	}
	p.Certificate, p.certificateCBOR = dcc, raw
	return nil
}

// cwtTime reads a NumericDate claim (RFC 8392 §2): an integer, or — from
// some issuers, against the specification — a floating-point number.
func cwtTime(claims map[any]any, key int64) (time.Time, error) {
	v, present := claims[key]
	if !present {
		return time.Time{}, nil
	}
	switch n := v.(type) {
	case int64:
		if n > math.MaxInt64/2 || n < math.MinInt64/2 {
			return time.Time{}, errors.New("out of range")
		}
		return time.Unix(n, 0).UTC(), nil
	case float64:
		// float per the spec's "NumericDate", seen e.g. from some national issuers
		if math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) > 1e15 {
			return time.Time{}, errors.New("out of range")
		}
		sec, frac := math.Modf(n)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, errors.New("not a number")
}
