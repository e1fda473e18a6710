package revocation

import (
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// Status is the revocation data a verifier has at a moment: the entries it
// loaded and the signed index they came from. The zero Status has no data:
// [Status.AddTo] then reports the list as missing.
type Status struct {
	// Not comparable (nothing compares Statuses): the compiler then
	// writes no equality function for it into the WebAssembly module.
	_ [0]func()

	// Set holds the entries of every part loaded; nil or empty when none.
	Set *Set
	// Loaded tells whether a signed index was loaded (or, for the command
	// line's verify --revocations, whether sources were given).
	Loaded bool
	// Sequence, IssuedAt and ExpiresAt are the index's. A zero ExpiresAt
	// never expires (a source read directly by the command line).
	Sequence            uint64
	IssuedAt, ExpiresAt time.Time
	// Problem says why the data is incomplete although an index was loaded:
	// a part it names could not be fetched or did not match its hash. ""
	// when every part is in Set.
	Problem string
}

// Stale returns why the revocation data cannot be relied on at now ("" when
// it can): no index, a part missing, or an index past its expiry. now is
// the real time, not a pass's validation clock.
func (st *Status) Stale(now time.Time) string {
	switch {
	case st == nil || !st.Loaded:
		if st != nil && st.Problem != "" {
			return "no revocation list: " + st.Problem
		}
		return "no revocation list is loaded"
	case st.Problem != "":
		return st.Problem
	case !st.ExpiresAt.IsZero() && now.After(st.ExpiresAt):
		return "the list expired " + Age(now.Sub(st.ExpiresAt)) + " ago; issued " + Age(now.Sub(st.IssuedAt)) + " ago"
	}
	return ""
}

// AddTo checks pass p against the revocation data and adds the outcome to
// r, the Result of checking p: [dcc.CertRevoked] when one of p's hashes is
// in Set (whatever else r holds), and [dcc.RevocationStale], with the list's
// age, when the data is missing, incomplete or past its expiry at now (the
// entries loaded are still looked up: a stale list still knows yesterday's
// revocations). A Result whose text is not a pass is left as it is.
func (st *Status) AddTo(r *dcc.Result, p *dcc.Pass, now time.Time) {
	if r == nil || p == nil || r.Verdict == dcc.VerdictNotAPass {
		return
	}
	if st != nil {
		if h, ok := st.Set.Revoked(p); ok {
			r.AddError(dcc.NewMessage(dcc.CertRevoked, "by its "+h.Type.String()+" hash"))
		}
	}
	if why := st.Stale(now); why != "" {
		r.AddError(dcc.NewMessage(dcc.RevocationStale, why))
	}
}

// Age formats a duration for people: "40m", "5h", "3 days".
func Age(d time.Duration) string {
	n, unit := d/time.Minute, "m"
	switch {
	case d < 0:
		n = 0
	case d >= 48*time.Hour:
		n, unit = d/(24*time.Hour), " days"
	case d >= time.Hour:
		n, unit = d/time.Hour, "h"
	}
	return num("", uint64(n), unit)
}
