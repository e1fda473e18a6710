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
	bundleGlob  = "trustlist-*"          // bundles, revocation indexes and parts, named by content
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
	// Revocations names the current revocation index (see
	// [WithRevocations]); readers released before it ignore the field.
	Revocations *RevocationPointer `json:"revocations,omitempty"`
}

// BundleName returns the content-addressed file name of a bundle.
func BundleName(bundle []byte) string { return contentName(bundle, ".cose") }

// contentName is the file name of data in a tree: trustlist-<SHA-256
// hex><ext>.
func contentName(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	return "trustlist-" + hex.EncodeToString(sum[:]) + ext
}

// ReadPointer reads dir's trustlist.json. The error wraps fs.ErrNotExist when
// there is none.
func ReadPointer(dir string) (*Pointer, error) {
	data, err := os.ReadFile(filepath.Join(dir, PointerName))
	if err != nil {
		return nil, err
	}
	p, err := ParsePointer(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, PointerName), err)
	}
	return p, nil
}

// MaxPointerSize caps the bytes of a trustlist.json that [ParsePointer]
// reads (a pointer is about 300 bytes).
const MaxPointerSize = 16 << 10

// ParsePointer parses the content of a trustlist.json. It checks the form
// of the bundle's name (a content-addressed name in the same folder) but
// not the bundle.
func ParsePointer(data []byte) (*Pointer, error) {
	if len(data) > MaxPointerSize {
		return nil, fmt.Errorf("%d bytes, more than %d", len(data), MaxPointerSize)
	}
	var p Pointer
	if err := strictJSON(data, &p); err != nil {
		return nil, err
	}
	if !bundleRE.MatchString(p.Bundle) {
		return nil, fmt.Errorf("bundle %q is not a trustlist-<sha256>.cose name", p.Bundle)
	}
	if p.Revocations != nil && !IsIndexName(p.Revocations.Index) {
		return nil, fmt.Errorf("revocation index %q is not a trustlist-<sha256>.index name", p.Revocations.Index)
	}
	return &p, nil
}

// Parts returns the names of the content-addressed files that the pointer
// reaches: what must be in place before it is published, and what keep-N
// pruning must not remove while the pointer is among the kept ones: the
// bundle and the revocation index (whose parts [Stale] reaches through the
// index's [PartInfo]).
func (p *Pointer) Parts() []string {
	if p.Revocations != nil {
		return []string{p.Bundle, p.Revocations.Index}
	}
	return []string{p.Bundle}
}

// IsPartName reports whether name is the name of a content-addressed part
// of a trust-list tree: a bundle (trustlist-<SHA-256 hex>.cose), a
// revocation index (.index) or a revocation part (.part).
func IsPartName(name string) bool { return bundleRE.MatchString(name) || revRE.MatchString(name) }

// NextSequence returns the sequence for the next list published in dir: the
// current pointer's plus one, or now as Unix seconds when dir has no pointer
// yet (so that a publisher who loses the folder still goes up).
func NextSequence(dir string, now time.Time) (uint64, error) {
	p, err := ReadPointer(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return SequenceAfter(nil, now), nil
	}
	if err != nil {
		return 0, err
	}
	return SequenceAfter(p, now), nil
}

// SequenceAfter returns the sequence of the list published after the one
// that prev points to: prev's plus one, or now as Unix seconds when nothing
// is published yet (prev nil). Every publisher ([WriteTree] and the object
// store's) numbers lists this way.
func SequenceAfter(prev *Pointer, now time.Time) uint64 {
	if prev == nil {
		return uint64(max(now.Unix(), 1))
	}
	return prev.Sequence + 1
}

// CheckSuccession returns an error when next may not replace prev, the
// pointer published at where (prev nil: nothing published yet): a lower
// sequence (a rollback), or the same sequence with other content.
// Republishing the same list is allowed.
func CheckSuccession(where string, prev, next *Pointer) error {
	switch {
	case prev == nil:
	case prev.Sequence > next.Sequence:
		return fmt.Errorf("build: %s already publishes sequence %d; this bundle has %d (a rollback)", where, prev.Sequence, next.Sequence)
	case prev.Sequence == next.Sequence && prev.SHA256 != next.SHA256:
		return fmt.Errorf("build: %s already publishes sequence %d with other content; build with a higher sequence", where, next.Sequence)
	}
	return nil
}

