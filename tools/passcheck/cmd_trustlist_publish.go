package main

import (
	"bytes"
	"context"
	"crypto"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
	"github.com/passcheck/passcheck/trustlist/publish/objstore"
)

func init() {
	register(&command{
		Name:      "trustlist publish",
		UsageLine: "trustlist publish --trust-key PUB.pem [--keep 3] [--pointer-max-age 60s] [--path-style] [--dry-run] DIR|FILE s3://BUCKET/PREFIX",
		Short:     "upload a built trust list to S3-compatible object storage",
		Long: `Publish uploads a trust list built before (DIR, a folder from "trustlist build",
or FILE, a bundle) to S3-compatible object storage, usually behind a CDN:

 1. the bundle, under its content hash, with Content-Type application/cose and
    Cache-Control "public, max-age=31536000, immutable"; it is read back and
    its SHA-256 checked;
 2. only then trustlist.json, with Cache-Control "public, max-age=60,
    must-revalidate, no-transform" (--pointer-max-age), and only if the
    pointer in the bucket is still the one read at the start;
 3. the list is read back through the endpoint and checked as a verifier
    does: pointer, size and hash, signature against --trust-key (a failure
    puts the previous pointer back);
 4. bundles that neither the new list nor the --keep most recent earlier ones
    reach are deleted.

A failure before step 3 leaves the previous pointer serving. A bundle whose
sequence is below the bucket's pointer is refused (a rollback). The host-rule
files of a folder (_headers, nginx) are not uploaded: each object carries its
headers. Publish checks the bucket's CORS rules and says what to set when the
verifier widget on other origins could not read the list.

The endpoint, region and credentials come from the standard AWS environment
and files: AWS_ENDPOINT_URL (a store other than Amazon S3), AWS_REGION
(default us-east-1), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
AWS_PROFILE with ~/.aws/config and ~/.aws/credentials. The bucket goes in the
path (--path-style) for an endpoint that is an IP address or localhost, or
when --path-style is given. --dry-run says what would be uploaded and
deleted, and changes nothing.

Example:

	AWS_ENDPOINT_URL=https://s3.example.net passcheck trustlist publish \
		--trust-key publisher.pub public/trust s3://trust-bucket/passcheck`,
		Run: runTrustlistPublish,
	})
	register(&command{
		Name:      "trustlist sync",
		UsageLine: "trustlist sync --config FILE",
		Short:     "build and publish the trust list from a config file (for cron or CI)",
		Long: `Sync runs sources, build and publish in one go, for a scheduled job: its
config file is JSON whose fields are named as the flags of "trustlist build"
("key", "out", "dsc", "gateway", "de-list", "de-key", "csca", "valid-for",
"sequence", "keep", "base-path", "timeout", "pointer-max-age", "path-style",
"dry-run"), plus "warn-before" (default 24h). "out" is a folder or
s3://BUCKET/PREFIX. Durations are strings such as "48h".

It reads the live list first. When a source is down or the publish fails, it
exits 1 with the reason, and says which list stays live and until when. It
warns when the live list expires within warn-before: past its expiry every
verifier shows amber ("cannot check") until a sync succeeds.

Example config (sync.json):

	{
	  "key": "/etc/passcheck/publisher.key",
	  "out": "s3://trust-bucket/passcheck",
	  "gateway": ["https://gateway.example/trustList"],
	  "csca": ["/etc/passcheck/cscas"],
	  "valid-for": "48h",
	  "keep": 3
	}

Example:

	passcheck trustlist sync --config /etc/passcheck/sync.json`,
		Run: runTrustlistSync,
	})
}

// publishConfig is what publishing takes besides the bundle.
type publishConfig struct {
	PointerMaxAge duration `json:"pointer-max-age"`
	PathStyle     bool     `json:"path-style"`
	DryRun        bool     `json:"dry-run"`
}

