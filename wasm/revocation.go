//go:build !norevocation

package main

// The revocation side of a session: the signed revocation index and its
// parts, loaded beside the trust list (docs/trustlist.md, "Revocation"),
// and the check that verify adds to every Result. session.go calls in here
// from verify and free; revocation_js.go marshals the JavaScript calls.

import (
	"cmp"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
)

// revocations is a session's revocation data.
type revocations struct {
	// status is the data verify checks passes against; nil before the
	// first loadRevocations, in which case verify adds nothing (the ES
	// module always loads revocations with the trust list).
	status *revocation.Status
	// seen is the highest index sequence this session accepted: an index
	// below it is refused (rollback), whatever the caller passes in.
	seen uint64
}

// revocationOutcome is the answer to loadRevocations and revocations():
// OK when the data in use is complete and fresh; Errors say why not
// (REVOCATION_STALE, and the load's own error such as TRUSTLIST_ROLLBACK
// when the index given was refused).
type revocationOutcome struct {
	OK       bool
	Errors   []dcc.Message
	Sequence uint64
	Issued   time.Time
	Expires  time.Time
	Entries  int // entries loaded (in the Set)
	Loaded   bool
}

// loadRevocations checks a revocation index against the pinned keys in
// pemText and against lastSeen (the caller's stored mark) and the session's
// own mark, checks and decodes its parts (parts[i] is the i-th part the
// index names, nil when it could not be fetched), and puts the result in
// use: missing or unverifiable parts leave the list incomplete (stale). An
// index that is refused (signature, format, rollback) leaves the data in
// use as it was; when there is none, the list is missing. index nil means
// the caller could not fetch the index; why says what happened.
func (s *session) loadRevocations(index []byte, parts [][]byte, pemText string, lastSeen uint64, why string, now time.Time) revocationOutcome {
	return s.revocationState(now, s.putRevocations(index, parts, pemText, lastSeen, why))
}

// putRevocations is loadRevocations without its answer: it returns why the
// index was refused, nil when it is in use.
func (s *session) putRevocations(index []byte, parts [][]byte, pemText string, lastSeen uint64, why string) *dcc.Message {
	r := &s.rev
	var m dcc.Message
	if index == nil {
		m = dcc.NewMessage(dcc.RevocationStale, cmp.Or(why, "the revocation index could not be fetched"))
	} else {
		keys, err := trustlist.ParsePublicKeysPEM([]byte(pemText))
		var ix *trustlist.RevocationIndex
		if err == nil {
			ix, err = trustlist.LoadRevocationIndex(index, keys, max(lastSeen, r.seen))
		}
		if err == nil {
			// Drop the old set before decoding the new one: a kiosk need
			// not hold two million-entry sets at once.
			r.status = nil
			r.status, r.seen = revocation.NewStatus(ix, parts), max(r.seen, ix.Sequence)
			return nil
		}
		m = trustlist.ErrorMessage(err)
	}
	if r.status == nil || !r.status.Loaded {
		r.status = &revocation.Status{Problem: m.Message}
	}
	refused := m
	return &refused
}

// revocationState describes the revocation data in use at now; refused,
// when not nil, is why the call that asks was refused: it comes first in
// Errors, and OK is false.
func (s *session) revocationState(now time.Time, refused *dcc.Message) revocationOutcome {
	var out revocationOutcome
	errs := make([]dcc.Message, 2)
	n := 0
	if refused != nil {
		errs[0], n = *refused, 1
	}
	st := s.rev.status
	if st != nil && st.Loaded {
		out.Loaded, out.Sequence, out.Issued, out.Expires = true, st.Sequence, st.IssuedAt, st.ExpiresAt
		out.Entries = st.Set.Len()
	}
	if why := st.Stale(now); why != "" {
		errs[n], n = dcc.NewMessage(dcc.RevocationStale, why), n+1
	}
	out.OK, out.Errors = n == 0, errs[:n]
	return out
}

// checkRevocation adds the revocation check to r, the Result of pass p, at
// now (the real time): CERT_REVOKED and REVOCATION_STALE exactly as the
// command line adds them (revocation.Status.AddTo). Before any
// loadRevocations it adds the warning REVOCATION_UNCHECKED, as the command
// line does for a check without revocation data: the pass was not checked
// against revocations, and its Result says so.
func (s *session) checkRevocation(r *dcc.Result, p *dcc.Pass, now time.Time) {
	if st := s.rev.status; st != nil {
		st.AddTo(r, p, now)
	} else if r != nil && p != nil && r.Verdict != dcc.VerdictNotAPass {
		r.AddWarning(dcc.NewMessage(dcc.RevocationUnchecked, "no revocation data was given to this session (loadRevocations)"))
	}
}
