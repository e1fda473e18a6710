package dcc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
	"time"

	"github.com/passcheck/passcheck/internal/cose"
	"github.com/passcheck/passcheck/internal/rfc3339"
)

// Check decodes text and verifies it: [Decode] then [Verify]. A decode
// failure gives a Result holding that one error.
func Check(text string, keys KeyProvider, opts Options) *Result {
	p, err := Decode(text)
	if err != nil {
		return ErrorResult(MessageOf(err))
	}
	return Verify(p, keys, opts)
}

// Verify checks p's signature against keys, its validity at opts.Now, the
// signer's key usage and validity, and the payload against the DCC schema.
// The checks are independent: every failed one is in Result.Errors, and
// Result.Verdict is decided from them ([Decide]). A pass from [DecodeEnvelope]
// has its claims read first; when they cannot be, the Result holds that one
// error, as [Check]'s does for a text that does not decode.
func Verify(p *Pass, keys KeyProvider, opts Options) *Result {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	if err := p.DecodeClaims(); err != nil {
		return ErrorResult(MessageOf(err))
	}
	r := newResult()
	r.Issuer = p.Issuer
	r.IssuedAt = formatTime(p.IssuedAt)
	r.ExpiresAt = formatTime(p.ExpiresAt)
	if len(p.KID) > 0 {
		r.KID = base64Std(p.KID)
	}
	r.Certificate, r.certificateCBOR = p.Certificate, p.certificateCBOR

	// The payload: schema, value sets, kind and holder.
	c := readCertificate(p.Certificate)
	r.Kind = c.kind
	r.Holder = c.holder
	r.Errors = append(r.Errors, c.errors...)
	r.Warnings = append(r.Warnings, c.warnings...)

	// The signature (hcert §3.3.1, §5.1).
	signer, err := verifySignature(p, keys, opts.VerifiedBy)
	if err != nil {
		r.Errors = append(r.Errors, MessageOf(err))
	} else {
		r.Signer = &SignerInfo{
			Country:   signer.Country,
			Subject:   signer.Subject,
			NotBefore: formatTime(signer.NotBefore),
			NotAfter:  formatTime(signer.NotAfter),
		}
		// The signer's validity at the clock.
		if !signer.NotBefore.IsZero() && now.Before(signer.NotBefore) {
			r.addf(SignerNotYetValid, "The key that signed the certificate is valid only from %s.", formatTime(signer.NotBefore))
		}
		if !signer.NotAfter.IsZero() && now.After(signer.NotAfter) {
			r.addf(SignerExpired, "The key that signed the certificate expired on %s.", formatTime(signer.NotAfter))
		}
		// Key usage (hcert §5.1.1): a signer naming any kind signs only those.
		if c.kind != KindNone && !signer.Usage.Allows(c.kind) {
			r.addf(KeyUsageMismatch, "The signing key may not sign %s certificates.", c.kind)
		}
	}

	// The certificate's own validity (CWT iat and exp). Both SHALL be
	// present (hcert §3.3.1), and a verifier must refuse an expired pass: a
	// pass without exp would never expire.
	switch {
	case p.ExpiresAt.IsZero() && p.IssuedAt.IsZero():
		r.addf(ClaimMissing, "The certificate has neither an expiry (exp) nor an issue date (iat).")
	case p.ExpiresAt.IsZero():
		r.addf(ClaimMissing, "The certificate has no expiry date (exp).")
	case p.IssuedAt.IsZero():
		r.addf(ClaimMissing, "The certificate has no issue date (iat).")
	}
	if !p.IssuedAt.IsZero() && p.IssuedAt.After(now) {
		r.addf(CertNotYetValid, "The certificate is not valid yet: it was issued at %s, in the future.", formatTime(p.IssuedAt))
	}
	if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(now) {
		r.addf(CertExpired, "The certificate expired on %s.", formatTime(p.ExpiresAt))
	}
	r.judge()
	return r
}

// verifySignature finds the signer among keys whose key verifies p. Several
// signers may share a kid; each is tried. A non-nil verifiedBy answers for
// the signature arithmetic (see [Options.VerifiedBy]).
func verifySignature(p *Pass, keys KeyProvider, verifiedBy func(Signer) bool) (Signer, *Error) {
	if p.Alg != AlgES256 && p.Alg != AlgPS256 {
		return Signer{}, errorf(AlgorithmUnsupported, "COSE algorithm %d", p.Alg)
	}
	if len(p.KID) == 0 {
		return Signer{}, errorf(KIDUnknown, "the certificate names no key identifier")
	}
	var candidates []Signer
	if keys != nil {
		candidates = keys.Signers(p.KID)
	}
	if len(candidates) == 0 {
		return Signer{}, errorf(KIDUnknown, "no trusted signer has kid %s", base64Std(p.KID))
	}
	var digest [sha256.Size]byte
	if verifiedBy == nil {
		digest = sha256.Sum256(p.ToBeSigned())
	}
	fits := false
	for _, s := range candidates {
		var ok, fit bool
		if verifiedBy == nil {
			ok, fit = verifyDigest(p.Alg, s.PublicKey, digest[:], p.signature)
		} else if fit = keyFits(p.Alg, s.PublicKey); fit {
			ok = sigLenFits(s.PublicKey, p.signature) && verifiedBy(s)
		}
		fits = fits || fit
		if ok {
			return s, nil
		}
	}
	if !fits {
		return Signer{}, errorf(AlgorithmUnsupported, "no trusted key with kid %s fits algorithm %d", base64Std(p.KID), p.Alg)
	}
	return Signer{}, &Error{Code: SignatureInvalid}
}

