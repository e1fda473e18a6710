//go:build !js

package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// TestSessionFree checks that a freed session is gone: the exported
// functions find no session under its id, its list is dropped, and ids are
// not reused.
func TestSessionFree(t *testing.T) {
	f := newFixture(t)
	s := newSession()
	if out := s.load(f.bundle(t, 1, f.now, time.Hour), f.pub.pem, 0, 0, f.now); !out.OK {
		t.Fatal(codes(out.Errors))
	}
	id := s.id
	if sessions[id] != s {
		t.Fatal("a new session is not registered")
	}
	s.free()
	if _, ok := sessions[id]; ok || s.list != nil {
		t.Errorf("freed session still registered (%v) or holding its list (%v)", ok, s.list != nil)
	}
	if n := newSession(); n.id == id {
		t.Errorf("id %d reused after free", id)
	} else {
		n.free()
	}
}

// manySigners returns n signer certificates of one authority, for a trust
// list big enough that a leak of it shows.
func manySigners(t *testing.T, n int) []*x509.Certificate {
	t.Helper()
	from, to := time.Now().AddDate(-1, 0, 0), time.Now().AddDate(2, 0, 0)
	ca, err := issuer.NewCSCA("ZY", issuer.EC, from, to)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*x509.Certificate, n)
	for i := range out {
		d, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: from, NotAfter: to})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = d.Cert
	}
	return out
}

// TestNodeSoak loads a trust list of 300 signers 1,000 times through the ES
// module under Node, closing each verifier when the next is loaded (as the
// page and the widget do): the module's memory and the JavaScript heap stay
// flat from the first hundred loads to the last. Before close() freed the
// session, every load kept its list (400 loads of a 2,000-signer list:
// 8 MB → 354 MB).
func TestNodeSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 loads: not in -short")
	}
	m := buildModule(t)
	f := newFixture(t)
	certs := append(manySigners(t, 300), f.dsc.Cert)
	bundle := f.pub.bundle(t, certs, 1, f.now, time.Hour)
	t.Logf("bundle: %d signers, %d bytes", len(certs), len(bundle))
	var got struct {
		Samples []struct {
			Loads     int
			WasmBytes int64
			JSHeap    int64 `json:"jsHeap"`
		}
		Valid       int
		ClosedCodes []string
		ClosedFlag  bool
	}
	runNode(t, m, map[string]any{"mode": "soak", "loads": 1000, "groups": []nodeGroup{{
		Bundle: b64(bundle), Keys: f.pub.pem, Cases: []nodeCase{{Name: "good", Text: f.pass, At: f.now.UnixMilli()}},
	}}}, &got)
	if got.Valid != 1000 {
		t.Errorf("%d of 1000 verifies valid", got.Valid)
	}
	if len(got.Samples) != 10 {
		t.Fatalf("%d samples, want 10", len(got.Samples))
	}
	first, last := got.Samples[0], got.Samples[len(got.Samples)-1]
	for _, s := range got.Samples {
		t.Logf("after %4d loads: module memory %5.1f MB, JS heap %5.1f MB", s.Loads, float64(s.WasmBytes)/1e6, float64(s.JSHeap)/1e6)
	}
	// Flat: the module's memory (which never shrinks, so any leak shows as
	// growth) grows by less than 16 MiB from load 100 to load 1,000 (a leak
	// of this list is well over 100 MB); the JS heap by less than 16 MiB.
	if g := last.WasmBytes - first.WasmBytes; g > 16<<20 {
		t.Errorf("module memory grew by %d MB from load %d to %d", g>>20, first.Loads, last.Loads)
	}
	if g := last.JSHeap - first.JSHeap; g > 16<<20 {
		t.Errorf("JS heap grew by %d MB from load %d to %d", g>>20, first.Loads, last.Loads)
	}
	if !got.ClosedFlag || !slices.Equal(got.ClosedCodes, []string{"WASM_UNAVAILABLE"}) {
		t.Errorf("after close: closed=%v, verify codes %v, want WASM_UNAVAILABLE", got.ClosedFlag, got.ClosedCodes)
	}
}

