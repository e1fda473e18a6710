package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/site"
)

// TestInstallAnywhere does what a user does with no source tree: go install
// ./tools/passcheck (into a temporary GOBIN, with a version stamped by
// -ldflags), then, in an empty folder elsewhere, passcheck site build and
// passcheck demo. The binary carries the page and the module's sources and
// compiles the module with the go command on PATH, offline (GOPROXY=off).
func TestInstallAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("installs the command and compiles the module (-short)")
	}
	const version = "v0.0.0-installtest"
	gobin := t.TempDir()
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=readonly")
	install := exec.Command("go", "install", "-ldflags=-X main.Version="+version, "./tools/passcheck")
	install.Dir = filepath.Join("..", "..")
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install ./tools/passcheck: %v\n%s", err, out)
	}
	bin := filepath.Join(gobin, "passcheck")
	work := t.TempDir() // the empty working folder, outside the repository

	passcheck := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		return cmd
	}
	if out, err := passcheck("trustlist", "keygen", "--key", "publisher.key", "--pub", "publisher.pem").CombinedOutput(); err != nil {
		t.Fatalf("passcheck trustlist keygen: %v\n%s", err, out)
	}

	t.Run("site build", func(t *testing.T) {
		out, err := passcheck("site", "build", "--trust-key", "publisher.pem", "--out", "dist").CombinedOutput()
		if err != nil {
			t.Fatalf("passcheck site build: %v\n%s", err, out)
		}
		if !strings.HasPrefix(string(out), "site: wrote ") {
			t.Errorf("output %q", out)
		}
		m, err := site.ReadManifest(filepath.Join(work, "dist"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Version != version {
			t.Errorf("manifest version %q, want %q", m.Version, version)
		}
		wasm, err := os.ReadFile(filepath.Join(work, "dist", filepath.FromSlash(m.Assets["passcheck.wasm"])))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(wasm, []byte("\x00asm")) || !bytes.Contains(wasm, []byte(version)) {
			t.Errorf("the module (%d bytes) is not a module stamped %s", len(wasm), version)
		}
		for _, f := range []string{"index.html", "sw.js", site.WidgetJS, "passcheck.js", "wasm_exec.js", site.TrustKeysFile} {
			if _, err := os.Stat(filepath.Join(work, "dist", filepath.FromSlash(f))); err != nil {
				t.Errorf("no %s: %v", f, err)
			}
		}
	})

	t.Run("demo", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := passcheck("demo", "--addr", addr)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		running := make(chan bool, 1)
		go func() {
			s := bufio.NewScanner(stdout)
			seen := false
			for s.Scan() {
				if !seen && strings.Contains(s.Text(), "passcheck demo is running") {
					seen = true
					running <- true
				}
			}
			if !seen {
				running <- false
			}
			exited <- cmd.Wait()
		}()
		select {
		case ok := <-running:
			if !ok {
				t.Fatalf("passcheck demo stopped before serving:\n%s", stderr.String())
			}
		case <-time.After(5 * time.Minute):
			cmd.Process.Kill()
			t.Fatalf("passcheck demo did not start serving within 5 minutes:\n%s", stderr.String())
		}
		base := "http://" + addr + "/"
		page := get(t, base, "text/html; charset=utf-8")
		wasm := regexp.MustCompile(`href="(assets/passcheck-[0-9a-f]+\.wasm)"`).FindSubmatch(page)
		if wasm == nil {
			t.Fatalf("the page names no module:\n%s", page)
		}
		if mod := get(t, base+string(wasm[1]), "application/wasm"); !bytes.HasPrefix(mod, []byte("\x00asm")) || !bytes.Contains(mod, []byte(version)) {
			t.Errorf("GET %s: %d bytes, not the module stamped %s", wasm[1], len(mod), version)
		}
		var ptr struct{ Sequence uint64 }
		if err := json.Unmarshal(get(t, base+"trustlist.json", "application/json"), &ptr); err != nil || ptr.Sequence == 0 {
			t.Errorf("trustlist.json: %v, %+v", err, ptr)
		}
		get(t, base+"demo.html", "text/html; charset=utf-8")

		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("passcheck demo after SIGINT: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("passcheck demo did not stop on SIGINT")
		}
	})
}

// get fetches url and checks the status and the Content-Type.
func get(t *testing.T, url, ctype string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ctype {
		t.Fatalf("GET %s: %s, %q; want 200, %q", url, resp.Status, resp.Header.Get("Content-Type"), ctype)
	}
	return body
}
