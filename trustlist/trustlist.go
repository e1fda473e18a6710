// Package trustlist reads the signed trust list: the bundle of document
// signer keys (DSCs) that a verifier trusts, published as a static file.
//
// Start with [Load]: it checks a bundle's signature against a set of pinned
// publisher keys, its format version, its sequence against the last one seen,
// and its expiry, and returns a [*List] that [dcc.Verify] uses as its
// [dcc.KeyProvider]. [ParsePublicKeysPEM] reads the pinned keys.
//
// The package is part of the WebAssembly build: it parses no X.509 (the
// builder in trustlist/build stores each signer's SubjectPublicKeyInfo) and
// imports neither net, os nor encoding/json.
//
// # Security
//
// The checks follow the update workflow of The Update Framework (TUF
// specification §5.3-5.4), one error per attack:
//   - a host or network that adds or changes a key breaks the signature
//     ([SignatureInvalid]); it is checked over the bytes as received, before
//     the payload is parsed;
//   - one that serves an older list is caught by the sequence number
//     ([Rollback]), when the caller keeps the highest sequence it has seen;
//   - one that freezes the list on an old version is caught by its expiry
//     ([Expired]).
//
// Several pinned keys may be given at once, so that the publisher can rotate
// its key: clients pin the old and the new key, then the publisher switches.
package trustlist

import (
	"bytes"
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist/internal/spki"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// decMode reads bundles: duplicate map keys, indefinite lengths and tags
// (other than the leading COSE_Sign1 tag) are refused; sizes are capped.
var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  maxDepth,
		MaxArrayElements: MaxSigners,
		MaxMapPairs:      MaxSigners,
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}()

// List is a loaded trust list. It implements [dcc.KeyProvider]. A List is
// not modified after [Load] returns it and is safe for concurrent use.
type List struct {
	// Sequence is the publisher's version number: it grows with each
	// published list. Keep the highest one seen and pass it to the next
	// [Load].
	Sequence uint64
	// IssuedAt and ExpiresAt bound the time the publisher vouches for the list.
	IssuedAt, ExpiresAt time.Time
	// PublisherKID is the key ID in the bundle's protected header: the first
	// 8 bytes of SHA-256 of the publisher key's SubjectPublicKeyInfo (see
	// [KeyID]). Nil when the bundle names none.
	PublisherKID []byte
	// Warnings are the checks that failed without failing the load: an
	// expiry within the grace period of [WithGrace].
	Warnings []dcc.Message

	byKID    map[string][]dcc.Signer
	n        int
	reserved map[uint64][]byte
}

// Signers returns the trusted signers whose key identifier is kid, or nil.
func (l *List) Signers(kid []byte) []dcc.Signer {
	return slices.Clone(l.byKID[string(kid)])
}

// Len returns the number of signers in the list.
func (l *List) Len() int { return l.n }

// All returns every signer, ordered by country, then key identifier.
func (l *List) All() []dcc.Signer {
	all := make([]dcc.Signer, 0, l.n)
	for _, s := range l.byKID {
		all = append(all, s...)
	}
	slices.SortFunc(all, func(a, b dcc.Signer) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country), bytes.Compare(a.KID, b.KID), cmp.Compare(a.Subject, b.Subject))
	})
	return all
}

// Reserved returns the raw CBOR of a top-level payload key that this version
// does not interpret (value sets, rules, revocations are reserved for later
// versions of the builder), or nil when the bundle has none.
func (l *List) Reserved(key uint64) []byte { return bytes.Clone(l.reserved[key]) }

// Option adjusts [Load].
type Option func(*config)

type config struct {
	grace time.Duration
}

// WithGrace lets a list that expired less than d ago load, with an [Expired]
// warning in [List.Warnings] instead of an error: a kiosk that is offline for
// a while keeps verifying, and says so.
func WithGrace(d time.Duration) Option {
	return func(c *config) { c.grace = max(d, 0) }
}