// TestNodeSequencesAbove2p53 loads lists whose sequences are nanosecond
// timestamps (`--sequence $(date +%s%N)`), above 2^53, one verifier after
// the other with the rollback memory in localStorage: a newer list is
// taken, an older one refused as a rollback (also one that a float64 could
// not tell from the newer), and the stored mark is exact and never lowered.
func TestNodeSequencesAbove2p53(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	const base = uint64(1765000000000000000) // above 2^53 = 9007199254740992
	seqs := []uint64{base + 10, base + 20, base + 19, base + 5, base + 21}
	var groups []nodeGroup
	for _, s := range seqs {
		groups = append(groups, nodeGroup{Bundle: b64(f.bundle(t, s, f.now, time.Hour)), Keys: f.pub.pem})
	}
	var got []struct {
		OK                        bool
		Codes                     []string
		SequenceText, InUse, Mark string
	}
	runNode(t, m, map[string]any{"mode": "sequence", "storage": true, "groups": groups}, &got)
	want := []struct {
		ok   bool
		mark uint64
	}{{true, base + 10}, {true, base + 20}, {false, base + 20}, {false, base + 20}, {true, base + 21}}
	if len(got) != len(want) {
		t.Fatalf("%d answers, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		seq := strconv.FormatUint(seqs[i], 10)
		if g.OK != w.ok || g.Mark != strconv.FormatUint(w.mark, 10) {
			t.Errorf("list %s: ok=%v codes %v, mark %q; want ok=%v, mark %d", seq, g.OK, g.Codes, g.Mark, w.ok, w.mark)
		}
		if !w.ok && !slices.Contains(g.Codes, "TRUSTLIST_ROLLBACK") {
			t.Errorf("list %s: codes %v, want TRUSTLIST_ROLLBACK", seq, g.Codes)
		}
		if w.ok && (g.SequenceText != seq || g.InUse != seq) {
			t.Errorf("list %s: sequenceText %q, in use %q", seq, g.SequenceText, g.InUse)
		}
	}
}

// TestNodeFetchCapped loads the trust list from a server through the ES
// module: an endless chunked bundle or pointer (no Content-Length) is cut
// off at its cap, with the process growing by far less than what was sent;
// and without WebCrypto the pointer's SHA-256 is still checked (by the
// module's sha256), so that a bundle that does not match it is refused.
func TestNodeFetchCapped(t *testing.T) {
	m := buildModule(t)
	f := newFixture(t)
	bundle := f.bundle(t, 7, f.now, time.Hour)
	name := publish.BundleName(bundle)
	sum := sha256.Sum256(bundle)
	pointer := func(hash string) string {
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sequence":7,"bundle":%q,"sha256":%q}`, name, hash)))
	}
	type answer struct {
		OK          bool
		Codes       []string
		Messages    []string
		Sent, Grown int64
		Subtle      bool
	}
	run := func(routes map[string]string, noSubtle bool) answer {
		t.Helper()
		var a answer
		runNode(t, m, map[string]any{"mode": "fetch", "routes": routes, "noSubtle": noSubtle,
			"groups": []nodeGroup{{Keys: f.pub.pem}}}, &a)
		return a
	}
	good := pointer(hex.EncodeToString(sum[:]))

	for _, c := range []struct {
		name   string
		routes map[string]string
	}{
		{"endless bundle", map[string]string{"/trustlist.json": good, "/" + name: "endless"}},
		{"endless pointer", map[string]string{"/trustlist.json": "endless"}},
	} {
		a := run(c.routes, false)
		t.Logf("%s: server sent %d MB, process grew %d MB", c.name, a.Sent>>20, a.Grown>>20)
		if a.OK || !slices.Contains(a.Codes, "TRUSTLIST_UNAVAILABLE") || !strings.Contains(strings.Join(a.Messages, " "), "more than") {
			t.Errorf("%s: ok=%v codes %v %q, want TRUSTLIST_UNAVAILABLE (more than the cap)", c.name, a.OK, a.Codes, a.Messages)
		}
		// The cap is 8 MiB for a bundle: the process holds at most that
		// and what is in flight, never the stream.
		if a.Grown > 96<<20 {
			t.Errorf("%s: the process grew by %d MB", c.name, a.Grown>>20)
		}
	}

	bundleB64 := base64.StdEncoding.EncodeToString(bundle)
	if a := run(map[string]string{"/trustlist.json": good, "/" + name: bundleB64}, true); !a.OK || a.Subtle {
		t.Errorf("without WebCrypto, a matching bundle: ok=%v codes %v (WebCrypto hidden: %v)", a.OK, a.Codes, !a.Subtle)
	}
	bad := pointer(strings.Repeat("0", 64))
	if a := run(map[string]string{"/trustlist.json": bad, "/" + name: bundleB64}, true); a.OK || !slices.Contains(a.Codes, "TRUSTLIST_INVALID") {
		t.Errorf("without WebCrypto, a bundle that does not match the pointer's SHA-256: ok=%v codes %v, want TRUSTLIST_INVALID", a.OK, a.Codes)
	}
}
