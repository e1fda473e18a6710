package trustlist_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
)

var allCodes = []dcc.Code{trustlist.Invalid, trustlist.SignatureInvalid, trustlist.Expired, trustlist.Rollback,
	trustlist.VersionUnknown, trustlist.KeyInvalid, trustlist.Missing}

// Every code of this package is in dcc's registry as cannot-check, with its
// message here; and every registered code has a message with its owner.
func TestRegistry(t *testing.T) {
	for _, c := range allCodes {
		if c.Class() != dcc.CannotCheck {
			t.Errorf("%s: class %q, want cannot-check", c, c.Class())
		}
		if m := trustlist.Message(c); m == "" || !strings.HasSuffix(m, ".") {
			t.Errorf("%s: message %q is not a sentence", c, m)
		}
		if c.Message() != "" {
			t.Errorf("%s: dcc has a message for it too", c)
		}
	}
	// The codes of the ES module (site/js/passcheck.js) have their words there.
	jsOnly := []dcc.Code{"TRUSTLIST_UNAVAILABLE", "WASM_UNAVAILABLE"}
	for c := range dcc.Codes() {
		if c.Message() == "" && trustlist.Message(c) == "" && !slices.Contains(jsOnly, c) {
			t.Errorf("%s is registered, but no owner has a message for it", c)
		}
		if strings.HasPrefix(string(c), "TRUSTLIST_") && !slices.Contains(jsOnly, c) && !slices.Contains(allCodes, c) {
			t.Errorf("%s is registered, but package trustlist does not declare it", c)
		}
	}
}

func codesOf(ms []dcc.Message) []dcc.Code {
	out := []dcc.Code{}
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return out
}

// Judge: the state of the list in use at a moment, as a load or status
// answer reports it.
func TestJudge(t *testing.T) {
	f := loadFixture(t)
	l, err := trustlist.Load(f.bundle(t, f.pub1, 1), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	expires := l.ExpiresAt
	_, loadErr := trustlist.Load(f.bundle(t, f.pub2, 1), pins(f.pub1), testNow, 0)
	for _, tt := range []struct {
		name             string
		list             *trustlist.List
		grace            time.Duration
		now              time.Time
		loadErr          error
		state            trustlist.State
		errors, warnings []dcc.Code
	}{
		{"fresh", l, 0, testNow, nil, trustlist.StateOK, nil, nil},
		{"none loaded", nil, 0, testNow, nil, trustlist.StateMissing, []dcc.Code{trustlist.Missing}, nil},
		{"load failed", nil, time.Hour, testNow, loadErr, trustlist.StateMissing, []dcc.Code{trustlist.SignatureInvalid}, nil},
		{"load failed, not with a code", nil, 0, testNow, errors.New("disk on fire"), trustlist.StateMissing, []dcc.Code{trustlist.Invalid}, nil},
		{"at its expiry", l, 0, expires, nil, trustlist.StateOK, nil, nil},
		{"expired", l, 0, expires.Add(time.Second), nil, trustlist.StateExpired, []dcc.Code{trustlist.Expired}, nil},
		{"in grace", l, time.Hour, expires.Add(time.Hour), nil, trustlist.StateGrace, nil, []dcc.Code{trustlist.Expired}},
		{"past grace", l, time.Hour, expires.Add(time.Hour + time.Second), nil, trustlist.StateExpired, []dcc.Code{trustlist.Expired}, nil},
		{"negative grace", l, -time.Hour, expires.Add(time.Second), nil, trustlist.StateExpired, []dcc.Code{trustlist.Expired}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := trustlist.Judge(tt.list, tt.grace, tt.now, tt.loadErr)
			if st.State != tt.state {
				t.Errorf("state %s, want %s", st.State, tt.state)
			}
			usable := tt.state == trustlist.StateOK || tt.state == trustlist.StateGrace
			if st.Usable() != usable || (st.Keys() != nil) != usable {
				t.Errorf("usable %v, keys %v; want usable %v", st.Usable(), st.Keys(), usable)
			}
			errs, warnings := st.Messages()
			if got := codesOf(errs); !slices.Equal(got, append([]dcc.Code{}, tt.errors...)) {
				t.Errorf("errors %v, want %v", got, tt.errors)
			}
			if got := codesOf(warnings); !slices.Equal(got, append([]dcc.Code{}, tt.warnings...)) {
				t.Errorf("warnings %v, want %v", got, tt.warnings)
			}
			for _, m := range append(errs, warnings...) {
				if !strings.HasPrefix(m.Message, trustlist.Message(m.Code)) {
					t.Errorf("%s: message %q", m.Code, m.Message)
				}
			}
		})
	}
}

