package revocation_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/revocation"
)

func codes(ms []dcc.Message) []dcc.Code {
	out := []dcc.Code{}
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return out
}

// AddTo turns a hit into CERT_REVOKED (red, also beside an unknown signer)
// and missing or stale data into REVOCATION_STALE (amber); an honest pass
// of the same kid stays green with fresh data.
func TestStatusAddTo(t *testing.T) {
	d := signer(t, issuer.EC, "AT")
	payload := issuer.SamplePayload(dcc.KindVaccination)
	uci := "URN:UVCI:01:AT:STATUS#1"
	payload["v"].([]any)[0].(map[string]any)["ci"] = uci
	revoked := decodeCOSE(t, d, issuer.PassOptions{Payload: payload})
	honest := decodeCOSE(t, d, issuer.PassOptions{Kind: dcc.KindVaccination})
	set, err := revocation.NewSet([]revocation.Entry{{KID: d.KID, Type: revocation.UCI, Sum: revocation.Sum([]byte(uci))}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	fresh := &revocation.Status{Set: set, Loaded: true, Sequence: 3, IssuedAt: now.Add(-time.Hour), ExpiresAt: now.Add(47 * time.Hour)}
	expired := &revocation.Status{Set: set, Loaded: true, Sequence: 3, IssuedAt: now.Add(-50 * time.Hour), ExpiresAt: now.Add(-2 * time.Hour)}
	partMissing := &revocation.Status{Set: set, Loaded: true, IssuedAt: now, ExpiresAt: now.Add(time.Hour), Problem: "part 2 of 3 did not match its hash"}
	keys := dcc.Signers{d.Signer()}
	for _, tc := range []struct {
		name  string
		st    *revocation.Status
		pass  *dcc.Pass
		keys  dcc.KeyProvider
		want  dcc.Verdict
		codes []dcc.Code
	}{
		{"revoked", fresh, revoked, keys, dcc.VerdictInvalid, []dcc.Code{dcc.CertRevoked}},
		{"honest", fresh, honest, keys, dcc.VerdictValid, []dcc.Code{}},
		{"revoked, signer unknown", fresh, revoked, nil, dcc.VerdictInvalid, []dcc.Code{dcc.KIDUnknown, dcc.CertRevoked}},
		{"honest, list expired", expired, honest, keys, dcc.VerdictCannotCheck, []dcc.Code{dcc.RevocationStale}},
		{"revoked, list expired", expired, revoked, keys, dcc.VerdictInvalid, []dcc.Code{dcc.CertRevoked, dcc.RevocationStale}},
		{"honest, part missing", partMissing, honest, keys, dcc.VerdictCannotCheck, []dcc.Code{dcc.RevocationStale}},
		{"honest, no list", &revocation.Status{}, honest, keys, dcc.VerdictCannotCheck, []dcc.Code{dcc.RevocationStale}},
		{"honest, nil status", nil, honest, keys, dcc.VerdictCannotCheck, []dcc.Code{dcc.RevocationStale}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dcc.Verify(tc.pass, tc.keys, dcc.Options{Now: now})
			tc.st.AddTo(r, tc.pass, now)
			if r.Verdict != tc.want || !slices.Equal(codes(r.Errors), tc.codes) {
				t.Errorf("verdict %s, errors %v; want %s, %v", r.Verdict, r.Errors, tc.want, tc.codes)
			}
			if r.Valid != (tc.want == dcc.VerdictValid) {
				t.Errorf("Valid %v with verdict %s", r.Valid, r.Verdict)
			}
		})
	}
	// The stale message gives the list's age.
	r := dcc.Verify(honest, keys, dcc.Options{Now: now})
	expired.AddTo(r, honest, now)
	if m := r.Errors[0].Message; !contains(m, "2h ago") || !contains(m, "issued 2 days ago") {
		t.Errorf("stale message %q lacks the age", m)
	}
	// A text that is not a pass is left alone.
	nr := dcc.ErrorResult(dcc.NewMessage(dcc.Base45Invalid, ""))
	expired.AddTo(nr, honest, now)
	if len(nr.Errors) != 1 {
		t.Errorf("not-a-pass Result changed: %v", nr.Errors)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
