package trustlist_test

import (
	"crypto"
	"errors"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
	"github.com/passcheck/passcheck/trustlist/publish"
)

func indexPayload(seq uint64, parts int) wire.Index {
	ix := wire.Index{Version: wire.IndexVersion, Sequence: seq, IssuedAt: testNow.Unix(), ExpiresAt: testNow.Add(48 * time.Hour).Unix(), Parts: []wire.IndexPart{}}
	for i := range parts {
		sum := make([]byte, 32)
		sum[0] = byte(i + 1)
		ix.Parts = append(ix.Parts, wire.IndexPart{SHA256: sum, Size: 100, Entries: 10})
	}
	return ix
}

func signIndex(t testing.TB, p any) []byte {
	t.Helper()
	b, err := publish.Sign(fuzzKey(t), p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadRevocationIndex(t *testing.T) {
	pinned := []crypto.PublicKey{fuzzKey(t).Public()}
	good := signIndex(t, indexPayload(7, 2))
	ix, err := trustlist.LoadRevocationIndex(good, pinned, 7)
	if err != nil || ix.Sequence != 7 || len(ix.Parts) != 2 || ix.Entries() != 20 || !ix.ExpiresAt.Equal(testNow.Add(48*time.Hour)) {
		t.Fatalf("good index: %+v, %v", ix, err)
	}
	dup := indexPayload(7, 2)
	dup.Parts[1] = dup.Parts[0]
	other, _ := publish.GenerateKey()
	otherSigned, _ := publish.Sign(other, indexPayload(7, 1))
	v2 := indexPayload(7, 1)
	v2.Version = 2
	tampered := append([]byte(nil), good...)
	tampered[len(tampered)-70] ^= 1
	for name, tc := range map[string]struct {
		b    []byte
		seen uint64
		code dcc.Code
	}{
		"rollback":         {good, 8, trustlist.Rollback},
		"other key":        {otherSigned, 0, trustlist.SignatureInvalid},
		"tampered":         {tampered, 0, trustlist.SignatureInvalid},
		"a bundle":         {signIndex(t, fuzzPayload(t)), 0, trustlist.Invalid},
		"part named twice": {signIndex(t, dup), 0, trustlist.Invalid},
		"version 2":        {signIndex(t, v2), 0, trustlist.VersionUnknown},
		"empty":            {nil, 0, trustlist.Invalid},
		"truncated":        {good[:len(good)/2], 0, trustlist.Invalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := trustlist.LoadRevocationIndex(tc.b, pinned, tc.seen)
			var de *dcc.Error
			if !errors.As(err, &de) || de.Code != tc.code {
				t.Errorf("error %v, want code %s", err, tc.code)
			}
		})
	}
	// An index is never a bundle.
	if _, err := trustlist.Load(good, pinned, testNow, 0); err == nil {
		t.Error("an index loaded as a bundle")
	}
}

// FuzzRevocationIndex: no panic, every error a *dcc.Error with a trust-list
// code, and what loads re-encodes to a payload that loads the same.
func FuzzRevocationIndex(f *testing.F) {
	seeds := [][]byte{
		signIndex(f, indexPayload(1, 0)),
		signIndex(f, indexPayload(9, 3)),
		signIndex(f, fuzzPayload(f)),
	}
	raw, _ := encode.Marshal(indexPayload(2, 1))
	seeds = append(seeds, raw)
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, s := range seeds {
		f.Add(s)
	}
	pinned := []crypto.PublicKey{fuzzKey(f).Public()}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, load := range []func() (*trustlist.RevocationIndex, error){
			func() (*trustlist.RevocationIndex, error) { return trustlist.LoadRevocationIndex(b, pinned, 0) },
			func() (*trustlist.RevocationIndex, error) { return trustlist.ParseRevocationIndexUnverified(b) },
		} {
			ix, err := load()
			if err != nil {
				var de *dcc.Error
				if !errors.As(err, &de) || trustlist.Message(de.Code) == "" {
					t.Fatalf("error %v is not a trust-list *dcc.Error", err)
				}
				continue
			}
			if !ix.ExpiresAt.After(ix.IssuedAt) || len(ix.Parts) > wire.MaxIndexParts {
				t.Fatalf("accepted %+v", ix)
			}
		}
	})
}
