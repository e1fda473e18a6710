package trustlist

import (
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// State is the state of the trust list in use at a moment; see [Judge].
type State string

// The states of a trust list.
const (
	// StateOK: a list is loaded and not past its expiry.
	StateOK State = "ok"
	// StateGrace: the list is past its expiry, but within the grace period
	// the caller gave: its keys still check signatures, so that a verifier
	// offline for a while can say whether a signature matched, but no pass
	// checked against it is valid (a stale list may miss a withdrawn key).
	StateGrace State = "grace"
	// StateExpired: the list is past its expiry and its grace period: its
	// keys are not used.
	StateExpired State = "expired"
	// StateMissing: there is no list: none was loaded, or every load failed.
	StateMissing State = "missing"
)

// Status is the judgement of the trust list in use at a moment, for the
// module's verify and status and the command line's verify alike.
type Status struct {
	State State
	// List is the list in use; nil when State is StateMissing.
	List *List
	// Reason explains a State other than StateOK: the load error, or
	// [Missing], for StateMissing; [Expired] for StateExpired and
	// StateGrace. The zero Message for StateOK.
	Reason dcc.Message
	// Warnings are the list's warnings other than its expiry, which Reason
	// reports as judged at the moment.
	Warnings []dcc.Message
}

// Judge returns the status at now of l, the list in use (nil when there is
// none), which serves for grace past its expiry (TUF §5.4.4, relaxed by the
// caller). loadErr is why there is no list when l is nil: an error of
// [Load] or [ParsePublicKeysPEM]; nil when none was loaded, which gives
// [Missing]. Expiry is judged against now, the real time, not a pass's
// validation clock: a verifier that stays open past its list's expiry turns
// to "cannot check".
func Judge(l *List, grace time.Duration, now time.Time, loadErr error) Status {
	if l == nil {
		st := Status{State: StateMissing, Reason: newMessage(Missing, ""), Warnings: []dcc.Message{}}
		if loadErr != nil {
			st.Reason = ErrorMessage(loadErr)
		}
		return st
	}
	st := Status{State: StateOK, List: l, Warnings: []dcc.Message{}}
	for _, w := range l.Warnings {
		if w.Code != Expired {
			st.Warnings = append(st.Warnings, w)
		}
	}
	if late := now.Sub(l.ExpiresAt); late > 0 {
		at := l.ExpiresAt.Format(time.RFC3339)
		if late <= max(grace, 0) {
			st.State, st.Reason = StateGrace, newMessage(Expired, "expired at "+at+", within the grace period")
		} else {
			st.State, st.Reason = StateExpired, newMessage(Expired, "expired at "+at)
		}
	}
	return st
}

// Usable reports whether a pass can be checked against the list's keys:
// StateOK or StateGrace.
func (s Status) Usable() bool { return s.State == StateOK || s.State == StateGrace }

// Keys returns the list as a [dcc.KeyProvider] when it is usable, and nil
// (not a typed nil) otherwise.
func (s Status) Keys() dcc.KeyProvider {
	if !s.Usable() {
		return nil
	}
	return s.List
}

// Messages returns the status as a load or status answer reports it: Reason
// as an error when the list cannot be used, as a warning within the grace
// period (the list is in use), and the list's warnings.
func (s Status) Messages() (errors, warnings []dcc.Message) {
	errors, warnings = []dcc.Message{}, []dcc.Message{}
	switch s.State {
	case StateGrace:
		warnings = append(warnings, s.Reason)
	case StateExpired, StateMissing:
		errors = append(errors, s.Reason)
	}
	return errors, append(warnings, s.Warnings...)
}

// AddTo adds the status to r, the Result of a pass checked against
// [Status.Keys]: Reason as an error for every state but StateOK, so that the
// verdict is "cannot check" (or "invalid" when a trusted key verified the
// signature and a check failed), within the grace period too; and the
// list's warnings. A Result whose text is not a pass ([dcc.VerdictNotAPass])
// is left as it is: the list's state says nothing about it.
func (s Status) AddTo(r *dcc.Result) {
	if r.Verdict == dcc.VerdictNotAPass {
		return
	}
	if s.State != StateOK {
		r.AddError(s.Reason)
	}
	for _, w := range s.Warnings {
		r.AddWarning(w)
	}
}
