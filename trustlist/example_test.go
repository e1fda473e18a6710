package trustlist_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/build"
)

func ExampleLoad() {
	// The publisher's side: a key pair, and a bundle of one signer.
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	publisher, _ := build.GenerateKey()
	pubPEM, _ := build.MarshalPublicKeyPEM(publisher.Public())
	csca, _ := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	dsc, _ := csca.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0)})
	bundle, _, _ := build.Build(context.Background(), build.Options{
		Sources:  []build.Source{memSource{dsc}},
		Key:      publisher,
		Sequence: 7,
		Now:      now,
	})

	// The verifier's side: the pinned key, the bundle, and the highest
	// sequence seen before.
	pinned, err := trustlist.ParsePublicKeysPEM(pubPEM)
	if err != nil {
		panic(err)
	}
	list, err := trustlist.Load(bundle, pinned, now.Add(time.Hour), 6)
	if err != nil {
		panic(err)
	}
	fmt.Println("sequence", list.Sequence, "with", list.Len(), "signer")

	pass, _ := dsc.Issue(issuer.PassOptions{Kind: dcc.KindVaccination, IssuedAt: now})
	fmt.Println("pass valid:", dcc.Check(pass, list, dcc.Options{Now: now.Add(time.Hour)}).Valid)

	// An older list is refused.
	_, err = trustlist.Load(bundle, pinned, now.Add(time.Hour), 8)
	var e *dcc.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code)
	}
	// Output:
	// sequence 7 with 1 signer
	// pass valid: true
	// TRUSTLIST_ROLLBACK
}

// ExamplePrepare checks a bundle's signature outside Go, as the WebAssembly
// build does with WebCrypto (here ecdsa.Verify stands in for
// crypto.subtle.verify), then loads it believing only that answer.
func ExamplePrepare() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	publisher, _ := build.GenerateKey()
	pubPEM, _ := build.MarshalPublicKeyPEM(publisher.Public())
	csca, _ := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	dsc, _ := csca.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0)})
	bundle, _, _ := build.Build(context.Background(), build.Options{
		Sources: []build.Source{memSource{dsc}}, Key: publisher, Sequence: 7, Now: now,
	})
	pinned, _ := trustlist.ParsePublicKeysPEM(pubPEM)

	// 1. What the signature covers.
	p, err := trustlist.Prepare(bundle)
	if err != nil {
		panic(err)
	}
	// 2. The outside check, with each pinned key: the index of the one that
	// verified, or -1.
	verified := -1
	digest := sha256.Sum256(p.ToBeSigned)
	for i, k := range pinned {
		r, s := new(big.Int).SetBytes(p.Signature[:32]), new(big.Int).SetBytes(p.Signature[32:])
		if ecdsa.Verify(k.(*ecdsa.PublicKey), digest[:], r, s) {
			verified = i
			break
		}
	}
	// 3. Load, confirming that key only, for those bytes only. With no key
	// verified, load without the option: Go checks the signature itself.
	var opts []trustlist.Option
	if verified >= 0 {
		opts = append(opts, trustlist.WithSignatureCheck(func(pub *ecdsa.PublicKey, tbs, sig []byte) bool {
			return pub.Equal(pinned[verified]) && bytes.Equal(tbs, p.ToBeSigned) && bytes.Equal(sig, p.Signature)
		}))
	}
	list, err := trustlist.Load(bundle, pinned, now.Add(time.Hour), 6, opts...)
	if err != nil {
		panic(err)
	}
	fmt.Println("verified by pinned key", verified, "- sequence", list.Sequence, "with", list.Len(), "signer")
	// Output:
	// verified by pinned key 0 - sequence 7 with 1 signer
}
