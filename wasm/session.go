package main

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// maxGrace bounds the grace period a caller may give an expired list.
const maxGrace = 366 * 24 * time.Hour

// session is the module's state between calls: the trust list in use. It
// holds no pass data beyond the last prepared pass (see [session.prepare]).
type session struct {
	id      int             // its key in sessions, for the exported functions
	list    *trustlist.List // the list in use; nil before a load succeeded
	loadErr error           // why there is no list, when list is nil; nil before a load
	grace   time.Duration   // how long past its expiry list still serves (amber, see trustlist.StateGrace)
	rev     revocations     // the revocation data (revocation.go)

	// The pass last given to prepare, for speculate and verifyPrepared, with
	// its validation clock, the time of the call and its candidate keys.
	prep     *dcc.Pass
	prepTok  uint64 // names prep; any prepare or load makes older tokens stale
	prepAt   time.Time
	prepNow  time.Time
	prepKeys []crypto.PublicKey

	// Handles name the public keys of the list in use to JavaScript, which
	// keeps its imported CryptoKeys by handle. A handle is never reused
	// within a session, so that a key of an earlier list is never taken
	// for one of a later list.
	handles    map[crypto.PublicKey]int
	handleKeys map[int]crypto.PublicKey
	lastHandle int

	rules ruleState // the business rules (rules.go)
}

// sessions are the sessions in use, by id: each lives until it is freed
// ([session.free], the JavaScript free()), which a verifier that is
// replaced or closed does, so that its trust list does not stay in memory.
var (
	sessions    = map[int]*session{}
	lastSession = -1
)

// newSession makes a session. Ids are never reused, so that a call naming
// a freed session finds none rather than another one.
func newSession() *session {
	lastSession++
	s := &session{id: lastSession}
	sessions[s.id] = s
	return s
}

// free forgets the session: calls naming it find none, and its list, its
// prepared pass and its key handles are left to the collector.
func (s *session) free() {
	delete(sessions, s.id)
	s.list, s.loadErr, s.rev = nil, nil, revocations{}
	s.forget()
}

// loadOutcome is the answer to loadTrustList. List is the list whose
// signature verified, also when it was refused for its expiry, so that a
// page can say which list it has and how old it is; nil otherwise.
type loadOutcome struct {
	OK       bool
	Errors   []dcc.Message
	Warnings []dcc.Message
	List     *trustlist.List
}

// load checks a bundle against the pinned keys in pemText, at now, refusing
// a sequence below lastSeen (TUF §5.4.3) and a list expired more than grace
// ago (§5.4.4). A list that loads replaces the one in use; one that fails
// leaves the list in use as it was, or, when there is none, becomes the
// reason every verify reports.
func (s *session) load(bundle []byte, pemText string, lastSeen uint64, grace time.Duration, now time.Time) loadOutcome {
	grace = min(max(grace, 0), maxGrace)
	fail := func(err error, l *trustlist.List) loadOutcome {
		if s.list == nil {
			s.loadErr = err
		}
		return loadOutcome{Errors: []dcc.Message{trustlist.ErrorMessage(err)}, Warnings: []dcc.Message{}, List: l}
	}
	keys, err := trustlist.ParsePublicKeysPEM([]byte(pemText))
	if err != nil {
		return fail(err, nil)
	}
	l, err := trustlist.Load(bundle, keys, now, lastSeen, trustlist.WithGrace(grace))
	if err != nil {
		var expired *trustlist.List
		if e, ok := err.(*dcc.Error); ok && e.Code == trustlist.Expired {
			// The signature verified (expiry is checked after it): load it
			// again without the expiry check only to report what it is.
			expired, _ = trustlist.Load(bundle, keys, now, lastSeen, trustlist.WithGrace(100*365*24*time.Hour))
		}
		return fail(err, expired)
	}
	s.list, s.grace, s.loadErr = l, grace, nil
	s.forget()
	_, warnings := s.status(now).Messages()
	return loadOutcome{OK: true, Errors: []dcc.Message{}, Warnings: warnings, List: l}
}

// status judges the list in use at now (trustlist.Judge).
func (s *session) status(now time.Time) trustlist.Status {
	return trustlist.Judge(s.list, s.grace, now, s.loadErr)
}

// verify verifies p against the list in use, judged at now, and adds the
// list's state to the Result: the one way this module builds the Result of
// a pass.
func (s *session) verify(p *dcc.Pass, opts dcc.Options, now time.Time) *dcc.Result {
	st := s.status(now)
	return s.verifyWith(p, st, st.Keys(), opts, now)
}

// verifyWith is [session.verify] with the keys given: the list's, or the
// warm-up's own ([session.warmUp]).
func (s *session) verifyWith(p *dcc.Pass, st trustlist.Status, keys dcc.KeyProvider, opts dcc.Options, now time.Time) *dcc.Result {
	r := dcc.Verify(p, keys, opts)
	st.AddTo(r)
	s.checkRevocation(r, p, now)
	s.applyRules(r, cmp.Or(opts.Now, now))
	return r
}

