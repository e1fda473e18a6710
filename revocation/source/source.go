// Package source reads the revocation sources a trust-list publisher builds
// from: the EU DCC gateway's revocation batches (JSON) and the plain lists
// an operator keeps for their own passes. It is for the publisher's side
// (the command line); verifiers read the parts that package revocation
// writes.
package source

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passcheck/passcheck/revocation"
)

// Limits on a source.
const (
	// MaxFileSize caps one source file.
	MaxFileSize = 256 << 20
	// MaxBatchEntries is the gateway's limit on the entries of one batch.
	MaxBatchEntries = 1000
	// MaxLineLen caps one line of a plain list.
	MaxLineLen = 4096
)

// UnknownKID is the gateway's kid for entries that apply to every signer.
const UnknownKID = "UNKNOWN_KID"

// Batch is one revocation batch of the EU DCC gateway.
type Batch struct {
	Country  string       `json:"country"`
	Expires  string       `json:"expires"` // RFC 3339
	KID      string       `json:"kid"`     // standard base64, or UNKNOWN_KID
	HashType string       `json:"hashType"`
	Deleted  bool         `json:"deleted"`
	Entries  []BatchEntry `json:"entries"`
}

// BatchEntry is one entry of a batch.
type BatchEntry struct {
	Hash string `json:"hash"` // standard base64 of 16 bytes
}

// Report counts what a load kept and left out.
type Report struct {
	Files      int            // files read
	Batches    int            // batches kept
	Expired    int            // batches left out: past their expiry
	Deleted    int            // batches left out: marked deleted
	PlainLines int            // entries from plain lists
	Entries    int            // entries kept, after de-duplication
	Duplicates int            // entries given more than once
	ByType     map[string]int // entries kept by hash type
	ByCountry  map[string]int // batch entries kept by country
	// Withdrawn are the entries of deleted batches: a publisher compacts
	// its parts when one of them was published (revocation.PlanParts).
	Withdrawn []revocation.Entry
}

// String summarises r in one line for the build report.
func (r *Report) String() string {
	var types []string
	for t, n := range r.ByType {
		types = append(types, fmt.Sprintf("%s %d", t, n))
	}
	sort.Strings(types)
	return fmt.Sprintf("revocations: %d entries (%s) from %d files: %d batches kept, %d expired and %d deleted left out, %d plain-list entries, %d duplicates",
		r.Entries, strings.Join(types, ", "), r.Files, r.Batches, r.Expired, r.Deleted, r.PlainLines, r.Duplicates)
}

// ParseBatches reads a gateway batch file: one batch object, or an array of
// them. Malformed batches are an error; expired and deleted ones are
// returned with the rest (see [Load] for what is kept).
func ParseBatches(data []byte) ([]Batch, error) {
	data = bytes.TrimSpace(data)
	var batches []Batch
	if len(data) > 0 && data[0] == '[' {
		if err := json.Unmarshal(data, &batches); err != nil {
			return nil, fmt.Errorf("revocation batches: %w", err)
		}
	} else {
		var b Batch
		if err := json.Unmarshal(data, &b); err != nil {
			return nil, fmt.Errorf("revocation batch: %w", err)
		}
		batches = []Batch{b}
	}
	for i, b := range batches {
		if err := b.check(); err != nil {
			return nil, fmt.Errorf("revocation batch %d: %w", i+1, err)
		}
	}
	return batches, nil
}

func (b *Batch) check() error {
	if len(b.Country) != 2 {
		return fmt.Errorf("country %q is not an ISO 3166 alpha-2 code", b.Country)
	}
	if _, err := time.Parse(time.RFC3339, b.Expires); err != nil {
		return fmt.Errorf("expires %q is not an RFC 3339 time", b.Expires)
	}
	if _, ok := revocation.ParseHashType(b.HashType); !ok {
		return fmt.Errorf("hashType %q: want UCI, COUNTRYCODEUCI or SIGNATURE", b.HashType)
	}
	if _, err := b.kid(); err != nil {
		return err
	}
	if b.Deleted {
		return nil
	}
	if len(b.Entries) == 0 || len(b.Entries) > MaxBatchEntries {
		return fmt.Errorf("%d entries: a batch holds 1 to %d", len(b.Entries), MaxBatchEntries)
	}
	for i, e := range b.Entries {
		if _, err := decodeHash(e.Hash); err != nil {
			return fmt.Errorf("entry %d: %w", i+1, err)
		}
	}
	return nil
}

