//go:build !js

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNodeRevocationsBesideBundle holds load() to the order of its first
// requests: the revocation index the pointer names is asked for while the
// bundle is still downloading, not after it (each step of either chain
// waits for a turn of the page's thread, which the module's compile and
// start hold). The server holds the bundle's answer back until the index
// has been asked for; a load() that asked for the index only after the
// bundle would wait out the hold, and the test fails. Both then load.
func TestNodeRevocationsBesideBundle(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "trust")
	writeTree(t, dir, f.bundle(t, 1, f.now, time.Hour), f.pub.revocations(t, nil, 1, f.now, 48*time.Hour))
	var out struct {
		Requests       []string
		IndexWhileHeld bool
		TrustOK        bool
		Revocations    struct {
			OK     bool
			Loaded bool
		}
	}
	runNodeScript(t, m, "startuporder.mjs", 2*time.Minute, map[string]any{"dir": dir, "keys": f.pub.pem, "holdMs": 5000}, &out)
	if !out.IndexWhileHeld {
		t.Errorf("the revocation index was not asked for while the bundle's answer was held; requests: %s", strings.Join(out.Requests, " "))
	}
	if len(out.Requests) == 0 || out.Requests[0] != "/trustlist.json" {
		t.Errorf("requests %v, want the pointer first", out.Requests)
	}
	if !out.TrustOK || !out.Revocations.OK || !out.Revocations.Loaded {
		t.Errorf("trust list ok %v, revocation data %+v: want both loaded", out.TrustOK, out.Revocations)
	}
}