// Load checks a bundle and returns the trust list it carries. The checks, in
// order, each with its own code in the returned *[dcc.Error]:
//
//  1. size (at most [MaxBundleSize]) and COSE_Sign1 structure: [Invalid];
//  2. the ES256 signature over the bytes as received, by one of pinned (a set
//     of *ecdsa.PublicKey on P-256; others are ignored): [SignatureInvalid];
//  3. the payload's format version: [VersionUnknown];
//  4. the sequence against lastSeenSequence, the highest sequence the caller
//     has accepted before (0 if none): below it is a [Rollback];
//  5. expiry at now (zero: the current time): [Expired], or a warning within
//     the grace period of [WithGrace];
//  6. every signer entry (key identifier, country, dates, key usage, public
//     key): [Invalid].
func Load(bundle []byte, pinned []crypto.PublicKey, now time.Time, lastSeenSequence uint64, opts ...Option) (*List, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if now.IsZero() {
		now = time.Now()
	}
	msg, prot, err := open(bundle)
	if err != nil {
		return nil, err
	}
	if err := verify(msg, prot, pinned); err != nil {
		return nil, err
	}
	p, reserved, err := decodePayload(msg.Payload)
	if err != nil {
		return nil, err
	}
	// TUF §5.4.3: no rollback to an older version.
	if p.Sequence < lastSeenSequence {
		return nil, fail(Rollback, "the list has sequence %d, below %d seen before", p.Sequence, lastSeenSequence)
	}
	l := &List{
		Sequence:     p.Sequence,
		IssuedAt:     time.Unix(p.IssuedAt, 0).UTC(),
		ExpiresAt:    time.Unix(p.ExpiresAt, 0).UTC(),
		PublisherKID: prot.KID,
		reserved:     reserved,
	}
	// TUF §5.4.4: no freeze on an expired version.
	if late := now.Sub(l.ExpiresAt); late > 0 {
		e := fail(Expired, "the list expired at %s, %s ago", l.ExpiresAt.Format(time.RFC3339), ago(late))
		if late > cfg.grace {
			return nil, e
		}
		l.Warnings = append(l.Warnings, dcc.Message{Code: Expired, Message: e.Err.Error()})
	}
	if err := l.fill(p.Signers); err != nil {
		return nil, err
	}
	return l, nil
}

// ParseUnverified reads a bundle without checking its signature, expiry or
// sequence: for tools that show what a bundle holds (passcheck trustlist
// inspect) and for the publisher's own bookkeeping. Never verify a pass
// against the List it returns; use [Load].
func ParseUnverified(bundle []byte) (*List, error) {
	msg, prot, err := open(bundle)
	if err != nil {
		return nil, err
	}
	p, reserved, err := decodePayload(msg.Payload)
	if err != nil {
		return nil, err
	}
	l := &List{
		Sequence:     p.Sequence,
		IssuedAt:     time.Unix(p.IssuedAt, 0).UTC(),
		ExpiresAt:    time.Unix(p.ExpiresAt, 0).UTC(),
		PublisherKID: prot.KID,
		reserved:     reserved,
	}
	if err := l.fill(p.Signers); err != nil {
		return nil, err
	}
	return l, nil
}

