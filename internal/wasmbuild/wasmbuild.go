// Package wasmbuild is the one recipe that compiles the verifier's
// WebAssembly module (./wasm): make wasm (through internal/cmd/buildwasm),
// the site build (package site) and the site's tests all call [Build], so
// the module they ship has the same tags and flags, and a version.
//
// The recipe is
//
//	GOOS=js GOARCH=wasm CGO_ENABLED=0 GOPROXY=off GOFLAGS=-mod=readonly GOWORK=off GOTOOLCHAIN=local \
//	go build -trimpath -buildvcs=false -ldflags='-s -w -buildid= -X main.version=V' [-tags T] -o OUT ./wasm
//
// GOPROXY=off: the module imports only the standard library and this
// module's own packages (a test in the module root holds the sources to
// that), so the build never needs the network. GOTOOLCHAIN=local: a go
// command older than go.mod asks for fails with its own message instead of
// trying to download a newer one.
package wasmbuild

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Options describe one build of the module.
type Options struct {
	// Dir is the module's root (the folder of go.mod, with wasm/ in it).
	Dir string
	// Out is the file to write.
	Out string
	// Tags are extra build tags, e.g. "noqr" for the module without the
	// QR decoder.
	Tags []string
	// Version is stamped into the module (-X main.version), which reports
	// it as globalThis.passcheck.version; "" means [Version] of Dir.
	Version string
	// Go is the go command; "" means [GoCommand].
	Go string
}

// Args returns the go command's arguments for o (after "go").
func Args(o Options) []string {
	args := []string{"build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid= -X main.version=" + o.Version}
	if len(o.Tags) > 0 {
		args = append(args, "-tags", strings.Join(o.Tags, ","))
	}
	return append(args, "-o", o.Out, "./wasm")
}

// Env returns the environment of the build: the caller's, with the
// settings of the recipe last (so they win).
func Env() []string {
	return append(os.Environ(),
		"GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0",
		"GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off", "GOTOOLCHAIN=local")
}

// Build compiles the module in o.Dir into o.Out.
func Build(o Options) error {
	if o.Dir == "" || o.Out == "" {
		return errors.New("wasmbuild: Dir and Out are required")
	}
	if o.Go == "" {
		o.Go = GoCommand()
	}
	if o.Version == "" {
		o.Version = Version(o.Dir)
	}
	if strings.ContainsAny(o.Version, " \t\n'\"") {
		return fmt.Errorf("wasmbuild: version %q: no spaces or quotes", o.Version)
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	o.Out = out
	cmd := exec.Command(o.Go, Args(o)...)
	cmd.Dir = o.Dir
	cmd.Env = Env()
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the WebAssembly module (GOOS=js GOARCH=wasm %s %s): %v\n%s", filepath.Base(o.Go), strings.Join(Args(o), " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// GoCommand is the go command to build with: the one on PATH, else the one
// of the toolchain that built this program, else "go".
func GoCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if gr := os.Getenv("GOROOT"); gr != "" {
		return filepath.Join(gr, "bin", "go")
	}
	return "go"
}

// WasmExec returns the path of Go's wasm_exec.js (the glue between the
// module and the page) of the go command goCmd: it must come from the
// toolchain that built the module.
func WasmExec(goCmd string) (string, error) {
	out, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("%s env GOROOT: %w (the site build needs the go command on PATH)", goCmd, err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("wasm_exec.js of the Go toolchain: %w", err)
	}
	return p, nil
}

// Version is the version to stamp when none is given: the running
// program's module version (go install …@v1.2.3), else `git describe
// --always --dirty` of dir when dir is in a git checkout, else "devel".
func Version(dir string) string {
	if v := BinaryVersion(); v != "" {
		return v
	}
	if dir != "" {
		cmd := exec.Command("git", "describe", "--always", "--dirty")
		cmd.Dir = dir
		if out, err := cmd.Output(); err == nil {
			if v := strings.TrimSpace(string(out)); v != "" {
				return v
			}
		}
	}
	return "devel"
}

// BinaryVersion is the running program's module version from its build
// information, or "" for a development build ("(devel)").
func BinaryVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return ""
}
