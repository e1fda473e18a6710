package main

// The revocation side of the command line: verify --revocations, the
// revocation index of verify --trustlist DIR, trustlist build --revocations,
// and trustlist inspect's summary. cmd_verify.go, cmd_trustlist.go and
// cmd_trustlist_publish.go call in here.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/revocation"
	"github.com/passcheck/passcheck/revocation/source"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
	"github.com/passcheck/passcheck/trustlist/publish/objstore"
)

// revocationStateID names the revocation index's mark in the state file,
// beside the trust list's (per set of pinned keys).
func revocationStateID(id string) string { return id + "/revocations" }

// revocationsFromSources reads verify --revocations SRC...: gateway batch
// files, plain lists or folders, taken as a complete, fresh list (it has no
// expiry of its own).
func revocationsFromSources(paths []string, now time.Time) (*revocation.Status, error) {
	entries, _, err := source.Load(paths, now)
	if err != nil {
		return nil, err
	}
	set, err := revocation.NewSet(entries)
	if err != nil {
		return nil, err
	}
	return &revocation.Status{Set: set, Loaded: true}, nil
}

// revocationsFromTree loads the revocation index that DIR/trustlist.json
// names, and its parts, checked against the pinned keys and the index
// sequence seen before (a rollback is refused: the Status then has no
// data). It returns the Status and, when the index loaded, its sequence to
// remember. A pointer that names no index gives a Status that says so
// (REVOCATION_STALE).
func revocationsFromTree(dir string, keys []crypto.PublicKey, lastSeen uint64) (*revocation.Status, uint64) {
	ptr, err := publish.ReadPointer(dir)
	if err != nil {
		return &revocation.Status{Problem: err.Error()}, 0
	}
	if ptr.Revocations == nil {
		return &revocation.Status{Problem: "the trust list names no revocation index"}, 0
	}
	b, err := readCapped(filepath.Join(dir, ptr.Revocations.Index), trustlist.MaxIndexSize)
	if err == nil {
		sum := sha256.Sum256(b)
		if len(b) != ptr.Revocations.Size || !strings.EqualFold(hex.EncodeToString(sum[:]), ptr.Revocations.SHA256) {
			err = fmt.Errorf("%s does not match %s", ptr.Revocations.Index, publish.PointerName)
		}
	}
	var ix *trustlist.RevocationIndex
	if err == nil {
		ix, err = trustlist.LoadRevocationIndex(b, keys, lastSeen)
	}
	if err != nil {
		return &revocation.Status{Problem: "the revocation index was refused: " + describeError(err)}, 0
	}
	return loadParts(ix, func(name string, max int) ([]byte, error) { return readCapped(filepath.Join(dir, name), max) }), ix.Sequence
}

// loadParts reads the parts of a verified index with get and checks them
// (revocation.NewStatus).
func loadParts(ix *trustlist.RevocationIndex, get func(name string, max int) ([]byte, error)) *revocation.Status {
	parts := make([][]byte, len(ix.Parts))
	for i, p := range ix.Parts {
		parts[i], _ = get(p.Name(), revocation.MaxPartSize)
	}
	return revocation.NewStatus(ix, parts)
}