func fail(code dcc.Code, format string, args ...any) *dcc.Error {
	return &dcc.Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// open checks the size and reads the COSE_Sign1 envelope and its protected
// header. The payload stays unparsed.
func open(bundle []byte) (*wire.Sign1, *wire.Protected, error) {
	if len(bundle) == 0 {
		return nil, nil, fail(Invalid, "the bundle is empty")
	}
	if len(bundle) > MaxBundleSize {
		return nil, nil, fail(Invalid, "the bundle has %d bytes, more than %d", len(bundle), MaxBundleSize)
	}
	msg, err := wire.DecodeSign1(decMode, bundle)
	if err != nil {
		return nil, nil, &dcc.Error{Code: Invalid, Err: err}
	}
	var prot wire.Protected
	if err := decMode.Unmarshal(msg.Protected, &prot); err != nil {
		return nil, nil, fail(Invalid, "protected header: %w", err)
	}
	// RFC 9052 §3.1: a reader must understand every critical header.
	if prot.Crit != nil {
		return nil, nil, fail(Invalid, "protected header: critical headers %x are not understood", []byte(prot.Crit))
	}
	if prot.Alg != wire.AlgES256 {
		return nil, nil, fail(Invalid, "protected header: algorithm %d, want ES256 (-7)", prot.Alg)
	}
	return msg, &prot, nil
}

// verify checks the ES256 signature (RFC 9053 §2.1: r ‖ s, 32 bytes each)
// over the Sig_structure against each pinned P-256 key.
func verify(msg *wire.Sign1, prot *wire.Protected, pinned []crypto.PublicKey) error {
	if len(msg.Signature) != 64 {
		return fail(SignatureInvalid, "the signature has %d bytes, want 64", len(msg.Signature))
	}
	digest := sha256.Sum256(wire.SigStructure(msg.Protected, msg.Payload))
	r := new(big.Int).SetBytes(msg.Signature[:32])
	s := new(big.Int).SetBytes(msg.Signature[32:])
	tried := 0
	for _, k := range pinned {
		pub, ok := k.(*ecdsa.PublicKey)
		if !ok || pub == nil || pub.Curve != elliptic.P256() {
			continue
		}
		tried++
		if ecdsa.Verify(pub, digest[:], r, s) {
			return nil
		}
	}
	if tried == 0 {
		return fail(SignatureInvalid, "no pinned P-256 publisher key to check the signature with")
	}
	return fail(SignatureInvalid, "none of the %d pinned publisher keys verifies the signature (bundle key ID %x)", tried, prot.KID)
}

// decodePayload reads the payload: first its top-level keys, to check the
// version before the rest is read in this version's shape, then each field.
func decodePayload(b []byte) (*wire.Payload, map[uint64][]byte, error) {
	var top map[uint64]cbor.RawMessage
	if err := decMode.Unmarshal(b, &top); err != nil {
		return nil, nil, fail(Invalid, "payload: %w", err)
	}
	var version uint64
	if err := decMode.Unmarshal(top[wire.KeyVersion], &version); err != nil {
		return nil, nil, fail(Invalid, "payload: no format version: %w", err)
	}
	if version != wire.Version {
		return nil, nil, fail(VersionUnknown, "format version %d; this verifier reads version %d", version, wire.Version)
	}
	// Each field from its raw bytes: the payload is read once.
	p := wire.Payload{Version: version}
	for _, f := range []struct {
		key uint64
		dst any
	}{
		{wire.KeySequence, &p.Sequence},
		{wire.KeyIssuedAt, &p.IssuedAt},
		{wire.KeyExpiresAt, &p.ExpiresAt},
		{wire.KeySigners, &p.Signers},
	} {
		raw := top[f.key]
		if raw == nil {
			return nil, nil, fail(Invalid, "payload: key %d is missing", f.key)
		}
		if err := decMode.Unmarshal(raw, f.dst); err != nil {
			return nil, nil, fail(Invalid, "payload: key %d: %w", f.key, err)
		}
	}
	if p.ExpiresAt <= p.IssuedAt {
		return nil, nil, fail(Invalid, "payload: expires (%d) not after issued (%d)", p.ExpiresAt, p.IssuedAt)
	}
	var reserved map[uint64][]byte
	for k, v := range top {
		if k > wire.KeySigners {
			if reserved == nil {
				reserved = map[uint64][]byte{}
			}
			reserved[k] = v
		}
	}
	return &p, reserved, nil
}

// fill checks the signer entries and indexes them by key identifier.
func (l *List) fill(entries []wire.Entry) error {
	l.byKID = make(map[string][]dcc.Signer, len(entries))
	for i, e := range entries {
		s, err := signer(e)
		if err != nil {
			return fail(Invalid, "signer %d (kid %x): %w", i, e.KID, err)
		}
		l.byKID[string(s.KID)] = append(l.byKID[string(s.KID)], s)
	}
	l.n = len(entries)
	return nil
}

// allUsage is every [dcc.KeyUsage] bit defined.
const allUsage = dcc.UsageTest | dcc.UsageVaccination | dcc.UsageRecovery

func signer(e wire.Entry) (dcc.Signer, error) {
	var s dcc.Signer
	if len(e.KID) != 8 {
		return s, fmt.Errorf("key identifier of %d bytes, want 8", len(e.KID))
	}
	if !validCountry(e.Country) {
		return s, fmt.Errorf("country %q is not two capital letters", e.Country)
	}
	if e.NotBefore != 0 && e.NotAfter != 0 && e.NotAfter < e.NotBefore {
		return s, errors.New("notAfter before notBefore")
	}
	if u := dcc.KeyUsage(e.Usage); u&^allUsage != 0 {
		return s, fmt.Errorf("unknown key usage bits %#x", e.Usage)
	}
	pub, err := spki.Parse(e.SPKI)
	if err != nil {
		return s, err
	}
	s = dcc.Signer{
		KID:       e.KID,
		Country:   e.Country,
		Subject:   e.Subject,
		Usage:     dcc.KeyUsage(e.Usage),
		PublicKey: pub,
	}
	if e.NotBefore != 0 {
		s.NotBefore = time.Unix(e.NotBefore, 0).UTC()
	}
	if e.NotAfter != 0 {
		s.NotAfter = time.Unix(e.NotAfter, 0).UTC()
	}
	return s, nil
}

// ago formats how long ago a list expired: "3h25m0s", or "12 days".
func ago(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int64(d/(24*time.Hour)))
	}
	return d.Round(time.Second).String()
}

func validCountry(c string) bool {
	return len(c) == 2 && 'A' <= c[0] && c[0] <= 'Z' && 'A' <= c[1] && c[1] <= 'Z'
}
