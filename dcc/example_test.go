package dcc_test

import (
	"fmt"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// A pass is decoded, then verified against the trusted signers at a clock.
func Example() {
	from := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, _ := issuer.NewCSCA("AT", issuer.EC, from, from.AddDate(10, 0, 0))
	dsc, _ := ca.NewDSC(issuer.DSCOptions{Usage: dcc.UsageVaccination, NotBefore: from, NotAfter: from.AddDate(2, 0, 0)})
	text, _ := dsc.Issue(issuer.PassOptions{IssuedAt: from.AddDate(0, 4, 0)})

	pass, err := dcc.Decode(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	keys := dcc.Signers{dsc.Signer()} // in production: a trustlist.List
	r := dcc.Verify(pass, keys, dcc.Options{Now: from.AddDate(0, 5, 0)})
	fmt.Println(r.Valid, r.Kind, r.Holder.FamilyNameStd, r.Holder.DateOfBirth)

	r = dcc.Verify(pass, keys, dcc.Options{Now: from.AddDate(3, 0, 0)})
	for _, e := range r.Errors {
		fmt.Println(e.Code)
	}
	// Output:
	// true vaccination NGUYEN 1990-04-14
	// SIGNER_EXPIRED
	// CERT_EXPIRED
}

// Decode reports the first step of the chain that failed with a stable code.
func ExampleDecode() {
	_, err := dcc.Decode("HC2:6BFOXN%TS3DH")
	fmt.Println(err.(*dcc.Error).Code)
	// Output: PREFIX_INVALID
}

// DecodeEnvelope stops at the signature, so that a caller can hand it to
// another verifier (WebCrypto in the browser) at once; Verify reads the
// claims later, and VerifiedBy takes that verifier's answer.
func ExampleDecodeEnvelope() {
	from := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, _ := issuer.NewCSCA("AT", issuer.EC, from, from.AddDate(10, 0, 0))
	dsc, _ := ca.NewDSC(issuer.DSCOptions{NotBefore: from, NotAfter: from.AddDate(2, 0, 0)})
	text, _ := dsc.Issue(issuer.PassOptions{IssuedAt: from.AddDate(0, 4, 0)})

	pass, err := dcc.DecodeEnvelope(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pass.Alg == dcc.AlgES256, len(pass.Signature()), pass.Certificate == nil)

	// ... the other verifier checks pass.Signature() over pass.ToBeSigned()
	// with the key of a trusted signer, and says which one verified.
	keys := dcc.Signers{dsc.Signer()}
	verified := func(s dcc.Signer) bool { return s.Subject == dsc.Signer().Subject }
	r := dcc.Verify(pass, keys, dcc.Options{Now: from.AddDate(0, 5, 0), VerifiedBy: verified})
	fmt.Println(r.Valid, r.Holder.FamilyNameStd)
	// Output:
	// true 64 true
	// true NGUYEN
}
