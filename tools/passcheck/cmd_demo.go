package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"html/template"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/site"
	"github.com/passcheck/passcheck/trustlist/publish"
)

func init() {
	register(&command{
		Name:      "demo",
		UsageLine: "demo [--addr :8080] [--dir DIR]",
		Short:     "build and serve the scanner with demo keys, passes and trust list",
		Long: `
Demo makes everything the scanner needs to be tried at once, and serves it:
a demo publisher key, a demo country signing CA and document signers, a
signed trust list, and passes — valid vaccination, test and recovery;
expired; tampered; signed by an unknown signer; signed by a signer whose key
usage does not allow the kind. It builds the site pinned to the demo
publisher key and serves it with a demo page (demo.html) that shows each
pass as a QR code (to scan from another screen) and as a link that opens it
in the scanner. "make run" runs it.

The material is made anew each run and lives in a temporary folder, removed
on exit, unless --dir is given. Nothing here is for production: the keys are
throwaway and the passes are made up.

Example:

	passcheck demo --addr localhost:8080
`,
		Run: runDemo,
	})
}

func runDemo(e *env, args []string) int {
	c := commands["demo"]
	flags := newFlagSet(e, c)
	addr := flags.String("addr", ":8080", "the address to listen on")
	dir := flags.String("dir", "", "the folder to build into (default: a temporary folder)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		errorf(e, "demo takes no arguments, got %q", flags.Args())
		return 2
	}
	// Listen first, so that a busy port fails before a minute of building.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		errorf(e, "%v", err)
		hintf(e, "choose another address with --addr, e.g. --addr localhost:8081, or run: go run ./tools/passcheck demo --addr localhost:8081")
		return 2
	}
	defer ln.Close()
	out := *dir
	if out == "" {
		tmp, err := os.MkdirTemp("", "passcheck-demo-")
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		defer os.RemoveAll(tmp)
		out = tmp
	}
	fmt.Fprintf(e.stderr, "passcheck demo: making keys, passes and a trust list; building the site (the first build of the WebAssembly module takes a minute)…\n")
	start := time.Now()
	d, err := makeDemo(time.Now(), 7*24*time.Hour)
	if err != nil {
		errorf(e, "demo: %v", err)
		return 2
	}
	if _, err := d.writeSite(out, site.Options{Version: Version}); err != nil {
		errorf(e, "demo: %v", err)
		return 2
	}
	base := listenURL(ln.Addr())
	fmt.Fprintf(e.stderr, "passcheck demo: built in %s into %s\n", time.Since(start).Round(100*time.Millisecond), out)
	fmt.Fprintf(e.stdout, "\npasscheck demo is running (Ctrl-C stops it):\n\n  demo passes  %sdemo.html\n  scanner      %s\n  kiosk        %s?kiosk=5\n  single file  %s%s (download, open from disk)\n  widget       %sembed.html\n\n", base, base, base, base, demoSingleFile, base)
	fmt.Fprintf(e.stdout, "The camera works on localhost; from a phone on your network, use the upload or paste\ninstead, or serve over https. Publisher key (pinned in the page): %s\n", filepath.Join(out, "demo", "publisher.pem"))
	h, err := site.Handler(out)
	if err != nil {
		errorf(e, "demo: %v", err)
		return 2
	}
	return serveUntilSignal(e, ln, h)
}

// demoPass is one pass of the demo, with the verdict the scanner must give.
type demoPass struct {
	Name   string   // file stem, e.g. "valid-vaccination"
	Title  string   // shown on the demo page
	Note   string   // what it shows
	Expect string   // the page's verdict: "valid", "invalid" or "unknown"
	Codes  []string // the error codes of the Result, in any order
	Text   string   // the QR text, HC1:…

	opts payloadOptions // how the payload differs from the sample's
}

// demo is the demo material: keys, passes and a signed trust list.
type demo struct {
	Now          time.Time
	PublisherKey *ecdsa.PrivateKey
	PublisherPEM []byte
	Bundle       []byte
	Revocations  *publish.Revocations // the signed revocation index and its parts, beside Bundle
	Passes       []demoPass
	signers      []*issuer.DSC // in the trust list
}