// keyFits reports whether key is of the kind alg requires: ECDSA on P-256,
// P-384 or P-521 for ES256, RSA of 2048, 3072 or 4096 bits for PS256. COSE
// binds ES256 to SHA-256, not to a curve (RFC 9053 §2.1); the hcert
// specification names P-256, but member states sign ES256 with P-384 keys,
// which the EU reference verifiers accept.
func keyFits(alg int64, key crypto.PublicKey) bool {
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		return alg == AlgES256 && ecSignatureLen(k) != 0
	case *rsa.PublicKey:
		switch k.N.BitLen() {
		case 2048, 3072, 4096:
			return alg == AlgPS256
		}
	}
	return false
}

// ecSignatureLen returns the length of a COSE ECDSA signature by k, r ‖ s
// with each as long as the curve's order (RFC 9053 §2.1): 64 bytes on P-256,
// 96 on P-384, 132 on P-521; 0 for another curve.
func ecSignatureLen(k *ecdsa.PublicKey) int {
	switch k.Curve {
	case elliptic.P256():
		return 64
	case elliptic.P384():
		return 96
	case elliptic.P521():
		return 132
	}
	return 0
}

// sigLenFits reports whether sig has the length of an ECDSA signature by
// key, when key is an ECDSA key; other signatures are the verifier's to judge.
func sigLenFits(key crypto.PublicKey, sig []byte) bool {
	k, ok := key.(*ecdsa.PublicKey)
	return !ok || len(sig) == ecSignatureLen(k)
}

// verifyDigest checks sig over a SHA-256 digest with key under alg. fit
// reports whether the key is of the kind alg requires ([keyFits]).
func verifyDigest(alg int64, key crypto.PublicKey, digest, sig []byte) (ok, fit bool) {
	if !keyFits(alg, key) {
		return false, false
	}
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		n := ecSignatureLen(k)
		if len(sig) != n {
			return false, true
		}
		r := new(big.Int).SetBytes(sig[:n/2])
		s := new(big.Int).SetBytes(sig[n/2:])
		return ecdsa.Verify(k, digest, r, s), true
	case *rsa.PublicKey:
		// The salt is as long as the hash (RFC 8230 §2); accept any length, as
		// issuers' libraries differ.
		err := rsa.VerifyPSS(k, crypto.SHA256, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		return err == nil, true
	}
	return false, false
}

// ToBeSigned returns the Sig_structure of RFC 9052 §4.4 for the pass:
// ["Signature1", protected, external_aad = h”, payload], built from the
// protected header bytes exactly as received.
func (p *Pass) ToBeSigned() []byte { return cose.SigStructure(p.protected, p.payload) }

// Signature returns the raw COSE signature of the pass.
func (p *Pass) Signature() []byte { return p.signature }

// newResult returns a Result without errors, warnings or pass data.
func newResult() *Result {
	return &Result{Valid: true, Verdict: VerdictValid, Errors: []Message{}, Warnings: []Message{}}
}

// ErrorResult returns a Result that holds the error m and nothing else, its
// verdict decided from m's class: for a text that does not decode (as
// [Check] gives), or a call that read no pass.
func ErrorResult(m Message) *Result {
	r := newResult()
	r.AddError(m)
	return r
}

// AddError adds m to r.Errors and decides r.Verdict and r.Valid again
// ([Decide]): for what a caller checks beside [Verify], such as the state
// of its trust list.
//
// Not inlined: it is called in many places, and one copy keeps the
// WebAssembly module small.
//
//go:noinline
func (r *Result) AddError(m Message) {
	r.Errors = append(r.Errors, m)
	r.judge()
}

// AddWarning adds m to r.Warnings. Warnings never change the verdict.
func (r *Result) AddWarning(m Message) { r.Warnings = append(r.Warnings, m) }

// judge decides r.Verdict and r.Valid from r.Errors.
func (r *Result) judge() {
	r.Verdict = Decide(r.Errors, r.Signer != nil)
	r.Valid = r.Verdict == VerdictValid
}

// NewMessage returns the Message for one of this package's codes: its
// plain message ([Code.Message]), followed by detail in parentheses when
// detail is not empty.
//
// Not inlined: it is called in many places, and one copy keeps the
// WebAssembly module small.
//
//go:noinline
func NewMessage(code Code, detail string) Message {
	msg := code.Message()
	switch {
	case detail == "":
	case msg == "":
		msg = detail
	default:
		msg += " (" + detail + ")"
	}
	return Message{Code: code, Message: msg}
}

// MessageOf returns the Message for an error of [Decode] or [Verify]: an
// [*Error]'s code and plain message (the cause is for logs: see
// [Error.Error]). An error of another type gives [CBORInvalid] with its text.
func MessageOf(err error) Message {
	if e, ok := err.(*Error); ok {
		if msg := e.Code.Message(); msg != "" || e.Err == nil {
			return Message{Code: e.Code, Message: msg}
		}
		return Message{Code: e.Code, Message: e.Err.Error()}
	}
	return Message{Code: CBORInvalid, Message: err.Error()}
}

func (r *Result) addf(code Code, format string, args ...any) {
	r.Errors = append(r.Errors, Message{Code: code, Message: fmt.Sprintf(format, args...)})
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rfc3339.Format(t)
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
