package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"math"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// Codes of this module's own errors, beside dcc's and trustlist's. Stable,
// like theirs.
const (
	// InputInvalid: an argument of the JavaScript API has the wrong type or
	// is out of range (a number for the text, a short pixel buffer).
	InputInvalid dcc.Code = "INPUT_INVALID"
	// TrustListMissing: no trust list has been loaded, so no pass can be
	// checked.
	TrustListMissing dcc.Code = "TRUSTLIST_MISSING"
	// InternalError: the module hit a bug (a recovered panic). It keeps
	// working.
	InternalError dcc.Code = "INTERNAL_ERROR"
	// QRUnavailable: scanImage in the build without the QR decoder.
	QRUnavailable dcc.Code = "QR_UNAVAILABLE"
)

// moduleMessages explain this module's own codes; every other code's
// message is dcc's ([dcc.Code.Message]), the trust list's included, so the
// command line and the pages say the same. The pages translate the codes;
// this text is for logs and developers.
var moduleMessages = map[dcc.Code]string{
	TrustListMissing: "No trust list is loaded, so the certificate cannot be checked.",
	InputInvalid:     "The verifier was called with an argument it cannot use.",
	InternalError:    "The verifier hit a bug; it keeps working.",
	QRUnavailable:    "This build has no QR decoder: use the browser's barcode detector.",
}

// maxGrace bounds the grace period a caller may give an expired list.
const maxGrace = 366 * 24 * time.Hour

// session is the module's state between calls: the trust list in use. It
// holds no pass data beyond the last prepared pass (see [session.prepare]).
type session struct {
	id      int             // its index in sessions, for the exported functions
	list    *trustlist.List // the list in use; nil before a load succeeded
	loadErr dcc.Message     // why there is no list, when list is nil
	grace   time.Duration   // how long past its expiry list still serves, with a warning

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
}

// sessions are every session made, by id. They live as long as the module,
// as the JavaScript functions that act on them do.
var sessions []*session

func newSession() *session {
	s := &session{id: len(sessions), loadErr: message(TrustListMissing, "")}
	sessions = append(sessions, s)
	return s
}

// errResult is a Result holding one error.
func errResult(code dcc.Code, detail string) *dcc.Result {
	return &dcc.Result{Errors: []dcc.Message{message(code, detail)}, Warnings: []dcc.Message{}}
}

// clockMillis reads a validation clock in milliseconds since the epoch:
// years 1 to 9999, the range of RFC 3339; an error Result otherwise.
func clockMillis(ms float64) (time.Time, *dcc.Result) {
	if math.IsNaN(ms) || ms < -62135596800000 || ms > 253402300799999 {
		return time.Time{}, errResult(InputInvalid, "the clock is not a date between the years 1 and 9999")
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}

// message builds a Message for code, with the plain sentence for the
// trust-list codes and detail appended for logs.
func message(code dcc.Code, detail string) dcc.Message {
	msg := moduleMessages[code]
	if msg == "" {
		msg = code.Message()
	}
	if detail != "" {
		if msg != "" {
			msg += " (" + detail + ")"
		} else {
			msg = detail
		}
	}
	return dcc.Message{Code: code, Message: msg}
}

// errMessage turns an error of trustlist into a Message.
func errMessage(err error) dcc.Message {
	var e *dcc.Error
	if errors.As(err, &e) {
		detail := ""
		if e.Err != nil {
			detail = e.Err.Error()
		}
		return message(e.Code, detail)
	}
	return message(trustlist.Invalid, err.Error())
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
	fail := func(m dcc.Message, l *trustlist.List) loadOutcome {
		if s.list == nil {
			s.loadErr = m
		}
		return loadOutcome{Errors: []dcc.Message{m}, Warnings: []dcc.Message{}, List: l}
	}
	keys, err := trustlist.ParsePublicKeysPEM([]byte(pemText))
	if err != nil {
		return fail(errMessage(err), nil)
	}
	l, err := trustlist.Load(bundle, keys, now, lastSeen, trustlist.WithGrace(grace))
	if err != nil {
		m := errMessage(err)
		var expired *trustlist.List
		if m.Code == trustlist.Expired {
			// The signature verified (expiry is checked after it): load it
			// again without the expiry check only to report what it is.
			expired, _ = trustlist.Load(bundle, keys, now, lastSeen, trustlist.WithGrace(100*365*24*time.Hour))
		}
		return fail(m, expired)
	}
	s.list, s.grace = l, grace
	s.loadErr = dcc.Message{}
	s.forget()
	return loadOutcome{OK: true, Errors: []dcc.Message{}, Warnings: s.listWarnings(now), List: l}
}

// listWarnings returns the list's own warnings at now, with its expiry
// judged at now rather than at load time.
func (s *session) listWarnings(now time.Time) []dcc.Message {
	out := []dcc.Message{}
	if s.list == nil {
		return out
	}
	for _, w := range s.list.Warnings {
		if w.Code != trustlist.Expired {
			out = append(out, w)
		}
	}
	if late := now.Sub(s.list.ExpiresAt); late > 0 && late <= s.grace {
		out = append(out, message(trustlist.Expired, "expired at "+s.list.ExpiresAt.Format(time.RFC3339)+", within the grace period"))
	}
	return out
}

// addTrustStatus adds the state of the trust list at now to r: an error when
// there is no usable list (no list, or expired past the grace period), so
// that the page shows "cannot check" rather than "not valid"; the list's
// warnings otherwise.
func (s *session) addTrustStatus(r *dcc.Result, now time.Time) *dcc.Result {
	switch {
	case s.list == nil:
		r.Errors = append(r.Errors, s.loadErr)
	case now.Sub(s.list.ExpiresAt) > s.grace:
		r.Errors = append(r.Errors, message(trustlist.Expired, "expired at "+s.list.ExpiresAt.Format(time.RFC3339)))
	default:
		r.Warnings = append(r.Warnings, s.listWarnings(now)...)
	}
	r.Valid = len(r.Errors) == 0
	return r
}

// keys returns the list in use as a KeyProvider: nil, not a typed nil, when
// there is none, and nil when it has expired past the grace period.
func (s *session) keys(now time.Time) dcc.KeyProvider {
	if s.list == nil || now.Sub(s.list.ExpiresAt) > s.grace {
		return nil
	}
	return s.list
}

// check verifies text at the validation clock at with the pure-Go code; now
// is the real time, against which the trust list's expiry is judged. A text
// that does not decode gives dcc's Result unchanged: it is not a pass,
// whatever the trust list.
func (s *session) check(text string, at, now time.Time) *dcc.Result {
	p, err := dcc.Decode(text)
	if err != nil {
		return dcc.Check(text, nil, dcc.Options{Now: at})
	}
	return s.addTrustStatus(dcc.Verify(p, s.keys(now), dcc.Options{Now: at}), now)
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
		return nil, dcc.Check(text, nil, dcc.Options{Now: at})
	}
	keys := s.keys(now)
	if keys == nil || (p.Alg != dcc.AlgES256 && p.Alg != dcc.AlgPS256) {
		return nil, s.addTrustStatus(dcc.Verify(p, keys, dcc.Options{Now: at}), now)
	}
	signers := keys.Signers(p.KID)
	if len(signers) == 0 {
		return nil, s.addTrustStatus(dcc.Verify(p, keys, dcc.Options{Now: at}), now)
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
	return s.addTrustStatus(dcc.Verify(s.prep, s.keys(s.prepNow), opts), s.prepNow)
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
