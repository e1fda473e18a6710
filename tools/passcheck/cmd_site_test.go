package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteDocsScreenshots checks that docs/site.md shows every verdict
// screenshot the browser tests write (UPDATE_SCREENSHOTS=1), and that each
// is committed.
func TestSiteDocsScreenshots(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "site.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "vi"} {
		for _, v := range []string{"valid", "invalid", "stale"} {
			name := "screenshots/verdict-" + v + "-" + lang + ".png"
			if !strings.Contains(string(doc), "("+name+")") {
				t.Errorf("docs/site.md does not show %s", name)
			}
			st, err := os.Stat(filepath.Join("..", "..", "docs", filepath.FromSlash(name)))
			if err != nil || st.Size() < 10000 {
				t.Errorf("docs/%s: %v (size %d)", name, err, sizeOf(st))
			}
		}
	}
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}

// TestSiteCommandErrors checks the command lines that must fail before any
// work, with exit code 2 and a message that says what to do.
func TestSiteCommandErrors(t *testing.T) {
	key := filepath.Join(t.TempDir(), "pub.pem")
	os.WriteFile(key, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"site", "build", "--out", t.TempDir()}, "no --trust-key"},
		{[]string{"site", "build", "--trust-key", filepath.Join(t.TempDir(), "missing.pem")}, "missing.pem"},
		{[]string{"site", "build", "--trust-key", key, "--out", t.TempDir()}, "publisher key 1"},
		{[]string{"site", "build", "extra"}, "takes no arguments"},
		{[]string{"serve", "--dir", filepath.Join(t.TempDir(), "nothing")}, "build the site first"},
		{[]string{"serve", "extra"}, "takes no arguments"},
		{[]string{"demo", "extra"}, "takes no arguments"},
	} {
		var out, errb bytes.Buffer
		code := run(c.args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
		if code != 2 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("passcheck %s: exit %d, stderr %q; want 2 and %q", strings.Join(c.args, " "), code, errb.String(), c.want)
		}
	}
}
