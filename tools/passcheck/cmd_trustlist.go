package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

func init() {
	register(&command{
		Name:      "trustlist",
		UsageLine: "trustlist keygen|build|publish|sync|verify|inspect [arguments]",
		Short:     "make, publish and check the signed trust list",
		Long: `The trust list is the signed bundle of document signer keys that the
verifier trusts. Its commands:

	passcheck trustlist keygen   make the publisher's signing key
	passcheck trustlist build    gather signers, sign the bundle, publish a folder
	                             or to S3-compatible object storage
	passcheck trustlist publish  upload a folder built before to object storage
	passcheck trustlist sync     build and publish from a config file (cron, CI)
	passcheck trustlist verify   check a published list with the publisher's key
	passcheck trustlist inspect  show what a bundle holds (without checking it)

See docs/trustlist.md for the operator's guide.`,
		Run: func(e *env, args []string) int {
			if len(args) > 0 {
				errorf(e, "unknown command \"trustlist %s\"", args[0])
			}
			hintf(e, `run "passcheck help trustlist" for its commands`)
			return 2
		},
	})
	register(&command{
		Name:      "trustlist keygen",
		UsageLine: "trustlist keygen --key KEY.pem --pub PUB.pem",
		Short:     "make a publisher key pair (ECDSA P-256)",
		Long: `Keygen makes a new publisher key: the private key (PKCS #8 PEM, written
with mode 0600) signs trust lists; the public key (PKIX PEM) is pinned by the
verifier pages and passed to "trustlist verify" and "verify --trust-key".
Existing files are never overwritten.

Example:

	passcheck trustlist keygen --key publisher.key --pub publisher.pub`,
		Run: runTrustlistKeygen,
	})
	register(&command{
		Name: "trustlist build",
		UsageLine: "trustlist build --key KEY.pem --out DIR|s3://BUCKET/PREFIX [--dsc PATH]... [--gateway FILE|URL]...\n" +
			"\t[--de-list FILE|URL --de-key PUB.pem] [--csca PATH]... [--valid-for 48h] [--sequence N] [--keep 3]\n" +
			"\t[--revocations SRC]... [--revocations-valid-for 48h] [--rules SRC|none] [--valuesets SRC]\n" +
			"\t[--pointer-max-age 60s] [--path-style] [--dry-run]",
		Short: "build, sign and publish the trust list into a folder or a bucket",
		Long: `Build gathers document signer certificates from its sources, checks them,
signs the bundle with the publisher key, and publishes it into DIR: the bundle
under its content hash (trustlist-<sha256>.cose), the pointer trustlist.json,
and header rules for the web host (_headers, trustlist.nginx.conf). It prints a
report: signers by country, what was left out and why, the size.

Sources (at least one):
	--dsc PATH          PEM or DER certificate files, or folders of them
	--gateway FILE|URL  EU DCC gateway trust-list JSON (https:// only)
	--de-list FILE|URL  the German public DSC list; --de-key checks its signature

With --csca (files or folders of CSCA certificates), a signer whose certificate
was not issued by a CSCA of its own country is left out.

The bundle carries business rules and value sets (docs/rules.md): by default
the EU baseline rules and the EU value sets that passcheck ships; --rules SRC
takes them from a folder in the EU business-rule layout (every rule.json below
it), a rule JSON file (one rule or an array), or rules in the gateway's CMS
envelope (the CMS signature is not checked: the report says so); --valuesets
SRC from the map of value-set id to codes or EU value-set documents. A rule
that fails the gateway's schema or the CertLogic validator is reported and left
out. --rules none publishes no rules: verifiers then do technical checks only.

Revocations (docs/trustlist.md, "Revocation"): --revocations SRC is an EU
gateway batch file (JSON), a plain list (lines "UCI <uci>", "COUNTRYCODEUCI
<CC> <uci>" or "SIGNATURE <hash>"), or a folder of them; expired and deleted
batches are left out, entries de-duplicated, and the report counts each.
Every build publishes a signed revocation index (empty without
--revocations) valid for --revocations-valid-for; new entries go into a small
delta part beside the parts published before, compacted now and then.

The sequence grows by one from the one published in DIR (the current Unix time
for a new DIR); --sequence sets it. The --keep most recent earlier bundles stay
in DIR for clients that read the previous pointer. --pointer-max-age sets how
long caches keep trustlist.json.

With --out s3://BUCKET/PREFIX the same tree goes to S3-compatible object
storage (see "passcheck help trustlist publish" for the order, the checks,
the credentials, --path-style and --dry-run); the sequence follows the
pointer in the bucket.

Example:

	passcheck trustlist build --key publisher.key --out public/trust \
		--gateway https://gateway.example/trustList --csca cscas/
	AWS_REGION=eu-central-1 passcheck trustlist build --key publisher.key \
		--out s3://trust-bucket/passcheck --gateway https://gateway.example/trustList`,
		Run: runTrustlistBuild,
	})
	register(&command{
		Name:      "trustlist verify",
		UsageLine: "trustlist verify --trust-key PUB.pem [--trust-key PUB.pem]... [--grace D] [--last-seen N] [--at RFC3339] DIR|FILE",
		Short:     "check a published trust list as a verifier does",
		Long: `Verify loads a trust list as the verifier pages do: DIR (a published folder,
through its trustlist.json) or FILE (a bundle). It checks the signature against
the pinned publisher keys (give each with --trust-key; one file may hold
several), the pointer's hash and size, the format version, the sequence against
--last-seen, and expiry at --at (default now; --grace turns an expiry within
that time into a warning). It exits 1 with the failed check's code.

Example:

	passcheck trustlist verify --trust-key publisher.pub public/trust`,
		Run: runTrustlistVerify,
	})
	register(&command{
		Name:      "trustlist inspect",
		UsageLine: "trustlist inspect [--json] DIR|FILE",
		Short:     "show a trust list's content, without checking its signature",
		Long: `Inspect prints what a bundle holds: sequence, dates, publisher key ID,
each signer (country, kid, key, kinds it may sign, validity, name), and the
business rules (rule countries, each rule, the value sets). It checks
no signature and no expiry: use "trustlist verify" for that.

Example:

	passcheck trustlist inspect public/trust`,
		Run: runTrustlistInspect,
	})
}