// makeDemo makes the demo material at now, with a trust list valid for
// validFor from listIssued (now, unless the caller rebuilds it).
func makeDemo(now time.Time, validFor time.Duration) (*demo, error) {
	now = now.UTC().Truncate(time.Second)
	pub, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(&pub.PublicKey)
	if err != nil {
		return nil, err
	}
	d := &demo{Now: now, PublisherKey: pub, PublisherPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})}

	day := 24 * time.Hour
	ca, err := issuer.NewCSCA("AT", issuer.EC, now.Add(-3*365*day), now.Add(10*365*day))
	if err != nil {
		return nil, err
	}
	dsc := func(name string, u dcc.KeyUsage) (*issuer.DSC, error) {
		return ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, Usage: u, NotBefore: now.Add(-2 * 365 * day), NotAfter: now.Add(2 * 365 * day), Name: name})
	}
	all, err := dsc("passcheck demo DSC", 0)
	if err != nil {
		return nil, err
	}
	testOnly, err := dsc("passcheck demo DSC (tests only)", dcc.UsageTest)
	if err != nil {
		return nil, err
	}
	// A signer from another authority that the trust list does not carry.
	rogueCA, err := issuer.NewCSCA("AT", issuer.EC, now.Add(-3*365*day), now.Add(10*365*day))
	if err != nil {
		return nil, err
	}
	unknown, err := rogueCA.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: now.Add(-365 * day), NotAfter: now.Add(365 * day), Name: "passcheck demo DSC (not in the list)"})
	if err != nil {
		return nil, err
	}
	d.signers = []*issuer.DSC{all, testOnly}

	recent := issuer.PassOptions{IssuedAt: now.Add(-day), ExpiresAt: now.Add(365 * day)}
	specs := []struct {
		pass   demoPass
		dsc    *issuer.DSC
		kind   dcc.Kind
		opt    issuer.PassOptions
		revoke revocation.HashType // 0: not revoked
	}{
		{demoPass{Name: "valid-vaccination", Title: "Valid vaccination", Note: "Dose 2 of 2, signed by a signer in the trust list.", Expect: "valid"}, all, dcc.KindVaccination, recent, 0},
		{demoPass{Name: "valid-test", Title: "Valid test", Note: "A PCR test, not detected.", Expect: "valid"}, all, dcc.KindTest, recent, 0},
		{demoPass{Name: "valid-recovery", Title: "Valid recovery", Note: "Recovered, within the validity dates.", Expect: "valid"}, all, dcc.KindRecovery, recent, 0},
		{demoPass{Name: "expired", Title: "Expired", Note: "A genuine pass past its expiry.", Expect: "invalid", Codes: []string{string(dcc.CertExpired)}}, all, dcc.KindVaccination,
			issuer.PassOptions{IssuedAt: now.Add(-400 * day), ExpiresAt: now.Add(-35 * day)}, 0},
		{demoPass{Name: "tampered", Title: "Tampered", Note: "The signature does not match the content.", Expect: "invalid", Codes: []string{string(dcc.SignatureInvalid)}}, all, dcc.KindVaccination,
			issuer.PassOptions{IssuedAt: recent.IssuedAt, ExpiresAt: recent.ExpiresAt, CorruptSignature: true}, 0},
		{demoPass{Name: "unknown-signer", Title: "Unknown signer", Note: "Signed by a key that is not in the trust list: cannot be checked.", Expect: "unknown", Codes: []string{string(dcc.KIDUnknown)}}, unknown, dcc.KindVaccination, recent, 0},
		{demoPass{Name: "stale-test", Title: "Test too old", Note: "A genuine PCR test sampled 80 hours ago: the EU rules accept one for 72 hours.", Expect: "invalid", Codes: []string{string(dcc.RuleFailed)}, opts: payloadOptions{sampledAt: now.Add(-80 * time.Hour).Format(time.RFC3339)}}, all, dcc.KindTest, recent, 0},
		{demoPass{Name: "incomplete-vaccination", Title: "Incomplete vaccination", Note: "A genuine pass for dose 1 of 2: the EU rules want a complete series.", Expect: "invalid", Codes: []string{string(dcc.RuleFailed)}, opts: payloadOptions{dose: "1/2"}}, all, dcc.KindVaccination, recent, 0},
		{demoPass{Name: "wrong-key-usage", Title: "Wrong key usage", Note: "A vaccination signed by a signer allowed to sign tests only.", Expect: "invalid", Codes: []string{string(dcc.KeyUsageMismatch)}}, testOnly, dcc.KindVaccination, recent, 0},
		{demoPass{Name: "revoked-uci", Title: "Revoked (by UCI)", Note: "Genuine, but its issuer revoked it: its certificate identifier is in the revocation list.", Expect: "invalid", Codes: []string{string(dcc.CertRevoked)}}, all, dcc.KindVaccination, recent, revocation.UCI},
		{demoPass{Name: "revoked-countrycodeuci", Title: "Revoked (by country and UCI)", Note: "Genuine, but its issuer revoked it: its country code and certificate identifier are in the revocation list.", Expect: "invalid", Codes: []string{string(dcc.CertRevoked)}}, all, dcc.KindVaccination, recent, revocation.CountryCodeUCI},
		{demoPass{Name: "revoked-signature", Title: "Revoked (by signature)", Note: "Genuine, but its issuer revoked it: its signature is in the revocation list.", Expect: "invalid", Codes: []string{string(dcc.CertRevoked)}}, all, dcc.KindVaccination, recent, revocation.Signature},
	}
	var revoked []revocation.Entry
	for _, s := range specs {
		o := s.opt
		o.Kind = s.kind
		payload, err := s.pass.opts.payload(s.kind, now)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.pass.Name, err)
		}
		o.Payload = payload
		if s.revoke != 0 {
			// A certificate identifier of its own: the sample's is shared
			// by the other demo passes, which must stay valid.
			payload["v"].([]any)[0].(map[string]any)["ci"] = "URN:UVCI:01:AT:PASSCHECKDEMO" + strings.ToUpper(strings.ReplaceAll(s.pass.Name, "-", "")) + "#R"
		}
		text, err := s.dsc.Issue(o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.pass.Name, err)
		}
		if s.revoke != 0 {
			e, err := demoRevocation(text, s.revoke)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.pass.Name, err)
			}
			revoked = append(revoked, e)
		}
		p := s.pass
		p.Text = text
		d.Passes = append(d.Passes, p)
	}
	if d.Bundle, err = d.trustList(now, validFor); err != nil {
		return nil, err
	}
	if d.Revocations, _, err = publish.BuildRevocations(publish.RevocationOptions{Entries: revoked, Key: d.PublisherKey, Now: now}); err != nil {
		return nil, err
	}
	return d, nil
}

