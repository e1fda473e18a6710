// Package publish makes and publishes the signed trust list that package
// trustlist reads: it gathers document signer certificates from sources
// ([Files], [Gateway], [GermanList]), checks them (key identifier, key type,
// optionally the chain to a country's CSCA), signs the bundle with the
// publisher's ECDSA P-256 key ([Build]), and writes the static folder that a
// web host serves ([WriteTree]). Which certificates it takes as signers is
// the signer policy of package trustlist/certs and docs/trustlist.md.
//
// It is the write side, used by tools only: it parses X.509 and JSON and
// uses the network, which the WebAssembly verifier never does.
package publish

import (
	"bytes"
	"cmp"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passcheck/passcheck/internal/cose"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/certs"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/spki"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// DefaultValidFor is how long a list stays valid when [Options.ValidFor] is 0.
const DefaultValidFor = 48 * time.Hour

// maxSubject caps a signer's subject in the bundle, in bytes.
const maxSubject = 64

// Options describe a build.
type Options struct {
	// Sources give the candidate signers.
	Sources []Source
	// CSCA, when not empty, gives the country signing CAs: a signer whose
	// certificate was not issued by a CSCA of its own country is left out.
	CSCA []Source
	// Key signs the bundle: an ECDSA P-256 key.
	Key crypto.Signer
	// Sequence is the list's version number, above every earlier one
	// published (see [NextSequence]); 0 means Now as Unix seconds.
	Sequence uint64
	// ValidFor is how long the list is valid from Now; 0 means
	// [DefaultValidFor].
	ValidFor time.Duration
	// Now is the build time; zero means time.Now().
	Now time.Time
	// Rules, when not nil, are the business rules and value sets the
	// bundle carries (payload keys 11 and 10, and 7 and 6 for readers of
	// the previous release: wire.KeyValueSetsJSON); nil publishes none.
	Rules *RuleSet
}

// Report says what a build did.
type Report struct {
	Sequence            uint64
	IssuedAt, ExpiresAt time.Time
	Signers             int            // entries in the bundle
	ByCountry           map[string]int // entries per country
	ByKey               map[string]int // entries per key type: "ECDSA P-256", "RSA-2048", "ECDSA P-384"
	Extra               int            // entries among the extra signers (P-384, P-521), which verifiers released before them skip
	Expired             int            // entries whose certificate had expired at build time (kept)
	Merged              int            // duplicates merged into one entry
	Kept                []Remark       // signers kept that deserve a word: CA-flagged, negative serial, extra
	LeftOut             []LeftOut
	Notes               []string
	Rules               *RulesReport // nil when the bundle carries no rules
	Size                int          // bundle bytes
}

// window returns the issue time of a list built at now (the current time
// when zero), in UTC and whole seconds, and its expiry validFor later
// (DefaultValidFor when zero).
func window(now time.Time, validFor time.Duration) (issued, expires time.Time, err error) {
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	validFor = cmp.Or(validFor, DefaultValidFor)
	if validFor < time.Second {
		return time.Time{}, time.Time{}, fmt.Errorf("ValidFor %s is not positive", validFor)
	}
	return now, now.Add(validFor), nil
}

// Remark is something to know about a signer that is in the list.
type Remark struct {
	Origin  string
	KID     string // standard base64
	Country string
	Remark  string
}

// Build reads the sources, checks every candidate and signs the bundle.
// It fails when a source cannot be read, when the key is not P-256, or when
// no signer is left; candidates that fail a check are left out and listed in
// the report with the reason:
//   - a key identifier that is not the first 8 bytes of SHA-256 of the DER;
//   - a public key other than ECDSA P-256, P-384 or P-521 or RSA 2048, 3072
//     or 4096 (another curve, RSA below 2048 bits, Ed25519, ...);
//   - no country;
//   - a CA certificate whose key usage lacks digitalSignature, or a
//     certificate that is also given as a CSCA;
//   - with CSCAs given, no CSCA of the signer's country that issued it.
//
// Certificates flagged CA:TRUE whose key usage is absent or includes
// digitalSignature, and certificates with a negative serial number, are
// kept and named in [Report.Kept]. P-384 and P-521 signers go among the
// extra signers (payload key 9), which verifiers released before them skip
// while keeping every other signer.
//
// The same certificate from several sources is one entry. The bundle is
// loaded back with [trustlist.Load] before it is returned.
func Build(ctx context.Context, o Options) ([]byte, *Report, error) {
	pub, err := publisherKey(o.Key)
	if err != nil {
		return nil, nil, err
	}
	now, expires, err := window(o.Now, o.ValidFor)
	if err != nil {
		return nil, nil, fmt.Errorf("build: %w", err)
	}
	r := &Report{
		Sequence:  o.Sequence,
		IssuedAt:  now,
		ExpiresAt: expires,
		ByCountry: map[string]int{},
		ByKey:     map[string]int{},
	}
	if r.Sequence == 0 {
		r.Sequence = uint64(now.Unix())
	}

	cscas, err := loadCSCAs(ctx, o.CSCA, r)
	if err != nil {
		return nil, nil, err
	}
	var cands []Candidate
	for _, s := range o.Sources {
		b, err := s.Load(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("build: %w", err)
		}
		cands = append(cands, b.Candidates...)
		r.LeftOut = append(r.LeftOut, b.LeftOut...)
		r.Notes = append(r.Notes, b.Notes...)
	}

	seen := map[[32]byte]bool{}
	var entries, extra []wire.Entry
	for _, c := range cands {
		e, kind, reason := check(c, cscas)
		kid := b64(certs.KID(c.Cert.Raw))
		if reason != "" {
			r.LeftOut = append(r.LeftOut, LeftOut{Origin: c.Origin, KID: kid, Country: cmp.Or(c.Country, e.Country, strings.Join(c.Cert.Subject.Country, ",")), Reason: reason})
			continue
		}
		sum := sha256.Sum256(c.Cert.Raw)
		if seen[sum] {
			r.Merged++
			continue
		}
		seen[sum] = true
		remark := func(s string) {
			r.Kept = append(r.Kept, Remark{Origin: c.Origin, KID: kid, Country: e.Country, Remark: s})
		}
		if kind.Baseline() {
			entries = append(entries, e)
		} else {
			extra = append(extra, e)
			remark(fmt.Sprintf("%s key: among the extra signers (verifiers built before %s support skip it and keep the rest)", kind, kind))
		}
		if certs.CAFlagged(c.Cert) {
			ku := "no key usage"
			if c.Cert.KeyUsage != 0 {
				ku = "key usage with digitalSignature"
			}
			remark("a CA certificate (basicConstraints CA:TRUE, " + ku + ") kept as a document signer")
		}
		if certs.NegativeSerial(c.Cert) {
			remark("negative serial number " + c.Cert.SerialNumber.String())
		}
		r.ByCountry[e.Country]++
		r.ByKey[certs.KeyName(c.Cert)]++
		if c.Cert.NotAfter.Before(now) {
			r.Expired++
		}
	}
	if len(entries)+len(extra) == 0 {
		return nil, r, errors.New("build: no signer left to put in the list")
	}
	if n := len(entries) + len(extra); n > trustlist.MaxSigners {
		return nil, r, fmt.Errorf("build: %d signers, more than the %d a bundle may hold", n, trustlist.MaxSigners)
	}
	order := func(a, b wire.Entry) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country), bytes.Compare(a.KID, b.KID), bytes.Compare(a.SPKI, b.SPKI))
	}
	slices.SortFunc(entries, order)
	slices.SortFunc(extra, order)
	r.Signers = len(entries) + len(extra)
	r.Extra = len(extra)

	payload := wire.Payload{
		Version:   wire.Version,
		Sequence:  r.Sequence,
		IssuedAt:  r.IssuedAt.Unix(),
		ExpiresAt: r.ExpiresAt.Unix(),
		Signers:   entries,
		Extra:     extra,
	}
	if err := encodeRules(&payload, o.Rules, r); err != nil {
		return nil, r, err
	}
	bundle, err := Sign(o.Key, payload)
	if err != nil {
		return nil, r, err
	}
	r.Size = len(bundle)
	if len(bundle) > trustlist.MaxBundleSize {
		return nil, r, fmt.Errorf("build: the bundle has %d bytes, more than the %d a verifier loads", len(bundle), trustlist.MaxBundleSize)
	}
	// Read it back as a verifier will.
	l, err := trustlist.Load(bundle, []crypto.PublicKey{pub}, now, r.Sequence)
	if err != nil {
		return nil, r, fmt.Errorf("build: the new bundle does not load: %w", err)
	}
	if l.Len() != r.Signers || l.Skipped != 0 {
		return nil, r, fmt.Errorf("build: the new bundle loads %d signers (%d skipped), not %d", l.Len(), l.Skipped, r.Signers)
	}
	if err := checkRules(l, r); err != nil {
		return nil, r, err
	}
	return bundle, r, nil
}

