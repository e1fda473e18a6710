package trustlist_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
	"github.com/passcheck/passcheck/trustlist/publish"
	"github.com/veraison/go-cose"
)

// knownCodes are the codes Load may return.
var knownCodes = map[dcc.Code]bool{
	trustlist.Invalid: true, trustlist.SignatureInvalid: true, trustlist.Expired: true,
	trustlist.Rollback: true, trustlist.VersionUnknown: true, trustlist.KeyInvalid: true,
}

func wantCode(t testing.TB, err error, code dcc.Code) {
	t.Helper()
	var e *dcc.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want a *dcc.Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%v), want %s", e.Code, err, code)
	}
}

func pins(keys ...*ecdsa.PrivateKey) []crypto.PublicKey {
	var out []crypto.PublicKey
	for _, k := range keys {
		out = append(out, k.Public())
	}
	return out
}

func TestLoadGood(t *testing.T) {
	f := loadFixture(t)
	b := f.bundle(t, f.pub1, 42)
	l, err := trustlist.Load(b, pins(f.pub1), testNow, 41)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != len(f.dscs) || l.Sequence != 42 || !l.IssuedAt.Equal(testNow) || !l.ExpiresAt.Equal(testNow.Add(48*time.Hour)) {
		t.Fatalf("Len %d Sequence %d IssuedAt %s ExpiresAt %s", l.Len(), l.Sequence, l.IssuedAt, l.ExpiresAt)
	}
	if len(l.Warnings) != 0 {
		t.Errorf("Warnings = %v", l.Warnings)
	}
	wantKID, _ := trustlist.KeyID(f.pub1.Public())
	if !bytes.Equal(l.PublisherKID, wantKID) {
		t.Errorf("PublisherKID = %x, want %x", l.PublisherKID, wantKID)
	}
	for _, d := range f.dscs {
		got := l.Signers(d.KID)
		if len(got) != 1 {
			t.Fatalf("Signers(%x) = %d entries", d.KID, len(got))
		}
		want := d.Signer()
		want.Subject = d.Cert.Subject.CommonName // the bundle keeps the common name
		s := got[0]
		if !bytes.Equal(s.KID, want.KID) || s.Country != want.Country || s.Subject != want.Subject ||
			!s.NotBefore.Equal(want.NotBefore) || !s.NotAfter.Equal(want.NotAfter) || s.Usage != want.Usage ||
			!s.PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(want.PublicKey) {
			t.Errorf("Signers(%x) = %+v\nwant %+v", d.KID, s, want)
		}
	}
	if got := l.Signers([]byte("unknown!")); got != nil {
		t.Errorf("Signers(unknown) = %v", got)
	}
	if n := len(l.All()); n != len(f.dscs) {
		t.Errorf("All() has %d signers", n)
	}
}

// TestLoadVerifiesPasses checks that a List is a dcc.KeyProvider that
// verifies passes of its signers, with their key usage.
func TestLoadVerifiesPasses(t *testing.T) {
	f := loadFixture(t)
	l, err := trustlist.Load(f.bundle(t, f.pub1, 1), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dsc   *issuer.DSC
		kind  dcc.Kind
		valid bool
	}{
		{f.dscs[0], dcc.KindVaccination, true},
		{f.dscs[1], dcc.KindTest, true},
		{f.dscs[1], dcc.KindVaccination, false}, // test-only signer
		{f.dscs[2], dcc.KindRecovery, true},     // RSA, alternate OIDs
	} {
		text, err := tc.dsc.Issue(issuer.PassOptions{Kind: tc.kind, IssuedAt: testNow.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		r := dcc.Check(text, l, dcc.Options{Now: testNow})
		if r.Valid != tc.valid {
			t.Errorf("%s %s: Valid = %v, errors %v", tc.dsc.Cert.Subject.CommonName, tc.kind, r.Valid, r.Errors)
		}
	}
}

func TestLoadSignature(t *testing.T) {
	f := loadFixture(t)
	b := f.bundle(t, f.pub1, 1)

	tampered := bytes.Clone(b)
	i := bytes.Index(tampered, []byte("DSC DE Tests"))
	if i < 0 {
		t.Fatal("subject not found in the bundle")
	}
	tampered[i+4] = 'X'

	badSig := bytes.Clone(b)
	badSig[len(badSig)-1] ^= 1

	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)

	for _, tc := range []struct {
		name   string
		bundle []byte
		pinned []crypto.PublicKey
		code   dcc.Code // "" for success
	}{
		{"tampered payload", tampered, pins(f.pub1), trustlist.SignatureInvalid},
		{"tampered signature", badSig, pins(f.pub1), trustlist.SignatureInvalid},
		{"wrong publisher key", b, pins(f.pub2), trustlist.SignatureInvalid},
		{"no pinned key", b, nil, trustlist.SignatureInvalid},
		{"only keys of other types", b, []crypto.PublicKey{p384.Public(), f.dscs[2].Cert.PublicKey}, trustlist.SignatureInvalid},
		{"rotation: old and new pinned, signed by old", b, pins(f.pub2, f.pub1), ""},
		{"rotation: old and new pinned, signed by new", f.bundle(t, f.pub2, 2), pins(f.pub1, f.pub2), ""},
		{"rotation: new key not yet pinned", f.bundle(t, f.pub2, 2), pins(f.pub1), trustlist.SignatureInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := trustlist.Load(tc.bundle, tc.pinned, testNow, 0)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if l.Len() != len(f.dscs) {
					t.Fatalf("Len = %d", l.Len())
				}
				return
			}
			wantCode(t, err, tc.code)
		})
	}
}