// demoRevocation is the revocation entry of pass text by its hash of type
// t, under the pass's kid.
func demoRevocation(text string, t revocation.HashType) (revocation.Entry, error) {
	p, err := dcc.Decode(text)
	if err != nil {
		return revocation.Entry{}, err
	}
	for _, h := range revocation.PassHashes(p) {
		if h.Type == t {
			return revocation.Entry{KID: p.KID, Type: t, Sum: h.Sum}, nil
		}
	}
	return revocation.Entry{}, fmt.Errorf("the pass has no %s hash", t)
}

// writeTree publishes bundle into dir beside the demo's revocation data.
func (d *demo) writeTree(dir string, bundle []byte) error {
	return publish.WriteTree(dir, bundle, 1, publish.WithRevocations(d.Revocations))
}

// certSource is a trust-list source over certificates in memory.
type certSource []*issuer.DSC

func (s certSource) Load(context.Context) (*publish.Batch, error) {
	b := &publish.Batch{}
	for i, d := range s {
		b.Candidates = append(b.Candidates, publish.Candidate{Cert: d.Cert, KID: d.KID, Country: d.Country, Origin: fmt.Sprintf("demo signer %d", i+1)})
	}
	return b, nil
}

func (s certSource) String() string { return "demo signers" }

// trustList signs a trust list of the demo's signers, issued at issued.
func (d *demo) trustList(issued time.Time, validFor time.Duration) ([]byte, error) {
	rs, err := demoRuleSet()
	if err != nil {
		return nil, err
	}
	bundle, _, err := publish.Build(context.Background(), publish.Options{
		Rules:    rs,
		Sources:  []publish.Source{certSource(d.signers)},
		Key:      d.PublisherKey,
		ValidFor: validFor,
		Now:      issued,
		Sequence: uint64(issued.Unix()),
	})
	return bundle, err
}

// writeSite publishes the trust list into dir, builds the site pinned to
// the demo publisher key into it, and writes the demo page.
func (d *demo) writeSite(dir string, o site.Options) (*site.Manifest, error) {
	if err := d.writeTree(dir, d.Bundle); err != nil {
		return nil, err
	}
	o.Out = dir
	o.TrustKeysPEM = [][]byte{d.PublisherPEM}
	m, err := site.Build(o)
	if err != nil {
		return nil, err
	}
	// The single-file page, carrying the demo list, for download (passcheck
	// serve sends files under download/ as attachments).
	_, err = site.BuildSingleFile(site.SingleFileOptions{
		Dir: o.Dir, Out: filepath.Join(dir, filepath.FromSlash(demoSingleFile)), TrustKeysPEM: o.TrustKeysPEM,
		Bundle: d.Bundle, Version: o.Version, WasmFile: filepath.Join(dir, filepath.FromSlash(m.Assets["passcheck.wasm"])),
		RevocationIndex: d.Revocations.Index, RevocationParts: d.Revocations.Parts,
	})
	if err != nil {
		return nil, err
	}
	return m, d.writePage(dir)
}