// check turns a candidate into an entry and says what kind of key it has,
// or says why it is left out.
func check(c Candidate, cscas map[string][]*x509.Certificate) (wire.Entry, spki.Kind, string) {
	cert := c.Cert
	kid := certs.KID(cert.Raw)
	if c.KID != nil && !bytes.Equal(c.KID, kid) {
		return wire.Entry{}, 0, fmt.Sprintf("kid %s is not the certificate's (%s: SHA-256 of the DER, first 8 bytes)", b64(c.KID), b64(kid))
	}
	for _, cs := range cscas {
		for _, ca := range cs {
			if bytes.Equal(ca.Raw, cert.Raw) {
				return wire.Entry{}, 0, "given as a CSCA (--csca) too: a CSCA is not a document signer"
			}
		}
	}
	s, err := certs.Signer(cert)
	switch {
	case errors.Is(err, certs.ErrCAOnly):
		return wire.Entry{}, 0, "a CA certificate whose key usage lacks digitalSignature: it signs certificates, not passes (CSCAs go in --csca)"
	case err != nil:
		return wire.Entry{}, 0, "unsupported public key (" + certs.KeyName(cert) + "): the verifier takes ECDSA P-256, P-384 or P-521 and RSA 2048, 3072 or 4096"
	}
	e := wire.Entry{
		KID:     kid,
		Country: strings.ToUpper(cmp.Or(c.Country, s.Country)),
		Usage:   uint8(s.Usage),
		Subject: truncate(displayName(cert), maxSubject),
		SPKI:    cert.RawSubjectPublicKeyInfo,
	}
	if !s.NotBefore.IsZero() {
		e.NotBefore = s.NotBefore.Unix()
	}
	if !s.NotAfter.IsZero() {
		e.NotAfter = s.NotAfter.Unix()
	}
	if len(e.Country) != 2 || e.Country[0] < 'A' || e.Country[0] > 'Z' || e.Country[1] < 'A' || e.Country[1] > 'Z' {
		return e, 0, fmt.Sprintf("no country: %q is not an ISO 3166 alpha-2 code", e.Country)
	}
	// The verifier reads the key with its own parser: make sure it agrees.
	kind, err := spki.Check(e.SPKI)
	if err != nil {
		return e, 0, "public key: " + err.Error()
	}
	k, err := spki.Parse(e.SPKI)
	if err != nil {
		return e, 0, "public key: " + err.Error()
	}
	if !k.(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
		return e, 0, "public key: read differently by the verifier"
	}
	if cscas != nil {
		ok := false
		for _, ca := range cscas[e.Country] {
			if bytes.Equal(cert.RawIssuer, ca.RawSubject) && cert.CheckSignatureFrom(ca) == nil {
				ok = true
				break
			}
		}
		if !ok {
			return e, 0, fmt.Sprintf("not issued by a CSCA of %s", e.Country)
		}
	}
	return e, kind, ""
}

