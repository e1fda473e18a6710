package publish

import (
	"context"
	"encoding/pem"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// memSource is a Source over issued certificates.
type memSource []*issuer.DSC

func (m memSource) String() string { return "memory" }

func (m memSource) Load(context.Context) (*Batch, error) {
	b := &Batch{}
	for _, d := range m {
		b.Candidates = append(b.Candidates, Candidate{Cert: d.Cert, Origin: d.Cert.Subject.CommonName})
	}
	return b, nil
}

// candidates is a Source over prepared candidates.
type candidates []Candidate

func (c candidates) String() string                       { return "candidates" }
func (c candidates) Load(context.Context) (*Batch, error) { return &Batch{Candidates: c}, nil }

func pemOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
