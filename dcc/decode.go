package dcc

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/internal/base45"
)

// Prefix is the context identifier of an EU DCC QR code (hcert §4.2).
const Prefix = "HC1:"

// COSE header labels and algorithm identifiers (RFC 9052, RFC 9053, RFC 8230).
const (
	headerAlg = 1
	headerKID = 4

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

// CBOR tags of a signed message: COSE_Sign1 (18), and CWT (61) which some
// issuers put around it.
const (
	tagCOSESign1 = 18
	tagCWT       = 61
)

var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  MaxCBORDepth,
		MaxArrayElements: MaxCBORItems,
		MaxMapPairs:      MaxCBORItems,
		IndefLength:      cbor.IndefLengthAllowed,
		TagsMd:           cbor.TagsAllowed,
		DefaultMapType:   reflect.TypeOf(map[string]any(nil)),
		UTF8:             cbor.UTF8RejectInvalid,
		IntDec:           cbor.IntDecConvertSigned,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

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
}

// Decode parses the text of an HC1 QR code through base45, zlib, COSE_Sign1
// and CWT to the DCC payload. It checks no signature, clock or schema: use
// [Verify] for that. The error is an *[Error] whose Code names the failed step.
func Decode(text string) (*Pass, error) {
	if len(text) > MaxInputLen {
		return nil, errorf(PrefixInvalid, "input of %d bytes is longer than the %d allowed", len(text), MaxInputLen)
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
	if err := p.parseCWT(); err != nil {
		return nil, err
	}
	return p, nil
}

// zlibReaders keeps inflaters for reuse: each holds a 32 KiB window, the
// largest allocation of a decode.
var zlibReaders sync.Pool

// inflate decompresses zlib data, refusing more than MaxDecompressed bytes.
func inflate(b []byte) ([]byte, error) {
	var zr io.ReadCloser
	var err error
	if v, ok := zlibReaders.Get().(io.ReadCloser); ok {
		zr, err = v, v.(zlib.Resetter).Reset(bytes.NewReader(b), nil)
	} else {
		zr, err = zlib.NewReader(bytes.NewReader(b))
	}
	if err != nil {
		return nil, &Error{Code: CompressionInvalid, Err: err}
	}
	defer zlibReaders.Put(zr)
	out, err := io.ReadAll(io.LimitReader(zr, MaxDecompressed+1))
	if err != nil {
		return nil, &Error{Code: CompressionInvalid, Err: err}
	}
	if len(out) > MaxDecompressed {
		return nil, errorf(CompressionInvalid, "decompressed content is larger than %d bytes", MaxDecompressed)
	}
	return out, nil
}

// sign1 is COSE_Sign1 (RFC 9052 §4.2) without its tag.
type sign1 struct {
	_           struct{} `cbor:",toarray"`
	Protected   []byte
	Unprotected cbor.RawMessage
	Payload     []byte
	Signature   []byte
}

// parseCOSE reads a COSE_Sign1 message: untagged, tag 18, or tag 61 around
// tag 18.
func (p *Pass) parseCOSE(raw []byte) error {
	body, err := untag(raw)
	if err != nil {
		return err
	}
	var msg sign1
	if err := decMode.Unmarshal(body, &msg); err != nil {
		return &Error{Code: COSEInvalid, Err: err}
	}
	if msg.Payload == nil {
		return errorf(COSEInvalid, "detached or missing payload")
	}
	if len(msg.Signature) == 0 {
		return errorf(COSEInvalid, "missing signature")
	}
	prot, err := parseHeader(msg.Protected, true)
	if err != nil {
		return err
	}
	unprot, err := parseHeader(msg.Unprotected, false)
	if err != nil {
		return err
	}
	p.Alg, p.KID = prot.alg, prot.kid
	if !prot.hasAlg {
		p.Alg = unprot.alg
	}
	if !prot.hasKID {
		p.KID = unprot.kid
	}
	p.protected, p.payload, p.signature = msg.Protected, msg.Payload, msg.Signature
	return nil
}

// untag strips tag 61 and tag 18 from a signed message: both are optional,
// and tag 61 may only stand around tag 18 or an untagged message.
func untag(raw []byte) ([]byte, error) {
	for _, want := range []uint64{tagCWT, tagCOSESign1} {
		if len(raw) == 0 || raw[0]>>5 != 6 { // not major type 6: no tag
			return raw, nil
		}
		var t cbor.RawTag
		if err := decMode.Unmarshal(raw, &t); err != nil {
			return nil, &Error{Code: COSEInvalid, Err: err}
		}
		if t.Number != want && t.Number != tagCOSESign1 {
			return nil, errorf(COSEInvalid, "CBOR tag %d is not COSE_Sign1", t.Number)
		}
		raw = t.Content
		if t.Number == tagCOSESign1 {
			return raw, nil
		}
	}
	return raw, nil
}

type header struct {
	alg            int64
	kid            []byte
	hasAlg, hasKID bool
}

// parseHeader reads alg and kid from a COSE header: for the protected one, a
// byte string holding a map (empty means an empty map); for the unprotected
// one, a map.
func parseHeader(b []byte, protected bool) (header, error) {
	var h header
	if len(b) == 0 {
		if protected {
			return h, nil
		}
		return h, errorf(COSEInvalid, "missing unprotected header")
	}
	var m map[any]cbor.RawMessage
	dm := headerDecMode
	if err := dm.Unmarshal(b, &m); err != nil {
		return h, &Error{Code: COSEInvalid, Err: err}
	}
	for k, v := range m {
		label, ok := k.(int64)
		if !ok {
			continue // text labels are application-defined; hcert uses none
		}
		switch label {
		case headerAlg:
			if err := dm.Unmarshal(v, &h.alg); err != nil {
				return h, errorf(COSEInvalid, "alg header is not an integer: %v", err)
			}
			h.hasAlg = true
		case headerKID:
			if err := dm.Unmarshal(v, &h.kid); err != nil {
				return h, errorf(COSEInvalid, "kid header is not a byte string: %v", err)
			}
			h.hasKID = true
		}
	}
	return h, nil
}

// headerDecMode decodes header maps with integer or text labels.
var headerDecMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  MaxCBORDepth,
		MaxArrayElements: MaxCBORItems,
		MaxMapPairs:      MaxCBORItems,
		IntDec:           cbor.IntDecConvertSigned,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

// parseCWT reads the CWT claims and the DCC payload from p.payload.
func (p *Pass) parseCWT() error {
	var claims map[any]cbor.RawMessage
	if err := headerDecMode.Unmarshal(p.payload, &claims); err != nil {
		return errorf(CBORInvalid, "CWT claims are not a CBOR map: %v", err)
	}
	claim := func(key int64) (cbor.RawMessage, bool) {
		v, ok := claims[key]
		return v, ok
	}
	if v, ok := claim(claimIss); ok {
		if err := headerDecMode.Unmarshal(v, &p.Issuer); err != nil {
			return errorf(CBORInvalid, "iss claim is not a text string")
		}
	}
	var err error
	if p.IssuedAt, err = cwtTime(claim(claimIat)); err != nil {
		return errorf(CBORInvalid, "iat claim: %v", err)
	}
	if p.ExpiresAt, err = cwtTime(claim(claimExp)); err != nil {
		return errorf(CBORInvalid, "exp claim: %v", err)
	}
	hraw, ok := claim(claimHcert)
	if !ok {
		return errorf(CBORInvalid, "no hcert claim (-260)")
	}
	var hcert map[any]cbor.RawMessage
	if err := headerDecMode.Unmarshal(hraw, &hcert); err != nil {
		return errorf(CBORInvalid, "hcert claim is not a map: %v", err)
	}
	draw, ok := hcert[int64(hcertDCCv1)]
	if !ok {
		return errorf(CBORInvalid, "hcert claim has no DCC (key 1)")
	}
	var v any
	if err := decMode.Unmarshal(draw, &v); err != nil {
		return errorf(CBORInvalid, "DCC payload: %v", err)
	}
	p.Certificate = jsonValue(v)
	if _, ok := p.Certificate.(map[string]any); !ok {
		return errorf(CBORInvalid, "DCC payload is not a map")
	}
	return nil
}

// cwtTime reads a NumericDate (RFC 8392 §2): an integer, or — from some
// issuers, against the specification — a floating-point number.
func cwtTime(raw cbor.RawMessage, present bool) (time.Time, error) {
	if !present {
		return time.Time{}, nil
	}
	var v any
	if err := headerDecMode.Unmarshal(raw, &v); err != nil {
		return time.Time{}, err
	}
	switch n := v.(type) {
	case int64:
		return time.Unix(n, 0).UTC(), nil
	case uint64:
		if n > math.MaxInt64/2 {
			return time.Time{}, errors.New("out of range")
		}
		return time.Unix(int64(n), 0).UTC(), nil
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

// jsonValue turns a decoded CBOR value into a JSON-shaped tree: maps with
// text keys, arrays, strings, int64, float64, bool and nil. Byte strings
// become standard base64 (as encoding/json would); tags are replaced by their
// content; non-finite floats and other simple values become nil.
func jsonValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonValue(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = jsonValue(e)
		}
		return x
	case string, bool, int64, nil:
		return x
	case uint64:
		return float64(x)
	case float32:
		return jsonValue(float64(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case []byte:
		return base64Std(x)
	case cbor.Tag:
		return jsonValue(x.Content)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return nil
}
