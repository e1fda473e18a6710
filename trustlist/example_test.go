package trustlist_test

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

func ExampleLoad() {
	// The publisher's side: a key pair, and a bundle of one signer.
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	publisher, _ := publish.GenerateKey()
	pubPEM, _ := publish.MarshalPublicKeyPEM(publisher.Public())
	csca, _ := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	dsc, _ := csca.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0)})
	bundle, _, _ := publish.Build(context.Background(), publish.Options{
		Sources:  []publish.Source{memSource{dsc}},
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

// Judge says what the list in use is worth at a moment; its Keys check the
// pass, and AddTo puts its state into the Result, so that the verdict is
// "cannot check" on a stale list even when the signature matched.
func ExampleJudge() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	publisher, _ := publish.GenerateKey()
	csca, _ := issuer.NewCSCA("AT", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	dsc, _ := csca.NewDSC(issuer.DSCOptions{NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0)})
	bundle, _, _ := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{memSource{dsc}}, Key: publisher, Sequence: 1, Now: now, ValidFor: 24 * time.Hour,
	})
	list, _ := trustlist.Load(bundle, []crypto.PublicKey{publisher.Public()}, now, 0)
	pass, _ := dsc.Issue(issuer.PassOptions{IssuedAt: now})

	// A day and an hour later, within a grace period of two days.
	later := now.Add(25 * time.Hour)
	status := trustlist.Judge(list, 48*time.Hour, later, nil)
	r := dcc.Check(pass, status.Keys(), dcc.Options{Now: later})
	status.AddTo(r)
	fmt.Println(status.State, r.Verdict, r.Signer != nil, r.Errors[0].Code)

	// With no list at all.
	status = trustlist.Judge(nil, 0, later, nil)
	r = dcc.Check(pass, status.Keys(), dcc.Options{Now: later})
	status.AddTo(r)
	fmt.Println(status.State, r.Verdict, r.Errors[0].Code, r.Errors[1].Code)
	// Output:
	// grace cannot-check true TRUSTLIST_EXPIRED
	// missing cannot-check KID_UNKNOWN TRUSTLIST_MISSING
}
