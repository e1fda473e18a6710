package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/site"
)

func init() {
	register(&command{
		Name:      "site build",
		UsageLine: "site build [--trustlist-url URL] [--trust-key PUB.pem]... [--kiosk [--kiosk-hold 5s]] [--rules-country CC|none] [--out DIR] [--src DIR]\n       site build --single-file --trustlist DIR|BUNDLE --trust-key PUB.pem... [--kiosk] --out FILE.html",
		Short:     "build the scanner site into a folder any static host serves",
		Long: `
Site build bundles the scanner page, which this program carries (no source
tree needed): the page, its scripts and styles (minified, with
content-hashed names), the WebAssembly verifier (compiled offline with the
go command on PATH, from the Go sources this program carries), Go's
wasm_exec.js, the service worker, the manifest and the icons, the string
tables of every language and the display names of the EU value sets. The publisher keys given
with --trust-key are pinned into the build: the page trusts only trust lists
signed by one of them. Files are also written pre-compressed (.br, .gz) for
hosts that serve them, as "passcheck serve" does. The build also writes the
<passcheck-verifier> widget (widget/passcheck-verifier.js and its .d.ts),
an example page embed.html, and the pinned keys as trust-keys.pem.

The trust list itself is not part of the build: publish it with "passcheck
trustlist build --out DIR" into the same folder (the default --trustlist-url
is trustlist.json beside the page) or anywhere else (give its URL; the page's
Content-Security-Policy then allows that origin).

Flags:
  --out DIR            the output folder (default dist); files of an earlier
                       site build there are replaced, other files are kept
  --trustlist-url URL  the trust list's pointer, relative to the page or
                       absolute (default trustlist.json)
  --trust-key PUB.pem  a publisher public key (PEM); repeat for key rotation
  --src DIR            build from this passcheck source tree (default: the
                       sources this program carries)
  --kiosk              start the page as a kiosk: continuous scanning, each
                       verdict held then cleared, counter, clock, wake lock
                       (?kiosk=0 turns it off; without it, ?kiosk turns it on)
  --kiosk-hold D       how long a kiosk holds a verdict (default 5s, 1s–5m)
  --rules-country CC   the default rule country of the pages: EU (the EU
                       baseline, the default), a country code, CC/REGION, or
                       none (technical check only); the operator's setting on
                       the page and ?rules=CC override it (docs/rules.md)
  --single-file        write one HTML file (--out FILE.html) that carries the
                       module, the page and the trust list given with
                       --trustlist, and works from file:// with no server
                       and no network; newer lists are dropped onto it
  --trustlist PATH     with --single-file: the trust list to carry, a folder
                       with trustlist.json or a bundle file
  --wasm FILE          use this module (e.g. dist/passcheck.wasm from make
                       wasm) instead of building one

Example:

	passcheck trustlist keygen --key publisher.key --pub publisher.pem
	passcheck site build --trust-key publisher.pem --out dist
	passcheck trustlist build --key publisher.key --dsc certs/ --out dist
	passcheck serve --dir dist

	passcheck site build --single-file --kiosk --trust-key publisher.pem --trustlist dist --out kiosk.html

Kiosk set-up, the single-file workflow and the widget: docs/kiosk.md.
`,
		Run: runSiteBuild,
	})
}

