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

// Every code has a class, and the verdict follows from the classes of a
// Result's errors: a failed check beside an unknown signer cannot be
// checked, for nothing in the pass is verified.
func ExampleDecide() {
	fmt.Println(dcc.CertExpired.Class(), dcc.KIDUnknown.Class(), dcc.PrefixInvalid.Class())
	expired := dcc.Message{Code: dcc.CertExpired}
	unknown := dcc.Message{Code: dcc.KIDUnknown}
	fmt.Println(dcc.Decide([]dcc.Message{expired}, true))
	fmt.Println(dcc.Decide([]dcc.Message{expired, unknown}, false))
	fmt.Println(dcc.Decide(nil, true))
	// Output:
	// invalid cannot-check not-a-pass
	// invalid
	// cannot-check
	// valid
}

// A caller that checks something beside the pass adds it to the Result,
// which decides its verdict again.
func ExampleResult_AddError() {
	r := dcc.ErrorResult(dcc.NewMessage(dcc.InputInvalid, "the text must be a string"))
	fmt.Println(r.Verdict, r.Valid)
	fmt.Println(r.Errors[0].Message)

	r = dcc.Check("HC1:6BFOXN%TS3DH", nil, dcc.Options{})
	r.AddError(dcc.Message{Code: "TRUSTLIST_MISSING", Message: "No trust list is loaded."})
	fmt.Println(r.Verdict) // not a pass, whatever the trust list
	// Output:
	// not-a-pass false
	// The verifier was called with an argument it cannot use. (the text must be a string)
	// not-a-pass
}

// Codes lists the registry, for a page build that injects the codes and a
// test that checks their translations.
func ExampleCodes() {
	codes := dcc.Codes()
	fmt.Println(codes[dcc.SignatureInvalid], codes["TRUSTLIST_EXPIRED"], codes[dcc.ValueUnknown])
	// Output: invalid cannot-check warning
}
