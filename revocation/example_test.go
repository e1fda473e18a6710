package revocation_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"

	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// A verifier checks the signed index with package trustlist, then hands
// it and the parts' bytes to NewStatus, which checks each part against the
// index before decoding it.
func ExampleNewStatus() {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	uci := "URN:UVCI:01:AT:EXAMPLE#1"
	rev, _, err := publish.BuildRevocations(publish.RevocationOptions{
		Entries: []revocation.Entry{{Type: revocation.UCI, Sum: revocation.Sum([]byte(uci))}},
		Key:     key,
	})
	if err != nil {
		panic(err)
	}
	ix, err := trustlist.LoadRevocationIndex(rev.Index, []crypto.PublicKey{key.Public()}, 0)
	if err != nil {
		panic(err)
	}
	st := revocation.NewStatus(ix, rev.Parts)
	fmt.Printf("parts %d, entries %d, problem %q\n", len(ix.Parts), st.Set.Len(), st.Problem)
	// Output: parts 1, entries 1, problem ""
}