// Status.AddTo: the verdict of a pass checked against the list in each
// state. A list in its grace period still checks the signature, but no pass
// is valid on it.
func TestStatusAddTo(t *testing.T) {
	f := loadFixture(t)
	l, err := trustlist.Load(f.bundle(t, f.pub1, 1), pins(f.pub1), testNow, 0)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(d *issuer.DSC, o issuer.PassOptions) string {
		t.Helper()
		o.IssuedAt = testNow.Add(-time.Hour)
		text, err := d.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	ca, err := issuer.NewCSCA("IT", issuer.EC, testNow.AddDate(-2, 0, 0), testNow.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	good := issue(f.dscs[0], issuer.PassOptions{})
	forged := issue(f.dscs[0], issuer.PassOptions{CorruptSignature: true})
	unknown := issue(stranger, issuer.PassOptions{})
	late := testNow.AddDate(3, 0, 0) // the pass and its signer have expired

	ok := trustlist.Judge(l, 0, testNow, nil)
	grace := trustlist.Judge(l, time.Hour, l.ExpiresAt.Add(time.Minute), nil)
	expired := trustlist.Judge(l, 0, l.ExpiresAt.Add(time.Minute), nil)
	missing := trustlist.Judge(nil, 0, testNow, nil)
	for _, tt := range []struct {
		name   string
		status trustlist.Status
		text   string
		at     time.Time
		want   dcc.Verdict
	}{
		{"good pass", ok, good, testNow, dcc.VerdictValid},
		{"expired pass", ok, good, late, dcc.VerdictInvalid},
		{"forged pass", ok, forged, testNow, dcc.VerdictInvalid},
		{"unknown signer", ok, unknown, testNow, dcc.VerdictCannotCheck},
		{"unknown signer, expired pass", ok, unknown, late, dcc.VerdictCannotCheck},
		{"not a pass", ok, "HC1:GGW", testNow, dcc.VerdictNotAPass},
		{"good pass, list in grace", grace, good, testNow, dcc.VerdictCannotCheck},
		{"expired pass, list in grace", grace, good, late, dcc.VerdictInvalid},
		{"forged pass, list in grace", grace, forged, testNow, dcc.VerdictCannotCheck},
		{"good pass, list expired", expired, good, testNow, dcc.VerdictCannotCheck},
		{"expired pass, list expired", expired, good, late, dcc.VerdictCannotCheck},
		{"good pass, no list", missing, good, testNow, dcc.VerdictCannotCheck},
		{"not a pass, no list", missing, "hello", testNow, dcc.VerdictNotAPass},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := dcc.Check(tt.text, tt.status.Keys(), dcc.Options{Now: tt.at})
			tt.status.AddTo(r)
			if r.Verdict != tt.want || r.Valid != (tt.want == dcc.VerdictValid) {
				t.Errorf("verdict %s, valid %v, errors %v; want %s", r.Verdict, r.Valid, codesOf(r.Errors), tt.want)
			}
			listed := slices.Contains(codesOf(r.Errors), tt.status.Reason.Code)
			if want := tt.status.State != trustlist.StateOK && tt.want != dcc.VerdictNotAPass; listed != want {
				t.Errorf("errors %v: the list's reason %s listed %v, want %v", codesOf(r.Errors), tt.status.Reason.Code, listed, want)
			}
			if tt.status.State == trustlist.StateGrace && tt.text == good && r.Signer == nil {
				t.Error("in grace, the list's keys did not check the signature")
			}
		})
	}
}

// ErrorMessage keeps the code and adds the cause to the plain sentence.
func TestErrorMessage(t *testing.T) {
	_, err := trustlist.ParsePublicKeysPEM([]byte("not a key"))
	m := trustlist.ErrorMessage(err)
	if m.Code != trustlist.KeyInvalid || !strings.HasPrefix(m.Message, trustlist.Message(trustlist.KeyInvalid)+" (") {
		t.Errorf("%+v", m)
	}
}