// TreeOption adjusts [NewTree] and [WriteTree].
type TreeOption func(*treeConfig)

type treeConfig struct {
	base          string
	pointerMaxAge time.Duration
	revocations   *Revocations
}

// WithRevocations publishes r, a signed revocation index and its parts
// ([BuildRevocations]), beside the bundle: the parts and the index are
// written before the bundle and the pointer, which names the index.
func WithRevocations(r *Revocations) TreeOption {
	return func(c *treeConfig) { c.revocations = r }
}

// BasePath sets the URL path at which the folder is served, for the header
// rules (default "/"): "/trust/" when the folder is published as
// https://example.org/trust/.
func BasePath(p string) TreeOption { return func(c *treeConfig) { c.base = p } }

// DefaultPointerMaxAge is how long caches may serve trustlist.json without
// asking again, unless [PointerMaxAge] says otherwise.
const DefaultPointerMaxAge = 60 * time.Second

// MaxPointerMaxAge caps [PointerMaxAge]: a verifier learns of a new list at
// the latest this long after it is published.
const MaxPointerMaxAge = time.Hour

// PointerMaxAge sets the max-age of trustlist.json's Cache-Control
// (default [DefaultPointerMaxAge], whole seconds from 0 to
// [MaxPointerMaxAge]).
func PointerMaxAge(d time.Duration) TreeOption {
	return func(c *treeConfig) { c.pointerMaxAge = d }
}

var basePathRE = regexp.MustCompile(`^/([A-Za-z0-9._~-]+/)*$`)

func newTreeConfig(opts []TreeOption) (treeConfig, error) {
	cfg := treeConfig{base: "/", pointerMaxAge: DefaultPointerMaxAge}
	for _, o := range opts {
		o(&cfg)
	}
	if !basePathRE.MatchString(cfg.base) {
		return cfg, fmt.Errorf("build: base path %q must start and end with / and hold only letters, digits and ._~-", cfg.base)
	}
	if cfg.pointerMaxAge < 0 || cfg.pointerMaxAge > MaxPointerMaxAge || cfg.pointerMaxAge%time.Second != 0 {
		return cfg, fmt.Errorf("build: pointer max-age %s must be whole seconds from 0 to %s", cfg.pointerMaxAge, MaxPointerMaxAge)
	}
	return cfg, nil
}

// FileKind is the role of a file in a published tree, which decides when it
// is written.
type FileKind int

const (
	// KindPart is a content-addressed part (the bundle): immutable, written
	// before anything points to it.
	KindPart FileKind = iota
	// KindHostRules is a header-rules file for a static web host (_headers,
	// trustlist.nginx.conf). Object storage sets the headers on each object
	// instead and does not need it.
	KindHostRules
	// KindPointer is trustlist.json: written last, once every part it
	// reaches is in place.
	KindPointer
)

// File is one file of a published tree, with the headers it is served with.
type File struct {
	Name         string // relative to the tree's root
	Kind         FileKind
	Data         []byte
	ContentType  string
	CacheControl string
}

// Tree is one published trust list: its pointer and its files in the order
// they must be written (parts, host rules, the pointer last). [WriteTree]
// writes it to a folder; the object-store publisher
// (trustlist/publish/objstore) uploads it with the same names and headers.
type Tree struct {
	Pointer Pointer
	Files   []File
}

// NewTree describes the tree that publishes bundle. It parses the bundle
// (without checking its signature) for its sequence and dates.
func NewTree(bundle []byte, opts ...TreeOption) (*Tree, error) {
	cfg, err := newTreeConfig(opts)
	if err != nil {
		return nil, err
	}
	l, err := trustlist.ParseUnverified(bundle)
	if err != nil {
		return nil, fmt.Errorf("build: not a bundle: %w", err)
	}
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
	var files []File
	if cfg.revocations != nil {
		if files, ptr.Revocations, err = revocationFiles(cfg.revocations); err != nil {
			return nil, err
		}
	}
	pj, err := json.MarshalIndent(ptr, "", "  ")
	if err != nil {
		return nil, err
	}
	pc := pointerCacheControl(cfg.pointerMaxAge)
	return &Tree{
		Pointer: ptr,
		Files: append(files, []File{
			{Name: name, Kind: KindPart, Data: bundle, ContentType: bundleType, CacheControl: bundleCache},
			{Name: HeadersName, Kind: KindHostRules, Data: []byte(headers(cfg.base, pc)), ContentType: textType, CacheControl: rulesCache},
			{Name: NginxName, Kind: KindHostRules, Data: []byte(nginxSnippet(cfg.base, pc)), ContentType: textType, CacheControl: rulesCache},
			{Name: PointerName, Kind: KindPointer, Data: append(pj, '\n'), ContentType: pointerType, CacheControl: pc},
		}...),
	}, nil
}

