// Package oldreader runs, for tests, the trust-list reader that deployed
// verifiers run: cached pages, installed apps and single-file kiosks keep
// the reader they were built with until they are rebuilt, so a bundle that
// a new publisher writes must still load in them.
//
// testdata/reader-v1.tar.gz holds that reader as of commit d270678, the
// last before payload key 9 (extra signers) and P-384/P-521 keys: the
// packages trustlist (as reader), its wire and spki, and the internal/cbor
// reader of then, unchanged but for their import paths, with a main program
// that loads a bundle and verifies passes against it with today's dcc. It is
// an archive, not code of this module: it is never built with the module,
// never edited, and when a release changes what deployed readers accept, a
// second archive joins it. [Load] compiles it once per test binary, offline,
// with the go command on PATH.
package oldreader

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// Result is what the deployed reader made of a bundle.
type Result struct {
	// Error is the reader's refusal of the bundle ("" when it loaded it).
	Error string `json:"error"`
	// Signers are the kids of the signers it kept, in standard base64.
	Signers []string `json:"signers"`
	// Passes are the Results of the passes given to Load, verified by
	// today's dcc against the signers the deployed reader kept.
	Passes []*dcc.Result `json:"passes"`
}

// Has reports whether the reader kept a signer with kid.
func (r *Result) Has(kid []byte) bool {
	want := encodeKID(kid)
	for _, s := range r.Signers {
		if s == want {
			return true
		}
	}
	return false
}

var (
	buildOnce sync.Once
	binary    []byte // the compiled reader; its build folder is removed
	buildErr  error
)

// Load runs the deployed reader on bundle, pinned to publisher key pub, at
// now, and verifies the passes against what it kept.
func Load(t testing.TB, bundle []byte, pub crypto.PublicKey, now time.Time, passes ...string) *Result {
	t.Helper()
	buildOnce.Do(func() { binary, buildErr = build() })
	if buildErr != nil {
		t.Fatalf("oldreader: %v", buildErr)
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "reader-v1")
	if err := os.WriteFile(exe, binary, 0o700); err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	bundlePath, pubPath := filepath.Join(dir, "bundle"), filepath.Join(dir, "pub.pem")
	write(t, bundlePath, bundle)
	write(t, pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	args := []string{"-bundle", bundlePath, "-pub", pubPath, "-now", now.UTC().Format(time.RFC3339)}
	for i, p := range passes {
		f := filepath.Join(dir, fmt.Sprintf("pass%d.txt", i))
		write(t, f, []byte(p))
		args = append(args, f)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("oldreader: %v\n%s", err, stderr.String())
	}
	var r Result
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("oldreader: output: %v", err)
	}
	return &r
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func encodeKID(kid []byte) string { return base64.StdEncoding.EncodeToString(kid) }

// build unpacks the archive into a temporary module that uses this
// checkout's dcc, compiles it, offline, and returns the program's bytes;
// the folder is removed (a test process has no end hook to remove it
// later, and each Load writes the program into its test's own folder).
func build() ([]byte, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return nil, fmt.Errorf("no source path")
	}
	here := filepath.Dir(file)
	root := filepath.Join(here, "..", "..", "..")
	dir, err := os.MkdirTemp("", "passcheck-oldreader-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	f, err := os.Open(filepath.Join(here, "testdata", "reader-v1.tar.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, dir+string(filepath.Separator)) && name != dir {
			return nil, fmt.Errorf("archive entry %q leaves the folder", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(name, 0o755); err != nil {
				return nil, err
			}
		case tar.TypeReg:
			data, err := io.ReadAll(io.LimitReader(tr, 1<<20))
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return nil, err
			}
		}
	}
	gomod := fmt.Sprintf("module passcheck-reader-v1\n\ngo 1.26\n\nrequire github.com/passcheck/passcheck v0.0.0\n\nreplace github.com/passcheck/passcheck => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "reader-v1")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the deployed reader: %v\n%s", err, msg)
	}
	return os.ReadFile(out)
}
