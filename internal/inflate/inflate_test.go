package inflate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

func deflate(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// samples are inputs of every block kind: stored (level 0), fixed codes
// (short texts), dynamic codes, long matches, and random bytes.
func samples() [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 70000)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	text := bytes.Repeat([]byte(`{"ver":"1.3.0","nam":{"fn":"Mustermann","gn":"Erika"},"dob":"1964-08-12","v":[{"tg":"840539006"}]} `), 300)
	return [][]byte{
		nil, []byte("a"), []byte("abcabcabcabcabc"), text[:120], text, random[:300], random,
		bytes.Repeat([]byte{0}, 100000),
		append(append([]byte(nil), random[:40000]...), random[:40000]...), // a match 40,000 back is refused by the writer, not the format
	}
}

func TestZlibAgainstStdlib(t *testing.T) {
	for i, data := range samples() {
		for _, level := range []int{zlib.NoCompression, zlib.BestSpeed, 6, zlib.BestCompression, zlib.HuffmanOnly} {
			z := deflate(t, data, level)
			got, n, err := Zlib(z, 1<<20)
			if err != nil || n != len(z) || !bytes.Equal(got, data) {
				t.Errorf("sample %d level %d: %d bytes, took %d of %d, %v", i, level, len(got), n, len(z), err)
			}
		}
	}
}

func TestZlibRefuses(t *testing.T) {
	good := deflate(t, []byte("hello, hello, hello, world"), 6)
	flip := func(i int, mask byte) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= mask
		return b
	}
	stored := deflate(t, []byte("stored bytes"), zlib.NoCompression)
	badLen := append([]byte(nil), stored...)
	badLen[5] ^= 1 // NLEN no longer the complement of LEN
	for name, in := range map[string][]byte{
		"empty":            {},
		"not zlib":         []byte("HC1:"),
		"header check":     flip(1, 1),
		"dictionary":       {0x78, 0xbb, 0, 0, 0, 1},
		"block type 3":     {0x78, 0x9c, 0x07},
		"truncated":        good[:len(good)-6],
		"checksum":         flip(len(good)-1, 1),
		"no checksum":      good[:len(good)-4],
		"stored length":    badLen,
		"distance too far": {0x78, 0x9c, 0x63, 0x00, 0x02, 0x00}, // fixed block: a length/distance pair before any output
	} {
		if out, _, err := Zlib(in, 1<<20); err == nil {
			t.Errorf("%s: accepted, %q", name, out)
		}
		// compress/zlib refuses each of them too.
		if r, err := zlib.NewReader(bytes.NewReader(in)); err == nil {
			if _, err := io.ReadAll(r); err == nil {
				t.Errorf("%s: compress/zlib accepts it", name)
			}
		}
	}
	var e *Error
	if _, _, err := Zlib(flip(len(good)-1, 1), 100); !errors.As(err, &e) || e.Reason != "checksum mismatch" {
		t.Errorf("checksum: %v", err)
	}
}

func TestZlibCap(t *testing.T) {
	for _, level := range []int{zlib.NoCompression, 6} {
		z := deflate(t, bytes.Repeat([]byte("x"), 5000), level)
		if _, _, err := Zlib(z, 4999); err != ErrTooLarge {
			t.Errorf("level %d, cap 4999: %v", level, err)
		}
		if out, _, err := Zlib(z, 5000); err != nil || len(out) != 5000 {
			t.Errorf("level %d, cap 5000: %d, %v", level, len(out), err)
		}
	}
}

func TestZlibTrailing(t *testing.T) {
	z := deflate(t, []byte("pass"), 9)
	_, n, err := Zlib(append(z, "tail"...), 100)
	if err != nil || n != len(z) {
		t.Errorf("took %d of %d, %v", n, len(z), err)
	}
}

// stdZlib decodes with compress/zlib, capped at max bytes.
func stdZlib(in []byte, max int) ([]byte, int, error) {
	br := bytes.NewReader(in)
	r, err := zlib.NewReader(br)
	if err != nil {
		return nil, 0, err
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, 0, err
	}
	if len(out) > max {
		return nil, 0, ErrTooLarge
	}
	return out, len(in) - br.Len(), nil
}

// agree checks Zlib against compress/zlib on in: both refuse it, or both
// give the same output from the same bytes. The one difference allowed:
// Zlib refuses a stream whose literal/length code has no end-of-block
// symbol, which compress/zlib refuses later, or never reads to its end.
func agree(t *testing.T, in []byte) {
	const max = 1 << 16
	got, n, err := Zlib(in, max)
	want, wn, werr := stdZlib(in, max)
	switch {
	case err == nil && werr != nil:
		t.Fatalf("Zlib accepts what compress/zlib refuses (%v): %x", werr, in)
	case err != nil && werr == nil:
		var e *Error
		if errors.As(err, &e) && e.Reason == "no end-of-block code" {
			return
		}
		t.Fatalf("Zlib refuses (%v) what compress/zlib accepts: %x", err, in)
	case err == nil && (!bytes.Equal(got, want) || n != wn):
		t.Fatalf("outputs differ (%d/%d bytes, took %d/%d): %x", len(got), len(want), n, wn, in)
	}
}

// TestZlibDamaged compares both decoders on thousands of damaged streams:
// bits flipped, bytes cut off, at every block kind.
func TestZlibDamaged(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, data := range samples()[:6] {
		for _, level := range []int{zlib.NoCompression, zlib.BestSpeed, zlib.BestCompression, zlib.HuffmanOnly} {
			z := deflate(t, data, level)
			for k := 0; k < 300; k++ {
				b := append([]byte(nil), z...)
				for f := 0; f <= k%3; f++ {
					b[r.IntN(len(b))] ^= 1 << r.IntN(8)
				}
				if k%5 == 0 {
					b = b[:r.IntN(len(b)+1)]
				}
				agree(t, b)
			}
		}
	}
}

func FuzzZlib(f *testing.F) {
	for _, data := range samples()[:6] {
		for _, level := range []int{zlib.NoCompression, zlib.BestSpeed, zlib.BestCompression, zlib.HuffmanOnly} {
			f.Add(deflate(f, data, level))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) { agree(t, in) })
}