func TestLoadExpiryAndRollback(t *testing.T) {
	f := loadFixture(t)
	b := f.bundle(t, f.pub1, 100)
	expires := testNow.Add(48 * time.Hour)
	for _, tc := range []struct {
		name     string
		now      time.Time
		lastSeen uint64
		opts     []trustlist.Option
		code     dcc.Code
		warning  bool
	}{
		{"fresh", testNow, 0, nil, "", false},
		{"at expiry", expires, 0, nil, "", false},
		{"expired", expires.Add(time.Second), 0, nil, trustlist.Expired, false},
		{"expired within grace", expires.Add(30 * time.Minute), 0, []trustlist.Option{trustlist.WithGrace(time.Hour)}, "", true},
		{"expired beyond grace", expires.Add(2 * time.Hour), 0, []trustlist.Option{trustlist.WithGrace(time.Hour)}, trustlist.Expired, false},
		{"same sequence as seen", testNow, 100, nil, "", false},
		{"rollback", testNow, 101, nil, trustlist.Rollback, false},
		{"rollback and expired: rollback first", expires.Add(time.Hour), 101, nil, trustlist.Rollback, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := trustlist.Load(b, pins(f.pub1), tc.now, tc.lastSeen, tc.opts...)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(l.Warnings) == 1 && l.Warnings[0].Code == trustlist.Expired; got != tc.warning {
				t.Fatalf("Warnings = %v, want an expiry warning: %v", l.Warnings, tc.warning)
			}
		})
	}
}

