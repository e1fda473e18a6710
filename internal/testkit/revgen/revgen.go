// Package revgen makes revocation entries for tests and benchmarks: random
// hashes spread over a set of key identifiers.
//
//	entries := revgen.Entries(3000, revgen.KIDs(7), revocation.UCI)
package revgen

import (
	"crypto/rand"

	"github.com/passcheck/passcheck/revocation"
)

// KIDs returns n distinct 8-byte key identifiers (n at most 65536).
func KIDs(n int) [][]byte {
	kids := make([][]byte, n)
	for i := range kids {
		kids[i] = []byte{'k', 'i', 'd', byte(i >> 8), byte(i), 0, 0, 1}
	}
	return kids
}

// Entries returns n entries of type typ with random hashes, the i-th under
// kids[i%len(kids)] (a nil kid is UNKNOWN_KID's group).
func Entries(n int, kids [][]byte, typ revocation.HashType) []revocation.Entry {
	out := make([]revocation.Entry, n)
	for i := range out {
		rand.Read(out[i].Sum[:])
		out[i].KID = kids[i%len(kids)]
		out[i].Type = typ
	}
	return out
}
