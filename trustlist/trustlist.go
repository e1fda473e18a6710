// Package trustlist reads the signed trust list: the bundle of document
// signer keys (DSCs) that a verifier trusts, published as a static file.
//
// Start with [Load]: it checks a bundle's signature against a set of pinned
// publisher keys, its format version, its sequence against the last one seen,
// and its expiry, and returns a [*List] that [dcc.Verify] uses as its
// [dcc.KeyProvider]. [ParsePublicKeysPEM] reads the pinned keys.
//
// The package is part of the WebAssembly build: it parses no X.509 (the
// builder in trustlist/publish stores each signer's SubjectPublicKeyInfo),
// reads CBOR without a reflection-based library, and imports neither net, os
// nor encoding/json. To keep start-up short there, signer keys are parsed on
// first use ([List.Signers]).
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
	"slices"
	"sync"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/cose"
	"github.com/passcheck/passcheck/trustlist/internal/spki"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// limits bound every CBOR item of a bundle: nesting, and the elements of one
// array or pairs of one map.
var limits = cbor.Limits{MaxDepth: maxDepth, MaxItems: MaxSigners}

// List is a loaded trust list. It implements [dcc.KeyProvider]. A List is
// not modified after [Load] returns it, except for the keys it parses on
// first use, and is safe for concurrent use.
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
	// Skipped counts the extra signers (see docs/trustlist.md, "Signer
	// policy") whose key type this version does not know: they are left
	// out, as a reader of an earlier release leaves out every extra signer.
	Skipped int

	entries  []entry
	byKID    map[[8]byte]int32 // the first entry with a kid; entry.next chains the others
	reserved map[uint64][]byte
}

// entry is one signer of a List. Its public key is parsed on first use:
// [Load] checks every key's encoding, but leaves the one costly check (a
// P-256 point is on the curve) and the building of the key to the first
// [List.Signers] call that needs it.
type entry struct {
	signer dcc.Signer // without its PublicKey
	spki   []byte
	next   int32 // the next entry with the same kid, or -1
	once   sync.Once
	key    crypto.PublicKey // nil until parsed, and when the key is unusable
}

// publicKey parses e's key on first use. A key that does not parse (an EC
// point off the curve, which Load does not check) stays nil: the signer is
// then unusable.
func (e *entry) publicKey() crypto.PublicKey {
	e.once.Do(func() {
		if k, err := spki.Parse(e.spki); err == nil {
			e.key = k
		}
	})
	return e.key
}

// Signers returns the trusted signers whose key identifier is kid, or nil.
// Their public keys are parsed on the first call for each; a signer whose
// key turns out unusable then (an EC point that is not on the curve, the
// one check [Load] leaves to first use) is left out, here and in every
// later call, as if the list did not have it.
func (l *List) Signers(kid []byte) []dcc.Signer {
	if len(kid) != 8 {
		return nil
	}
	i, ok := l.byKID[[8]byte(kid)]
	if !ok {
		return nil
	}
	var out []dcc.Signer
	for ; i >= 0; i = l.entries[i].next {
		e := &l.entries[i]
		if k := e.publicKey(); k != nil {
			s := e.signer
			s.PublicKey = k
			out = append(out, s)
		}
	}
	return out
}

// Len returns the number of signers in the list.
func (l *List) Len() int { return len(l.entries) }

// All returns every signer, ordered by country, then key identifier. It
// parses every key that was not parsed yet; a signer whose key is unusable
// (see [List.Signers]) is in the result with a nil PublicKey.
func (l *List) All() []dcc.Signer {
	all := make([]dcc.Signer, len(l.entries))
	for i := range l.entries {
		e := &l.entries[i]
		all[i] = e.signer
		all[i].PublicKey = e.publicKey()
	}
	slices.SortStableFunc(all, func(a, b dcc.Signer) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country), bytes.Compare(a.KID, b.KID), cmp.Compare(a.Subject, b.Subject))
	})
	return all
}

// Reserved returns the raw CBOR of a top-level payload key that this package
// does not interpret (value sets and rules, which package rules reads, see
// [List.RuleSources]; keys reserved for later content), or nil when the
// bundle has none. The extra
// signers (key 9) are interpreted: Reserved(9) is nil.
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
//  6. every signer entry (key identifier, country, dates, key usage, and
//     the encoding of the public key: algorithm, curve, sizes): [Invalid].
//     Whether an EC point is on the curve is checked when the key is first
//     used (see [List.Signers]). The signers of payload key 5 hold P-256 and
//     RSA keys only, which every release reads; the extra signers (key 9)
//     hold the others (P-384, P-521), and an extra signer whose key type
//     this version does not know is skipped ([List.Skipped]), so that a
//     key type added later leaves the rest of the list usable.
//
// Load copies the bundle first: the caller may reuse its buffer.
func Load(bundle []byte, pinned []crypto.PublicKey, now time.Time, lastSeenSequence uint64, opts ...Option) (*List, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if now.IsZero() {
		now = time.Now()
	}
	msg, err := open(bundle)
	if err != nil {
		return nil, err
	}
	if err := verify(msg, pinned); err != nil {
		return nil, err
	}
	l, signers, extra, err := newList(msg)
	if err != nil {
		return nil, err
	}
	// TUF §5.4.3: no rollback to an older version.
	if l.Sequence < lastSeenSequence {
		return nil, fail(Rollback, "the list has sequence %d, below %d seen before", l.Sequence, lastSeenSequence)
	}
	// TUF §5.4.4: no freeze on an expired version.
	if late := now.Sub(l.ExpiresAt); late > 0 {
		e := fail(Expired, "the list expired at %s, %s ago", l.ExpiresAt.Format(time.RFC3339), ago(late))
		if late > cfg.grace {
			return nil, e
		}
		l.Warnings = append(l.Warnings, newMessage(Expired, e.Err.Error()))
	}
	if err := l.fill(signers, extra); err != nil {
		return nil, err
	}
	return l, nil
}

