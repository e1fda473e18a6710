// Package s3server runs a real S3-compatible server, versitygw, on a
// loopback port for the tests of passcheck's object-store publisher. Start
// it with [Start]; its objects are plain files under [Server.Dir]
// (Dir/BUCKET/KEY), so a test can inspect them or damage them directly.
//
//	srv := s3server.Start(t)
//	srv.SetEnv(t) // AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...
//
// # Finding versitygw
//
// The server is $VERSITYGW, else versitygw on PATH, else in $(go env
// GOBIN) or $(go env GOPATH)/bin, where
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
//
// puts it (.ci/run does so when it is missing). When none exists the test
// is skipped, except under CI=true, where it fails: CI never skips the
// object-store tests silently.
package s3server

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Credentials and region of every server [Start] runs.
const (
	AccessKey = "passcheck-test"
	SecretKey = "passcheck-test-secret"
	Region    = "us-east-1"
)

// startTimeout bounds the wait for a started server to answer.
const startTimeout = 15 * time.Second

// Server is a running versitygw serving Dir on a loopback address.
type Server struct {
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string
	// Dir holds the buckets: Dir/BUCKET/KEY is the object KEY.
	Dir string

	t    testing.TB
	bin  string
	addr string
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	log  *syncBuffer
}

// syncBuffer is the server's output, written by the process's copiers and
// read by Log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Binary returns the path of versitygw, or an error saying how to install
// it.
func Binary() (string, error) {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	for _, v := range []string{"GOBIN", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		dir := strings.TrimSpace(string(out))
		if err != nil || dir == "" {
			continue
		}
		if v == "GOPATH" {
			dir = filepath.Join(filepath.SplitList(dir)[0], "bin")
		}
		p := filepath.Join(dir, "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
}

// Start starts a versitygw on a free loopback port over a new temporary
// folder, and stops it when the test ends. Without versitygw it skips t
// (fails under CI=true).
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (CI=true: never skipped)", err)
		}
		t.Skip(err)
	}
	s := &Server{Dir: t.TempDir(), t: t, bin: bin}
	s.addr, err = freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	s.Endpoint = "http://" + s.addr
	t.Cleanup(s.Stop)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	return s
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = &syncBuffer{}
	cmd := exec.Command(s.bin, "--port", s.addr, "--access", AccessKey, "--secret", SecretKey, "--region", Region, "posix", s.Dir)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	// Its own process group, so that Stop reaches it alone.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting versitygw: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-done:
			return fmt.Errorf("versitygw exited at start:\n%s", s.log)
		default:
		}
		resp, err := client.Get(s.Endpoint + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			return fmt.Errorf("versitygw did not answer on %s within %s: %v\n%s", s.addr, startTimeout, err, s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server at once (SIGKILL: no graceful shutdown, as when a
// machine dies) and waits for it to exit. Stopping a stopped server does
// nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts a stopped server again on the same address and folder.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
}

// Env returns the standard AWS environment that points an S3 client at the
// server with its credentials, and away from any config or credentials
// file of the machine.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL":            s.Endpoint,
		"AWS_REGION":                  Region,
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(s.Dir, ".no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(s.Dir, ".no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// SetEnv sets [Server.Env] for the rest of t (t.Setenv: not in parallel
// tests).
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
}

// Log returns what the server printed since it last started.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}
