// Package certsource is a trust-list source over certificates in memory,
// for the tests that build a list with [publish.Build]:
//
//	bundle, _, err := publish.Build(ctx, publish.Options{
//		Sources: []publish.Source{certsource.Certs{dsc.Cert}}, Key: key,
//	})
package certsource

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/passcheck/passcheck/trustlist/publish"
)

// Certs is a [publish.Source] over certificates in memory; the i-th
// certificate's origin is "test certificate i+1".
type Certs []*x509.Certificate

// String names the source in a build report.
func (s Certs) String() string { return "test certificates" }

// Load returns every certificate as a candidate, in order.
func (s Certs) Load(context.Context) (*publish.Batch, error) {
	b := &publish.Batch{}
	for i, c := range s {
		b.Candidates = append(b.Candidates, publish.Candidate{Cert: c, Origin: fmt.Sprintf("test certificate %d", i+1)})
	}
	return b, nil
}