func runTrustlistKeygen(e *env, args []string) int {
	fs := newFlagSet(e, commands["trustlist keygen"])
	keyPath := fs.String("key", "", "write the private key (PKCS #8 PEM, mode 0600) to `FILE`")
	pubPath := fs.String("pub", "", "write the public key (PKIX PEM) to `FILE`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keyPath == "" || *pubPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	key, err := publish.GenerateKey()
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	priv, err := publish.MarshalPrivateKeyPEM(key)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	pub, err := publish.MarshalPublicKeyPEM(key.Public())
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	for _, p := range []string{*keyPath, *pubPath} {
		if _, err := os.Lstat(p); err == nil {
			errorf(e, "%s exists; keygen does not overwrite keys", p)
			hintf(e, "move it away first, or choose another file name")
			return 2
		}
	}
	if err := writeNew(*keyPath, priv, 0o600); err != nil {
		errorf(e, "%v", err)
		return 2
	}
	if err := writeNew(*pubPath, pub, 0o644); err != nil {
		os.Remove(*keyPath)
		errorf(e, "%v", err)
		return 2
	}
	kid, _ := trustlist.KeyID(key.Public())
	fmt.Fprintf(e.stdout, "wrote %s (private: keep it offline) and %s (public: pin it in the verifier)\nkey ID %s\n", *keyPath, *pubPath, hex.EncodeToString(kid))
	return 0
}

// writeNew creates path with mode perm; it fails when path exists.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

func runTrustlistBuild(e *env, args []string) int {
	fs := newFlagSet(e, commands["trustlist build"])
	c := defaultBuildConfig()
	fs.StringVar(&c.Key, "key", "", "the publisher's private key `FILE` (from trustlist keygen)")
	fs.StringVar(&c.Out, "out", "", "publish into `DIR`, or to s3://BUCKET/PREFIX")
	fs.Var((*stringList)(&c.DSC), "dsc", "DSC certificates: a PEM/DER `PATH` or a folder (repeatable)")
	fs.Var((*stringList)(&c.Gateway), "gateway", "EU gateway trust-list JSON `FILE|URL` (repeatable)")
	fs.Var((*stringList)(&c.DEList), "de-list", "German DSC list `FILE|URL` (repeatable)")
	fs.StringVar(&c.DEKey, "de-key", "", "public key `PEM` that signs the German list")
	fs.Var((*stringList)(&c.CSCA), "csca", "CSCA certificates: a PEM/DER `PATH` or a folder (repeatable)")
	fs.Var(&c.ValidFor, "valid-for", "how long the list stays valid")
	fs.Uint64Var(&c.Sequence, "sequence", 0, "the list's sequence `N` (default: the published one + 1)")
	fs.IntVar(&c.Keep, "keep", c.Keep, "earlier lists to keep reachable")
	fs.StringVar(&c.BasePath, "base-path", c.BasePath, "URL `PATH` at which DIR is served, for the header rules")
	fs.Var(&c.Timeout, "timeout", "time limit of each download")
	fs.Var((*stringList)(&c.Revocations), "revocations", "revocation `SRC`: gateway batch JSON, a plain list, or a folder (repeatable)")
	fs.Var(&c.RevocationsValidFor, "revocations-valid-for", "how long the revocation index stays valid")
	fs.StringVar(&c.Rules, "rules", "", "business rules: a rule folder or file `SRC`, or none (default: the EU baseline built in)")
	fs.StringVar(&c.ValueSets, "valuesets", "", "value sets `SRC`: the id → codes map or EU value-set documents (default: the EU value sets built in)")
	addPublishFlags(fs, &c.publishConfig)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if c.Key == "" || c.Out == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	return runBuild(e, &c)
}

func runTrustlistVerify(e *env, args []string) int {
	fs := newFlagSet(e, commands["trustlist verify"])
	var keys stringList
	fs.Var(&keys, "trust-key", "a pinned publisher public key `PEM` file (repeatable)")
	grace := durationFlag(fs, "grace", 0, "accept a list expired less than `D` ago (e.g. 6h, 2d), with a warning")
	lastSeen := fs.Uint64("last-seen", 0, "the highest sequence accepted before: a lower one is a rollback")
	stateFlag := fs.String("state", "", "rollback memory to read (never written here): `FILE`, or none; default the user's state folder")
	at := fs.String("at", "", "check expiry at this `RFC3339` time instead of now")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(keys) == 0 || fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	now := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			errorf(e, "--at: %v", err)
			return 2
		}
		now = t
	}
	seen, err := stateLastSeen(*stateFlag, keys)
	if err != nil {
		errorf(e, "%s", describeError(err))
		var de *dcc.Error
		if errors.As(err, &de) {
			return 1 // the pinned keys themselves are unusable
		}
		return 2
	}
	l, warnings, err := loadTrustList(fs.Arg(0), keys, now, max(*lastSeen, seen), trustlist.WithGrace(*grace))
	if err != nil {
		errorf(e, "%s", describeError(err))
		var de *dcc.Error
		if errors.As(err, &de) {
			return 1
		}
		return 2
	}
	fmt.Fprintf(e.stdout, "ok: sequence %d, %d signers, issued %s, expires %s (in %s)\n",
		l.Sequence, l.Len(), l.IssuedAt.Format(time.RFC3339), l.ExpiresAt.Format(time.RFC3339), l.ExpiresAt.Sub(now).Round(time.Minute))
	for _, w := range warnings {
		fmt.Fprintf(e.stdout, "warning: %s: %s\n", w.Code, w.Message)
	}
	return 0
}

