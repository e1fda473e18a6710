package certsource_test

import (
	"context"
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/certsource"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// Load hands back every certificate, in order, each with its own origin.
func TestLoad(t *testing.T) {
	a, err := issuer.NewSelfSignedDSC("AT", issuer.DSCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := issuer.NewSelfSignedDSC("DE", issuer.DSCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := certsource.Certs{a.Cert, b.Cert}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Candidates) != 2 || batch.Candidates[0].Cert != a.Cert || batch.Candidates[1].Cert != b.Cert {
		t.Fatalf("candidates %+v, want the two certificates in order", batch.Candidates)
	}
	if o0, o1 := batch.Candidates[0].Origin, batch.Candidates[1].Origin; o0 == "" || o0 == o1 {
		t.Errorf("origins %q and %q, want two different names", o0, o1)
	}
}