func (b *Batch) kid() ([]byte, error) {
	if b.KID == UnknownKID {
		return nil, nil
	}
	kid, err := base64.StdEncoding.DecodeString(b.KID)
	if err != nil || len(kid) == 0 || len(kid) > revocation.MaxKIDLen {
		return nil, fmt.Errorf("kid %q: want the base64 of a key identifier, or %s", b.KID, UnknownKID)
	}
	return kid, nil
}

// decodeHash reads a revocation hash given as base64 (standard or URL) or
// hex of exactly 16 bytes.
func decodeHash(s string) ([16]byte, error) {
	var out [16]byte
	for _, dec := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
		hex.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) == len(out) {
			copy(out[:], b)
			return out, nil
		}
	}
	return out, fmt.Errorf("hash %q: want the base64 or hex of 16 bytes", s)
}

// ParsePlainList reads an operator's plain list: one entry a line,
//
//	UCI <uci>                  the hash of the UCI is listed
//	COUNTRYCODEUCI <CC> <uci>  the hash of CC followed by the UCI
//	SIGNATURE <hash>           a signature hash as given (base64 or hex of 16 bytes)
//
// with blank lines and lines starting with # ignored. Its entries apply to
// every signer (UNKNOWN_KID) and do not expire.
func ParsePlainList(data []byte) ([]revocation.Entry, error) {
	var out []revocation.Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1024), MaxLineLen)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("line %d: not UTF-8", n)
		}
		f := strings.Fields(line)
		e := revocation.Entry{}
		switch {
		case f[0] == "UCI" && len(f) == 2:
			e.Type, e.Sum = revocation.UCI, revocation.Sum([]byte(f[1]))
		case f[0] == "COUNTRYCODEUCI" && len(f) == 3 && len(f[1]) == 2:
			e.Type, e.Sum = revocation.CountryCodeUCI, revocation.Sum([]byte(strings.ToUpper(f[1])+f[2]))
		case f[0] == "SIGNATURE" && len(f) == 2:
			h, err := decodeHash(f[1])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			e.Type, e.Sum = revocation.Signature, h
		default:
			return nil, fmt.Errorf("line %d: want \"UCI <uci>\", \"COUNTRYCODEUCI <CC> <uci>\" or \"SIGNATURE <hash>\"", n)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("plain revocation list: %w", err)
	}
	return out, nil
}

// Load reads revocation sources: gateway batch files (.json), plain lists
// (any other file), or folders of them (walked, hidden files skipped). It
// leaves out batches past their expiry at now and deleted batches, and
// de-duplicates entries.
func Load(paths []string, now time.Time) ([]revocation.Entry, *Report, error) {
	r := &Report{ByType: map[string]int{}, ByCountry: map[string]int{}}
	seen := map[string]bool{}
	var out []revocation.Entry
	add := func(e revocation.Entry, country string) {
		key := string(e.KID) + "\x00" + string(rune(e.Type)) + string(e.Sum[:])
		if seen[key] {
			r.Duplicates++
			return
		}
		seen[key] = true
		out = append(out, e)
		r.ByType[e.Type.String()]++
		if country != "" {
			r.ByCountry[country]++
		}
	}
	readFile := func(path string) error {
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if info.Size() > MaxFileSize {
			return fmt.Errorf("%s: larger than %d bytes", path, MaxFileSize)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r.Files++
		if strings.EqualFold(filepath.Ext(path), ".json") {
			batches, err := ParseBatches(data)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			for _, b := range batches {
				exp, _ := time.Parse(time.RFC3339, b.Expires)
				switch {
				case b.Deleted:
					r.Deleted++
					kid, _ := b.kid()
					t, _ := revocation.ParseHashType(b.HashType)
					for _, be := range b.Entries {
						if h, err := decodeHash(be.Hash); err == nil {
							r.Withdrawn = append(r.Withdrawn, revocation.Entry{KID: kid, Type: t, Sum: h})
						}
					}
					continue
				case !now.Before(exp):
					r.Expired++
					continue
				}
				r.Batches++
				kid, _ := b.kid()
				t, _ := revocation.ParseHashType(b.HashType)
				for _, be := range b.Entries {
					h, _ := decodeHash(be.Hash)
					add(revocation.Entry{KID: kid, Type: t, Sum: h}, strings.ToUpper(b.Country))
				}
			}
			return nil
		}
		entries, err := ParsePlainList(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, e := range entries {
			r.PlainLines++
			add(e, "")
		}
		return nil
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !info.IsDir() {
			if err := readFile(p); err != nil {
				return nil, nil, err
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			return readFile(path)
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if len(out) > revocation.MaxEntries {
		return nil, nil, errors.New("revocations: more entries than a set may hold")
	}
	r.Entries = len(out)
	return out, r, nil
}