// describeError prints a trust-list error as "CODE: cause".
func describeError(err error) string {
	var de *dcc.Error
	if errors.As(err, &de) && de.Err != nil {
		return fmt.Sprintf("%s: %v", de.Code, de.Err)
	}
	return err.Error()
}

// loadTrustListFromPath loads the trust list at path, a published folder
// (through its trustlist.json, whose hash and size must match the bundle) or
// a bundle file, checked against the publisher keys in the PEM files
// trustKeyFiles (each may hold several), with freshness at now. It returns
// the list's warnings (an expiry within trustlist.WithGrace) as messages.
// Errors of the list itself are *dcc.Error with a trustlist code; others are
// I/O errors. "passcheck verify --trustlist DIR --trust-key PUB.pem" uses it.
func loadTrustListFromPath(path string, trustKeyFiles []string, now time.Time, opts ...trustlist.Option) (*trustlist.List, []dcc.Message, error) {
	return loadTrustList(path, trustKeyFiles, now, 0, opts...)
}

// loadTrustList is loadTrustListFromPath with the highest sequence seen
// before.
func loadTrustList(path string, trustKeyFiles []string, now time.Time, lastSeen uint64, opts ...trustlist.Option) (*trustlist.List, []dcc.Message, error) {
	keys, err := readTrustKeys(trustKeyFiles)
	if err != nil {
		return nil, nil, err
	}
	bundle, ptr, err := readBundle(path)
	if err != nil {
		return nil, nil, err
	}
	l, err := trustlist.Load(bundle, keys, now, lastSeen, opts...)
	if err != nil {
		return nil, nil, err
	}
	if ptr != nil && ptr.Sequence != l.Sequence {
		return nil, nil, &dcc.Error{Code: trustlist.Invalid, Err: fmt.Errorf("%s says sequence %d, the bundle has %d", publish.PointerName, ptr.Sequence, l.Sequence)}
	}
	return l, l.Warnings, nil
}