// demoSingleFile is where the demo puts the single-file page.
const demoSingleFile = site.DownloadDir + "/kiosk.html"

// writePage writes demo.html, demo.css and demo/<name>.png and .txt.
func (d *demo) writePage(dir string) error {
	sub := filepath.Join(dir, "demo")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return err
	}
	type item struct {
		demoPass
		PNG, TXT, Link, Verdict string
	}
	var items []item
	verdicts := map[string]string{"valid": "Valid", "invalid": "Not valid", "unknown": "Cannot check"}
	for _, p := range d.Passes {
		png, err := issuer.QRPNG(p.Text, 4)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		if err := os.WriteFile(filepath.Join(sub, p.Name+".png"), png, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, p.Name+".txt"), []byte(p.Text+"\n"), 0o644); err != nil {
			return err
		}
		items = append(items, item{demoPass: p, PNG: "demo/" + p.Name + ".png", TXT: "demo/" + p.Name + ".txt",
			Link: "./#hc1=" + url.PathEscape(p.Text), Verdict: verdicts[p.Expect]})
	}
	if err := os.WriteFile(filepath.Join(sub, "publisher.pem"), d.PublisherPEM, 0o644); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := demoPage.Execute(&buf, map[string]any{"Passes": items, "Now": d.Now.Format(time.RFC1123)}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "demo.html"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "demo.css"), []byte(demoCSS), 0o644)
}

var demoPage = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>passcheck demo passes</title>
<link rel="stylesheet" href="demo.css">
</head>
<body>
<header>
<h1>passcheck demo passes</h1>
<p>Made {{.Now}} with throwaway demo keys. Scan a code with the <a href="./">scanner</a> on another device,
or open one directly: the link hands the pass to the scanner in the address's fragment, which never reaches the server.</p>
<nav aria-label="Other ways to run the verifier"><ul>
<li><a href="./?kiosk=5">Kiosk mode</a>: continuous scanning, each verdict held 5 seconds then cleared, a counter and a large clock; a USB or Bluetooth barcode scanner can type a pass in at any time.</li>
<li><a href="download/kiosk.html" download>Single-file page</a> (download): one HTML file with the verifier and the demo trust list inside; open it from disk, it needs no server and no network.</li>
<li><a href="embed.html">Widget example</a>: two <code>&lt;passcheck-verifier&gt;</code> elements on a page, and the events the page gets.</li>
</ul></nav>
</header>
<main>
{{range .Passes}}<article class="pass" id="{{.Name}}" data-expect="{{.Expect}}">
<h2>{{.Title}}</h2>
<p class="expect expect-{{.Expect}}">Expected: {{.Verdict}}{{range .Codes}} <code>{{.}}</code>{{end}}</p>
<p>{{.Note}}</p>
<a class="qr" href="{{.Link}}"><img src="{{.PNG}}" alt="QR code: {{.Title}}" width="300" height="300"></a>
<p><a href="{{.Link}}">Open in the scanner</a> · <a href="{{.TXT}}">text</a> · <a href="{{.PNG}}" download>PNG</a></p>
</article>
{{end}}</main>
</body>
</html>
`))

const demoCSS = `body { margin: 0; font: 1rem/1.45 system-ui, sans-serif; color: #1b1b1f; background: #f4f6f9; }
header { background: #12355b; color: #fff; padding: 1rem; }
header a { color: #fff; }
header nav ul { margin: 0.5rem 0 0; padding-left: 1.25rem; }
h1 { margin: 0 0 0.5rem; font-size: 1.5rem; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); gap: 1rem; padding: 1rem; }
.pass { background: #fff; border-radius: 0.6rem; padding: 1rem; border: 1px solid #c9ced6; }
.pass h2 { margin: 0 0 0.25rem; font-size: 1.2rem; }
.qr img { width: 100%; max-width: 300px; height: auto; image-rendering: pixelated; display: block; }
.expect { font-weight: 600; }
.expect-valid { color: #0a6b2d; }
.expect-invalid { color: #b3261e; }
.expect-unknown { color: #6b4a00; }
code { font-size: 0.85rem; }
`