// readCapped reads a file of at most max bytes.
func readCapped(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err == nil && len(b) > max {
		err = fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return b, err
}

// addRevocation adds the revocation check to r, the Result of text: with
// st (from --revocations or the trust list's index), CERT_REVOKED and
// REVOCATION_STALE as revocation.Status.AddTo gives them; without (a check
// against --dsc or a bundle file only), the warning REVOCATION_UNCHECKED.
func addRevocation(r *dcc.Result, text string, st *revocation.Status, now time.Time) {
	if r.Verdict == dcc.VerdictNotAPass {
		return
	}
	if st == nil {
		r.AddWarning(dcc.NewMessage(dcc.RevocationUnchecked, "give --revocations SRC, or a published --trustlist folder"))
		return
	}
	if p, err := dcc.Decode(text); err == nil {
		st.AddTo(r, p, now)
	}
}

// buildRevocations is the revocation half of "trustlist build": it reads
// --revocations sources (none: an empty list), lays out the parts against
// those the live pointer names (get reads them), signs the index and
// prints the report.
func buildRevocations(e *env, c *buildConfig, key crypto.Signer, seq uint64, now time.Time, live *publish.Pointer, get func(string, int) ([]byte, error)) (*publish.Revocations, error) {
	var entries, withdrawn []revocation.Entry
	if len(c.Revocations) > 0 {
		var rep *source.Report
		var err error
		if entries, rep, err = source.Load(c.Revocations, now); err != nil {
			return nil, fmt.Errorf("--revocations: %w", err)
		}
		withdrawn = rep.Withdrawn
		fmt.Fprintln(e.stdout, rep.String())
	}
	prev, err := publish.PreviousParts(live, get)
	if err != nil {
		fmt.Fprintf(e.stdout, "note: the published revocation parts could not be read (%v): compacting\n", err)
		prev = nil
	}
	rev, rep, err := publish.BuildRevocations(publish.RevocationOptions{
		Entries: entries, Withdrawn: withdrawn, Previous: prev, Key: key, Sequence: seq,
		ValidFor: time.Duration(c.RevocationsValidFor), Now: now,
	})
	if rep != nil {
		rep.WriteText(e.stdout)
	}
	return rev, err
}

// dirGetter reads the files of a published folder by name.
func dirGetter(dir string) func(string, int) ([]byte, error) {
	return func(name string, max int) ([]byte, error) { return readCapped(filepath.Join(dir, name), max) }
}

// storeGetter reads the objects of a bucket by name.
func storeGetter(ctx context.Context, pub *objstore.Publisher) func(string, int) ([]byte, error) {
	return func(name string, max int) ([]byte, error) { return pub.Get(ctx, name, max) }
}

// liveOrNil is the live pointer of a folder, nil when there is none yet.
func liveOrNil(dir string) (*publish.Pointer, error) {
	ptr, err := publish.ReadPointer(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return ptr, err
}

// inspectRevocations is trustlist inspect's summary of the revocation data
// that DIR/trustlist.json names; nil for a bundle file or a tree without.
type inspectRevocations struct {
	Sequence  uint64            `json:"sequence"`
	IssuedAt  string            `json:"issuedAt"`
	ExpiresAt string            `json:"expiresAt"`
	Parts     int               `json:"parts"`
	Entries   int               `json:"entries"`
	Bytes     int               `json:"bytes"`
	Groups    []inspectRevGroup `json:"groups"`
	Problem   string            `json:"problem,omitempty"`
}

type inspectRevGroup struct {
	KID      string `json:"kid"` // standard base64, or UNKNOWN_KID
	HashType string `json:"hashType"`
	Entries  int    `json:"entries"`
}

func readInspectRevocations(dir string) *inspectRevocations {
	ptr, err := publish.ReadPointer(dir)
	if err != nil || ptr.Revocations == nil {
		return nil
	}
	out := &inspectRevocations{Groups: []inspectRevGroup{}}
	b, err := readCapped(filepath.Join(dir, ptr.Revocations.Index), trustlist.MaxIndexSize)
	var ix *trustlist.RevocationIndex
	if err == nil {
		ix, err = trustlist.ParseRevocationIndexUnverified(b)
	}
	if err != nil {
		out.Problem = describeError(err)
		return out
	}
	out.Sequence, out.Parts, out.Entries = ix.Sequence, len(ix.Parts), ix.Entries()
	out.IssuedAt, out.ExpiresAt = ix.IssuedAt.Format(time.RFC3339), ix.ExpiresAt.Format(time.RFC3339)
	out.Bytes = len(b)
	for _, p := range ix.Parts {
		out.Bytes += p.Size
	}
	st := loadParts(ix, dirGetter(dir))
	out.Problem = st.Problem
	st.Set.Groups(func(kid []byte, t revocation.HashType, n int) {
		k := source.UnknownKID
		if kid != nil {
			k = base64.StdEncoding.EncodeToString(kid)
		}
		out.Groups = append(out.Groups, inspectRevGroup{KID: k, HashType: t.String(), Entries: n})
	})
	sort.Slice(out.Groups, func(i, j int) bool {
		a, b := out.Groups[i], out.Groups[j]
		return a.KID < b.KID || a.KID == b.KID && a.HashType < b.HashType
	})
	return out
}

func writeInspectRevocations(w io.Writer, r *inspectRevocations) {
	if r == nil {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "\nrevocations (signature NOT checked)\nsequence   %d\nissued     %s\nexpires    %s\nparts      %d (%d bytes with the index)\nentries    %d\n",
		r.Sequence, r.IssuedAt, r.ExpiresAt, r.Parts, r.Bytes, r.Entries)
	if r.Problem != "" {
		fmt.Fprintf(&b, "problem    %s\n", r.Problem)
	}
	if len(r.Groups) > 0 {
		fmt.Fprintf(&b, "%-16s  %-15s  %s\n", "KID", "HASH TYPE", "ENTRIES")
		for _, g := range r.Groups {
			fmt.Fprintf(&b, "%-16s  %-15s  %d\n", g.KID, g.HashType, g.Entries)
		}
	}
	w.Write(b.Bytes())
}

// buildRevocationsFor is buildRevocations for the output of "trustlist
// build": the live pointer and parts of the folder, or of the bucket.
func buildRevocationsFor(ctx context.Context, e *env, c *buildConfig, key crypto.Signer, seq uint64, now time.Time, pub *objstore.Publisher) (*publish.Revocations, error) {
	if pub != nil {
		live, err := pub.Live(ctx)
		if err != nil {
			return nil, err
		}
		return buildRevocations(e, c, key, seq, now, live, storeGetter(ctx, pub))
	}
	live, err := liveOrNil(c.Out)
	if err != nil {
		return nil, err
	}
	return buildRevocations(e, c, key, seq, now, live, dirGetter(c.Out))
}

// folderRevocations reads the revocation index and parts that a published
// folder's pointer names, for "trustlist publish"; nil when it names none.
func folderRevocations(dir string) (*publish.Revocations, error) {
	ptr, err := publish.ReadPointer(dir)
	if err != nil {
		return nil, nil
	}
	return treeRevocations(dir, ptr)
}

// verifyRevocations is the revocation data of "passcheck verify": from
// --revocations sources, else from the index of a --trustlist folder (its
// sequence checked against, and then recorded in, the state file's mark),
// else none (nil).
func verifyRevocations(e *env, sources []string, trustlistPath string, trustKeys []string, stateFlag string) (*revocation.Status, error) {
	now := time.Now()
	if len(sources) > 0 {
		st, err := revocationsFromSources(sources, now)
		if err != nil {
			return nil, fmt.Errorf("--revocations: %w", err)
		}
		return st, nil
	}
	if trustlistPath == "" || len(trustKeys) == 0 {
		return nil, nil
	}
	if info, err := os.Stat(trustlistPath); err != nil || !info.IsDir() {
		return nil, nil // a bundle file: no index beside it
	}
	keys, err := readTrustKeys(trustKeys)
	if err != nil {
		return nil, err
	}
	statePath, stateID, err := stateFor(stateFlag, trustKeys)
	var seen uint64
	if err == nil {
		seen, err = lastSeenSequence(statePath, revocationStateID(stateID))
	}
	if err != nil {
		return nil, err
	}
	st, seq := revocationsFromTree(trustlistPath, keys, seen)
	if seq > 0 {
		if err := rememberSequence(statePath, revocationStateID(stateID), seq, now); err != nil {
			hintf(e, "the revocation index's rollback memory could not be saved (%v); give --state FILE or --state none", err)
		}
	}
	return st, nil
}

// treeRevocations reads the revocation index that the pointer ptr of the
// folder dir names, and its parts, each checked against the index's
// SHA-256 (publish.ReadRevocations), for "trustlist publish" to publish
// and for the single-file page to carry; nil when ptr names none (a bundle
// file given alone, or an old folder).
func treeRevocations(dir string, ptr *publish.Pointer) (*publish.Revocations, error) {
	r, err := publish.ReadRevocations(ptr, dirGetter(dir))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ptr.Revocations.Index, err)
	}
	return r, nil
}
