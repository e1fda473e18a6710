//go:build !js

// The deployed reader is a program the test compiles with the go command,
// which a test running inside WebAssembly (make wasm-test) cannot start;
// make unit runs this test natively.

package trustlist_test

import (
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/oldreader"
)

// Today's reader (the deployed one, internal/testkit/oldreader) loads a
// bundle with extra signers and keeps every other signer.
func TestDeployedReaderSkipsExtraSigners(t *testing.T) {
	f := loadFixture(t)
	_, p, _ := extraFixture(t)
	bundle := sign(t, f.pub1, p)
	var texts []string
	for _, d := range f.dscs {
		texts = append(texts, passOf(t, d))
	}
	old := oldreader.Load(t, bundle, f.pub1.Public(), testNow, texts...)
	if old.Error != "" {
		t.Fatalf("the deployed reader refuses the bundle: %s", old.Error)
	}
	if len(old.Signers) != len(f.dscs) {
		t.Errorf("the deployed reader keeps %d signers, want %d", len(old.Signers), len(f.dscs))
	}
	for i, d := range f.dscs {
		if r := old.Passes[i]; !r.Valid {
			t.Errorf("deployed reader, %s: %v", d.Cert.Subject.CommonName, r.Errors)
		}
	}
	// And what it would do with a P-384 signer among the others: refuse
	// the whole list. This is why the extra signers have their own key.
	p.Signers = append(p.Signers, p.Extra[0])
	if old := oldreader.Load(t, sign(t, f.pub1, p), f.pub1.Public(), testNow); old.Error == "" {
		t.Error("the deployed reader loads a P-384 signer among the signers of key 5: the archived reader is not the deployed one")
	}
}
