package dcc_test

import (
	"testing"

	"github.com/passcheck/passcheck/dcc"
)

// The classes the issue gives each code: the decode codes are not a pass,
// an unknown signer or algorithm cannot be checked, the failed checks are
// invalid.
func TestRegistryClasses(t *testing.T) {
	want := map[dcc.Class][]dcc.Code{
		dcc.NotAPass:    {dcc.PrefixInvalid, dcc.Base45Invalid, dcc.CompressionInvalid, dcc.COSEInvalid, dcc.CBORInvalid, dcc.InputInvalid},
		dcc.CannotCheck: {dcc.KIDUnknown, dcc.AlgorithmUnsupported, dcc.InternalError, dcc.QRUnavailable, dcc.RevocationStale},
		dcc.Invalid: {dcc.SchemaInvalid, dcc.SignatureInvalid, dcc.CertExpired, dcc.CertNotYetValid, dcc.SignerExpired,
			dcc.SignerNotYetValid, dcc.KeyUsageMismatch, dcc.CertRevoked},
		dcc.Warning: {dcc.ValueUnknown, dcc.RevocationUnchecked},
	}
	for class, codes := range want {
		for _, c := range codes {
			if got := c.Class(); got != class {
				t.Errorf("%s: class %q, want %q", c, got, class)
			}
		}
	}
	all := dcc.Codes()
	for c, class := range all {
		switch class {
		case dcc.NotAPass, dcc.Invalid, dcc.CannotCheck, dcc.Warning:
		default:
			t.Errorf("%s: class %q is none of the four", c, class)
		}
		if c.Class() != class {
			t.Errorf("%s: Codes says %q, Class %q", c, class, c.Class())
		}
	}
	// Codes returns a copy: the registry cannot be changed through it.
	delete(all, dcc.PrefixInvalid)
	if dcc.PrefixInvalid.Class() != dcc.NotAPass || len(dcc.Codes()) != len(all)+1 {
		t.Error("Codes shares the registry")
	}
	if c := dcc.Code("NO_SUCH_CODE"); c.Class() != "" || c.Message() != "" {
		t.Errorf("an unknown code has class %q, message %q", c.Class(), c.Message())
	}
}

// Decide, for every class and their combinations.
func TestDecide(t *testing.T) {
	const unknown dcc.Code = "NO_SUCH_CODE"
	for _, tt := range []struct {
		name     string
		errors   []dcc.Code
		verified bool
		want     dcc.Verdict
	}{
		{"no error", nil, true, dcc.VerdictValid},
		{"no error, signature not verified", nil, false, dcc.VerdictValid},
		{"decode failure", []dcc.Code{dcc.Base45Invalid}, false, dcc.VerdictNotAPass},
		{"bad argument", []dcc.Code{dcc.InputInvalid}, false, dcc.VerdictNotAPass},
		{"decode failure beside a trust-list error", []dcc.Code{dcc.CBORInvalid, "TRUSTLIST_MISSING"}, false, dcc.VerdictNotAPass},
		{"failed check, verified", []dcc.Code{dcc.CertExpired}, true, dcc.VerdictInvalid},
		{"forged signature", []dcc.Code{dcc.SignatureInvalid}, false, dcc.VerdictInvalid},
		{"schema", []dcc.Code{dcc.SchemaInvalid}, false, dcc.VerdictInvalid},
		{"unknown signer", []dcc.Code{dcc.KIDUnknown}, false, dcc.VerdictCannotCheck},
		{"algorithm", []dcc.Code{dcc.AlgorithmUnsupported}, false, dcc.VerdictCannotCheck},
		{"failed check beside an unknown signer", []dcc.Code{dcc.CertExpired, dcc.KIDUnknown}, false, dcc.VerdictCannotCheck},
		{"forged signature, list in grace", []dcc.Code{dcc.SignatureInvalid, "TRUSTLIST_EXPIRED"}, false, dcc.VerdictCannotCheck},
		{"failed check, verified, list in grace", []dcc.Code{dcc.CertExpired, "TRUSTLIST_EXPIRED"}, true, dcc.VerdictInvalid},
		{"verified, list in grace", []dcc.Code{"TRUSTLIST_EXPIRED"}, true, dcc.VerdictCannotCheck},
		{"no list", []dcc.Code{dcc.KIDUnknown, "TRUSTLIST_MISSING"}, false, dcc.VerdictCannotCheck},
		{"bug", []dcc.Code{dcc.InternalError}, false, dcc.VerdictCannotCheck},
		{"a warning's code among the errors", []dcc.Code{dcc.ValueUnknown}, true, dcc.VerdictInvalid},
		{"an unknown code", []dcc.Code{unknown}, true, dcc.VerdictInvalid},
		{"an unknown code beside an unknown signer", []dcc.Code{unknown, dcc.KIDUnknown}, false, dcc.VerdictCannotCheck},
		{"revoked", []dcc.Code{dcc.CertRevoked}, true, dcc.VerdictInvalid},
		{"revoked, signer unknown", []dcc.Code{dcc.KIDUnknown, dcc.CertRevoked}, false, dcc.VerdictInvalid},
		{"revoked, list in grace", []dcc.Code{dcc.CertRevoked, "TRUSTLIST_EXPIRED"}, false, dcc.VerdictInvalid},
		{"revoked, revocation list stale", []dcc.Code{dcc.CertRevoked, dcc.RevocationStale}, true, dcc.VerdictInvalid},
		{"revoked, no trust list", []dcc.Code{dcc.KIDUnknown, "TRUSTLIST_MISSING", dcc.CertRevoked}, false, dcc.VerdictInvalid},
		{"revocation list stale", []dcc.Code{dcc.RevocationStale}, true, dcc.VerdictCannotCheck},
		{"revocation list stale, failed check", []dcc.Code{dcc.RevocationStale, dcc.CertExpired}, true, dcc.VerdictInvalid},
		{"decode failure beside a revocation", []dcc.Code{dcc.CBORInvalid, dcc.CertRevoked}, false, dcc.VerdictNotAPass},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ms []dcc.Message
			for _, c := range tt.errors {
				ms = append(ms, dcc.Message{Code: c})
			}
			if got := dcc.Decide(ms, tt.verified); got != tt.want {
				t.Errorf("Decide(%v, %v) = %s, want %s", tt.errors, tt.verified, got, tt.want)
			}
		})
	}
}

// A Result keeps Valid and Verdict in step with its errors; warnings never
// change them.
func TestResultAssembly(t *testing.T) {
	r := dcc.ErrorResult(dcc.NewMessage(dcc.InputInvalid, "the text must be a string"))
	if r.Valid || r.Verdict != dcc.VerdictNotAPass || len(r.Errors) != 1 || r.Warnings == nil {
		t.Fatalf("ErrorResult: %+v", r)
	}
	if want := dcc.InputInvalid.Message() + " (the text must be a string)"; r.Errors[0].Message != want {
		t.Errorf("message %q, want %q", r.Errors[0].Message, want)
	}

	r = dcc.Check("HC1:", nil, dcc.Options{})
	if r.Valid || r.Verdict != dcc.VerdictNotAPass || r.Errors[0].Code != dcc.CompressionInvalid {
		t.Errorf("Check of a text that does not decode: %+v", r)
	}
	r.AddWarning(dcc.Message{Code: dcc.ValueUnknown})
	if r.Verdict != dcc.VerdictNotAPass {
		t.Errorf("a warning changed the verdict to %s", r.Verdict)
	}
}