// buildConfig is the flags of "trustlist build", and the config file of
// "trustlist sync" (its JSON names are the flags').
type buildConfig struct {
	Key      string   `json:"key"`
	Out      string   `json:"out"`
	DSC      []string `json:"dsc"`
	Gateway  []string `json:"gateway"`
	DEList   []string `json:"de-list"`
	DEKey    string   `json:"de-key"`
	CSCA     []string `json:"csca"`
	ValidFor duration `json:"valid-for"`
	Sequence uint64   `json:"sequence"`
	Keep     int      `json:"keep"`
	BasePath string   `json:"base-path"`
	Timeout  duration `json:"timeout"`
	// Revocations are the revocation sources (cmd_revocation.go).
	Revocations         []string `json:"revocations"`
	RevocationsValidFor duration `json:"revocations-valid-for"`
	// Rules and ValueSets are the business-rule sources (rulesource.go):
	// "" for the EU baseline the binary ships, Rules "none" for none.
	Rules     string `json:"rules"`
	ValueSets string `json:"valuesets"`
	publishConfig
	WarnBefore duration `json:"warn-before"` // sync only
}

func defaultBuildConfig() buildConfig {
	return buildConfig{
		ValidFor:            duration(publish.DefaultValidFor),
		Keep:                3,
		BasePath:            "/",
		Timeout:             duration(publish.DefaultTimeout),
		RevocationsValidFor: duration(publish.DefaultValidFor),
		publishConfig:       publishConfig{PointerMaxAge: duration(publish.DefaultPointerMaxAge)},
		WarnBefore:          duration(24 * time.Hour),
	}
}

func addPublishFlags(fs *flag.FlagSet, c *publishConfig) {
	fs.Var(&c.PointerMaxAge, "pointer-max-age", "how long caches may keep trustlist.json")
	fs.BoolVar(&c.PathStyle, "path-style", false, "object storage: put the bucket in the URL path, not the host name")
	fs.BoolVar(&c.DryRun, "dry-run", false, "object storage: say what would be uploaded and deleted, change nothing")
}

func isObjectStore(out string) bool { return strings.HasPrefix(out, "s3://") }

// newPublisher makes the object-store publisher for out (s3://...), with
// the standard AWS configuration.
func newPublisher(ctx context.Context, e *env, out string, keys []crypto.PublicKey, keep int, c *publishConfig) (*objstore.Publisher, error) {
	loc, err := objstore.ParseLocation(out)
	if err != nil {
		return nil, err
	}
	client, err := objstore.NewClient(ctx, objstore.ClientOptions{PathStyle: c.PathStyle})
	if err != nil {
		return nil, err
	}
	return &objstore.Publisher{
		Client: client, Location: loc, TrustKeys: keys, Keep: keep, DryRun: c.DryRun, Log: e.stdout,
		TreeOptions: []publish.TreeOption{publish.PointerMaxAge(time.Duration(c.PointerMaxAge))},
	}, nil
}

