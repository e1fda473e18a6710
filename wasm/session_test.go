//go:build !js

package main

import (
	"crypto/x509"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
)

func codes(ms []dcc.Message) []dcc.Code {
	out := []dcc.Code{}
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return out
}

func only(t *testing.T, what string, ms []dcc.Message, want dcc.Code) {
	t.Helper()
	if len(ms) != 1 || ms[0].Code != want {
		t.Errorf("%s: %v, want only %s", what, codes(ms), want)
	}
}

// sessionFixture is a DSC, a pass it signed (valid now) and a publisher.
type sessionFixture struct {
	dsc  *issuer.DSC
	pass string
	pub  publisher
	now  time.Time
}

func newFixture(t *testing.T) sessionFixture {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	d := newDSC(t, issuer.EC, now)
	text, err := d.Issue(issuer.PassOptions{IssuedAt: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return sessionFixture{d, text, newPublisher(t), now}
}

// loadNoneRevoked loads into s an empty revocation index signed by the
// fixture's publisher, fresh for two days: a session checked against
// revocation data that revokes nothing.
func (f sessionFixture) loadNoneRevoked(t *testing.T, s *session) {
	t.Helper()
	rev := f.pub.revocations(t, nil, 1, f.now, 48*time.Hour)
	if out := s.loadRevocations(rev.Index, rev.Parts, f.pub.pem, 0, "", f.now); !out.OK {
		t.Fatalf("loadRevocations: %+v", out)
	}
}

func (f sessionFixture) bundle(t *testing.T, seq uint64, issued time.Time, validFor time.Duration) []byte {
	return f.pub.bundle(t, []*x509.Certificate{f.dsc.Cert}, seq, issued, validFor)
}

func TestWarmUp(t *testing.T) {
	f := newFixture(t)
	loaded := newSession()
	if out := loaded.load(f.bundle(t, 10, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatalf("load: %+v", out)
	}
	for _, outside := range []bool{false, true} {
		// Against its own key, with a usable list: valid.
		if r := loaded.warmUp(outside); r == nil || !r.Valid {
			t.Fatalf("warmUp(%v) with a list: %+v", outside, r)
		}
		// Without a list, the session's state shows as a scan's would.
		if r := newSession().warmUp(outside); r == nil || r.Valid || len(r.Errors) != 1 || r.Errors[0].Code != trustlist.Missing {
			t.Fatalf("warmUp(%v) without a list: %+v", outside, r)
		}
	}
	// It leaves nothing behind: no prepared pass, no key handle.
	if loaded.prep != nil || len(loaded.handles) != 0 {
		t.Fatal("the warm-up left a prepared pass or a key handle")
	}
	// Its key is in no list: the pass itself is not valid against one.
	if r := loaded.check(warmUpPass, f.now, f.now); r.Valid || codes(r.Errors)[0] != dcc.KIDUnknown {
		t.Fatalf("the warm-up pass against the list: %v", codes(r.Errors))
	}
}

func TestSessionWithoutList(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	r := s.check(f.pass, f.now, f.now)
	if r.Valid {
		t.Fatal("valid without a trust list")
	}
	// The pass decodes, so the missing list is the reason (amber), and the
	// signature could not be checked.
	if got := codes(r.Errors); len(got) != 2 || got[0] != dcc.KIDUnknown || got[1] != trustlist.Missing {
		t.Errorf("errors %v, want KID_UNKNOWN TRUSTLIST_MISSING", got)
	}
	// A text that is no pass gives dcc's error only.
	only(t, "not a pass", s.check("hello", f.now, f.now).Errors, dcc.PrefixInvalid)
}

func TestSessionLoad(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	out := s.load(f.bundle(t, 10, f.now, time.Hour), f.pub.pem, 0, 0, f.now)
	if !out.OK || len(out.Errors) != 0 || out.List == nil || out.List.Sequence != 10 || out.List.Len() != 1 {
		t.Fatalf("load: %+v", out)
	}
	// Without revocation data the pass is valid, and its Result says that
	// it was not checked against revocations (as the command line's --dsc).
	r := s.check(f.pass, f.now, f.now)
	if !r.Valid {
		t.Fatalf("check without revocation data: errors=%v", codes(r.Errors))
	}
	only(t, "check without revocation data: warnings", r.Warnings, dcc.RevocationUnchecked)
	f.loadNoneRevoked(t, s)
	r = s.check(f.pass, f.now, f.now)
	if !r.Valid || len(r.Warnings) != 0 {
		t.Fatalf("check: valid=%v errors=%v warnings=%v", r.Valid, codes(r.Errors), codes(r.Warnings))
	}

	// Refused loads leave the list in use as it was.
	other := newPublisher(t)
	for _, tt := range []struct {
		name     string
		bundle   []byte
		pem      string
		lastSeen uint64
		want     dcc.Code
	}{
		{"rolled back", f.bundle(t, 9, f.now, time.Hour), f.pub.pem, 10, trustlist.Rollback},
		{"wrong key", other.bundle(t, []*x509.Certificate{f.dsc.Cert}, 11, f.now, time.Hour), f.pub.pem, 10, trustlist.SignatureInvalid},
		{"expired", f.bundle(t, 12, f.now.Add(-3*time.Hour), time.Hour), f.pub.pem, 10, trustlist.Expired},
		{"junk", []byte("junk"), f.pub.pem, 10, trustlist.Invalid},
		{"bad keys", f.bundle(t, 13, f.now, time.Hour), "no key here", 10, trustlist.KeyInvalid},
	} {
		out := s.load(tt.bundle, tt.pem, tt.lastSeen, 0, f.now)
		if out.OK {
			t.Errorf("%s: loaded", tt.name)
		}
		only(t, tt.name, out.Errors, tt.want)
		if r := s.check(f.pass, f.now, f.now); !r.Valid || s.list.Sequence != 10 {
			t.Errorf("%s: the list in use changed: seq %d, valid=%v %v", tt.name, s.list.Sequence, r.Valid, codes(r.Errors))
		}
	}
}

// A first load that fails becomes the reason every check reports.
func TestSessionFirstLoadFails(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name   string
		bundle []byte
		want   dcc.Code
	}{
		{"rolled back", f.bundle(t, 5, f.now, time.Hour), trustlist.Rollback},
		{"wrong key", newPublisher(t).bundle(t, []*x509.Certificate{f.dsc.Cert}, 20, f.now, time.Hour), trustlist.SignatureInvalid},
	} {
		s := newSession()
		out := s.load(tt.bundle, f.pub.pem, 6, 0, f.now)
		only(t, tt.name+" load", out.Errors, tt.want)
		r := s.check(f.pass, f.now, f.now)
		if r.Valid || r.Errors[len(r.Errors)-1].Code != tt.want {
			t.Errorf("%s: check errors %v, want ending in %s", tt.name, codes(r.Errors), tt.want)
		}
	}
}

// An expired list: refused, but reported (its signature verified) so that a
// page can say which list it has; within the grace period it verifies with
// a warning, judged again at each check.
func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	issued := f.now.Add(-3 * time.Hour)
	bundle := f.bundle(t, 30, issued, 2*time.Hour) // expired an hour ago

	s := newSession()
	f.loadNoneRevoked(t, s)
	out := s.load(bundle, f.pub.pem, 0, 0, f.now)
	only(t, "no grace", out.Errors, trustlist.Expired)
	if out.List == nil || out.List.Sequence != 30 {
		t.Errorf("the expired list is not reported: %+v", out.List)
	}
	r := s.check(f.pass, f.now, f.now)
	if r.Valid || r.Errors[len(r.Errors)-1].Code != trustlist.Expired {
		t.Errorf("check with an expired list: %v", codes(r.Errors))
	}

	s = newSession()
	f.loadNoneRevoked(t, s)
	out = s.load(bundle, f.pub.pem, 0, 2*time.Hour, f.now)
	if !out.OK {
		t.Fatalf("within grace: %v", codes(out.Errors))
	}
	only(t, "within grace: load warnings", out.Warnings, trustlist.Expired)
	// Within grace the list's keys still check the signature, but a pass
	// checked against a stale list cannot be valid: amber.
	r = s.check(f.pass, f.now, f.now)
	only(t, "within grace: check errors", r.Errors, trustlist.Expired)
	if r.Valid || r.Verdict != dcc.VerdictCannotCheck || r.Signer == nil {
		t.Errorf("within grace: verdict %s, signer %v; want cannot-check with the signer", r.Verdict, r.Signer)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("within grace: check warnings %v", codes(r.Warnings))
	}
	// Two hours later the grace period is over: the same session says so.
	later := f.now.Add(2 * time.Hour)
	r = s.check(f.pass, f.now, later)
	if r.Valid || r.Errors[len(r.Errors)-1].Code != trustlist.Expired {
		t.Errorf("past grace: %v", codes(r.Errors))
	}
}

// prepare and verifyPrepared: the caller's index is believed only for a
// trusted signer; -1 or an index of no key falls back to the pure-Go check;
// a stale token gets nil.
func TestSessionPrepared(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	if out := s.load(f.bundle(t, 1, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatal(codes(out.Errors))
	}
	p, r := s.prepare(f.pass, f.now, f.now)
	if r != nil || p == nil || len(p.Handles) != 1 || p.Handles[0] == 0 || p.Alg != dcc.AlgES256 || len(p.Signature) != 64 {
		t.Fatalf("prepare: %+v %+v", p, r)
	}
	if want := s.handleKeys[p.Handles[0]]; want == nil || !sameKey(want, f.dsc.Signer().PublicKey) {
		t.Errorf("handle %d names %v", p.Handles[0], want)
	}
	if r := s.verifyPrepared(p.Token, 0); r == nil || !r.Valid {
		t.Errorf("index 0: %+v", r)
	}
	// The same key keeps its handle; the pass gets a new token.
	if p2, _ := s.prepare(f.pass, f.now, f.now); p2.Handles[0] != p.Handles[0] || p2.Token == p.Token {
		t.Errorf("second prepare: handle %d token %d, first %d %d", p2.Handles[0], p2.Token, p.Handles[0], p.Token)
	}

	tampered, err := f.dsc.Issue(issuer.PassOptions{IssuedAt: f.now.Add(-time.Hour), CorruptSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []int{-1, 1, 1 << 19} {
		p, _ := s.prepare(tampered, f.now, f.now)
		r := s.verifyPrepared(p.Token, idx)
		only(t, fmt.Sprint("tampered with index ", idx), r.Errors, dcc.SignatureInvalid)
	}
	// A stale token: another prepare, or a trust-list load, came between.
	p, _ = s.prepare(tampered, f.now, f.now)
	s.prepare(f.pass, f.now, f.now)
	if r := s.verifyPrepared(p.Token, 0); r != nil {
		t.Errorf("stale token after a prepare: %+v", r)
	}
	p, _ = s.prepare(f.pass, f.now, f.now)
	s.load(f.bundle(t, 2, f.now, time.Hour), f.pub.pem, 0, 0, f.now)
	if r := s.verifyPrepared(p.Token, 0); r != nil {
		t.Errorf("stale token after a load: %+v", r)
	}
	if p2, _ := s.prepare(f.pass, f.now, f.now); p2.Handles[0] <= p.Handles[0] {
		t.Errorf("after a load the key got handle %d, not a new one (was %d)", p2.Handles[0], p.Handles[0])
	}

	// Nothing to prepare: the final Result comes back at once.
	for _, tt := range []struct {
		name, text string
		want       dcc.Code
	}{
		{"not a pass", "hello", dcc.PrefixInvalid},
		{"unknown signer", newFixture(t).pass, dcc.KIDUnknown},
	} {
		p, r := s.prepare(tt.text, f.now, f.now)
		if p != nil || r == nil || r.Valid || r.Errors[0].Code != tt.want {
			t.Errorf("%s: prepared %v result %+v", tt.name, p, r)
		}
	}
}

// speculate gives the JSON of what verifyPrepared gives for the same token
// and index, at the clock given to prepare; nothing for a stale token or an
// index of no key.
func TestSessionSpeculate(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	if out := s.load(f.bundle(t, 1, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatal(codes(out.Errors))
	}
	for _, at := range []time.Time{f.now, f.now.AddDate(5, 0, 0)} {
		p, _ := s.prepare(f.pass, at, f.now)
		got := appendResult(nil, s.speculate(p.Token, 0))
		want := appendResult(nil, s.verifyPrepared(p.Token, 0))
		if string(got) != string(want) {
			t.Errorf("at %v: speculated:\n got %s\nwant %s", at, got, want)
		}
		if valid := at.Equal(f.now); strings.Contains(string(got), `"valid":true`) != valid {
			t.Errorf("at %v: %s", at, got)
		}
	}
	p, _ := s.prepare(f.pass, f.now, f.now)
	for _, idx := range []int{-1, 1} {
		if got := s.speculate(p.Token, idx); got != nil {
			t.Errorf("index %d: %+v", idx, got)
		}
	}
	s.prepare(f.pass, f.now, f.now)
	if got := s.speculate(p.Token, 0); got != nil {
		t.Errorf("stale token: %+v", got)
	}
}