func loadCSCAs(ctx context.Context, sources []Source, r *Report) (map[string][]*x509.Certificate, error) {
	if len(sources) == 0 {
		return nil, nil
	}
	m := map[string][]*x509.Certificate{}
	n := 0
	for _, s := range sources {
		b, err := s.Load(ctx)
		if err != nil {
			return nil, fmt.Errorf("build: CSCA: %w", err)
		}
		r.LeftOut = append(r.LeftOut, b.LeftOut...)
		for _, c := range b.Candidates {
			country := c.Country
			if country == "" && len(c.Cert.Subject.Country) > 0 {
				country = c.Cert.Subject.Country[0]
			}
			country = strings.ToUpper(country)
			if country == "" {
				r.Notes = append(r.Notes, fmt.Sprintf("CSCA %s ignored: no country", c.Origin))
				continue
			}
			if !c.Cert.IsCA {
				r.Notes = append(r.Notes, fmt.Sprintf("CSCA %s ignored: not a CA certificate", c.Origin))
				continue
			}
			m[country] = append(m[country], c.Cert)
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("build: --csca given, but no CSCA certificate found in it")
	}
	return m, nil
}

func publisherKey(k crypto.Signer) (*ecdsa.PublicKey, error) {
	if k == nil {
		return nil, errors.New("build: no signing key")
	}
	pub, ok := k.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("build: the signing key is a %T; an ECDSA P-256 key is needed (passcheck trustlist keygen)", k.Public())
	}
	return pub, nil
}

