package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"strings"
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
	list    *trustlist.List // the list in use; nil before a load succeeded
	loadErr dcc.Message     // why there is no list, when list is nil
	grace   time.Duration   // how long past its expiry list still serves, with a warning

	prepared *dcc.Pass    // the last pass given to prepare, for verifyPrepared
	spec     *speculation // verifyPrepared's answer computed ahead, see [session.speculate]
}

// speculation is the JSON of the Result that verifyPrepared will give for
// (text, index, at) if the caller's check confirms key index, computed while
// that check runs on another thread.
type speculation struct {
	text  string
	index int
	at    time.Time
	list  *trustlist.List
	state int // trustState when computed
	json  []byte
}

func newSession() *session {
	return &session{loadErr: message(TrustListMissing, "")}
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
	s.prepared, s.spec = nil, nil
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

// prepared is what the JavaScript side needs to verify a pass's signature
// itself (with WebCrypto): the Sig_structure, the signature, the algorithm
// and the public keys of the trusted signers that may have made it.
type prepared struct {
	ToBeSigned, Signature []byte
	Alg                   int64
	Keys                  []crypto.PublicKey
}

// prepare decodes text for an outside signature check. When there is
// nothing for an outside check to do (the text does not decode, no usable
// list, no signer for the kid, an algorithm or key that does not fit), it
// returns the final Result instead, computed as [session.check] does.
func (s *session) prepare(text string, at, now time.Time) (*prepared, *dcc.Result) {
	s.prepared, s.spec = nil, nil
	p, err := dcc.Decode(text)
	if err != nil {
		return nil, dcc.Check(text, nil, dcc.Options{Now: at})
	}
	keys := s.keys(now)
	if keys == nil || (p.Alg != dcc.AlgES256 && p.Alg != dcc.AlgPS256) {
		return nil, s.addTrustStatus(dcc.Verify(p, keys, dcc.Options{Now: at}), now)
	}
	out := &prepared{ToBeSigned: p.ToBeSigned(), Signature: p.Signature(), Alg: p.Alg}
	for _, sg := range keys.Signers(p.KID) {
		switch sg.PublicKey.(type) {
		case *ecdsa.PublicKey, *rsa.PublicKey:
			out.Keys = append(out.Keys, sg.PublicKey)
		default:
			out.Keys = append(out.Keys, nil) // keeps the indexes; never fits
		}
	}
	if len(out.Keys) == 0 {
		return nil, s.addTrustStatus(dcc.Verify(p, keys, dcc.Options{Now: at}), now)
	}
	s.prepared = p
	return out, nil
}

// verifyPrepared finishes the check of the pass last given to prepare, whose
// text must be text: verified is the index (in prepared.Keys) of the key
// that the caller verified the signature with, or -1 when none did, in which
// case the pure-Go code checks the signature again, so that a refusal never
// rests on the outside check alone.
func (s *session) verifyPrepared(text string, verified int, at, now time.Time) *dcc.Result {
	p := s.prepared
	if p == nil || p.Text != trimmed(text) {
		return s.check(text, at, now)
	}
	keys := s.keys(now)
	if keys == nil {
		return s.check(text, at, now)
	}
	opts := dcc.Options{Now: at}
	if verified >= 0 {
		signers := keys.Signers(p.KID)
		if verified >= len(signers) {
			return s.check(text, at, now)
		}
		want := signers[verified].PublicKey
		opts.VerifiedBy = func(sg dcc.Signer) bool { return sameKey(sg.PublicKey, want) }
	}
	return s.addTrustStatus(dcc.Verify(p, keys, opts), now)
}

func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// trimmed is the text as dcc.Decode keeps it in Pass.Text.
func trimmed(s string) string { return strings.TrimSpace(s) }

// trustState sorts now against the list's validity: no list, valid,
// expired within the grace period, expired past it.
func (s *session) trustState(now time.Time) int {
	if s.list == nil {
		return 0
	}
	switch late := now.Sub(s.list.ExpiresAt); {
	case late <= 0:
		return 1
	case late <= s.grace:
		return 2
	}
	return 3
}

// speculate computes, as JSON, the Result that verifyPrepared(text, index,
// at) would give, so that the work overlaps the caller's signature check
// (WebCrypto runs on another thread). It is only ever handed out by
// speculated, for the same text, index, clock and trust list, that is once
// the caller's check confirmed key index.
func (s *session) speculate(text string, index int, at, now time.Time) {
	s.spec = nil
	if s.prepared == nil || s.prepared.Text != trimmed(text) || index < 0 {
		return
	}
	r := s.verifyPrepared(text, index, at, now)
	s.spec = &speculation{text: text, index: index, at: at, list: s.list, state: s.trustState(now), json: appendJSON(nil, r.Map())}
}

// speculated returns the JSON computed by speculate for these arguments, or
// nil.
func (s *session) speculated(text string, index int, at, now time.Time) []byte {
	sp := s.spec
	s.spec = nil
	if sp == nil || sp.text != text || sp.index != index || !sp.at.Equal(at) || sp.list != s.list || sp.state != s.trustState(now) {
		return nil
	}
	return sp.json
}
