package main

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/certs"
)

func init() {
	register(&command{
		Name:      "issue",
		UsageLine: "issue --out DIR [--kind vaccination,test,recovery] [--key-type ec|rsa2048|rsa3072|rsa4096] [--usage v,t,r] [--country AT] [--signer-valid 2y] [--issued-at RFC3339] [--valid-for 1y] [--family-name N --given-name N --dob DATE] [--dose 1/2 --vaccinated-on DATE] [--test-type pcr|rat --sampled-at T --test-result negative|positive] [--first-positive DATE --recovery-valid-from DATE --recovery-valid-until DATE]",
		Short:     "make test passes, with a signing key and DSC of your choice",
		Long: `
Issue makes test material: a country signing CA and a document signer (DSC)
with the chosen key type, key usage and validity, and a pass of each chosen
kind signed by it, as text (KIND.txt) and as a QR code (KIND.png).

When DIR already holds dsc.pem and dsc-key.pem, they are reused, so that
more passes come from the same signer; otherwise new ones are made:

	DIR/csca.pem       the CA certificate
	DIR/dsc.pem        the signer certificate (give it to --dsc or a trust list)
	DIR/dsc-key.pem    the signer's private key (PKCS #8, mode 0600)

--usage restricts the signer to kinds (v, t, r); the default names none, so
it may sign every kind. The holder and event flags (--family-name, --dob,
--dose, --test-type, --sampled-at, --first-positive, ...) set the payload;
dates left out are placed near the issue time, as in the demo: a vaccination
60 days before, a test sample 6 hours before, a recovery from 29 days before
to 140 days after. Durations take the forms 2y, 30d, 36h and 90m. Every flag
is checked before anything is written. These passes are for tests and demos
only.

Example:

	passcheck issue --out demo --kind vaccination,test
	passcheck verify --dsc demo/dsc.pem < demo/vaccination.txt
	passcheck issue --out demo --kind vaccination --dose 1/2 --family-name Tran --given-name An --dob 1985-02-03
	passcheck issue --out demo --kind test --test-type rat --sampled-at 2026-12-01T08:00:00Z
`,
		Run: runIssue,
	})
}

func parseUsage(s string) (dcc.KeyUsage, error) {
	var u dcc.KeyUsage
	for _, part := range strings.Split(s, ",") {
		switch strings.TrimSpace(part) {
		case "":
		case "v", "vaccination":
			u |= dcc.UsageVaccination
		case "t", "test":
			u |= dcc.UsageTest
		case "r", "recovery":
			u |= dcc.UsageRecovery
		default:
			return 0, fmt.Errorf("--usage %q: want v, t and r separated by commas", s)
		}
	}
	return u, nil
}