// Sign encodes p and signs it as a COSE_Sign1 with ES256, with the key's
// [trustlist.KeyID] in the protected header. Build calls it; tests use it to
// make bundles that Build would refuse to make.
func Sign(key crypto.Signer, p any) ([]byte, error) {
	pub, err := publisherKey(key)
	if err != nil {
		return nil, err
	}
	kid, err := trustlist.KeyID(pub)
	if err != nil {
		return nil, err
	}
	payload, err := encode.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	prot, err := encode.Marshal(wire.Protected{Alg: wire.AlgES256, KID: kid})
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	digest := sha256.Sum256(cose.SigStructure(prot, payload))
	der, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("build: signing: %w", err)
	}
	// ES256 signatures are r ‖ s, 32 bytes each (RFC 9053 §2.1).
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("build: the key returned a signature that is not ASN.1 ECDSA")
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return encode.Sign1(prot, payload, sig)
}

// displayName is what the bundle keeps of a signer's subject: its common
// name, or the whole subject when it has none. The full distinguished name
// (often 60 to 120 bytes, with the country and organization) would take a
// quarter of the size budget of 2,000 signers in 400 KB.
func displayName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// WriteText prints the report for people.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "trust list: sequence %d, issued %s, expires %s\n", r.Sequence, r.IssuedAt.Format(time.RFC3339), r.ExpiresAt.Format(time.RFC3339))
	fmt.Fprintf(&b, "signers: %d from %d countries", r.Signers, len(r.ByCountry))
	if r.Merged > 0 {
		fmt.Fprintf(&b, " (%d duplicates merged)", r.Merged)
	}
	if r.Expired > 0 {
		fmt.Fprintf(&b, " (%d already expired, kept)", r.Expired)
	}
	b.WriteString("\n")
	if len(r.ByKey) > 0 {
		keys := make([]string, 0, len(r.ByKey))
		for k := range r.ByKey {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("keys:")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s %d", k, r.ByKey[k])
		}
		if r.Extra > 0 {
			fmt.Fprintf(&b, " (%d among the extra signers)", r.Extra)
		}
		b.WriteString("\n")
	}
	countries := make([]string, 0, len(r.ByCountry))
	for c := range r.ByCountry {
		countries = append(countries, c)
	}
	sort.Strings(countries)
	for _, c := range countries {
		fmt.Fprintf(&b, "  %s %6d\n", c, r.ByCountry[c])
	}
	if len(r.Kept) > 0 {
		fmt.Fprintf(&b, "remarks on signers kept: %d\n", len(r.Kept))
		for _, k := range r.Kept {
			fmt.Fprintf(&b, "  %s [%s] kid %s: %s\n", k.Origin, k.Country, k.KID, k.Remark)
		}
	}
	if len(r.LeftOut) > 0 {
		fmt.Fprintf(&b, "left out: %d\n", len(r.LeftOut))
		for _, l := range r.LeftOut {
			fmt.Fprintf(&b, "  %s", l.Origin)
			if l.Country != "" {
				fmt.Fprintf(&b, " [%s]", l.Country)
			}
			if l.KID != "" {
				fmt.Fprintf(&b, " kid %s", l.KID)
			}
			fmt.Fprintf(&b, ": %s\n", l.Reason)
		}
	}
	r.Rules.writeText(&b)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	fmt.Fprintf(&b, "size: %d bytes\n", r.Size)
	_, err := io.WriteString(w, b.String())
	return err
}