// newList decodes the payload of an opened bundle into a List without its
// signers, which it returns for [List.fill]: those of key 5, and the extra
// signers of key 9.
func newList(msg *cose.Sign1) (*List, []wire.Entry, []wire.Entry, error) {
	p, reserved, err := decodePayload(msg.Payload)
	if err != nil {
		return nil, nil, nil, err
	}
	var extra []wire.Entry
	if raw, ok := reserved[wire.KeyExtraSigners]; ok {
		delete(reserved, wire.KeyExtraSigners)
		if extra, err = wire.DecodeEntries(raw, limits); err != nil {
			return nil, nil, nil, fail(Invalid, "payload: key %d (extra signers): %w", wire.KeyExtraSigners, err)
		}
	}
	if n := len(p.Signers) + len(extra); n > MaxSigners {
		return nil, nil, nil, fail(Invalid, "payload: %d signers, more than %d", n, MaxSigners)
	}
	return &List{
		Sequence:     p.Sequence,
		IssuedAt:     time.Unix(p.IssuedAt, 0).UTC(),
		ExpiresAt:    time.Unix(p.ExpiresAt, 0).UTC(),
		PublisherKID: msg.KID,
		reserved:     reserved,
	}, p.Signers, extra, nil
}

// ParseUnverified reads a bundle without checking its signature, expiry or
// sequence: for tools that show what a bundle holds (passcheck trustlist
// inspect) and for the publisher's own bookkeeping. Never verify a pass
// against the List it returns; use [Load].
func ParseUnverified(bundle []byte) (*List, error) {
	msg, err := open(bundle)
	if err != nil {
		return nil, err
	}
	l, signers, extra, err := newList(msg)
	if err != nil {
		return nil, err
	}
	if err := l.fill(signers, extra); err != nil {
		return nil, err
	}
	return l, nil
}

