//go:build !js

package main

import (
	"crypto/x509"
	"encoding/json"
	"image"
	"image/draw"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// TestNodeScanSeveral: an uploaded picture of two different codes answers
// scanImage with the array of both texts, and the ES module's scanCodes
// with both, its scan with null; one code answers its text everywhere, as
// before; a camera frame reads one code.
func TestNodeScanSeveral(t *testing.T) {
	m := buildModule(t)
	pub := newPublisher(t)
	bundle := pub.bundle(t, []*x509.Certificate{fillerCert(t)}, 1, time.Now(), 24*time.Hour)
	const a, b = "HC1:FIRST-CODE", "HC1:SECOND-CODE"
	var images []map[string]any
	add := func(name string, texts ...string) {
		var codes []*image.Gray
		w, h := 0, 0
		for _, s := range texts {
			c, err := issuer.QRImage(s, 4)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, c)
			w, h = w+c.Rect.Dx(), max(h, c.Rect.Dy())
		}
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
		x := 0
		for _, c := range codes {
			draw.Draw(img, c.Rect.Add(image.Pt(x, 0)), c, image.Point{}, draw.Src)
			x += c.Rect.Dx()
		}
		images = append(images, map[string]any{"name": name, "rgba": b64(img.Pix), "width": w, "height": h})
	}
	add("one", a)
	add("two", a, b)
	add("same twice", a, a)

	var got map[string]struct {
		Upload    json.RawMessage `json:"upload"`
		Frame     json.RawMessage `json:"frame"`
		Scan      *string         `json:"scan"`
		ScanCodes []string        `json:"scanCodes"`
	}
	runScanNode(t, m, map[string]any{"bundle": b64(bundle), "keys": pub.pem, "images": images}, &got)

	for name, want := range map[string]struct {
		upload, scan string
		codes        []string
	}{
		"one":        {`"` + a + `"`, a, []string{a}},
		"two":        {`["` + a + `","` + b + `"]`, "", []string{a, b}},
		"same twice": {`"` + a + `"`, a, []string{a}},
	} {
		g, ok := got[name]
		if !ok {
			t.Fatalf("%s: no answer", name)
		}
		if string(g.Upload) != want.upload {
			t.Errorf("%s: scanImage upload = %s, want %s", name, g.Upload, want.upload)
		}
		if name != "two" && string(g.Frame) != want.upload {
			t.Errorf("%s: scanImage frame = %s, want %s", name, g.Frame, want.upload)
		}
		if name == "two" && string(g.Frame) != `"`+a+`"` && string(g.Frame) != `"`+b+`"` {
			t.Errorf("two: scanImage frame = %s, want one of the texts", g.Frame)
		}
		if (g.Scan == nil) != (want.scan == "") || (g.Scan != nil && *g.Scan != want.scan) {
			t.Errorf("%s: scan = %v, want %q (empty: null)", name, g.Scan, want.scan)
		}
		if len(g.ScanCodes) != len(want.codes) || (len(want.codes) > 0 && g.ScanCodes[0] != want.codes[0]) || (len(want.codes) > 1 && g.ScanCodes[1] != want.codes[1]) {
			t.Errorf("%s: scanCodes = %q, want %q", name, g.ScanCodes, want.codes)
		}
	}
}

// runScanNode runs testdata/scan.mjs with job, as runNode runs runner.mjs.
func runScanNode(t *testing.T, m module, job map[string]any, out any) {
	t.Helper()
	runNodeScript(t, m, "scan.mjs", 3*time.Minute, job, out)
}