// runBuild is "trustlist build" (and the build and publish of "trustlist
// sync") once its flags are read.
func runBuild(e *env, c *buildConfig) int {
	if len(c.DSC)+len(c.Gateway)+len(c.DEList) == 0 {
		errorf(e, "no source of signers")
		hintf(e, "give --dsc, --gateway or --de-list")
		return 2
	}
	if c.DEKey != "" && len(c.DEList) == 0 {
		errorf(e, "--de-key without --de-list")
		return 2
	}
	if c.DryRun && !isObjectStore(c.Out) {
		errorf(e, "--dry-run works with --out s3://BUCKET/PREFIX only")
		return 2
	}
	treeOpts := []publish.TreeOption{publish.BasePath(c.BasePath), publish.PointerMaxAge(time.Duration(c.PointerMaxAge))}
	if _, _, err := publish.PointerHeaders(treeOpts...); err != nil {
		errorf(e, "%v", err)
		return 2
	}
	keyPEM, err := os.ReadFile(c.Key)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	key, err := publish.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		errorf(e, "%s: %v", c.Key, err)
		hintf(e, `make a publisher key with "passcheck trustlist keygen"`)
		return 2
	}
	var dePub crypto.PublicKey
	if c.DEKey != "" {
		data, err := os.ReadFile(c.DEKey)
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		if dePub, err = publish.ParsePublicKeyPEM(data); err != nil {
			errorf(e, "%s: %v", c.DEKey, err)
			return 2
		}
	}
	ctx := context.Background()
	var pub *objstore.Publisher
	if isObjectStore(c.Out) {
		if pub, err = newPublisher(ctx, e, c.Out, []crypto.PublicKey{key.Public()}, c.Keep, &c.publishConfig); err != nil {
			errorf(e, "%v", err)
			return 2
		}
	}
	fetch := &publish.Fetcher{Timeout: time.Duration(c.Timeout)}
	var sources, cscas []publish.Source
	for _, p := range c.DSC {
		sources = append(sources, publish.Files(p))
	}
	for _, g := range c.Gateway {
		sources = append(sources, publish.Gateway(g, fetch))
	}
	for _, d := range c.DEList {
		sources = append(sources, publish.GermanList(d, dePub, fetch))
	}
	for _, p := range c.CSCA {
		cscas = append(cscas, publish.Files(p))
	}
	ruleSet, err := loadRuleSet(c.Rules, c.ValueSets)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	now := time.Now()
	seq := c.Sequence
	if seq == 0 {
		if pub != nil {
			seq, err = pub.NextSequence(ctx, now)
		} else {
			seq, err = publish.NextSequence(c.Out, now)
		}
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
	}
	bundle, report, err := publish.Build(ctx, publish.Options{
		Sources:  sources,
		CSCA:     cscas,
		Key:      key,
		Sequence: seq,
		ValidFor: time.Duration(c.ValidFor),
		Now:      now,
		Rules:    ruleSet,
	})
	if report != nil {
		report.WriteText(e.stdout)
	}
	if err != nil {
		errorf(e, "%v", err)
		return 1
	}
	kid, _ := trustlist.KeyID(key.Public())
	fmt.Fprintf(e.stdout, "signed with publisher key %s\n", hex.EncodeToString(kid))
	rev, err := buildRevocationsFor(ctx, e, c, key, seq, now, pub)
	if err != nil {
		errorf(e, "%v", err)
		return 1
	}
	treeOpts = append(treeOpts, publish.WithRevocations(rev))
	if pub != nil {
		pub.TreeOptions = append(pub.TreeOptions, publish.WithRevocations(rev))
		return publishToStore(ctx, e, pub, bundle)
	}
	if err := publish.WriteTree(c.Out, bundle, c.Keep, treeOpts...); err != nil {
		errorf(e, "%v", err)
		return 1
	}
	fmt.Fprintf(e.stdout, "wrote %s and %s\n", filepath.Join(c.Out, publish.BundleName(bundle)), filepath.Join(c.Out, publish.PointerName))
	return 0
}

// publishToStore publishes bundle with pub and reports; it checks the
// bucket's CORS rules first (a warning only).
func publishToStore(ctx context.Context, e *env, pub *objstore.Publisher, bundle []byte) int {
	checkCORS(ctx, e, pub)
	res, err := pub.Publish(ctx, bundle)
	if err != nil {
		errorf(e, "%v", err)
		if res != nil && res.Previous != nil {
			hintf(e, "%s still serves sequence %d, which expires %s", pub.Location, res.Previous.Sequence, res.Previous.ExpiresAt)
		}
		return 1
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stdout, "warning: %s\n", w)
	}
	verb := "published"
	if res.DryRun {
		verb = "dry run, nothing changed: would publish"
	}
	fmt.Fprintf(e.stdout, "%s %s%s: sequence %d, expires %s (%d uploaded, %d already there, %d deleted)\n",
		verb, pub.Location, publish.PointerName, res.Pointer.Sequence, res.Pointer.ExpiresAt,
		len(res.Uploaded), len(res.Present), len(res.Deleted))
	return 0
}

// checkCORS warns when the bucket's CORS rules keep the widget on other
// origins from reading the list.
func checkCORS(ctx context.Context, e *env, pub *objstore.Publisher) {
	ok, err := pub.CheckCORS(ctx)
	switch {
	case err != nil:
		fmt.Fprintf(e.stderr, "passcheck: warning: could not read the CORS rules of bucket %s: %v\n", pub.Location.Bucket, err)
	case !ok:
		fmt.Fprintf(e.stderr, "passcheck: warning: bucket %s lets no other origin GET its objects: the verifier widget on other sites cannot read the list\n", pub.Location.Bucket)
		hintf(e, "aws s3api put-bucket-cors --bucket %s --cors-configuration '%s'", pub.Location.Bucket, objstore.CORSRules)
		hintf(e, "or have the CDN in front add Access-Control-Allow-Origin: * (docs/trustlist.md)")
	}
}

