//go:build !js

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/certsource"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/internal/testkit/nodejs"
	"github.com/passcheck/passcheck/internal/testkit/vectors"
	"github.com/passcheck/passcheck/internal/wasmbuild"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/certs"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// publisher is a trust-list publisher key for tests.
type publisher struct {
	key *ecdsa.PrivateKey
	pem string
}

func newPublisher(t testing.TB) publisher {
	t.Helper()
	k, err := publish.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := publish.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return publisher{k, string(pub)}
}

// bundle signs a trust list of certs with sequence seq, issued at now and
// valid for validFor.
func (p publisher) bundle(t testing.TB, cs []*x509.Certificate, seq uint64, now time.Time, validFor time.Duration) []byte {
	t.Helper()
	b, _, err := publish.Build(context.Background(), publish.Options{
		Sources: []publish.Source{certsource.Certs(cs)}, Key: p.key, Sequence: seq, ValidFor: validFor, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// list loads a bundle natively, as the module does.
func (p publisher) list(t testing.TB, bundle []byte) *trustlist.List {
	t.Helper()
	keys, err := trustlist.ParsePublicKeysPEM([]byte(p.pem))
	if err != nil {
		t.Fatal(err)
	}
	l, err := trustlist.Load(bundle, keys, time.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// filler is a signer that sits in every test bundle, so that none is empty
// (the builder refuses an empty list).
var filler = sync.OnceValues(func() (*issuer.DSC, error) {
	from, to := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	ca, err := issuer.NewCSCA("ZZ", issuer.EC, from, to)
	if err != nil {
		return nil, err
	}
	return ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: from, NotAfter: to})
})

func fillerCert(t testing.TB) *x509.Certificate {
	t.Helper()
	d, err := filler()
	if err != nil {
		t.Fatal(err)
	}
	return d.Cert
}

// vector is one file of testdata/vectors.
type vector struct {
	name string
	now  time.Time
	text string
}

func readVectors(t testing.TB) ([]vector, []*x509.Certificate) {
	t.Helper()
	vs, err := vectors.Vectors("../testdata/vectors")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]vector, len(vs))
	for i, v := range vs {
		out[i] = vector{v.Name, v.Now, v.Text}
	}
	pemData, err := os.ReadFile("../testdata/vectors/" + vectors.SignersFile)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := certs.Parse(pemData)
	if err != nil {
		t.Fatal(err)
	}
	return out, cs
}

// dgcCase is one EU conformance case of testdata/dgc-common.
type dgcCase struct {
	name, text, cert string
	now              time.Time
}

func readDGC(t testing.TB) []dgcCase {
	t.Helper()
	cs, err := vectors.DGCCases("../testdata/dgc-common/2DCode/raw")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]dgcCase, len(cs))
	for i, c := range cs {
		out[i] = dgcCase{"dgc/" + c.Name, c.Prefix, c.Certificate, c.Clock}
	}
	return out
}

// module is the built WebAssembly module and the ES module beside Go's
// wasm_exec.js, in a temporary folder; built once per test run.
type module struct {
	dir, wasm, js string
}

// lib lists the files a page needs beside the module to import js: the ES
// module, the pointer check it imports, and Go's wasm_exec.js.
func (m module) lib() []string {
	return []string{m.js, filepath.Join(m.dir, "pointer.js"), filepath.Join(m.dir, "revocations.js"), filepath.Join(m.dir, "wasm_exec.js")}
}

var (
	buildOnce sync.Once
	built     module
	buildErr  error
	buildDir  string
)

// TestMain removes the module built by buildModule.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildModule builds ./wasm (tags as given) once and returns it; it needs
// node, which it skips without except under CI=true.
func buildModule(t testing.TB) module {
	t.Helper()
	nodejs.Path(t)
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "passcheck-wasm-test-")
		if buildErr != nil {
			return
		}
		built = module{dir: buildDir, wasm: filepath.Join(buildDir, "passcheck.wasm"), js: filepath.Join(buildDir, "passcheck.js")}
		buildErr = buildWasm(built.wasm)
		if buildErr == nil {
			buildErr = copyFiles(buildDir, goroot()+"/lib/wasm/wasm_exec.js", "../site/js/passcheck.js", "../site/js/pointer.js", "../site/js/revocations.js", "../site/js/passcheck.d.ts")
		}
	})
	if buildErr != nil {
		t.Fatalf("building the module: %v", buildErr)
	}
	return built
}

// buildWasm builds the module with the recipe of make wasm and the site
// build (internal/wasmbuild).
func buildWasm(out string, tags ...string) error {
	return wasmbuild.Build(wasmbuild.Options{Dir: "..", Out: out, Tags: tags})
}

func goroot() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func copyFiles(dir string, files ...string) error {
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// nodeGroup is a trust list, with its revocation data, and the cases to
// verify against it.
type nodeGroup struct {
	Bundle       string           `json:"bundle"` // standard base64
	Keys         string           `json:"keys"`
	Revocations  *nodeRevocations `json:"revocations,omitempty"`
	GraceSeconds int              `json:"graceSeconds,omitempty"`
	Cases        []nodeCase       `json:"cases"`
}

// nodeRevocations is revocation data for load's revocations option, in
// standard base64.
type nodeRevocations struct {
	Index string   `json:"index"`
	Parts []string `json:"parts"`
}

// noneRevoked returns an empty revocation index signed by p, fresh for two
// days: as the ES module loads it from a published list that revokes
// nothing, so that a verify against it adds no revocation remark.
func (p publisher) noneRevoked(t testing.TB) *nodeRevocations {
	t.Helper()
	r := p.revocations(t, nil, 1, time.Now(), 48*time.Hour)
	out := &nodeRevocations{Index: b64(r.Index), Parts: []string{}}
	for _, part := range r.Parts {
		out.Parts = append(out.Parts, b64(part))
	}
	return out
}

type nodeCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
	At   int64  `json:"at"` // ms since 1970
}

// runNode runs wasm/testdata/runner.mjs with job (plus the module's paths)
// and decodes its answer into out.
func runNode(t testing.TB, m module, job map[string]any, out any) {
	t.Helper()
	runNodeScript(t, m, "runner.mjs", 3*time.Minute, job, out)
}

// runNodeScript runs the script wasm/testdata/NAME with job (plus the
// module's paths) as its one argument, within timeout, and decodes its
// answer into out.
func runNodeScript(t testing.TB, m module, name string, timeout time.Duration, job map[string]any, out any) {
	t.Helper()
	job["wasm"], job["module"] = m.wasm, m.js
	data, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "job.json")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", name))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodejs.Path(t), script, f)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	answer, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s %s: %v\n%s", name, job["mode"], err, stderr.String())
	}
	if err := json.Unmarshal(answer, out); err != nil {
		t.Fatalf("node %s %s answer: %v\n%.2000s\n%s", name, job["mode"], err, answer, stderr.String())
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// jsonTree turns v into its JSON tree (map[string]any, []any, float64, …).
func jsonTree(t testing.TB, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func dccSigner(t testing.TB, c *x509.Certificate) dcc.Signer {
	t.Helper()
	s, err := certs.Signer(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newDSC returns a signer of kind kt, valid from a year before now to two
// years after, under a new Vietnamese CSCA.
func newDSC(t testing.TB, kt issuer.KeyType, now time.Time) *issuer.DSC {
	t.Helper()
	ca, err := issuer.NewCSCA("VN", issuer.EC, now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ca.NewDSC(issuer.DSCOptions{KeyType: kt, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
