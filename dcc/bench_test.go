package dcc_test

import (
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

func benchPass(b *testing.B, kt issuer.KeyType) (string, dcc.Signers) {
	d := newDSC(b, kt, 0)
	return issue(b, d, issuer.PassOptions{}), dcc.Signers{d.Signer()}
}

func BenchmarkDecode(b *testing.B) {
	text, _ := benchPass(b, issuer.EC)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := dcc.Decode(text); err != nil {
			b.Fatal(err)
		}
	}
}

func benchCheck(b *testing.B, kt issuer.KeyType) {
	text, keys := benchPass(b, kt)
	b.ReportAllocs()
	for b.Loop() {
		if r := dcc.Check(text, keys, dcc.Options{Now: clock}); !r.Valid {
			b.Fatal(r.Errors)
		}
	}
}

func BenchmarkCheckES256(b *testing.B)        { benchCheck(b, issuer.EC) }
func BenchmarkCheckPS256RSA2048(b *testing.B) { benchCheck(b, issuer.RSA2048) }
func BenchmarkCheckPS256RSA4096(b *testing.B) { benchCheck(b, issuer.RSA4096) }