func runIssue(e *env, args []string) int {
	fset := newFlagSet(e, commands["issue"])
	out := fset.String("out", "", "folder to write into (required)")
	kinds := fset.String("kind", "vaccination,test,recovery", "kinds of pass to issue, separated by commas")
	keyType := fset.String("key-type", "ec", "signer key: ec, rsa2048, rsa3072 or rsa4096")
	usage := fset.String("usage", "", "kinds the signer may sign (v,t,r); default all")
	country := fset.String("country", "AT", "issuing country (ISO 3166 alpha-2)")
	signerValid := durationFlag(fset, "signer-valid", 2*365*24*time.Hour, "validity of a new signer certificate, from now (e.g. 2y, 30d, 36h)")
	issuedAt := fset.String("issued-at", "", "iat of the passes (RFC 3339); default now")
	validFor := durationFlag(fset, "valid-for", 365*24*time.Hour, "exp - iat of the passes (e.g. 1y, 30d, 36h)")
	var p payloadOptions
	fset.StringVar(&p.familyName, "family-name", "", "holder's family name (default a sample name)")
	fset.StringVar(&p.givenName, "given-name", "", "holder's given name")
	fset.StringVar(&p.familyNameStd, "family-name-std", "", "family name in ICAO 9303 form (default: made from --family-name)")
	fset.StringVar(&p.givenNameStd, "given-name-std", "", "given name in ICAO 9303 form (default: made from --given-name)")
	fset.StringVar(&p.dob, "dob", "", "date of birth: YYYY-MM-DD, YYYY-MM or YYYY")
	fset.StringVar(&p.dose, "dose", "", "vaccination: dose number of series length, e.g. 1/2 (default 2/2)")
	fset.StringVar(&p.vaccinatedOn, "vaccinated-on", "", "vaccination: date of the dose, YYYY-MM-DD (default 60 days ago)")
	fset.StringVar(&p.testType, "test-type", "", "test: pcr (NAAT) or rat (rapid antigen) (default pcr)")
	fset.StringVar(&p.sampledAt, "sampled-at", "", "test: sample time, RFC 3339 (default 6 hours ago)")
	fset.StringVar(&p.testResult, "test-result", "", "test: negative or positive (default negative)")
	fset.StringVar(&p.firstPositive, "first-positive", "", "recovery: date of the first positive test, YYYY-MM-DD (default 40 days ago)")
	fset.StringVar(&p.validFrom, "recovery-valid-from", "", "recovery: first day of validity, YYYY-MM-DD (default 29 days ago)")
	fset.StringVar(&p.validUntil, "recovery-valid-until", "", "recovery: last day of validity, YYYY-MM-DD (default in 140 days)")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() > 0 {
		errorf(e, "unexpected argument %q", fset.Arg(0))
		return 2
	}
	// Every flag is checked before anything is written.
	if *out == "" {
		errorf(e, "--out is required: the folder to write the signer and passes into")
		return 2
	}
	u, err := parseUsage(*usage)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	switch issuer.KeyType(*keyType) {
	case issuer.EC, issuer.RSA2048, issuer.RSA3072, issuer.RSA4096:
	default:
		errorf(e, "--key-type %q: want ec, rsa2048, rsa3072 or rsa4096", *keyType)
		return 2
	}
	cc := strings.ToUpper(*country)
	if len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
		errorf(e, "--country %q: want an ISO 3166 alpha-2 code such as AT or VN", *country)
		return 2
	}
	iat := time.Now()
	if *issuedAt != "" {
		if iat, err = parseClock(*issuedAt); err != nil {
			errorf(e, "%v", strings.Replace(err.Error(), "--at", "--issued-at", 1))
			return 2
		}
	}
	if *validFor <= 0 {
		errorf(e, "--valid-for must be longer than zero")
		return 2
	}
	var list []dcc.Kind
	for _, k := range strings.Split(*kinds, ",") {
		kind := dcc.Kind(strings.TrimSpace(k))
		if kind != dcc.KindVaccination && kind != dcc.KindTest && kind != dcc.KindRecovery {
			errorf(e, "--kind %q: want vaccination, test or recovery", k)
			return 2
		}
		list = append(list, kind)
	}
	payloads := make([]map[string]any, len(list))
	for i, kind := range list {
		if payloads[i], err = p.payload(kind, iat); err != nil {
			errorf(e, "%v", err)
			return 2
		}
	}

	dsc, reused, err := loadOrMakeSigner(*out, cc, issuer.KeyType(*keyType), u, *signerValid)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	if reused {
		fmt.Fprintf(e.stdout, "signer: reused %s (kid %s)\n", filepath.Join(*out, "dsc.pem"), b64(dsc.KID))
	} else {
		fmt.Fprintf(e.stdout, "signer: new %s DSC for %s (kid %s), usage %s\n", *keyType, dsc.Country, b64(dsc.KID), usageString(dsc.Usage))
	}
	for i, kind := range list {
		text, err := dsc.Issue(issuer.PassOptions{Payload: payloads[i], IssuedAt: iat, ExpiresAt: iat.Add(*validFor)})
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		png, err := issuer.QRPNG(text, 4)
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		base := filepath.Join(*out, string(kind))
		if err := os.WriteFile(base+".txt", []byte(text+"\n"), 0o644); err != nil {
			errorf(e, "%v", err)
			return 2
		}
		if err := os.WriteFile(base+".png", png, 0o644); err != nil {
			errorf(e, "%v", err)
			return 2
		}
		fmt.Fprintf(e.stdout, "%s: %s.txt, %s.png\n", kind, base, base)
	}
	return 0
}

func usageString(u dcc.KeyUsage) string {
	if u == 0 {
		return "all kinds"
	}
	var parts []string
	for _, k := range []dcc.Kind{dcc.KindVaccination, dcc.KindTest, dcc.KindRecovery} {
		if u.Allows(k) {
			parts = append(parts, string(k))
		}
	}
	return strings.Join(parts, "+")
}

// loadOrMakeSigner reuses DIR/dsc.pem and DIR/dsc-key.pem, or makes a CSCA
// and a DSC and writes them there.
func loadOrMakeSigner(dir, country string, kt issuer.KeyType, u dcc.KeyUsage, valid time.Duration) (*issuer.DSC, bool, error) {
	certPath, keyPath := filepath.Join(dir, "dsc.pem"), filepath.Join(dir, "dsc-key.pem")
	certData, certErr := os.ReadFile(certPath)
	keyData, keyErr := os.ReadFile(keyPath)
	if certErr == nil && keyErr == nil {
		d, err := parseSigner(certData, keyData)
		return d, true, err
	}
	if !errors.Is(certErr, fs.ErrNotExist) || !errors.Is(keyErr, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("%s and %s must both exist or both be absent", certPath, keyPath)
	}
	now := time.Now().Add(-time.Hour)
	ca, err := issuer.NewCSCA(country, issuer.EC, now, now.Add(valid+365*24*time.Hour))
	if err != nil {
		return nil, false, err
	}
	d, err := ca.NewDSC(issuer.DSCOptions{KeyType: kt, Usage: u, NotBefore: now, NotAfter: now.Add(valid)})
	if err != nil {
		return nil, false, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(d.Key)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, err
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.DER})
	if err := os.WriteFile(filepath.Join(dir, "csca.pem"), caPEM, 0o644); err != nil {
		return nil, false, err
	}
	if err := os.WriteFile(certPath, d.CertPEM(), 0o644); err != nil {
		return nil, false, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, false, err
	}
	return d, false, nil
}

func parseSigner(certData, keyData []byte) (*issuer.DSC, error) {
	cs, err := certs.Parse(certData)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(keyData)
	if b == nil {
		return nil, errors.New("dsc-key.pem: no PEM block")
	}
	key, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("dsc-key.pem: %v", err)
	}
	s, err := certs.Signer(cs[0])
	if err != nil {
		return nil, err
	}
	d := &issuer.DSC{Cert: cs[0], DER: cs[0].Raw, KID: s.KID, Country: s.Country, Usage: s.Usage}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("dsc-key.pem: not a signing key")
	}
	d.Key = signer
	return d, nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