// readTrustKeys reads the pinned publisher keys of PEM files (each may hold
// several).
func readTrustKeys(files []string) ([]crypto.PublicKey, error) {
	var pemData []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pemData = append(append(pemData, b...), '\n')
	}
	return trustlist.ParsePublicKeysPEM(pemData)
}

// readBundle reads a bundle file, or the bundle that DIR/trustlist.json
// names, checked against the pointer's size and hash.
func readBundle(path string) ([]byte, *publish.Pointer, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !info.IsDir() {
		if info.Size() > trustlist.MaxBundleSize {
			return nil, nil, &dcc.Error{Code: trustlist.Invalid, Err: fmt.Errorf("%s has %d bytes, more than %d", path, info.Size(), trustlist.MaxBundleSize)}
		}
		b, err := os.ReadFile(path)
		return b, nil, err
	}
	ptr, err := publish.ReadPointer(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s has no %s: not a published trust list", path, publish.PointerName)
		}
		return nil, nil, &dcc.Error{Code: trustlist.Invalid, Err: err}
	}
	if ptr.Size <= 0 || ptr.Size > trustlist.MaxBundleSize {
		return nil, nil, &dcc.Error{Code: trustlist.Invalid, Err: fmt.Errorf("%s: size %d", publish.PointerName, ptr.Size)}
	}
	b, err := os.ReadFile(filepath.Join(path, ptr.Bundle))
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(b)
	if len(b) != ptr.Size || !strings.EqualFold(ptr.SHA256, hex.EncodeToString(sum[:])) {
		return nil, nil, &dcc.Error{Code: trustlist.Invalid, Err: fmt.Errorf("%s does not match %s's size and SHA-256", ptr.Bundle, publish.PointerName)}
	}
	return b, ptr, nil
}

