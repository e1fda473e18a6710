package cose_test

import (
	"encoding/hex"
	"fmt"

	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/cose"
)

// A pass names its key in the unprotected header here, which hcert allows;
// the caller verifies the signature over ToBeSigned with the key it finds.
func ExampleDecode() {
	// 18([h'A10126' / {1: -7} /, {4: h'AA'}, h'00', h'0102'])
	msg, _ := hex.DecodeString("d28443a10126a10441aa41004201" + "02")
	m, err := cose.Decode(msg, cose.Options{
		Limits:              cbor.Limits{MaxDepth: 16, MaxItems: 512},
		UnprotectedFallback: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alg %d, kid %x, signature %x\n", m.Alg, m.KID, m.Signature)
	fmt.Printf("to be signed: %x\n", m.ToBeSigned())
	// Output:
	// alg -7, kid aa, signature 0102
	// to be signed: 846a5369676e61747572653143a10126404100
}