func TestLoadStructure(t *testing.T) {
	f := loadFixture(t)
	good := f.bundle(t, f.pub1, 1)
	mod := func(change func(p *wire.Payload)) []byte {
		p := f.payload()
		change(&p)
		return sign(t, f.pub1, p)
	}
	raw := func(v any) []byte {
		b, err := encode.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signRaw := func(payload []byte) []byte { return signBytes(t, f.pub1, payload) }
	envelope := func(prot, payload, sig []byte) []byte {
		b, err := encode.Sign1(prot, payload, sig)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name   string
		bundle []byte
		code   dcc.Code
	}{
		{"empty", nil, trustlist.Invalid},
		{"one byte", good[:1], trustlist.Invalid},
		{"truncated by half", good[:len(good)/2], trustlist.Invalid},
		{"truncated by one byte", good[:len(good)-1], trustlist.Invalid},
		{"trailing byte", append(bytes.Clone(good), 0), trustlist.Invalid},
		{"oversized", make([]byte, trustlist.MaxBundleSize+1), trustlist.Invalid},
		{"not CBOR", []byte("-----BEGIN PUBLIC KEY-----"), trustlist.Invalid},
		{"array of 3", raw([]any{[]byte{}, map[int]int{}, []byte{}}), trustlist.Invalid},
		{"detached payload", raw([]any{raw(map[int]int{1: -7}), map[int]int{}, nil, make([]byte, 64)}), trustlist.Invalid},
		{"algorithm PS256", envelope(raw(map[int]int{1: -37}), raw(f.payload()), make([]byte, 64)), trustlist.Invalid},
		{"no algorithm", envelope(raw(map[int]int{}), raw(f.payload()), make([]byte, 64)), trustlist.Invalid},
		{"critical header", signCrit(t, f.pub1, raw(f.payload())), trustlist.Invalid},
		{"unknown format version", mod(func(p *wire.Payload) { p.Version = 2 }), trustlist.VersionUnknown},
		{"version 2 with another shape", signRaw(raw(map[int]any{1: 2, 5: "elsewhere"})), trustlist.VersionUnknown},
		{"no version", signRaw(raw(map[int]any{2: 1, 3: 1, 4: 2, 5: []any{}})), trustlist.Invalid},
		{"no sequence", signRaw(raw(map[int]any{1: 1, 3: 1, 4: 2, 5: []any{}})), trustlist.Invalid},
		{"no signers", signRaw(raw(map[int]any{1: 1, 2: 1, 3: 1, 4: 2})), trustlist.Invalid},
		{"payload not a map", signRaw(raw([]int{1, 2, 3})), trustlist.Invalid},
		{"duplicate map key", signRaw([]byte{0xa2, 0x01, 0x01, 0x01, 0x01}), trustlist.Invalid},
		{"indefinite length", signRaw([]byte{0xbf, 0x01, 0x01, 0xff}), trustlist.Invalid},
		{"tag inside", signRaw([]byte{0xa1, 0x01, 0xc1, 0x01}), trustlist.Invalid},
		{"expires before issued", mod(func(p *wire.Payload) { p.ExpiresAt = p.IssuedAt - 1 }), trustlist.Invalid},
		{"kid of 7 bytes", mod(func(p *wire.Payload) { p.Signers[0].KID = p.Signers[0].KID[:7] }), trustlist.Invalid},
		{"lower-case country", mod(func(p *wire.Payload) { p.Signers[0].Country = "de" }), trustlist.Invalid},
		{"unknown usage bit", mod(func(p *wire.Payload) { p.Signers[0].Usage = 8 }), trustlist.Invalid},
		{"notAfter before notBefore", mod(func(p *wire.Payload) { p.Signers[0].NotAfter = p.Signers[0].NotBefore - 1 }), trustlist.Invalid},
		{"broken key", mod(func(p *wire.Payload) { p.Signers[0].SPKI = p.Signers[0].SPKI[:40] }), trustlist.Invalid},
		{"P-384 key", mod(func(p *wire.Payload) {
			k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
			p.Signers[0].SPKI = spkiOf(t, k.Public())
		}), trustlist.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := trustlist.Load(tc.bundle, pins(f.pub1), testNow, 0)
			wantCode(t, err, tc.code)
		})
	}
}