func fail(code dcc.Code, format string, args ...any) *dcc.Error {
	return &dcc.Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// open checks the size, copies the bundle (so that what is verified is what
// is parsed, and nothing kept aliases the caller's buffer) and reads the
// COSE_Sign1 envelope and its protected header. The payload stays unparsed.
func open(bundle []byte) (*cose.Sign1, error) { return openSized(bundle, MaxBundleSize) }

// openSized is open for a signed file of at most max bytes: a bundle or a
// revocation index.
func openSized(bundle []byte, max int) (*cose.Sign1, error) {
	if len(bundle) == 0 {
		return nil, fail(Invalid, "the file is empty")
	}
	if len(bundle) > max {
		return nil, fail(Invalid, "the file has %d bytes, more than %d", len(bundle), max)
	}
	bundle = bytes.Clone(bundle)
	msg, err := wire.DecodeSign1(bundle, limits)
	if err != nil {
		return nil, &dcc.Error{Code: Invalid, Err: err}
	}
	if msg.Alg != wire.AlgES256 {
		return nil, fail(Invalid, "protected header: algorithm %d, want ES256 (-7)", msg.Alg)
	}
	return &msg, nil
}

// verify checks the ES256 signature (RFC 9053 §2.1: r ‖ s, 32 bytes each)
// over the Sig_structure against each pinned P-256 key.
func verify(msg *cose.Sign1, pinned []crypto.PublicKey) error {
	if len(msg.Signature) != 64 {
		return fail(SignatureInvalid, "the signature has %d bytes, want 64", len(msg.Signature))
	}
	var digest [sha256.Size]byte
	h := sha256.New()
	h.Write(cose.SigStructurePrefix(msg.Protected, len(msg.Payload), 0))
	h.Write(msg.Payload)
	h.Sum(digest[:0])
	sig := signatureDER(msg.Signature)
	tried := 0
	for _, k := range pinned {
		pub, ok := k.(*ecdsa.PublicKey)
		if !ok || pub == nil || pub.Curve != elliptic.P256() {
			continue
		}
		tried++
		if sig != nil && ecdsa.VerifyASN1(pub, digest[:], sig) {
			return nil
		}
	}
	if tried == 0 {
		return fail(SignatureInvalid, "no pinned P-256 publisher key to check the signature with")
	}
	return fail(SignatureInvalid, "none of the %d pinned publisher keys verifies the signature (bundle key ID %x)", tried, msg.KID)
}

// signatureDER returns the ASN.1 DER form (SEQUENCE of two INTEGERs, as
// ecdsa.VerifyASN1 takes it) of a raw r ‖ s signature of 64 bytes, or nil
// when r or s is zero, which ecdsa.Verify refuses too. It does what
// ecdsa.Verify does with r and s as *big.Int, without math/big and the
// cryptobyte builder: less code for WebAssembly to compile at start-up.
func signatureDER(raw []byte) []byte {
	integer := func(b []byte) []byte {
		b = bytes.TrimLeft(b, "\x00")
		if len(b) == 0 {
			return nil
		}
		if b[0]&0x80 != 0 { // positive: a leading zero byte
			return append([]byte{0x02, byte(len(b) + 1), 0}, b...)
		}
		return append([]byte{0x02, byte(len(b))}, b...)
	}
	r, s := integer(raw[:32]), integer(raw[32:])
	if r == nil || s == nil {
		return nil
	}
	// At most 2 × (2 + 33) = 70 bytes: the short form of the length.
	return append(append([]byte{0x30, byte(len(r) + len(s))}, r...), s...)
}

// decodePayload reads the payload (wire.DecodePayload: well-formed, then the
// version, then this version's fields) and checks its dates.
func decodePayload(b []byte) (*wire.Payload, map[uint64][]byte, error) {
	p, reserved, err := wire.DecodePayload(b, limits)
	if err != nil {
		var v *wire.VersionError
		if errors.As(err, &v) {
			return nil, nil, &dcc.Error{Code: VersionUnknown, Err: err}
		}
		return nil, nil, fail(Invalid, "payload: %w", err)
	}
	if p.ExpiresAt <= p.IssuedAt {
		return nil, nil, fail(Invalid, "payload: expires (%d) not after issued (%d)", p.ExpiresAt, p.IssuedAt)
	}
	return p, reserved, nil
}

// fill checks the signer entries and indexes them by key identifier. The
// keys' encodings are checked here (spki.Check); the keys are parsed on
// first use. An extra signer whose key type this version does not know is
// skipped; any other fault of an entry fails the load.
func (l *List) fill(signers, extra []wire.Entry) error {
	l.entries = make([]entry, len(signers)+len(extra))
	kids := make([][8]byte, 0, len(l.entries))
	add := func(e wire.Entry) {
		en := &l.entries[len(kids)]
		en.spki = e.SPKI
		en.signer = dcc.Signer{
			KID:     e.KID,
			Country: e.Country,
			Subject: e.Subject,
			Usage:   dcc.KeyUsage(e.Usage),
		}
		if e.NotBefore != 0 {
			en.signer.NotBefore = time.Unix(e.NotBefore, 0).UTC()
		}
		if e.NotAfter != 0 {
			en.signer.NotAfter = time.Unix(e.NotAfter, 0).UTC()
		}
		kids = append(kids, [8]byte(e.KID))
	}
	for i, e := range signers {
		kind, err := checkEntry(e)
		if err == nil && !kind.Baseline() {
			// Readers before this kind was added would refuse the whole
			// bundle: the builder puts it with the extra signers.
			err = fmt.Errorf("a %v key among the signers of key %d, which earlier readers refuse; it belongs with the extra signers (key %d)", kind, wire.KeySigners, wire.KeyExtraSigners)
		}
		if err != nil {
			return fail(Invalid, "signer %d (kid %x): %w", i, e.KID, err)
		}
		add(e)
	}
	for i, e := range extra {
		if _, err := checkEntry(e); err != nil {
			if errors.Is(err, spki.ErrUnsupported) {
				l.Skipped++
				continue
			}
			return fail(Invalid, "extra signer %d (kid %x): %w", i, e.KID, err)
		}
		add(e)
	}
	l.entries = l.entries[:len(kids)]
	// Backwards, so that each kid's chain runs in the bundle's order.
	l.byKID = make(map[[8]byte]int32, len(l.entries))
	for i := len(l.entries) - 1; i >= 0; i-- {
		l.entries[i].next = -1
		if next, ok := l.byKID[kids[i]]; ok {
			l.entries[i].next = next
		}
		l.byKID[kids[i]] = int32(i)
	}
	return nil
}

// allUsage is every [dcc.KeyUsage] bit defined.
const allUsage = dcc.UsageTest | dcc.UsageVaccination | dcc.UsageRecovery

// checkEntry checks what Load checks of an entry (see [Load], step 6) and
// returns the kind of its key.
func checkEntry(e wire.Entry) (spki.Kind, error) {
	if len(e.KID) != 8 {
		return 0, fmt.Errorf("key identifier of %d bytes, want 8", len(e.KID))
	}
	if !validCountry(e.Country) {
		return 0, fmt.Errorf("country %q is not two capital letters", e.Country)
	}
	if e.NotBefore != 0 && e.NotAfter != 0 && e.NotAfter < e.NotBefore {
		return 0, errors.New("notAfter before notBefore")
	}
	if u := dcc.KeyUsage(e.Usage); u&^allUsage != 0 {
		return 0, fmt.Errorf("unknown key usage bits %#x", e.Usage)
	}
	return spki.Check(e.SPKI)
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
