package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
)

// writeFile writes data into a new file in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// blankPNG is a white image without a code.
func blankPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestScanVerify: a pass rendered by issuer.QRPNG scans back to its text,
// and the scanned line verifies.
func TestScanVerify(t *testing.T) {
	text, now := vectorText(t, "valid-vaccination-es256")
	img, err := issuer.QRPNG(text, 2)
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, t.TempDir(), "pass.png", img)
	code, out, stderr := runCmd(t, "", "scan", path)
	if code != 0 || out != text+"\n" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and the pass text", code, out, stderr)
	}
	code, out, stderr = runCmd(t, out, "verify", "--dsc", signersPEM, "--at", now)
	if code != 0 {
		t.Fatalf("verify of the scanned text: exit %d\n%s%s", code, out, stderr)
	}
	// "-" reads the image from standard input.
	code, out, _ = runCmd(t, string(img), "scan", "-")
	if code != 0 || out != text+"\n" {
		t.Fatalf("scan -: exit %d, stdout %q", code, out)
	}
}

// TestScanDGCCommon: the EU conformance picture reads as its PREFIX.
func TestScanDGCCommon(t *testing.T) {
	data, err := os.ReadFile("../../testdata/dgc-common/2DCode/raw/CO28.json")
	if err != nil {
		t.Fatal(err)
	}
	var tc struct {
		Code   string `json:"2DCODE"`
		Prefix string `json:"PREFIX"`
	}
	if err := json.Unmarshal(data, &tc); err != nil {
		t.Fatal(err)
	}
	img, err := base64.StdEncoding.DecodeString(tc.Code)
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", "scan", writeFile(t, t.TempDir(), "co28.png", img))
	if code != 0 || out != tc.Prefix+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want PREFIX", code, out, stderr)
	}
}

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	hard := "../../qrimage/testdata/hard"
	manifest, err := os.ReadFile(filepath.Join(hard, "manifest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(string(manifest), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 {
			want[f[0]] = f[2]
		}
	}
	a := filepath.Join(hard, "small-1.3px.png")
	b := filepath.Join(hard, "rot-30.png")
	blank := writeFile(t, dir, "blank.png", blankPNG(t))
	notImage := writeFile(t, dir, "note.txt", []byte("HC1:not an image"))
	missing := filepath.Join(dir, "missing.png")
	// One image of two passes prints both, one per line, with a hint; the
	// same pass twice prints once.
	passA, _ := vectorText(t, "valid-vaccination-es256")
	passB := want["rot-30.png"]
	pair := filepath.Join(dir, "pair.png")
	writeTwoCodes(t, pair, passA, passB)
	twice := filepath.Join(dir, "twice.png")
	writeTwoCodes(t, twice, passA, passA)

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr []string // substrings
	}{
		{"two codes", []string{a, b}, 0, want["small-1.3px.png"] + "\n" + want["rot-30.png"] + "\n", nil},
		{"one without a code", []string{a, blank, b}, 4, want["small-1.3px.png"] + "\n" + want["rot-30.png"] + "\n",
			[]string{"passcheck: error: " + blank + ": no QR code found"}},
		{"an image of two codes", []string{pair, a}, 0, passA + "\n" + passB + "\n" + want["small-1.3px.png"] + "\n",
			[]string{"passcheck: hint: " + pair + " shows 2 QR codes; verify checks one pass at a time"}},
		{"an image of one code twice", []string{twice}, 0, passA + "\n", nil},
		{"missing file", []string{missing, blank}, 2, "",
			[]string{"passcheck: error: " + missing + ": no such file or directory", blank + ": no QR code found"}},
		{"not an image", []string{notImage}, 2, "", []string{"passcheck: error: " + notImage + ": qrimage: invalid image"}},
		{"no arguments", nil, 2, "", []string{"usage: passcheck scan IMAGE..."}},
		{"bad flag", []string{"--nope", a}, 2, "", []string{"flag provided but not defined"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, "", append([]string{"scan"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if out != tt.stdout {
				t.Errorf("stdout %q, want %q", out, tt.stdout)
			}
			if tt.stderr == nil && stderr != "" {
				t.Errorf("stderr %q, want none", stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}