func runTrustlistInspect(e *env, args []string) int {
	fs := newFlagSet(e, commands["trustlist inspect"])
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	bundle, _, err := readBundle(fs.Arg(0))
	if err != nil {
		errorf(e, "%s", describeError(err))
		return 2
	}
	var revs *inspectRevocations
	if info, err := os.Stat(fs.Arg(0)); err == nil && info.IsDir() {
		revs = readInspectRevocations(fs.Arg(0))
	}
	l, err := trustlist.ParseUnverified(bundle)
	if err != nil {
		errorf(e, "%s", describeError(err))
		return 1
	}
	sum := sha256.Sum256(bundle)
	info := inspectInfo{
		Verified:     false,
		Sequence:     l.Sequence,
		IssuedAt:     l.IssuedAt.Format(time.RFC3339),
		ExpiresAt:    l.ExpiresAt.Format(time.RFC3339),
		PublisherKID: hex.EncodeToString(l.PublisherKID),
		Size:         len(bundle),
		SHA256:       hex.EncodeToString(sum[:]),
		Signers:      []inspectSigner{},
		Revocations:  revs,
	}
	for _, s := range l.All() {
		info.Signers = append(info.Signers, inspectSigner{
			Country:   s.Country,
			KID:       base64.StdEncoding.EncodeToString(s.KID),
			Key:       keyType(s.PublicKey),
			Kinds:     kinds(s.Usage),
			NotBefore: timeOrEmpty(s.NotBefore),
			NotAfter:  timeOrEmpty(s.NotAfter),
			Subject:   s.Subject,
		})
	}
	if info.Rules, err = inspectRulesOf(l); err != nil {
		errorf(e, "rules: %v", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(info); err != nil {
			errorf(e, "%v", err)
			return 2
		}
		return 0
	}
	writeInspect(e.stdout, &info)
	return 0
}

type inspectInfo struct {
	Verified     bool            `json:"verified"` // always false: inspect checks no signature
	Sequence     uint64          `json:"sequence"`
	IssuedAt     string          `json:"issuedAt"`
	ExpiresAt    string          `json:"expiresAt"`
	PublisherKID string          `json:"publisherKid"`
	Size         int             `json:"size"`
	SHA256       string          `json:"sha256"`
	Signers      []inspectSigner `json:"signers"`
	// Revocations summarises the revocation data a folder's pointer names.
	Revocations *inspectRevocations `json:"revocations,omitempty"`
	Rules       *inspectRules       `json:"rules"` // null when the bundle carries none
}

type inspectSigner struct {
	Country   string   `json:"country"`
	KID       string   `json:"kid"`
	Key       string   `json:"key"`
	Kinds     []string `json:"kinds"`
	NotBefore string   `json:"notBefore"`
	NotAfter  string   `json:"notAfter"`
	Subject   string   `json:"subject"`
}

func writeInspect(w io.Writer, info *inspectInfo) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "trust list (signature NOT checked: use \"passcheck trustlist verify\")\n")
	fmt.Fprintf(&b, "sequence   %d\nissued     %s\nexpires    %s\npublisher  %s\nsize       %d bytes\nsha256     %s\nsigners    %d\n\n",
		info.Sequence, info.IssuedAt, info.ExpiresAt, info.PublisherKID, info.Size, info.SHA256, len(info.Signers))
	fmt.Fprintf(&b, "%-2s  %-12s  %-8s  %-26s  %-10s  %-10s  %s\n", "CC", "KID", "KEY", "KINDS", "FROM", "UNTIL", "NAME")
	for _, s := range info.Signers {
		fmt.Fprintf(&b, "%-2s  %-12s  %-8s  %-26s  %-10s  %-10s  %s\n", s.Country, s.KID, s.Key, strings.Join(s.Kinds, ","),
			dateOnly(s.NotBefore), dateOnly(s.NotAfter), s.Subject)
	}
	w.Write(b.Bytes())
	writeInspectRevocations(w, info.Revocations)
	writeInspectRules(w, info.Rules)
}

func keyType(k crypto.PublicKey) string {
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	}
	return fmt.Sprintf("%T", k)
}

func kinds(u dcc.KeyUsage) []string {
	if u == 0 {
		return []string{"all"}
	}
	var out []string
	for _, k := range []dcc.Kind{dcc.KindVaccination, dcc.KindTest, dcc.KindRecovery} {
		if u.Allows(k) {
			out = append(out, string(k))
		}
	}
	return out
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func dateOnly(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	if s == "" {
		return "-"
	}
	return s
}
