//go:build !js

package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// revocationsOf signs a revocation index with p's key, sequence seq, issued
// at issued and valid for validFor, listing entries.
func (p publisher) revocations(t testing.TB, entries []revocation.Entry, seq uint64, issued time.Time, validFor time.Duration) *publish.Revocations {
	t.Helper()
	r, _, err := publish.BuildRevocations(publish.RevocationOptions{Entries: entries, Key: p.key, Sequence: seq, Now: issued, ValidFor: validFor})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// entryOf returns the entry of pass text's hash of type ht, under its kid
// (or under UNKNOWN_KID when anyKID).
func entryOf(t testing.TB, text string, ht revocation.HashType, anyKID bool) revocation.Entry {
	t.Helper()
	p, err := dcc.Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range revocation.PassHashes(p) {
		if h.Type == ht {
			e := revocation.Entry{KID: p.KID, Type: ht, Sum: h.Sum}
			if anyKID {
				e.KID = nil
			}
			return e
		}
	}
	t.Fatalf("no %s hash", ht)
	return revocation.Entry{}
}

// revocationPasses issues, with the fixture's signer, one pass to revoke
// by each hash type and one that stays honest: all share the kid.
func revocationPasses(t testing.TB, d *issuer.DSC, now time.Time) map[string]string {
	t.Helper()
	out := map[string]string{}
	for i, name := range []string{"uci", "countrycodeuci", "signature", "honest"} {
		// Each its own UCI: the sample payload's is the same in every pass.
		payload := issuer.SamplePayload(dcc.KindVaccination)
		payload["v"].([]any)[0].(map[string]any)["ci"] = fmt.Sprintf("URN:UVCI:01:AT:REVOCATIONTEST%d#%c", i, 'A'+i)
		text, err := d.Issue(issuer.PassOptions{IssuedAt: now.Add(-time.Hour), Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = text
	}
	return out
}

func revokedEntries(t testing.TB, passes map[string]string) []revocation.Entry {
	return []revocation.Entry{
		entryOf(t, passes["uci"], revocation.UCI, false),
		entryOf(t, passes["countrycodeuci"], revocation.CountryCodeUCI, true),
		entryOf(t, passes["signature"], revocation.Signature, false),
	}
}

func TestSessionRevocations(t *testing.T) {
	f := newFixture(t)
	passes := revocationPasses(t, f.dsc, f.now)
	rev := f.pub.revocations(t, revokedEntries(t, passes), 100, f.now, 48*time.Hour)
	s := newSession()
	defer s.free()
	if out := s.load(f.bundle(t, 10, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatalf("load: %v", out.Errors)
	}
	// Before any revocation data: nothing is added.
	if r := s.check(passes["uci"], f.now, f.now); !r.Valid {
		t.Fatalf("before loadRevocations: %v", codes(r.Errors))
	}
	out := s.loadRevocations(rev.Index, rev.Parts, f.pub.pem, 0, "", f.now)
	if !out.OK || !out.Loaded || out.Sequence != 100 || out.Entries != 3 || len(out.Errors) != 0 {
		t.Fatalf("loadRevocations: %+v", out)
	}
	for name, text := range passes {
		r := s.check(text, f.now, f.now)
		if name == "honest" {
			if !r.Valid || r.Verdict != dcc.VerdictValid {
				t.Errorf("honest pass sharing the kid: %s %v", r.Verdict, codes(r.Errors))
			}
			continue
		}
		if r.Verdict != dcc.VerdictInvalid || !slices.Equal(codes(r.Errors), []dcc.Code{dcc.CertRevoked}) {
			t.Errorf("revoked by %s: %s %v", name, r.Verdict, codes(r.Errors))
		}
	}

	t.Run("rollback", func(t *testing.T) {
		older := f.pub.revocations(t, nil, 99, f.now, 48*time.Hour)
		// The session's own mark refuses it, with no mark passed in.
		out := s.loadRevocations(older.Index, older.Parts, f.pub.pem, 0, "", f.now)
		if out.OK || len(out.Errors) == 0 || out.Errors[0].Code != trustlist.Rollback || out.Sequence != 100 {
			t.Errorf("older index: %+v", out)
		}
		if r := s.check(passes["uci"], f.now, f.now); r.Verdict != dcc.VerdictInvalid {
			t.Errorf("after a refused rollback the revoked pass is %s %v", r.Verdict, codes(r.Errors))
		}
		// A fresh session with the stored mark refuses it too, and has no data.
		s2 := newSession()
		defer s2.free()
		s2.load(f.bundle(t, 10, f.now, time.Hour), f.pub.pem, 0, 0, f.now)
		out = s2.loadRevocations(older.Index, older.Parts, f.pub.pem, 100, "", f.now)
		if out.OK || out.Loaded || out.Errors[0].Code != trustlist.Rollback {
			t.Errorf("older index below the stored mark: %+v", out)
		}
		if r := s2.check(passes["honest"], f.now, f.now); r.Verdict != dcc.VerdictCannotCheck || !slices.Contains(codes(r.Errors), dcc.RevocationStale) {
			t.Errorf("without revocation data: %s %v", r.Verdict, codes(r.Errors))
		}
	})

	stale := func(t *testing.T, index []byte, parts [][]byte, why string, at time.Time) {
		t.Helper()
		s := newSession()
		defer s.free()
		s.load(f.bundle(t, 10, f.now, time.Hour), f.pub.pem, 0, 0, f.now)
		out := s.loadRevocations(index, parts, f.pub.pem, 0, why, at)
		if out.OK || !slices.Contains(codes(out.Errors), dcc.RevocationStale) {
			t.Errorf("load: %+v", out)
		}
		if r := s.check(passes["honest"], at, at); r.Verdict != dcc.VerdictCannotCheck || !slices.Equal(codes(r.Errors), []dcc.Code{dcc.RevocationStale}) {
			t.Errorf("honest pass: %s %v, want cannot-check by REVOCATION_STALE", r.Verdict, codes(r.Errors))
		}
	}
	t.Run("tampered part", func(t *testing.T) {
		part := slices.Clone(rev.Parts[0])
		part[len(part)-1] ^= 1
		stale(t, rev.Index, [][]byte{part}, "", f.now)
	})
	t.Run("truncated part", func(t *testing.T) {
		stale(t, rev.Index, [][]byte{rev.Parts[0][:len(rev.Parts[0])-1]}, "", f.now)
	})
	t.Run("missing part", func(t *testing.T) {
		stale(t, rev.Index, [][]byte{nil}, "", f.now)
	})
	t.Run("no index", func(t *testing.T) {
		stale(t, nil, nil, "HTTP 404", f.now)
	})
	t.Run("expired index", func(t *testing.T) {
		old := f.pub.revocations(t, nil, 50, f.now.Add(-72*time.Hour), 48*time.Hour)
		stale(t, old.Index, old.Parts, "", f.now)
	})
	t.Run("foreign key", func(t *testing.T) {
		other := newPublisher(t).revocations(t, nil, 200, f.now, 48*time.Hour)
		stale(t, other.Index, other.Parts, "", f.now)
	})
	t.Run("a bundle is not an index", func(t *testing.T) {
		stale(t, f.bundle(t, 11, f.now, time.Hour), nil, "", f.now)
	})
}
