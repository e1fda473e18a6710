package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStatePath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if p, err := statePath(""); err != nil || p != "/x/state/passcheck/state.json" {
		t.Errorf("default with XDG_STATE_HOME: %q, %v", p, err)
	}
	t.Setenv("XDG_STATE_HOME", "relative") // the XDG spec says to ignore it
	t.Setenv("HOME", "/home/u")
	if p, err := statePath(""); err != nil || p != "/home/u/.local/state/passcheck/state.json" {
		t.Errorf("default without XDG_STATE_HOME: %q, %v", p, err)
	}
	if p, err := statePath("none"); err != nil || p != "" {
		t.Errorf("none: %q, %v", p, err)
	}
	if p, err := statePath("my.json"); err != nil || p != "my.json" {
		t.Errorf("file: %q, %v", p, err)
	}
}

func TestRememberSequenceNeverLowers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "state.json")
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, step := range []struct {
		id   string
		seq  uint64
		want uint64
	}{
		{"a", 5, 5},
		{"a", 3, 5}, // lower: kept at 5
		{"b", 2, 2}, // another publisher has its own mark
		{"a", 1 << 60, 1 << 60},
		{"a", 1<<60 - 1, 1 << 60}, // above 2^53: compared exactly
	} {
		if err := rememberSequence(path, step.id, step.seq, now); err != nil {
			t.Fatal(err)
		}
		got, err := lastSeenSequence(path, step.id)
		if err != nil || got != step.want {
			t.Errorf("after %s=%d: %d, %v; want %d", step.id, step.seq, got, err, step.want)
		}
	}
	if got, _ := lastSeenSequence(path, "b"); got != 2 {
		t.Errorf("b = %d, want 2", got)
	}
	if got, err := lastSeenSequence("", "a"); got != 0 || err != nil {
		t.Errorf("no state: %d, %v", got, err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := lastSeenSequence(path, "a"); err == nil {
		t.Error("a damaged state file was read as empty: a rollback could pass")
	}
}

func TestPinnedKeyIDOrderFree(t *testing.T) {
	k1, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k2, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a, err := pinnedKeyID([]crypto.PublicKey{k1.Public(), k2.Public()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pinnedKeyID([]crypto.PublicKey{k2.Public(), k1.Public()})
	c, _ := pinnedKeyID([]crypto.PublicKey{k1.Public()})
	if a != b || a == c || len(a) != 32 {
		t.Errorf("ids %q %q %q", a, b, c)
	}
}

// verify --trustlist remembers the highest sequence it accepted, per
// publisher, and refuses an older, validly signed list after it
// (TRUSTLIST_ROLLBACK, cannot check); trustlist verify reads that memory but
// never writes it; --state none keeps none.
func TestVerifyRollback(t *testing.T) {
	dir := t.TempDir()
	key, pub := filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem")
	state := filepath.Join(dir, "state.json")
	if code, _, stderr := runCmd(t, "", "trustlist", "keygen", "--key", key, "--pub", pub); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	older, newer := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for _, b := range []struct{ out, seq string }{{older, "10"}, {newer, "11"}} {
		if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", key, "--out", b.out, "--dsc", signersPEM, "--sequence", b.seq); code != 0 {
			t.Fatalf("build %s: %s", b.seq, stderr)
		}
	}
	text, now := vectorText(t, "valid-ps256-rsa3072")
	verify := func(list string, extra ...string) (int, string) {
		args := append([]string{"verify", "--json", "--trustlist", list, "--trust-key", pub, "--at", now}, extra...)
		code, out, _ := runCmd(t, text, args...)
		return code, out
	}
	// trustlist verify of the newer list reads the (empty) state and must
	// not write it.
	if code, out, stderr := runCmd(t, "", "trustlist", "verify", "--trust-key", pub, "--state", state, newer); code != 0 {
		t.Fatalf("trustlist verify: %d %s %s", code, out, stderr)
	}
	if _, err := os.Stat(state); err == nil {
		t.Fatal("trustlist verify wrote the state file")
	}
	if code, out := verify(newer, "--state", state); code != 0 {
		t.Fatalf("newer list: exit %d %s", code, out)
	}
	if code, out := verify(older, "--state", state); code != 3 || !strings.Contains(out, "TRUSTLIST_ROLLBACK") || !strings.Contains(out, `"verdict": "cannot-check"`) {
		t.Errorf("older list after the newer: exit %d %s", code, out)
	}
	if code, _, stderr := runCmd(t, "", "trustlist", "verify", "--trust-key", pub, "--state", state, older); code != 1 || !strings.Contains(stderr, "TRUSTLIST_ROLLBACK") {
		t.Errorf("trustlist verify of the older list: exit %d %s", code, stderr)
	}
	// Without memory the older list is accepted; the default state folder
	// (XDG_STATE_HOME, see TestMain) remembers like a file given by name.
	if code, out := verify(older, "--state", "none"); code != 0 {
		t.Errorf("--state none: exit %d %s", code, out)
	}
	if code, out := verify(newer); code != 0 {
		t.Fatalf("default state, newer: exit %d %s", code, out)
	}
	if code, out := verify(older); code != 3 || !strings.Contains(out, "TRUSTLIST_ROLLBACK") {
		t.Errorf("default state, older after newer: exit %d %s", code, out)
	}
	// A damaged state file is a usage error, never an empty memory.
	os.WriteFile(state, []byte("{"), 0o600)
	if code, _ := verify(newer, "--state", state); code != 2 {
		t.Errorf("damaged state: exit %d, want 2", code)
	}
}

// FuzzReadState: a state file of any content is read or refused, never a
// panic, and what is read has a table to look marks up in.
func FuzzReadState(f *testing.F) {
	f.Add([]byte(`{"version":1,"trustLists":{"ab":{"sequence":5,"seenAt":"2026-12-06T00:00:00Z"}}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"trustLists":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := readState(path)
		if err == nil && st.TrustLists == nil {
			t.Fatal("read a state without its table")
		}
	})
}
