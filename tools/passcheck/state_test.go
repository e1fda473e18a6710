package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
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
