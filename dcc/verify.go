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
		r := newResult()
		r.addError(err)
		return r
	}
	return Verify(p, keys, opts)
}

// Verify checks p's signature against keys, its validity at opts.Now, the
// signer's key usage and validity, and the payload against the DCC schema.
// The checks are independent: every failed one is in Result.Errors, and
// Result.Valid is true only when none failed. A pass from [DecodeEnvelope]
// has its claims read first; when they cannot be, the Result holds that one
// error, as [Check]'s does for a text that does not decode.
func Verify(p *Pass, keys KeyProvider, opts Options) *Result {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := newResult()
	if err := p.DecodeClaims(); err != nil {
		r.addError(err)
		return r
	}
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
		r.addError(err)
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

	// The certificate's own validity (CWT iat and exp).
	if !p.IssuedAt.IsZero() && p.IssuedAt.After(now) {
		r.addf(CertNotYetValid, "The certificate is not valid yet: it was issued at %s, in the future.", formatTime(p.IssuedAt))
	}
	if !p.ExpiresAt.IsZero() && p.ExpiresAt.Before(now) {
		r.addf(CertExpired, "The certificate expired on %s.", formatTime(p.ExpiresAt))
	}
	r.Valid = len(r.Errors) == 0
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
			ok = (p.Alg != AlgES256 || len(p.signature) == 64) && verifiedBy(s)
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

// keyFits reports whether key is of the kind alg requires: P-256 for ES256
// (COSE binds ES256 only to SHA-256, the hcert specification to P-256), RSA
// of 2048, 3072 or 4096 bits for PS256.
func keyFits(alg int64, key crypto.PublicKey) bool {
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		return alg == AlgES256 && k.Curve == elliptic.P256()
	case *rsa.PublicKey:
		switch k.N.BitLen() {
		case 2048, 3072, 4096:
			return alg == AlgPS256
		}
	}
	return false
}

// verifyDigest checks sig over a SHA-256 digest with key under alg. fit
// reports whether the key is of the kind alg requires ([keyFits]).
func verifyDigest(alg int64, key crypto.PublicKey, digest, sig []byte) (ok, fit bool) {
	if !keyFits(alg, key) {
		return false, false
	}
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		if len(sig) != 64 { // r || s, 32 bytes each (RFC 9053 §2.1)
			return false, true
		}
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
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

func newResult() *Result {
	return &Result{Errors: []Message{}, Warnings: []Message{}}
}

func (r *Result) addError(err error) {
	code := CBORInvalid
	msg := err.Error()
	if e, ok := err.(*Error); ok {
		code, msg = e.Code, e.Code.Message()
	}
	r.Errors = append(r.Errors, Message{Code: code, Message: msg})
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
