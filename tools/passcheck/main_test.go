package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the tests' trust-list rollback memory (see state.go) out of
// the user's state folder: every test that does not give --state shares a
// temporary one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "passcheck-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
