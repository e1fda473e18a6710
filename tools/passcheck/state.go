package main

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// The command line's rollback memory: the highest trust-list sequence seen
// per set of pinned publisher keys, kept in a small JSON file, so that
// `passcheck verify --trustlist` refuses an older, validly signed list after
// a newer one was seen (TRUSTLIST_ROLLBACK), as the pages do with their
// browser storage.

// stateNone is the --state value that keeps no state.
const stateNone = "none"

// maxStateFile caps the state file read: it holds a few entries.
const maxStateFile = 1 << 20

// stateFile is the JSON the state file holds.
type stateFile struct {
	Version    int                   `json:"version"`
	TrustLists map[string]stateEntry `json:"trustLists"` // by pinnedKeyID
}

type stateEntry struct {
	Sequence uint64 `json:"sequence"`
	SeenAt   string `json:"seenAt"` // RFC 3339, when the sequence was first seen
}

// statePath resolves --state: "none" keeps no state (""), "" is the default
// file in the user's state folder ($XDG_STATE_HOME, else ~/.local/state).
func statePath(flagValue string) (string, error) {
	switch flagValue {
	case stateNone:
		return "", nil
	case "":
	default:
		return flagValue, nil
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no state folder for the trust list's rollback memory (%v): give --state FILE or --state none", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "passcheck", "state.json"), nil
}

// pinnedKeyID names a set of pinned publisher keys: the hex SHA-256 of their
// sorted SubjectPublicKeyInfo encodings, so that the order of --trust-key
// flags does not matter and two publishers never share a mark.
func pinnedKeyID(keys []crypto.PublicKey) (string, error) {
	var ders [][]byte
	for _, k := range keys {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			return "", err
		}
		ders = append(ders, der)
	}
	sort.Slice(ders, func(i, j int) bool { return bytes.Compare(ders[i], ders[j]) < 0 })
	h := sha256.New()
	for _, d := range ders {
		h.Write(d)
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// readState reads the state file at path; a missing file is an empty state.
func readState(path string) (*stateFile, error) {
	st := &stateFile{Version: 1, TrustLists: map[string]stateEntry{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxStateFile {
		return nil, fmt.Errorf("state file %s is larger than %d bytes", path, maxStateFile)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("state file %s is damaged (%v): remove it, or give --state none", path, err)
	}
	if st.TrustLists == nil {
		st.TrustLists = map[string]stateEntry{}
	}
	return st, nil
}

// lastSeenSequence returns the highest sequence recorded for id in the state
// file at path, or 0 when path is "" or holds none.
func lastSeenSequence(path, id string) (uint64, error) {
	if path == "" {
		return 0, nil
	}
	st, err := readState(path)
	if err != nil {
		return 0, err
	}
	return st.TrustLists[id].Sequence, nil
}

// rememberSequence records seq for id in the state file at path, unless a
// higher or equal one is there: the mark never goes down. The file is
// replaced whole (write, sync, rename), so a crash leaves the old or the new.
func rememberSequence(path, id string, seq uint64, now time.Time) error {
	if path == "" {
		return nil
	}
	st, err := readState(path)
	if err != nil {
		return err
	}
	if st.TrustLists[id].Sequence >= seq {
		return nil
	}
	st.TrustLists[id] = stateEntry{Sequence: seq, SeenAt: now.UTC().Format(time.RFC3339)}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// stateLastSeen returns the sequence the state file named by --state (see
// statePath) records for the publisher keys in trustKeyFiles.
func stateLastSeen(flagValue string, trustKeyFiles []string) (uint64, error) {
	path, id, err := stateFor(flagValue, trustKeyFiles)
	if err != nil || path == "" {
		return 0, err
	}
	return lastSeenSequence(path, id)
}

// stateFor resolves --state and names the set of keys in trustKeyFiles.
func stateFor(flagValue string, trustKeyFiles []string) (path, id string, err error) {
	if path, err = statePath(flagValue); err != nil || path == "" {
		return "", "", err
	}
	keys, err := readTrustKeys(trustKeyFiles)
	if err != nil {
		return "", "", err
	}
	if id, err = pinnedKeyID(keys); err != nil {
		return "", "", err
	}
	return path, id, nil
}