func TestLoadReservedKeys(t *testing.T) {
	f := loadFixture(t)
	p := f.payload()
	b := sign(t, f.pub1, map[int]any{
		1: p.Version, 2: p.Sequence, 3: p.IssuedAt, 4: p.ExpiresAt, 5: p.Signers,
		6: map[string][]string{"vp": {"1119349007"}}, 99: "later",
	})
	l, err := trustlist.Load(b, pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	var vs map[string][]string
	if err := cbor.Unmarshal(l.Reserved(6), &vs); err != nil || vs["vp"][0] != "1119349007" {
		t.Errorf("Reserved(6) = %x (%v)", l.Reserved(6), err)
	}
	if got := l.Reserved(7); got != nil {
		t.Errorf("Reserved(7) = %x, want nil", got)
	}
	if l.Len() != len(f.dscs) {
		t.Errorf("Len = %d", l.Len())
	}
}

func TestLoadSharedKID(t *testing.T) {
	f := loadFixture(t)
	p := f.payload()
	p.Signers[1].KID = p.Signers[0].KID // two signers, one kid: Verify tries both
	l, err := trustlist.Load(sign(t, f.pub1, p), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(l.Signers(p.Signers[0].KID)); n != 2 {
		t.Fatalf("Signers(shared kid) has %d entries, want 2", n)
	}
	text, err := f.dscs[1].Issue(issuer.PassOptions{Kind: dcc.KindTest, IssuedAt: testNow.Add(-time.Hour), KID: p.Signers[0].KID})
	if err != nil {
		t.Fatal(err)
	}
	if r := dcc.Check(text, l, dcc.Options{Now: testNow}); !r.Valid {
		t.Errorf("pass by the second signer of a shared kid: %v", r.Errors)
	}
}

// TestInteropGoCOSE checks the envelope against another COSE implementation.
func TestInteropGoCOSE(t *testing.T) {
	f := loadFixture(t)
	b := f.bundle(t, f.pub1, 1)
	var msg cose.Sign1Message
	if err := msg.UnmarshalCBOR(b); err != nil {
		t.Fatal(err)
	}
	v, err := cose.NewVerifier(cose.AlgorithmES256, f.pub1.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := msg.Verify(nil, v); err != nil {
		t.Fatalf("go-cose does not verify the bundle: %v", err)
	}
	// And the other way: a bundle signed by go-cose loads.
	s, err := cose.NewSigner(cose.AlgorithmES256, f.pub2)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := encode.Marshal(f.payload())
	m2 := cose.NewSign1Message()
	m2.Headers.Protected.SetAlgorithm(cose.AlgorithmES256)
	m2.Payload = payload
	if err := m2.Sign(rand.Reader, nil, s); err != nil {
		t.Fatal(err)
	}
	b2, err := m2.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trustlist.Load(b2, pins(f.pub2), testNow, 0); err != nil {
		t.Fatalf("a go-cose bundle does not load: %v", err)
	}
}

func TestParsePublicKeysPEM(t *testing.T) {
	f := loadFixture(t)
	p1, _ := publish.MarshalPublicKeyPEM(f.pub1.Public())
	p2, _ := publish.MarshalPublicKeyPEM(f.pub2.Public())
	priv, _ := publish.MarshalPrivateKeyPEM(f.pub1)
	rsaPEM, _ := publish.MarshalPublicKeyPEM(f.dscs[2].Cert.PublicKey)
	keys, err := trustlist.ParsePublicKeysPEM(append(append([]byte("old key:\n"), p1...), append([]byte("\nnew key:\n"), p2...)...))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || !f.pub1.PublicKey.Equal(keys[0]) || !f.pub2.PublicKey.Equal(keys[1]) {
		t.Fatalf("keys = %v", keys)
	}
	for name, in := range map[string][]byte{
		"empty":       nil,
		"not PEM":     []byte("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"),
		"private key": priv,
		"RSA key":     rsaPEM,
		"broken key":  []byte(strings.Replace(string(p1), "MFkw", "MFkx", 1)),
		"huge":        bytes.Repeat(p1, 1000),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := trustlist.ParsePublicKeysPEM(in)
			wantCode(t, err, trustlist.KeyInvalid)
		})
	}
}

func TestParseUnverified(t *testing.T) {
	f := loadFixture(t)
	l, err := trustlist.ParseUnverified(f.bundle(t, f.pub2, 9))
	if err != nil {
		t.Fatal(err)
	}
	if l.Sequence != 9 || l.Len() != len(f.dscs) {
		t.Fatalf("Sequence %d Len %d", l.Sequence, l.Len())
	}
}

func spkiOf(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// signCrit signs payload with a critical header in the protected header.
func signCrit(t testing.TB, key *ecdsa.PrivateKey, payload []byte) []byte {
	t.Helper()
	return signWithHeader(t, key, map[int]any{1: -7, 2: []int{99}, 99: 1}, payload)
}

// offCurve returns a P-256 SubjectPublicKeyInfo whose point is not on the
// curve: well-formed, so Load takes it; unusable, so Signers leaves it out.
func offCurve(t testing.TB) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der := spkiOf(t, k.Public())
	der[len(der)-1] ^= 1
	return der
}

// TestLoadLazyKeys checks what is checked when: a key whose encoding is
// wrong fails the load; a P-256 point off the curve, the one check left to
// first use, makes only that signer unusable.
func TestLoadLazyKeys(t *testing.T) {
	f := loadFixture(t)
	p := f.payload()
	bad := p.Signers[0]
	bad.SPKI = offCurve(t)
	bad.Country = "XX"
	p.Signers = append(p.Signers, bad) // shares its kid with signer 0
	b := sign(t, f.pub1, p)
	for name, load := range map[string]func() (*trustlist.List, error){
		"Load":            func() (*trustlist.List, error) { return trustlist.Load(b, pins(f.pub1), testNow, 0) },
		"ParseUnverified": func() (*trustlist.List, error) { return trustlist.ParseUnverified(b) },
	} {
		t.Run(name, func(t *testing.T) {
			l, err := load()
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != len(p.Signers) {
				t.Fatalf("Len = %d", l.Len())
			}
			for range 2 { // the first call parses, the second reads the cache
				got := l.Signers(bad.KID)
				if len(got) != 1 || got[0].Country != f.dscs[0].Country || got[0].PublicKey == nil {
					t.Fatalf("Signers(shared kid) = %+v, want only the usable signer", got)
				}
			}
			var nilKeys []string
			for _, s := range l.All() {
				if s.PublicKey == nil {
					nilKeys = append(nilKeys, s.Country)
				}
			}
			if len(nilKeys) != 1 || nilKeys[0] != "XX" {
				t.Errorf("All(): signers without a key: %v, want [XX]", nilKeys)
			}
		})
	}
	// A pass of the usable signer still verifies.
	l, _ := trustlist.Load(b, pins(f.pub1), testNow, 0)
	text, err := f.dscs[0].Issue(issuer.PassOptions{Kind: dcc.KindVaccination, IssuedAt: testNow.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r := dcc.Check(text, l, dcc.Options{Now: testNow}); !r.Valid {
		t.Errorf("pass of the usable signer: %v", r.Errors)
	}
	// The only signer of a kid unusable: the kid is unknown.
	p = f.payload()
	p.Signers[0].SPKI = offCurve(t)
	l, err = trustlist.Load(sign(t, f.pub1, p), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r := dcc.Check(text, l, dcc.Options{Now: testNow}); r.Valid || r.Errors[0].Code != dcc.KIDUnknown {
		t.Errorf("pass of an unusable signer: valid %v, errors %v", r.Valid, r.Errors)
	}
}

// TestSignersConcurrent parses keys from many goroutines at once (run with
// -race): each signer's key is parsed once and every caller sees it.
func TestSignersConcurrent(t *testing.T) {
	f := loadFixture(t)
	l, err := trustlist.Load(f.bundle(t, f.pub1, 1), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	keys := make(chan crypto.PublicKey, 8*len(f.dscs))
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for _, d := range f.dscs {
				for _, s := range l.Signers(d.KID) {
					keys <- s.PublicKey
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(keys)
	distinct := map[crypto.PublicKey]bool{}
	for k := range keys {
		distinct[k] = true
	}
	if len(distinct) != len(f.dscs) {
		t.Errorf("%d distinct key values for %d signers: a key was parsed more than once", len(distinct), len(f.dscs))
	}
}

// TestLoadCopiesBundle checks that a List does not depend on the caller's
// buffer after Load: keys parsed later come from Load's own copy.
func TestLoadCopiesBundle(t *testing.T) {
	f := loadFixture(t)
	b := f.bundle(t, f.pub1, 1)
	l, err := trustlist.Load(b, pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	clear(b)
	for _, d := range f.dscs {
		got := l.Signers(d.KID)
		if len(got) != 1 || !got[0].PublicKey.(interface{ Equal(crypto.PublicKey) bool }).Equal(d.Cert.PublicKey) || !bytes.Equal(got[0].KID, d.KID) {
			t.Fatalf("Signers(%x) after the buffer was cleared: %+v", d.KID, got)
		}
	}
}

// TestLoadEnvelope checks the codes of bad envelopes and keys, which Load
// gives before any signature arithmetic.
func TestLoadEnvelope(t *testing.T) {
	f := loadFixture(t)
	b := f.bundle(t, f.pub1, 1)
	for name, tc := range map[string]struct {
		bundle []byte
		pinned []crypto.PublicKey
		code   dcc.Code
	}{
		"empty":           {nil, pins(f.pub1), trustlist.Invalid},
		"truncated":       {b[:len(b)-1], pins(f.pub1), trustlist.Invalid},
		"oversized":       {make([]byte, trustlist.MaxBundleSize+1), pins(f.pub1), trustlist.Invalid},
		"PS256 header":    {unsigned(t, []byte{0xa1, 0x01, 0x38, 0x24}, 64), pins(f.pub1), trustlist.Invalid},
		"short signature": {unsigned(t, []byte{0xa1, 0x01, 0x26}, 63), pins(f.pub1), trustlist.SignatureInvalid},
		"critical header": {signCrit(t, f.pub1, []byte{0xa0}), pins(f.pub1), trustlist.Invalid},
		"no P-256 key":    {b, []crypto.PublicKey{f.dscs[2].Cert.PublicKey}, trustlist.SignatureInvalid},
	} {
		_, err := trustlist.Load(tc.bundle, tc.pinned, testNow, 0)
		if e := (*dcc.Error)(nil); !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("%s: error %v, want %s", name, err, tc.code)
		}
	}
}

// unsigned returns a bundle with the protected header prot, an empty
// payload and a signature of sigLen zero bytes.
func unsigned(t testing.TB, prot []byte, sigLen int) []byte {
	t.Helper()
	b, err := encode.Sign1(prot, []byte{0xa0}, make([]byte, sigLen))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
