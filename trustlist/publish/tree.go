package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/passcheck/passcheck/trustlist"
)

// Names in a trust-list folder.
const (
	PointerName = "trustlist.json"       // the pointer to the current bundle
	HeadersName = "_headers"             // Netlify and Cloudflare Pages header rules
	NginxName   = "trustlist.nginx.conf" // the same rules for nginx, to include
	tmpPrefix   = ".trustlist-tmp-"      // files being written
	bundleGlob  = "trustlist-*.cose"     // bundles, named by content
)

// bundleRE matches a bundle's file name: trustlist-<SHA-256 hex>.cose.
var bundleRE = regexp.MustCompile(`^trustlist-[0-9a-f]{64}\.cose$`)

// Pointer is the content of trustlist.json: what a client fetches first, with
// a short cache lifetime, to find the current bundle.
type Pointer struct {
	Sequence  uint64 `json:"sequence"`
	Bundle    string `json:"bundle"` // the bundle's path relative to the folder
	SHA256    string `json:"sha256"` // hex SHA-256 of the bundle
	Size      int    `json:"size"`   // bundle bytes
	IssuedAt  string `json:"issuedAt"`
	ExpiresAt string `json:"expiresAt"`
}

// BundleName returns the content-addressed file name of a bundle.
func BundleName(bundle []byte) string {
	sum := sha256.Sum256(bundle)
	return "trustlist-" + hex.EncodeToString(sum[:]) + ".cose"
}

// ReadPointer reads dir's trustlist.json. The error wraps fs.ErrNotExist when
// there is none.
func ReadPointer(dir string) (*Pointer, error) {
	data, err := os.ReadFile(filepath.Join(dir, PointerName))
	if err != nil {
		return nil, err
	}
	var p Pointer
	if err := strictJSON(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, PointerName), err)
	}
	if !bundleRE.MatchString(p.Bundle) {
		return nil, fmt.Errorf("%s: bundle %q is not a trustlist-<sha256>.cose name", filepath.Join(dir, PointerName), p.Bundle)
	}
	return &p, nil
}

// NextSequence returns the sequence for the next list published in dir: the
// current pointer's plus one, or now as Unix seconds when dir has no pointer
// yet (so that a publisher who loses the folder still goes up).
func NextSequence(dir string, now time.Time) (uint64, error) {
	p, err := ReadPointer(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return uint64(max(now.Unix(), 1)), nil
	}
	if err != nil {
		return 0, err
	}
	return p.Sequence + 1, nil
}

// TreeOption adjusts [WriteTree].
type TreeOption func(*treeConfig)

type treeConfig struct{ base string }

// BasePath sets the URL path at which the folder is served, for the header
// rules (default "/"): "/trust/" when the folder is published as
// https://example.org/trust/.
func BasePath(p string) TreeOption { return func(c *treeConfig) { c.base = p } }

var basePathRE = regexp.MustCompile(`^/([A-Za-z0-9._~-]+/)*$`)