func runTrustlistPublish(e *env, args []string) int {
	fs := newFlagSet(e, commands["trustlist publish"])
	var keyFiles stringList
	fs.Var(&keyFiles, "trust-key", "the publisher's public key `PEM` that verifiers pin (repeatable)")
	keep := fs.Int("keep", 3, "earlier lists to keep reachable")
	var c publishConfig
	c.PointerMaxAge = duration(publish.DefaultPointerMaxAge)
	addPublishFlags(fs, &c)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(keyFiles) == 0 || fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	src, out := fs.Arg(0), fs.Arg(1)
	if !isObjectStore(out) {
		errorf(e, "%s is not an s3://BUCKET/PREFIX location", out)
		hintf(e, `a folder is published with "passcheck trustlist build --out DIR"`)
		return 2
	}
	var pemData []byte
	for _, f := range keyFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		pemData = append(append(pemData, b...), '\n')
	}
	keys, err := trustlist.ParsePublicKeysPEM(pemData)
	if err != nil {
		errorf(e, "--trust-key: %v", err)
		return 2
	}
	bundle, _, err := readBundle(src)
	if err != nil {
		errorf(e, "%s", describeError(err))
		return 2
	}
	if _, _, err := publish.PointerHeaders(publish.PointerMaxAge(time.Duration(c.PointerMaxAge))); err != nil {
		errorf(e, "%v", err)
		return 2
	}
	ctx := context.Background()
	pub, err := newPublisher(ctx, e, out, keys, *keep, &c)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	if rev, err := folderRevocations(src); err != nil {
		errorf(e, "%v", err)
		return 2
	} else if rev != nil {
		pub.TreeOptions = append(pub.TreeOptions, publish.WithRevocations(rev))
	}
	return publishToStore(ctx, e, pub, bundle)
}

// maxConfigSize caps a sync config file.
const maxConfigSize = 1 << 20

// readSyncConfig reads a sync config file: JSON, no unknown field, the
// build flags' defaults where a field is absent.
func readSyncConfig(path string) (*buildConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%s: %d bytes, more than %d", path, len(data), maxConfigSize)
	}
	c := defaultBuildConfig()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: data after the JSON object", path)
	}
	if c.Key == "" || c.Out == "" {
		return nil, fmt.Errorf(`%s: "key" and "out" are required`, path)
	}
	// Relative paths are relative to the config file.
	base := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
			return p
		}
		return filepath.Join(base, p)
	}
	c.Key, c.DEKey, c.Out = rel(c.Key), rel(c.DEKey), rel(c.Out)
	for _, l := range [][]string{c.DSC, c.Gateway, c.DEList, c.CSCA} {
		for i := range l {
			l[i] = rel(l[i])
		}
	}
	return &c, nil
}

func runTrustlistSync(e *env, args []string) int {
	fs := newFlagSet(e, commands["trustlist sync"])
	configPath := fs.String("config", "", "the sync config `FILE` (JSON, fields named as the build flags)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *configPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	c, err := readSyncConfig(*configPath)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	live, err := livePointer(e, c)
	if err != nil {
		errorf(e, "reading the live list at %s: %v", c.Out, err)
		return 1
	}
	code := runBuild(e, c)
	if code == 0 {
		return 0
	}
	if live == nil {
		errorf(e, "sync failed; %s has no live list yet", c.Out)
		return code
	}
	errorf(e, "sync failed; the live list stays: sequence %d, expires %s", live.Sequence, live.ExpiresAt)
	if exp, err := time.Parse(time.RFC3339, live.ExpiresAt); err == nil {
		left := time.Until(exp)
		switch {
		case left <= 0:
			fmt.Fprintf(e.stderr, "passcheck: warning: the live list expired %s ago: every verifier shows amber (cannot check) until a sync succeeds\n", (-left).Round(time.Minute))
		case left <= time.Duration(c.WarnBefore):
			fmt.Fprintf(e.stderr, "passcheck: warning: the live list expires in %s: verifiers turn amber (cannot check) then unless a sync succeeds\n", left.Round(time.Minute))
		}
	}
	return code
}

// livePointer reads the pointer that c.Out serves now (nil when none).
func livePointer(e *env, c *buildConfig) (*publish.Pointer, error) {
	if !isObjectStore(c.Out) {
		p, err := publish.ReadPointer(c.Out)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return p, err
	}
	ctx := context.Background()
	pub, err := newPublisher(ctx, e, c.Out, nil, c.Keep, &c.publishConfig)
	if err != nil {
		return nil, err
	}
	return pub.Live(ctx)
}