// check verifies text at the validation clock at with the pure-Go code; now
// is the real time, against which the trust list's expiry is judged. A text
// that does not decode gives its decode error only: it is not a pass,
// whatever the trust list.
func (s *session) check(text string, at, now time.Time) *dcc.Result {
	p, err := dcc.Decode(text)
	if err != nil {
		return dcc.ErrorResult(dcc.MessageOf(err))
	}
	return s.verify(p, dcc.Options{Now: at}, now)
}

// forget drops the prepared pass and the key handles: the list changed.
func (s *session) forget() {
	s.prep, s.prepKeys = nil, nil
	s.prepTok++
	s.handles, s.handleKeys = nil, nil
}

// handle returns the handle of k, a key of the list in use, giving it one
// when it has none yet.
func (s *session) handle(k crypto.PublicKey) int {
	if h, ok := s.handles[k]; ok {
		return h
	}
	if s.handles == nil {
		s.handles, s.handleKeys = map[crypto.PublicKey]int{}, map[int]crypto.PublicKey{}
	}
	s.lastHandle++
	s.handles[k], s.handleKeys[s.lastHandle] = s.lastHandle, k
	return s.lastHandle
}

// prepared is what the JavaScript side needs to verify a pass's signature
// itself (with WebCrypto): the Sig_structure, the signature, the algorithm
// and the handles of the public keys of the trusted signers that may have
// made it (0 for a key WebCrypto cannot use), and the token that names the
// pass in the calls that follow.
type prepared struct {
	Token                 uint64
	ToBeSigned, Signature []byte
	Alg                   int64
	Handles               []int
}

// prepare decodes text as far as its signature for an outside check, and
// keeps it for [session.speculate] and [session.verifyPrepared]. The claims
// and the certificate are read later, by speculate, while the outside check
// runs. When there is nothing for an outside check to do (the text does not
// decode, no usable list, no signer for the kid, an algorithm that does not
// fit), it returns the final Result instead, as [session.check] computes it.
func (s *session) prepare(text string, at, now time.Time) (*prepared, *dcc.Result) {
	s.prep, s.prepKeys = nil, nil
	s.prepTok++
	p, err := dcc.DecodeEnvelope(text)
	if err != nil {
		return nil, dcc.ErrorResult(dcc.MessageOf(err))
	}
	var signers []dcc.Signer
	if keys := s.status(now).Keys(); keys != nil && (p.Alg == dcc.AlgES256 || p.Alg == dcc.AlgPS256) {
		signers = keys.Signers(p.KID)
	}
	if len(signers) == 0 {
		return nil, s.verify(p, dcc.Options{Now: at}, now)
	}
	out := &prepared{Token: s.prepTok, ToBeSigned: p.ToBeSigned(), Signature: p.Signature(), Alg: p.Alg, Handles: make([]int, len(signers))}
	for i, sg := range signers {
		switch sg.PublicKey.(type) {
		case *ecdsa.PublicKey, *rsa.PublicKey:
			out.Handles[i] = s.handle(sg.PublicKey)
		}
		s.prepKeys = append(s.prepKeys, sg.PublicKey)
	}
	s.prep, s.prepAt, s.prepNow = p, at, now
	return out, nil
}

// verifyPrepared finishes the check of the pass that prepare named token:
// verified is the index (in prepared.Handles) of the key that the caller
// verified the signature with, or -1 when none did, in which case the
// pure-Go code checks the signature again, so that a refusal never rests on
// the outside check alone. It returns nil when token is stale (another
// prepare, or a trust-list load, came between): the caller then verifies
// the text from the start.
func (s *session) verifyPrepared(token uint64, verified int) *dcc.Result {
	if s.prep == nil || token != s.prepTok {
		return nil
	}
	opts := dcc.Options{Now: s.prepAt}
	if verified >= 0 && verified < len(s.prepKeys) {
		want := s.prepKeys[verified]
		opts.VerifiedBy = func(sg dcc.Signer) bool { return sameKey(sg.PublicKey, want) }
	}
	return s.verify(s.prep, opts, s.prepNow)
}

// speculate returns the Result that verifyPrepared(token, index) gives when
// the caller's check confirms key index, or nil when token is stale or
// index names no key. It is called while that check runs (WebCrypto, on
// another thread where the browser has one), so that reading the claims and
// the certificate overlaps it; the caller hands the Result out only once
// its check confirmed key index.
func (s *session) speculate(token uint64, index int) *dcc.Result {
	if index < 0 || index >= len(s.prepKeys) {
		return nil
	}
	return s.verifyPrepared(token, index)
}

func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}
