package publish

import (
	"cmp"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

// Revocations is a signed revocation index and every part it names, ready
// to publish beside a bundle ([WithRevocations]).
type Revocations struct {
	Index []byte
	Parts [][]byte // in the index's order
}

// RevocationOptions describe a build of the revocation data.
type RevocationOptions struct {
	// Entries are the revocation entries now listed (revocation/source
	// reads them); none gives an empty, signed index, which verifiers take
	// as "nothing revoked", fresh until it expires.
	Entries []revocation.Entry
	// Withdrawn are entries of batches the gateway marked deleted: when one
	// is in Previous, the parts are compacted so that it goes at once.
	Withdrawn []revocation.Entry
	// Previous are the parts the published index names, in order (see
	// [PreviousParts]); nil for a first build. New entries go into a delta
	// part appended to them (revocation.PlanParts).
	Previous [][]byte
	// Layout tunes when the parts are compacted.
	Layout revocation.Layout
	// Key signs the index: the publisher key that signs the bundle.
	Key crypto.Signer
	// Sequence is the index's; 0 means Now as Unix seconds.
	Sequence uint64
	// ValidFor is how long the index is valid from Now; 0 means
	// [DefaultValidFor].
	ValidFor time.Duration
	// Now is the build time; zero means time.Now().
	Now time.Time
}

// RevocationReport says what a revocation build did.
type RevocationReport struct {
	Sequence            uint64
	IssuedAt, ExpiresAt time.Time
	Entries             int  // entries in the parts, leftovers included
	Added               int  // entries new in this build
	Leftover            int  // entries no source lists any more, kept until the next compaction
	Parts, NewParts     int  // parts named, and new ones among them
	Compacted           bool // the parts were rewritten as one
	Bytes, NewBytes     int  // bytes of every part and of the new ones, index included
}

// WriteText prints the report for people.
func (r *RevocationReport) WriteText(w io.Writer) error {
	layout := "delta"
	if r.Compacted {
		layout = "compacted"
	}
	_, err := fmt.Fprintf(w, "revocation index: sequence %d, expires %s; %d entries (%d new, %d no longer listed, kept until compaction) in %d parts (%d new, %s); %d bytes, %d new\n",
		r.Sequence, r.ExpiresAt.Format(time.RFC3339), r.Entries, r.Added, r.Leftover, r.Parts, r.NewParts, layout, r.Bytes, r.NewBytes)
	return err
}

// BuildRevocations lays out the parts (revocation.PlanParts), signs the
// index that names them with the publisher key, and loads it back as a
// verifier does.
func BuildRevocations(o RevocationOptions) (*Revocations, *RevocationReport, error) {
	pub, err := publisherKey(o.Key)
	if err != nil {
		return nil, nil, err
	}
	now, expires, err := window(o.Now, o.ValidFor)
	if err != nil {
		return nil, nil, fmt.Errorf("build: revocations %w", err)
	}
	plan, err := revocation.PlanParts(o.Entries, o.Previous, o.Withdrawn, o.Layout)
	if err != nil {
		return nil, nil, fmt.Errorf("build: revocations: %w", err)
	}
	r := &RevocationReport{
		Sequence: cmp.Or(o.Sequence, uint64(now.Unix())), IssuedAt: now, ExpiresAt: expires,
		Entries: plan.Entries, Added: plan.Added, Leftover: plan.Leftover, Parts: len(plan.Parts), NewParts: plan.New, Compacted: plan.Compacted,
	}
	ix := wire.Index{Version: wire.IndexVersion, Sequence: r.Sequence, IssuedAt: now.Unix(), ExpiresAt: r.ExpiresAt.Unix(), Parts: []wire.IndexPart{}}
	check := &revocation.Set{}
	for i, p := range plan.Parts {
		before := check.Len()
		if err := check.AddPart(p); err != nil {
			return nil, r, fmt.Errorf("build: revocation part %d does not load: %w", i+1, err)
		}
		sum := sha256.Sum256(p)
		ix.Parts = append(ix.Parts, wire.IndexPart{SHA256: sum[:], Size: uint64(len(p)), Entries: uint64(check.Len() - before)})
		r.Bytes += len(p)
		if i >= len(plan.Parts)-plan.New {
			r.NewBytes += len(p)
		}
	}
	if len(ix.Parts) > wire.MaxIndexParts {
		return nil, r, fmt.Errorf("build: %d revocation parts, more than %d", len(ix.Parts), wire.MaxIndexParts)
	}
	index, err := Sign(o.Key, ix)
	if err != nil {
		return nil, r, err
	}
	r.Bytes += len(index)
	r.NewBytes += len(index)
	if _, err := trustlist.LoadRevocationIndex(index, []crypto.PublicKey{pub}, r.Sequence); err != nil {
		return nil, r, fmt.Errorf("build: the new revocation index does not load: %w", err)
	}
	return &Revocations{Index: index, Parts: plan.Parts}, r, nil
}

// IndexName returns the content-addressed file name of a revocation index:
// trustlist-<SHA-256 hex>.index.
func IndexName(index []byte) string { return contentName(index, ".index") }

// PartName returns the content-addressed file name of a revocation part:
// trustlist-<SHA-256 hex>.part, the name a verifier fetches
// ([trustlist.RevocationPart.Name]).
func PartName(part []byte) string {
	return trustlist.RevocationPart{SHA256: sha256.Sum256(part)}.Name()
}

// revRE matches the names of a revocation index and of a revocation part.
var revRE = regexp.MustCompile(`^trustlist-[0-9a-f]{64}\.(index|part)$`)

// RevocationPointer is the revocation index that trustlist.json names,
// under "revocations". Readers released before it ignore the field.
type RevocationPointer struct {
	Sequence  uint64 `json:"sequence"`
	Index     string `json:"index"`  // the index's path relative to the folder
	SHA256    string `json:"sha256"` // hex SHA-256 of the index
	Size      int    `json:"size"`   // index bytes
	Entries   int    `json:"entries"`
	IssuedAt  string `json:"issuedAt"`
	ExpiresAt string `json:"expiresAt"`
}

// revocationFiles describes the files of r for a tree: the parts, then the
// index (so that a host never serves an index naming a missing part), and
// the pointer's revocations field.
func revocationFiles(r *Revocations) ([]File, *RevocationPointer, error) {
	ix, err := trustlist.ParseRevocationIndexUnverified(r.Index)
	if err != nil {
		return nil, nil, fmt.Errorf("build: not a revocation index: %w", err)
	}
	if len(ix.Parts) != len(r.Parts) {
		return nil, nil, fmt.Errorf("build: the revocation index names %d parts, %d given", len(ix.Parts), len(r.Parts))
	}
	var files []File
	for i, p := range r.Parts {
		if sha256.Sum256(p) != ix.Parts[i].SHA256 || len(p) != ix.Parts[i].Size {
			return nil, nil, fmt.Errorf("build: revocation part %d does not match the index", i+1)
		}
		files = append(files, File{Name: PartName(p), Kind: KindPart, Data: p, ContentType: revocationType, CacheControl: bundleCache})
	}
	sum := sha256.Sum256(r.Index)
	name := IndexName(r.Index)
	files = append(files, File{Name: name, Kind: KindPart, Data: r.Index, ContentType: revocationType, CacheControl: bundleCache})
	return files, &RevocationPointer{
		Sequence: ix.Sequence, Index: name, SHA256: hex.EncodeToString(sum[:]), Size: len(r.Index), Entries: ix.Entries(),
		IssuedAt: ix.IssuedAt.Format(time.RFC3339), ExpiresAt: ix.ExpiresAt.Format(time.RFC3339),
	}, nil
}

// revocationType is the media type of revocation indexes and parts.
const revocationType = "application/octet-stream"

// PreviousParts returns the parts that the revocation index of the
// published pointer ptr names, in order, read with get (a file of the
// folder or an object of the bucket, by name); nil when ptr is nil or names
// no index. A part that is missing or does not match its hash is an error:
// the next build should then compact (give no Previous).
func PreviousParts(ptr *Pointer, get func(name string, max int) ([]byte, error)) ([][]byte, error) {
	r, err := ReadRevocations(ptr, get)
	if r == nil {
		return nil, err
	}
	return r.Parts, nil
}

// ReadRevocations reads the revocation index that the published pointer
// ptr names and every part it names, in order, with get (a file of the
// folder or an object of the bucket, by name), to publish them again or
// to carry them; nil when ptr is nil or names no index. A part that is
// missing or does not match its hash is an error. The index's signature is
// not checked here: a verifier checks it ([trustlist.LoadRevocationIndex]).
func ReadRevocations(ptr *Pointer, get func(name string, max int) ([]byte, error)) (*Revocations, error) {
	if ptr == nil || ptr.Revocations == nil {
		return nil, nil
	}
	b, err := get(ptr.Revocations.Index, trustlist.MaxIndexSize)
	if err != nil {
		return nil, err
	}
	ix, err := trustlist.ParseRevocationIndexUnverified(b)
	if err != nil {
		return nil, err
	}
	var parts [][]byte
	for i, p := range ix.Parts {
		data, err := get(p.Name(), revocation.MaxPartSize)
		if err != nil {
			return nil, err
		}
		if sha256.Sum256(data) != p.SHA256 {
			return nil, fmt.Errorf("revocation part %d (%s) does not match the index", i+1, p.Name())
		}
		parts = append(parts, data)
	}
	return &Revocations{Index: b, Parts: parts}, nil
}

// ReadIndexInfo returns the keep-N description of a revocation index file
// called name: its sequence and the parts it names ([PartInfo.Reaches]).
func ReadIndexInfo(name string, b []byte) (PartInfo, error) {
	ix, err := trustlist.ParseRevocationIndexUnverified(b)
	if err != nil {
		return PartInfo{}, err
	}
	reaches := make([]string, len(ix.Parts))
	for i, p := range ix.Parts {
		reaches[i] = p.Name()
	}
	return PartInfo{Name: name, Sequence: ix.Sequence, Reaches: reaches}, nil
}

// IsIndexName reports whether name is a revocation index's file name.
func IsIndexName(name string) bool {
	return revRE.MatchString(name) && strings.HasSuffix(name, ".index")
}

// Equal reports whether p and q say the same, the revocation index they
// name included; a nil Pointer equals only nil.
func (p *Pointer) Equal(q *Pointer) bool {
	if p == nil || q == nil {
		return p == q
	}
	a, b := *p, *q
	a.Revocations, b.Revocations = nil, nil
	if a != b || (p.Revocations == nil) != (q.Revocations == nil) {
		return false
	}
	return p.Revocations == nil || *p.Revocations == *q.Revocations
}