func runSiteBuild(e *env, args []string) int {
	c := commands["site build"]
	flags := newFlagSet(e, c)
	var keys stringList
	out := flags.String("out", "dist", "output folder")
	tl := flags.String("trustlist-url", site.DefaultTrustListURL, "URL of the trust list's pointer")
	src := flags.String("src", "", "the passcheck source tree")
	flags.Var(&keys, "trust-key", "publisher public key PEM (repeatable)")
	kiosk := flags.Bool("kiosk", false, "start the page as a kiosk")
	hold := durationFlag(flags, "kiosk-hold", 0, "how long a kiosk holds a verdict (default 5s)")
	single := flags.Bool("single-file", false, "write one HTML file that works from file://")
	bundlePath := flags.String("trustlist", "", "with --single-file: the trust list to carry (folder or bundle)")
	wasmFile := flags.String("wasm", "", "a module built already (make wasm) instead of building one")
	rulesCountry := flags.String("rules-country", "", "the pages' default rule `COUNTRY` (or CC/REGION, or none); default the EU baseline")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *hold != 0 && (*hold < time.Second || *hold > 5*time.Minute) {
		errorf(e, "--kiosk-hold %v: give 1s to 5m", *hold)
		return 2
	}
	if flags.NArg() > 0 {
		errorf(e, "site build takes no arguments, got %q", flags.Args())
		return 2
	}
	if len(keys) == 0 {
		errorf(e, "no --trust-key: the page would trust no trust list")
		hintf(e, "make a publisher key with: passcheck trustlist keygen --key publisher.key --pub publisher.pem")
		return 2
	}
	if _, ok := (rules.Choice{Country: strings.SplitN(*rulesCountry, "/", 2)[0]}).Normalize(); *rulesCountry != "" && !ok {
		errorf(e, "--rules-country %q: give EU, none, a two-letter country code, or CC/REGION", *rulesCountry)
		return 2
	}
	opts := site.Options{Out: *out, TrustListURL: *tl, Dir: *src, Kiosk: *kiosk, KioskHold: *hold, WasmFile: *wasmFile, Version: Version, RulesCountry: *rulesCountry}
	for _, k := range keys {
		data, err := os.ReadFile(k)
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		opts.TrustKeysPEM = append(opts.TrustKeysPEM, data)
	}
	if *single {
		return runSingleFileBuild(e, opts, *bundlePath)
	}
	if *bundlePath != "" {
		errorf(e, "--trustlist is for --single-file; a site build fetches the list from --trustlist-url")
		return 2
	}
	m, err := site.Build(opts)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	fmt.Fprintf(e.stdout, "site: wrote %d files to %s (page %s, module %s: %s, %s brotli)\n",
		len(m.Files), *out, m.Assets["index.html"], m.Assets["passcheck.wasm"],
		byteSize(m.Sizes[m.Assets["passcheck.wasm"]]), byteSize(m.Sizes[m.Assets["passcheck.wasm"]+".br"]))
	return 0
}

// runSingleFileBuild is "site build --single-file": the page, the module and
// the trust list at bundlePath in one HTML file.
func runSingleFileBuild(e *env, o site.Options, bundlePath string) int {
	if bundlePath == "" {
		errorf(e, "--single-file needs --trustlist: the trust list the file carries (a folder with trustlist.json, or a bundle)")
		hintf(e, "publish one with: passcheck trustlist build --key publisher.key --dsc certs/ --out trust")
		return 2
	}
	if o.Out == "dist" || !strings.HasSuffix(strings.ToLower(o.Out), ".html") {
		errorf(e, "--single-file writes one file: give --out NAME.html (got %q)", o.Out)
		return 2
	}
	bundle, ptr, err := readBundle(bundlePath)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	rev, err := treeRevocations(bundlePath, ptr)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	var index []byte
	var parts [][]byte
	if rev != nil {
		index, parts = rev.Index, rev.Parts
	} else {
		fmt.Fprintf(e.stderr, "passcheck: warning: %s carries no revocation index: the page will say \"cannot check\" (REVOCATION_STALE) for every pass\n", bundlePath)
	}
	info, err := site.BuildSingleFile(site.SingleFileOptions{
		Dir: o.Dir, Out: o.Out, TrustKeysPEM: o.TrustKeysPEM, Bundle: bundle, Version: o.Version,
		Kiosk: o.Kiosk, KioskHold: o.KioskHold, WasmFile: o.WasmFile, RulesCountry: o.RulesCountry,
		RevocationIndex: index, RevocationParts: parts,
	})
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	fmt.Fprintf(e.stdout, "site: wrote %s (%s: module %s, %s gzip; trust list #%d, expires %s)\n",
		o.Out, byteSize(info.Size), byteSize(info.WasmSize), byteSize(info.WasmGzipSize),
		info.TrustSequence, info.TrustExpires.UTC().Format(time.RFC3339))
	if info.Expired {
		fmt.Fprintf(e.stderr, "passcheck: warning: that trust list has expired: the page will say \"cannot check\" until a newer bundle is dropped onto it\n")
	}
	return 0
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
