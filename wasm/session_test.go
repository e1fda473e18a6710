//go:build !js

package main

import (
	"crypto/x509"
	"fmt"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/issuer"
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
	ca, err := issuer.NewCSCA("VN", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	text, err := d.Issue(issuer.PassOptions{IssuedAt: now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return sessionFixture{d, text, newPublisher(t), now}
}

func (f sessionFixture) bundle(t *testing.T, seq uint64, issued time.Time, validFor time.Duration) []byte {
	return f.pub.bundle(t, []*x509.Certificate{f.dsc.Cert}, seq, issued, validFor)
}

func TestWarmUp(t *testing.T) {
	if !warmUp(false) {
		t.Fatal("the built-in warm-up pass does not verify against its key")
	}
	if !warmUp(true) {
		t.Fatal("the built-in warm-up pass is not valid on the WebCrypto path")
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
	if got := codes(r.Errors); len(got) != 2 || got[0] != dcc.KIDUnknown || got[1] != TrustListMissing {
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
	r := s.check(f.pass, f.now, f.now)
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
	out = s.load(bundle, f.pub.pem, 0, 2*time.Hour, f.now)
	if !out.OK {
		t.Fatalf("within grace: %v", codes(out.Errors))
	}
	only(t, "within grace: load warnings", out.Warnings, trustlist.Expired)
	r = s.check(f.pass, f.now, f.now)
	if !r.Valid {
		t.Errorf("within grace: %v", codes(r.Errors))
	}
	only(t, "within grace: check warnings", r.Warnings, trustlist.Expired)
	// Two hours later the grace period is over: the same session says so.
	later := f.now.Add(2 * time.Hour)
	r = s.check(f.pass, f.now, later)
	if r.Valid || r.Errors[len(r.Errors)-1].Code != trustlist.Expired {
		t.Errorf("past grace: %v", codes(r.Errors))
	}
}

// prepare and verifyPrepared: the caller's index is believed only for a
// trusted signer; -1 or a stale pass falls back to the pure-Go check.
func TestSessionPrepared(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	if out := s.load(f.bundle(t, 1, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatal(codes(out.Errors))
	}
	p, r := s.prepare(f.pass, f.now, f.now)
	if r != nil || p == nil || len(p.Keys) != 1 || p.Alg != dcc.AlgES256 || len(p.Signature) != 64 {
		t.Fatalf("prepare: %+v %+v", p, r)
	}
	if r := s.verifyPrepared(f.pass, 0, f.now, f.now); !r.Valid {
		t.Errorf("index 0: %v", codes(r.Errors))
	}

	tampered, err := f.dsc.Issue(issuer.PassOptions{IssuedAt: f.now.Add(-time.Hour), CorruptSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, idx := range []int{-1, 1, 1 << 19} {
		s.prepare(tampered, f.now, f.now)
		r := s.verifyPrepared(tampered, idx, f.now, f.now)
		only(t, fmt.Sprint("tampered with index ", idx), r.Errors, dcc.SignatureInvalid)
	}
	// A text other than the prepared one is checked from scratch.
	s.prepare(f.pass, f.now, f.now)
	only(t, "other text", s.verifyPrepared(tampered, 0, f.now, f.now).Errors, dcc.SignatureInvalid)

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

// speculate's answer is handed out only for the same text, key index, clock
// and trust list, and only once; it equals what verifyPrepared computes.
func TestSessionSpeculate(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	if out := s.load(f.bundle(t, 1, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatal(codes(out.Errors))
	}
	fresh := func() []byte { return appendJSON(nil, s.verifyPrepared(f.pass, 0, f.now, f.now).Map()) }

	s.prepare(f.pass, f.now, f.now)
	s.speculate(f.pass, 0, f.now, f.now)
	got := s.speculated(f.pass, 0, f.now, f.now)
	if want := fresh(); got == nil || string(got) != string(want) {
		t.Errorf("speculated:\n got %s\nwant %s", got, want)
	}
	if s.speculated(f.pass, 0, f.now, f.now) != nil {
		t.Error("a speculation was handed out twice")
	}

	other, err := f.dsc.Issue(issuer.PassOptions{IssuedAt: f.now.Add(-time.Hour), CorruptSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		text  string
		index int
		at    time.Time
		reset func()
	}{
		{"other key index", f.pass, -1, f.now, nil},
		{"other text", other, 0, f.now, nil},
		{"other clock", f.pass, 0, f.now.Add(time.Second), nil},
		{"list reloaded", f.pass, 0, f.now, func() { s.load(f.bundle(t, 2, f.now, time.Hour), f.pub.pem, 0, 0, f.now) }},
		{"another prepare", f.pass, 0, f.now, func() { s.prepare(f.pass, f.now, f.now) }},
	} {
		s.prepare(f.pass, f.now, f.now)
		s.speculate(f.pass, 0, f.now, f.now)
		if tt.reset != nil {
			tt.reset()
		}
		if got := s.speculated(tt.text, tt.index, tt.at, f.now); got != nil {
			t.Errorf("%s: handed out %s", tt.name, got)
		}
	}
	// The list expiring between speculate and verifyPrepared.
	s = newSession()
	s.load(f.bundle(t, 3, f.now.Add(-time.Hour), time.Hour+time.Second), f.pub.pem, 0, 0, f.now)
	s.prepare(f.pass, f.now, f.now)
	s.speculate(f.pass, 0, f.now, f.now)
	if got := s.speculated(f.pass, 0, f.now, f.now.Add(2*time.Second)); got != nil {
		t.Errorf("after the list expired: handed out %s", got)
	}
}
