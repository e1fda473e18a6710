//go:build !js

package qrimage

// The tests of DecodeBytes, which the WebAssembly build leaves out.

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardCases reads every generated hard case (testdata/hard, made by
// go generate) through the public API.
func TestHardCases(t *testing.T) {
	for _, c := range loadHardCases(t) {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", "hard", c.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeBytes(data)
			if err != nil {
				t.Fatalf("%s (%s): %v", c.file, c.desc, err)
			}
			if got != c.text {
				t.Fatalf("%s: read %q, want %q", c.file, got, c.text)
			}
		})
	}
}

// TestDGCCommon checks the EU conformance cases that carry a picture: the
// 2DCODE PNG must read as PREFIX when EXPECTEDPICTUREDECODE is true, and
// must not when it is false (Q1: the picture cannot be read).
func TestDGCCommon(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "dgc-common", "2DCode", "raw", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tc struct {
			Code     string `json:"2DCODE"`
			Prefix   string `json:"PREFIX"`
			Expected struct {
				PictureDecode *bool `json:"EXPECTEDPICTUREDECODE"`
			} `json:"EXPECTEDRESULTS"`
		}
		if err := json.Unmarshal(data, &tc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if tc.Code == "" || tc.Expected.PictureDecode == nil {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			img, err := base64.StdEncoding.DecodeString(tc.Code)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeBytes(img)
			if *tc.Expected.PictureDecode {
				if err != nil || got != tc.Prefix {
					t.Fatalf("read %q, %v; want PREFIX %q", got, err, tc.Prefix)
				}
			} else if err == nil && got == tc.Prefix {
				t.Fatalf("read PREFIX, but the case expects the picture not to decode")
			}
		})
	}
	if n == 0 {
		t.Fatal("no dgc-common case with 2DCODE and EXPECTEDPICTUREDECODE")
	}
}

func TestDecodeBytesErrors(t *testing.T) {
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, qrImage(t, sampleHC1, 2, 4)); err != nil {
		t.Fatal(err)
	}
	good := pngBuf.Bytes()
	for name, data := range map[string][]byte{
		"empty":          nil,
		"text":           []byte("HC1:NCFOXN%TS3DH"),
		"truncated PNG":  good[:len(good)/2],
		"huge PNG":       pngHeader(100000, 100000),
		"wide PNG":       pngHeader(MaxDimension+1, 1),
		"GIF":            []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"over file size": make([]byte, MaxFileSize+1),
	} {
		if _, err := DecodeBytes(data); !errors.Is(err, ErrImage) {
			t.Errorf("%s: error %v, want ErrImage", name, err)
		}
	}
}

// pngHeader returns the signature and an IHDR chunk for a w×h 8-bit gray
// PNG, with no image data.
func pngHeader(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 0 // bit depth, gray
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// FuzzDecodeBytes: no input panics, and every error is ErrImage or
// ErrNotFound.
func FuzzDecodeBytes(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "hard", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	n := 0
	for _, s := range seeds {
		if strings.HasSuffix(s, ".txt") {
			continue
		}
		if fi, err := os.Stat(s); err != nil || fi.Size() > 8<<10 {
			continue // small seeds keep the seed run quick
		}
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		n++
	}
	if n == 0 {
		f.Fatal("no seed images in testdata/hard")
	}
	f.Add(pngHeader(100000, 100000))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The ladder's cost grows with the pixels; large images would slow
		// the fuzzer to a few inputs a minute, and the size limits have
		// their own tests (TestDecodeBytesErrors).
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 300*300 {
			t.Skip()
		}
		text, err := DecodeBytes(data)
		if err != nil && !errors.Is(err, ErrImage) && !errors.Is(err, ErrNotFound) {
			t.Fatalf("error %v is neither ErrImage nor ErrNotFound", err)
		}
		if err == nil && text == "" {
			t.Fatal("no error and no text")
		}
	})
}