// WriteTree publishes bundle into dir, a folder that any static host serves
// as it is:
//
//	dir/trustlist-<sha256>.cose   the bundle, immutable, named by its content
//	dir/trustlist.json            the pointer (see [Pointer])
//	dir/_headers                  Cache-Control and Content-Type rules (Netlify, Cloudflare Pages)
//	dir/trustlist.nginx.conf      the same rules for nginx
//
// Each file is written to a temporary name and renamed, the bundle first and
// the pointer last, so that a host never serves a pointer to a missing or
// partial bundle. The keep most recent earlier bundles stay, for clients that
// read the previous pointer just before the switch; older ones are removed.
// WriteTree refuses a bundle whose sequence is below the published one, or
// equal to it with other content.
func WriteTree(dir string, bundle []byte, keep int, opts ...TreeOption) error {
	cfg := treeConfig{base: "/"}
	for _, o := range opts {
		o(&cfg)
	}
	if !basePathRE.MatchString(cfg.base) {
		return fmt.Errorf("build: base path %q must start and end with / and hold only letters, digits and ._~-", cfg.base)
	}
	l, err := trustlist.ParseUnverified(bundle)
	if err != nil {
		return fmt.Errorf("build: not a bundle: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	removeTemps(dir)
	name := BundleName(bundle)
	sum := sha256.Sum256(bundle)
	ptr := Pointer{
		Sequence:  l.Sequence,
		Bundle:    name,
		SHA256:    hex.EncodeToString(sum[:]),
		Size:      len(bundle),
		IssuedAt:  l.IssuedAt.Format(time.RFC3339),
		ExpiresAt: l.ExpiresAt.Format(time.RFC3339),
	}
	prev, err := ReadPointer(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case prev.Sequence > ptr.Sequence:
		return fmt.Errorf("build: %s already publishes sequence %d; this bundle has %d (a rollback)", dir, prev.Sequence, ptr.Sequence)
	case prev.Sequence == ptr.Sequence && prev.SHA256 != ptr.SHA256:
		return fmt.Errorf("build: %s already publishes sequence %d with other content; build with a higher sequence", dir, ptr.Sequence)
	}

	if err := writeAtomic(dir, name, bundle); err != nil {
		return err
	}
	if err := writeAtomic(dir, HeadersName, []byte(Headers(cfg.base))); err != nil {
		return err
	}
	if err := writeAtomic(dir, NginxName, []byte(NginxSnippet(cfg.base))); err != nil {
		return err
	}
	pj, err := json.MarshalIndent(ptr, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(dir, PointerName, append(pj, '\n')); err != nil {
		return err
	}
	return prune(dir, name, ptr.Sequence, keep)
}

// prune removes the bundles older than the keep most recent earlier ones.
// Bundles it cannot read, or with a sequence not below current, stay.
func prune(dir, current string, seq uint64, keep int) error {
	matches, err := filepath.Glob(filepath.Join(dir, bundleGlob))
	if err != nil {
		return err
	}
	type old struct {
		path string
		seq  uint64
	}
	var olds []old
	for _, m := range matches {
		base := filepath.Base(m)
		if base == current || !bundleRE.MatchString(base) {
			continue
		}
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		l, err := trustlist.ParseUnverified(data)
		if err != nil || l.Sequence >= seq {
			continue
		}
		olds = append(olds, old{m, l.Sequence})
	}
	slices.SortFunc(olds, func(a, b old) int { return -cmpUint(a.seq, b.seq) })
	for i, o := range olds {
		if i < max(keep, 0) {
			continue
		}
		if err := os.Remove(o.path); err != nil {
			return err
		}
	}
	return syncDir(dir)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// writeAtomic writes dir/name through a temporary file, synced and renamed,
// unless the file already holds data.
func writeAtomic(dir, name string, data []byte) error {
	path := filepath.Join(dir, name)
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		return nil
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// syncDir makes the renames in dir durable. Some systems cannot sync a
// directory; that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	d.Sync()
	return d.Close()
}

// removeTemps removes temporary files that an interrupted write left.
func removeTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*"))
	for _, m := range matches {
		os.Remove(m)
	}
}

// Cache lifetimes and media type of the published files.
const (
	pointerCache = "public, max-age=60, must-revalidate"
	bundleCache  = "public, max-age=31536000, immutable"
	pointerType  = "application/json; charset=utf-8"
	bundleType   = `application/cose; cose-type="cose-sign1"`
)

// Headers returns the _headers rules (Netlify and Cloudflare Pages syntax)
// for a trust-list folder served at base ("/" or "/trust/"): the pointer is
// revalidated after a minute, the bundles are immutable, and both may be
// fetched from any origin (the verifier widget runs on other sites).
func Headers(base string) string {
	return fmt.Sprintf(`# passcheck trust list (written by passcheck trustlist build)
%[1]s%[2]s
  Content-Type: %[3]s
  Cache-Control: %[4]s
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
%[1]strustlist-*
  Content-Type: %[5]s
  Cache-Control: %[6]s
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
`, base, PointerName, pointerType, pointerCache, bundleType, bundleCache)
}

// NginxSnippet returns nginx location blocks with the same rules as
// [Headers], to include in the server block whose root serves the folder at
// base.
func NginxSnippet(base string) string {
	return fmt.Sprintf(`# passcheck trust list (written by passcheck trustlist build).
# Include it in the server block that serves this folder at %[1]s:
#   include /path/to/this/folder/%[7]s;
location = %[1]s%[2]s {
    types { } default_type "%[3]s";
    add_header Cache-Control "%[4]s" always;
    add_header Access-Control-Allow-Origin "*" always;
    add_header X-Content-Type-Options "nosniff" always;
}
location ~ ^%[8]strustlist-[0-9a-f]{64}\.cose$ {
    types { } default_type '%[5]s';
    add_header Cache-Control "%[6]s" always;
    add_header Access-Control-Allow-Origin "*" always;
    add_header X-Content-Type-Options "nosniff" always;
}
`, base, PointerName, pointerType, pointerCache, bundleType, bundleCache, NginxName, strings.ReplaceAll(base, ".", `\.`))
}
