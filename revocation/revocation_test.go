package revocation_test

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/internal/testkit/revgen"
	"github.com/passcheck/passcheck/revocation"
)

// signer makes a DSC of key type kt for country cc.
func signer(t testing.TB, kt issuer.KeyType, cc string) *issuer.DSC {
	t.Helper()
	now := time.Now().Add(-time.Hour)
	ca, err := issuer.NewCSCA(cc, issuer.EC, now, now.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ca.NewDSC(issuer.DSCOptions{KeyType: kt, NotBefore: now, NotAfter: now.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// independent computes the expected hashes without the package under test:
// the COSE signature is read with fxamacker/cbor from the raw COSE bytes.
func independent(t *testing.T, coseBytes []byte, es256 bool, iss, co, uci string) map[revocation.HashType][][16]byte {
	t.Helper()
	var msg []cbor.RawMessage
	raw := coseBytes
	var tag cbor.RawTag
	if err := cbor.Unmarshal(raw, &tag); err == nil {
		raw = tag.Content
	}
	if err := cbor.Unmarshal(raw, &msg); err != nil || len(msg) != 4 {
		t.Fatalf("independent decode: %v", err)
	}
	var sig []byte
	if err := cbor.Unmarshal(msg[3], &sig); err != nil {
		t.Fatal(err)
	}
	if es256 {
		sig = sig[:32]
	}
	h := func(b []byte) [16]byte {
		s := sha256.Sum256(b)
		var out [16]byte
		copy(out[:], s[:16])
		return out
	}
	out := map[revocation.HashType][][16]byte{
		revocation.Signature:      {h(sig)},
		revocation.UCI:            {h([]byte(uci))},
		revocation.CountryCodeUCI: {h([]byte(iss + uci))},
	}
	if co != iss {
		out[revocation.CountryCodeUCI] = append(out[revocation.CountryCodeUCI], h([]byte(co+uci)))
	}
	return out
}

func TestPassHashes(t *testing.T) {
	for _, tc := range []struct {
		name string
		kt   issuer.KeyType
		iss  string // the CWT iss; the payload's co is AT
	}{
		{"ES256 iss=co", issuer.EC, "AT"},
		{"ES256 iss≠co", issuer.EC, "VN"},
		{"PS256", issuer.RSA2048, "AT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := signer(t, tc.kt, "AT")
			payload := issuer.SamplePayload(dcc.KindVaccination)
			uci := "URN:UVCI:01:AT:TEST" + tc.name
			payload["v"].([]any)[0].(map[string]any)["ci"] = uci
			o := issuer.PassOptions{Payload: payload, Issuer: tc.iss}
			coseBytes, err := d.IssueCOSE(o)
			if err != nil {
				t.Fatal(err)
			}
			want := independent(t, coseBytes, tc.kt == issuer.EC, tc.iss, "AT", uci)
			// The same bytes as a QR text, through the decoder.
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(coseBytes)
			zw.Close()
			p, err := dcc.Decode(dcc.Prefix + base45.Encode(z.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			got := map[revocation.HashType][][16]byte{}
			for _, h := range revocation.PassHashes(p) {
				got[h.Type] = append(got[h.Type], h.Sum)
			}
			for typ, sums := range want {
				if len(got[typ]) != len(sums) {
					t.Fatalf("%v: %d hashes, want %d", typ, len(got[typ]), len(sums))
				}
				for i := range sums {
					if got[typ][i] != sums[i] {
						t.Errorf("%v[%d] = %x, want %x", typ, i, got[typ][i], sums[i])
					}
				}
			}
		})
	}
}

// decodeCOSE issues a pass with o and decodes it with dcc.
func decodeCOSE(t *testing.T, d *issuer.DSC, o issuer.PassOptions) *dcc.Pass {
	t.Helper()
	text, err := d.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	p, err := dcc.Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRevoked(t *testing.T) {
	d := signer(t, issuer.EC, "AT")
	other := signer(t, issuer.EC, "AT")
	payload := issuer.SamplePayload(dcc.KindTest)
	uci := "URN:UVCI:01:AT:REVOKED#1"
	payload["t"].([]any)[0].(map[string]any)["ci"] = uci
	revokedPass := decodeCOSE(t, d, issuer.PassOptions{Payload: payload})
	honest := decodeCOSE(t, d, issuer.PassOptions{Kind: dcc.KindTest})
	sameUCIOtherSigner := decodeCOSE(t, other, issuer.PassOptions{Payload: payload})

	noise := revgen.Entries(5000, [][]byte{d.KID, other.KID, nil}, revocation.UCI)
	for _, tc := range []struct {
		name  string
		entry revocation.Entry
		// which passes it revokes
		revoked, honest, otherSigner bool
	}{
		{"UCI under kid", revocation.Entry{KID: d.KID, Type: revocation.UCI, Sum: revocation.Sum([]byte(uci))}, true, false, false},
		{"UCI under UNKNOWN_KID", revocation.Entry{Type: revocation.UCI, Sum: revocation.Sum([]byte(uci))}, true, false, true},
		{"COUNTRYCODEUCI", revocation.Entry{KID: d.KID, Type: revocation.CountryCodeUCI, Sum: revocation.Sum([]byte("AT" + uci))}, true, false, false},
		{"UCI under another kid", revocation.Entry{KID: []byte("otherkid"), Type: revocation.UCI, Sum: revocation.Sum([]byte(uci))}, false, false, false},
		{"UCI hash listed as SIGNATURE", revocation.Entry{KID: d.KID, Type: revocation.Signature, Sum: revocation.Sum([]byte(uci))}, false, false, false},
		{"SIGNATURE", revocation.Entry{KID: d.KID, Type: revocation.Signature, Sum: revocation.Sum(revokedPass.Signature()[:32])}, true, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := revocation.NewSet(append(append([]revocation.Entry(nil), noise...), tc.entry))
			if err != nil {
				t.Fatal(err)
			}
			// Through the wire form too.
			var s2 revocation.Set
			if err := s2.AddPart(revocation.EncodePart(s)); err != nil {
				t.Fatal(err)
			}
			for _, set := range []*revocation.Set{s, &s2} {
				if _, got := set.Revoked(revokedPass); got != tc.revoked {
					t.Errorf("revoked pass: %v, want %v", got, tc.revoked)
				}
				if _, got := set.Revoked(honest); got != tc.honest {
					t.Errorf("honest pass of the same kid: %v, want %v", got, tc.honest)
				}
				if _, got := set.Revoked(sameUCIOtherSigner); got != tc.otherSigner {
					t.Errorf("same UCI, other signer: %v, want %v", got, tc.otherSigner)
				}
			}
		})
	}
}

func TestWidth(t *testing.T) {
	for _, tc := range []struct{ n, want int }{{1, 6}, {2000, 7}, {1_000_000, 8}, {80_000_000, 9}} {
		if got := revocation.Width(tc.n); got != tc.want {
			t.Errorf("Width(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func TestPartRoundTrip(t *testing.T) {
	kids := [][]byte{[]byte("kid-0001"), []byte("kid-0002"), nil}
	entries := append(revgen.Entries(3000, kids, revocation.UCI), revgen.Entries(500, kids, revocation.Signature)...)
	entries = append(entries, entries[:10]...) // repeats count once
	s, err := revocation.NewSet(entries)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3500 {
		t.Fatalf("Len = %d, want 3500", s.Len())
	}
	part := revocation.EncodePart(s)
	var back revocation.Set
	if err := back.AddPart(part); err != nil {
		t.Fatal(err)
	}
	if back.Len() != 3500 || !bytes.Equal(revocation.EncodePart(&back), part) {
		t.Errorf("round trip: %d entries, same bytes %v", back.Len(), bytes.Equal(revocation.EncodePart(&back), part))
	}
	if per := float64(len(part)) / 3500; per > 7 {
		t.Errorf("%.2f bytes an entry, want under 7 for groups of ~1,000", per)
	}
	// Adding the same part again changes nothing; a second, different part
	// merges.
	if err := back.AddPart(part); err != nil || back.Len() != 3500 {
		t.Errorf("same part again: %d, %v", back.Len(), err)
	}
	more, _ := revocation.NewSet(revgen.Entries(100, kids, revocation.UCI))
	if err := back.AddPart(revocation.EncodePart(more)); err != nil || back.Len() != 3600 {
		t.Errorf("second part: %d, %v", back.Len(), err)
	}
}

func TestPartRefused(t *testing.T) {
	s, _ := revocation.NewSet(revgen.Entries(50, [][]byte{[]byte("k")}, revocation.UCI))
	good := revocation.EncodePart(s)
	for name, b := range map[string][]byte{
		"empty":     {},
		"magic":     append([]byte("XXXX"), good[4:]...),
		"truncated": good[:len(good)-3],
		"trailing":  append(append([]byte(nil), good...), 0),
	} {
		var set revocation.Set
		if err := set.AddPart(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if set.Len() != 0 {
			t.Errorf("%s: %d entries kept from a refused part", name, set.Len())
		}
	}
	// A group that claims more entries than its bit stream can hold (each
	// takes at least k+1 bits) is refused before anything is allocated for
	// them: a small part never costs the memory of MaxEntries entries.
	claim := []byte("PCRV\x01\x01")                        // magic, one group
	claim = append(claim, byte(revocation.UCI), 1, 'k', 8) // hash type, kid, entry width
	claim = binary.AppendUvarint(claim, revocation.MaxEntries)
	claim = append(claim, 0, 1, 0) // Rice parameter 0, a stream of one byte
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var set0 revocation.Set
	err := set0.AddPart(claim)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "more entries than its bits can hold") {
		t.Errorf("a group claiming %d entries in one byte: %v", revocation.MaxEntries, err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("refusing a part of %d bytes allocated %d bytes", len(claim), a)
	}
	// Two parts of 5,000 entries each keep 7-byte prefixes, enough for
	// 5,000; together, 10,000 entries at 7 bytes would match honest passes
	// too often: the second part is refused, and the set keeps the first.
	kid := [][]byte{[]byte("kid")}
	a, _ := revocation.NewSet(revgen.Entries(5000, kid, revocation.UCI))
	b, _ := revocation.NewSet(revgen.Entries(5000, kid, revocation.UCI))
	var set revocation.Set
	if err := set.AddPart(revocation.EncodePart(a)); err != nil {
		t.Fatal(err)
	}
	if err := set.AddPart(revocation.EncodePart(b)); err == nil || set.Len() != 5000 {
		t.Errorf("second part: %v, %d entries; want refused and 5000", err, set.Len())
	}
}

// TestPartEscapes covers gaps too large for the Rice code, which the part
// writes raw: clustered entries and one far away, at every bit alignment.
func TestPartEscapes(t *testing.T) {
	for shift := 0; shift < 8; shift++ {
		var entries []revocation.Entry
		for i := 0; i < 1000+shift; i++ {
			var e revocation.Entry
			e.Type = revocation.UCI
			rand.Read(e.Sum[4:])
			entries = append(entries, e)
		}
		far := revocation.Entry{Type: revocation.UCI}
		for i := range far.Sum {
			far.Sum[i] = 0xff
		}
		entries = append(entries, far)
		s, err := revocation.NewSet(entries)
		if err != nil {
			t.Fatal(err)
		}
		var back revocation.Set
		if err := back.AddPart(revocation.EncodePart(s)); err != nil || back.Len() != s.Len() {
			t.Fatalf("shift %d: %v, %d of %d entries", shift, err, back.Len(), s.Len())
		}
	}
}

// TestPartMerge adds parts that share entries with what a set holds already
// (as a daily delta may): every entry of both is found afterwards, each
// counted once, and a part refused after them leaves every entry in place.
func TestPartMerge(t *testing.T) {
	kids := [][]byte{[]byte("kid-a"), []byte("kid-b"), nil}
	first := revgen.Entries(3000, kids, revocation.UCI)
	second := append(append([]revocation.Entry(nil), first[:700]...), revgen.Entries(900, kids, revocation.UCI)...)
	a, _ := revocation.NewSet(first)
	b, _ := revocation.NewSet(second)
	var s revocation.Set
	for _, part := range [][]byte{revocation.EncodePart(a), revocation.EncodePart(b)} {
		if err := s.AddPart(part); err != nil {
			t.Fatal(err)
		}
	}
	if s.Len() != 3900 {
		t.Errorf("Len = %d, want 3900", s.Len())
	}
	for i, e := range append(first, second...) {
		if !s.Has(e) {
			t.Fatalf("entry %d missing after the merge", i)
		}
	}
	// A part that would take a group below its false-match rate is refused
	// whole, and the set keeps every entry it had.
	bigEntries := revgen.Entries(60000, kids[:1], revocation.UCI)
	big, _ := revocation.NewSet(bigEntries)
	narrow := revocation.EncodePart(big)
	small, _ := revocation.NewSet(revgen.Entries(20, kids[:1], revocation.UCI))
	var t2 revocation.Set
	if err := t2.AddPart(narrow); err != nil {
		t.Fatal(err)
	}
	if err := t2.AddPart(revocation.EncodePart(small)); err == nil {
		t.Fatalf("a 6-byte part merged into %d entries was accepted", t2.Len())
	}
	if t2.Len() != 60000 || !t2.Has(bigEntries[0]) || !t2.Has(bigEntries[59999]) {
		t.Errorf("after a refused part: %d entries", t2.Len())
	}
}