// PointerHeaders returns the Content-Type and Cache-Control of
// trustlist.json under opts, as [NewTree] gives them.
func PointerHeaders(opts ...TreeOption) (contentType, cacheControl string, err error) {
	cfg, err := newTreeConfig(opts)
	if err != nil {
		return "", "", err
	}
	return pointerType, pointerCacheControl(cfg.pointerMaxAge), nil
}

// File returns the tree's file called name, or nil.
func (t *Tree) File(name string) *File {
	for i := range t.Files {
		if t.Files[i].Name == name {
			return &t.Files[i]
		}
	}
	return nil
}

// WriteTree publishes bundle into dir, a folder that any static host serves
// as it is:
//
//	dir/trustlist-<sha256>.cose   the bundle, immutable, named by its content
//	dir/trustlist.json            the pointer (see [Pointer])
//	dir/_headers                  Cache-Control and Content-Type rules (Netlify, Cloudflare Pages)
//	dir/trustlist.nginx.conf      the same rules for nginx
//
// Each file of the [Tree] is written to a temporary name and renamed in the
// tree's order, the bundle first and the pointer last, so that a host never
// serves a pointer to a missing or partial bundle. The keep most recent
// earlier bundles stay, for clients that read the previous pointer just
// before the switch; older ones are removed (see [Stale]). WriteTree refuses
// a bundle whose sequence is below the published one, or equal to it with
// other content.
func WriteTree(dir string, bundle []byte, keep int, opts ...TreeOption) error {
	tree, err := NewTree(bundle, opts...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	removeTemps(dir)
	prev, err := ReadPointer(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		prev = nil
	case err != nil:
		return err
	}
	if err := CheckSuccession(dir, prev, &tree.Pointer); err != nil {
		return err
	}
	for _, f := range tree.Files {
		data := f.Data
		if f.Name == HeadersName {
			data = mergeHeaders(filepath.Join(dir, f.Name), data)
		}
		if err := writeAtomic(dir, f.Name, data); err != nil {
			return err
		}
	}
	return prune(dir, &tree.Pointer, keep)
}

// headersMark begins the trust list's rules in a _headers file.
const headersMark = "# passcheck trust list (written by passcheck trustlist build)\n"

// mergeHeaders returns the _headers file to write at path: ours when there
// is none or it holds only the trust list's rules, and otherwise the rules
// already there (a site's own, such as the Content-Security-Policy that
// `passcheck site build` writes when the list is published into the site's
// folder) followed by ours, in place of an earlier copy of ours. A host
// reads one _headers per site: overwriting it would drop the site's rules.
func mergeHeaders(path string, ours []byte) []byte {
	old, err := os.ReadFile(path)
	if err != nil {
		return ours
	}
	keep := string(old)
	if i := strings.Index(keep, headersMark); i >= 0 {
		keep = keep[:i]
	}
	if strings.TrimSpace(keep) == "" {
		return ours
	}
	if !strings.HasSuffix(keep, "\n") {
		keep += "\n"
	}
	return append([]byte(keep), ours...)
}

// PartInfo is a part found in a published tree, with the sequence of the
// newest list it belongs to.
type PartInfo struct {
	Name     string
	Sequence uint64
	// Reaches are the parts this one names: a revocation index's parts.
	// They stay as long as this one does.
	Reaches []string
}

// Stale returns the names of the parts to remove once current is live:
// those that neither current nor the keep most recent earlier lists reach.
// A part of a list newer than current (another publisher's), or reached by
// current, always stays. Every publisher prunes by this rule, after the new
// pointer is in place.
func Stale(parts []PartInfo, current *Pointer, keep int) []string {
	reached := map[string]bool{}
	for _, n := range current.Parts() {
		reached[n] = true
	}
	var seqs []uint64 // earlier lists, newest first
	for _, p := range parts {
		if p.Sequence < current.Sequence && !slices.Contains(seqs, p.Sequence) {
			seqs = append(seqs, p.Sequence)
		}
	}
	slices.SortFunc(seqs, func(a, b uint64) int { return -cmpUint(a, b) })
	kept := seqs[:min(max(keep, 0), len(seqs))]
	for _, p := range parts {
		if p.Sequence >= current.Sequence || slices.Contains(kept, p.Sequence) {
			reached[p.Name] = true
		}
	}
	for _, p := range parts {
		if reached[p.Name] {
			for _, r := range p.Reaches {
				reached[r] = true
			}
		}
	}
	var stale []string
	for _, p := range parts {
		if !reached[p.Name] {
			stale = append(stale, p.Name)
		}
	}
	slices.Sort(stale)
	return slices.Compact(stale)
}

// prune removes the bundles, revocation indexes and parts that [Stale]
// names. Files it cannot read stay, and so do revocation parts that no
// index names (an interrupted write's).
func prune(dir string, current *Pointer, keep int) error {
	matches, err := filepath.Glob(filepath.Join(dir, bundleGlob))
	if err != nil {
		return err
	}
	var parts []PartInfo
	partSeq := map[string]uint64{} // a revocation part: the newest index that names it
	for _, m := range matches {
		base := filepath.Base(m)
		if !IsPartName(base) || strings.HasSuffix(base, ".part") {
			continue
		}
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		if IsIndexName(base) {
			if pi, err := ReadIndexInfo(base, data); err == nil {
				parts = append(parts, pi)
				for _, r := range pi.Reaches {
					partSeq[r] = max(partSeq[r], pi.Sequence)
				}
			}
			continue
		}
		l, err := trustlist.ParseUnverified(data)
		if err != nil {
			continue
		}
		parts = append(parts, PartInfo{Name: base, Sequence: l.Sequence})
	}
	for name, seq := range partSeq {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			parts = append(parts, PartInfo{Name: name, Sequence: seq})
		}
	}
	for _, name := range Stale(parts, current, keep) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
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

// Cache lifetimes and media types of the published files.
const (
	bundleCache = "public, max-age=31536000, immutable"
	rulesCache  = "no-cache"
	pointerType = "application/json; charset=utf-8"
	bundleType  = `application/cose; cose-type="cose-sign1"`
	textType    = "text/plain; charset=utf-8"
)

// pointerCacheControl is trustlist.json's Cache-Control: cached for maxAge,
// then asked again; never transformed by a proxy or CDN (its bytes are
// what the bundle's hash is checked against).
func pointerCacheControl(maxAge time.Duration) string {
	return fmt.Sprintf("public, max-age=%d, must-revalidate, no-transform", int64(maxAge/time.Second))
}

// Headers returns the _headers rules (Netlify and Cloudflare Pages syntax)
// for a trust-list folder served at base ("/" or "/trust/"): the pointer is
// revalidated after a minute, the bundles are immutable, and both may be
// fetched from any origin (the verifier widget runs on other sites).
func Headers(base string) string { return headers(base, pointerCacheControl(DefaultPointerMaxAge)) }

func headers(base, pointerCache string) string {
	return fmt.Sprintf(headersMark+`%[1]s%[2]s
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
	return nginxSnippet(base, pointerCacheControl(DefaultPointerMaxAge))
}

func nginxSnippet(base, pointerCache string) string {
	return fmt.Sprintf(`# passcheck trust list (written by passcheck trustlist build).
# Include it in the server block that serves this folder at %[1]s:
#   include /path/to/this/folder/%[7]s;
location = %[1]s%[2]s {
    types { } default_type "%[3]s";
    add_header Cache-Control "%[4]s" always;
    add_header Access-Control-Allow-Origin "*" always;
    add_header X-Content-Type-Options "nosniff" always;
}
location ~ ^%[8]strustlist-[0-9a-f]{64}\.(cose|index|part)$ {
    types { } default_type '%[5]s';
    add_header Cache-Control "%[6]s" always;
    add_header Access-Control-Allow-Origin "*" always;
    add_header X-Content-Type-Options "nosniff" always;
}
`, base, PointerName, pointerType, pointerCache, bundleType, bundleCache, NginxName, strings.ReplaceAll(base, ".", `\.`))
}
