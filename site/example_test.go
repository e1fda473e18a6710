package site_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/passcheck/passcheck/site"
)

// ExampleBuild builds the site pinned to a publisher key and serves it with
// the production headers. (WasmFile takes a module built already; without
// it, Build compiles one with the go command on PATH.)
func ExampleBuild() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	spki, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})

	dir, _ := os.MkdirTemp("", "site-example-")
	defer os.RemoveAll(dir)
	module := filepath.Join(dir, "prebuilt.wasm")
	os.WriteFile(module, []byte("\x00asm\x01\x00\x00\x00"), 0o644) // a stand-in

	m, err := site.Build(site.Options{
		Out:          filepath.Join(dir, "dist"),
		TrustKeysPEM: [][]byte{pub},
		WasmFile:     module,
		Version:      "v1.0.0",
		NoCompress:   true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Assets["index.html"], m.TrustListURL, m.Version)

	h, err := site.Handler(filepath.Join(dir, "dist"))
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/" + m.Assets["passcheck.wasm"])
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	// Output:
	// index.html trustlist.json v1.0.0
	// 200 OK application/wasm public, max-age=31536000, immutable
}
