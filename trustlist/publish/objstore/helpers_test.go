package objstore

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/passcheck/passcheck/internal/testkit/certsource"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/internal/testkit/nodejs"
	"github.com/passcheck/passcheck/internal/testkit/s3server"
	"github.com/passcheck/passcheck/internal/wasmbuild"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// store is a versitygw with one bucket, readable by anyone (as behind a
// CDN), and the publisher's key.
type store struct {
	srv    *s3server.Server
	client *s3.Client
	loc    Location
	key    *ecdsa.PrivateKey
	keys   []crypto.PublicKey
	pubPEM string
	dscA   *issuer.DSC // in every list
	dscB   *issuer.DSC // only in lists built with both
	// rev is an empty signed revocation index, published with every list
	// (as every build does): without one a verifier shows no pass green.
	rev *publish.Revocations
}

const testBucket = "passcheck-trust"

func newStore(t *testing.T) *store {
	t.Helper()
	srv := s3server.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	client, err := NewClient(ctx, ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := aws.String(testBucket)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/*"}]}`
	if _, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	key, err := publish.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := publish.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Now().Add(-24*time.Hour), time.Now().Add(365*24*time.Hour)
	ca, err := issuer.NewCSCA("DE", issuer.EC, from, to)
	if err != nil {
		t.Fatal(err)
	}
	dscA, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: from, NotAfter: to, Name: "DSC A"})
	if err != nil {
		t.Fatal(err)
	}
	dscB, err := ca.NewDSC(issuer.DSCOptions{KeyType: issuer.EC, NotBefore: from, NotAfter: to, Name: "DSC B"})
	if err != nil {
		t.Fatal(err)
	}
	rev, _, err := publish.BuildRevocations(publish.RevocationOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return &store{srv: srv, client: client, loc: Location{Bucket: testBucket, Prefix: "lists/v1/"},
		key: key, keys: []crypto.PublicKey{&key.PublicKey}, pubPEM: string(pub), dscA: dscA, dscB: dscB, rev: rev}
}

// bundle signs a list with sequence seq, issued at now; with both, DSC B
// is in it too.
func (s *store) bundle(t *testing.T, seq uint64, now time.Time, both bool) []byte {
	t.Helper()
	cs := certsource.Certs{s.dscA.Cert}
	if both {
		cs = append(cs, s.dscB.Cert)
	}
	b, _, err := publish.Build(context.Background(), publish.Options{Sources: []publish.Source{cs}, Key: s.key, Sequence: seq, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publisher publishes to the store's location with its empty revocation
// index.
func (s *store) publisher(keep int) *Publisher {
	return &Publisher{Client: s.client, Location: s.loc, TrustKeys: s.keys, Keep: keep,
		TreeOptions: []publish.TreeOption{publish.WithRevocations(s.rev)}}
}

// path is where versitygw keeps the object of the tree's file name.
func (s *store) path(name string) string {
	return filepath.Join(s.srv.Dir, s.loc.Bucket, filepath.FromSlash(s.loc.Key(name)))
}

// parts returns the names of the parts in the bucket, read from disk.
func (s *store) parts(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(s.path(publish.PointerName)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if publish.IsPartName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// livePointer reads the pointer from disk.
func (s *store) livePointer(t *testing.T) *publish.Pointer {
	t.Helper()
	p, err := publish.ReadPointer(filepath.Dir(s.path(publish.PointerName)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// head returns an object's Content-Type, Cache-Control and metadata, from
// the store.
func (s *store) head(t *testing.T, name string) (string, string, map[string]string) {
	t.Helper()
	h, err := s.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(s.loc.Bucket), Key: aws.String(s.loc.Key(name))})
	if err != nil {
		t.Fatalf("HEAD %s: %v", name, err)
	}
	return aws.ToString(h.ContentType), aws.ToString(h.CacheControl), h.Metadata
}

func (s *store) setCORS(t *testing.T) {
	t.Helper()
	_, err := s.client.PutBucketCors(context.Background(), &s3.PutBucketCorsInput{Bucket: aws.String(s.loc.Bucket),
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}}}}})
	if err != nil {
		t.Fatal(err)
	}
}

// The WebAssembly module and the ES module beside Go's wasm_exec.js, built
// once per test run.
var (
	moduleOnce sync.Once
	moduleDir  string
	moduleErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if moduleDir != "" {
		os.RemoveAll(moduleDir)
	}
	os.Exit(code)
}

func buildModule(t *testing.T) (js, wasm string) {
	t.Helper()
	moduleOnce.Do(func() {
		if moduleDir, moduleErr = os.MkdirTemp("", "passcheck-objstore-test-"); moduleErr != nil {
			return
		}
		root, err := filepath.Abs("../../..")
		if err != nil {
			moduleErr = err
			return
		}
		if moduleErr = wasmbuild.Build(wasmbuild.Options{Dir: root, Out: filepath.Join(moduleDir, "passcheck.wasm")}); moduleErr != nil {
			return
		}
		goroot, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			moduleErr = err
			return
		}
		for _, f := range []string{filepath.Join(strings.TrimSpace(string(goroot)), "lib/wasm/wasm_exec.js"), filepath.Join(root, "site/js/passcheck.js"), filepath.Join(root, "site/js/pointer.js"), filepath.Join(root, "site/js/revocations.js")} {
			data, err := os.ReadFile(f)
			if err == nil {
				err = os.WriteFile(filepath.Join(moduleDir, filepath.Base(f)), data, 0o644)
			}
			if err != nil {
				moduleErr = err
				return
			}
		}
	})
	if moduleErr != nil {
		t.Fatal(moduleErr)
	}
	return filepath.Join(moduleDir, "passcheck.js"), filepath.Join(moduleDir, "passcheck.wasm")
}

// verifier is a verifier page's module running under Node
// (testdata/verifier.mjs), kept alive across the steps of a test.
type verifier struct {
	t     *testing.T
	in    io.WriteCloser
	out   *bufio.Scanner
	cmd   *exec.Cmd
	errs  *strings.Builder
	close func()
}

// loadStatus is the module's answer to a load or refresh.
type loadStatus struct {
	LastLoad struct {
		OK       bool  `json:"ok"`
		Sequence int64 `json:"sequence"`
		Errors   []struct {
			Code string `json:"code"`
		} `json:"errors"`
	} `json:"lastLoad"`
	Status struct {
		OK       bool  `json:"ok"`
		Sequence int64 `json:"sequence"`
		Signers  int   `json:"signers"`
	} `json:"status"`
	Thrown string `json:"thrown"`
}

func (l loadStatus) lastCode() string {
	if len(l.LastLoad.Errors) == 0 {
		return ""
	}
	return l.LastLoad.Errors[0].Code
}

func startVerifier(t *testing.T) *verifier {
	t.Helper()
	node := nodejs.Path(t)
	js, wasm := buildModule(t)
	script, _ := filepath.Abs("testdata/verifier.mjs")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, node, script, js, wasm)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errs := &strings.Builder{}
	cmd.Stderr = errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	v := &verifier{t: t, in: in, out: sc, cmd: cmd, errs: errs}
	v.close = sync.OnceFunc(func() { in.Close(); cmd.Wait(); cancel() })
	t.Cleanup(v.close)
	return v
}

// do sends one command and decodes the answer into out.
func (v *verifier) do(cmd map[string]any, out any) {
	v.t.Helper()
	line, _ := json.Marshal(cmd)
	if _, err := v.in.Write(append(line, '\n')); err != nil {
		v.t.Fatalf("node: %v\n%s", err, v.errs)
	}
	if !v.out.Scan() {
		v.t.Fatalf("node gave no answer to %s: %v\n%s", cmd["op"], v.out.Err(), v.errs)
	}
	if err := json.Unmarshal(v.out.Bytes(), out); err != nil {
		v.t.Fatalf("node answer %.500s: %v", v.out.Bytes(), err)
	}
}

func (v *verifier) load(url, keys string) loadStatus {
	v.t.Helper()
	var s loadStatus
	v.do(map[string]any{"op": "load", "url": url, "keys": keys}, &s)
	if s.Thrown != "" {
		v.t.Fatalf("node threw: %s", s.Thrown)
	}
	return s
}

func (v *verifier) refresh() loadStatus {
	v.t.Helper()
	var s loadStatus
	v.do(map[string]any{"op": "refresh"}, &s)
	if s.Thrown != "" {
		v.t.Fatalf("node threw: %s", s.Thrown)
	}
	return s
}

// valid verifies a pass and reports whether it is green.
func (v *verifier) valid(text string) bool {
	v.t.Helper()
	var r struct {
		Result struct {
			Valid bool `json:"valid"`
		} `json:"result"`
		Thrown string `json:"thrown"`
	}
	v.do(map[string]any{"op": "verify", "text": text, "at": time.Now().UnixMilli()}, &r)
	if r.Thrown != "" {
		v.t.Fatalf("node threw: %s", r.Thrown)
	}
	return r.Result.Valid
}
