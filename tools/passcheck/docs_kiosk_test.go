package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKioskDocsNoCallsHome holds the Chromium command line of
// docs/kiosk.md to the flags that turn off the browser's own calls home
// (the flags the browser tests start Chromium with): the page sends
// nothing, and at a door the browser should not either.
func TestKioskDocsNoCallsHome(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "kiosk.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The first shell block that starts Chromium as a kiosk.
	m := regexp.MustCompile("(?s)```sh\n(\\s*chromium --kiosk.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/kiosk.md has no chromium --kiosk command line")
	}
	cmd := strings.Join(strings.Fields(strings.ReplaceAll(string(m[1]), "\\\n", " ")), " ")
	for _, flag := range []string{
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-default-apps",
		"--no-first-run",
		"--disable-breakpad",
		"--disable-domain-reliability",
		"--metrics-recording-only",
		"--kiosk",
	} {
		if !strings.Contains(cmd+" ", flag+" ") {
			t.Errorf("the kiosk's Chromium command line lacks %s:\n%s", flag, cmd)
		}
	}
}
