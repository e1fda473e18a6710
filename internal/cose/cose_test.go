package cose_test

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/cose"
)

// The two uses: a pass (dcc) and a trust-list bundle (trustlist/internal/wire).
var (
	passOptions   = cose.Options{Limits: cbor.Limits{MaxDepth: 16, MaxItems: 512}, UnprotectedFallback: true}
	bundleOptions = cose.Options{Limits: cbor.Limits{MaxDepth: 16, MaxItems: 512, DefiniteOnly: true, NoTags: true}, Strict: true}
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSigStructure(t *testing.T) {
	got := cose.SigStructure([]byte{0xa1, 0x01, 0x26}, []byte{0x01})
	want := "84" + "6a" + hex.EncodeToString([]byte("Signature1")) + "43a10126" + "40" + "4101"
	if hex.EncodeToString(got) != want {
		t.Errorf("Sig_structure\n got %x\nwant %s", got, want)
	}
	// A payload of 300 bytes takes a two-byte length; the prefix leaves
	// room for it.
	payload := bytes.Repeat([]byte{7}, 300)
	got = cose.SigStructure(nil, payload)
	want = "846a" + hex.EncodeToString([]byte("Signature1")) + "40" + "40" + "59012c" + hex.EncodeToString(payload)
	if hex.EncodeToString(got) != want {
		t.Errorf("Sig_structure of an empty header and 300 bytes\n got %x\nwant %s", got, want)
	}
	prefix := cose.SigStructurePrefix(nil, len(payload), 5)
	if !bytes.Equal(append(prefix, payload...), got) || cap(prefix)-len(prefix) < 5 {
		t.Errorf("prefix %x (room %d)", prefix, cap(prefix)-len(prefix))
	}
	m := cose.Sign1{Protected: []byte{0xa1, 0x01, 0x26}, Payload: []byte{0x01}}
	if !bytes.Equal(m.ToBeSigned(), cose.SigStructure(m.Protected, m.Payload)) {
		t.Error("ToBeSigned is not the Sig_structure")
	}
}

// TestDecode reads each message as a pass and as a bundle.
func TestDecode(t *testing.T) {
	type want struct {
		alg int64
		kid string
		err string // a part of the error; "" for success
	}
	for _, tc := range []struct {
		name, hex    string
		pass, bundle want
	}{
		{"untagged", "84 43a10126 a0 4100 4101", want{alg: -7}, want{alg: -7}},
		{"tag 18", "d2 84 47a20126044201 02 a0 4100 4101", want{-7, "0102", ""}, want{-7, "0102", ""}},
		{"tag 18 in two bytes", "d8 12 84 43a10126 a0 4100 4101", want{alg: -7}, want{err: "tag"}},
		{"tag 61 around tag 18", "d8 3d d2 84 43a10126 a0 4100 4101", want{alg: -7}, want{err: "tag"}},
		{"tag 61 alone", "d8 3d 84 43a10126 a0 4100 4101", want{alg: -7}, want{err: "tag"}},
		{"tag 18 twice", "d2 d2 84 43a10126 a0 4100 4101", want{err: "four items"}, want{err: "tag"}},
		{"tag 18 around tag 61", "d2 d8 3d 84 43a10126 a0 4100 4101", want{err: "four items"}, want{err: "tag"}},
		{"another tag", "d8 62 84 43a10126 a0 4100 4101", want{err: "not COSE_Sign1"}, want{err: "tag"}},
		{"indefinite array", "9f 43a10126 a0 4100 4101 ff", want{alg: -7}, want{err: "indefinite"}},
		{"array of three", "83 43a10126 a0 4100", want{err: "four items"}, want{err: "four items"}},
		{"protected header not a byte string", "84 a10126 a0 4100 4101", want{err: "protected header is not a byte string"}, want{err: "protected header is not a byte string"}},
		{"unprotected header not a map", "84 43a10126 80 4100 4101", want{err: "unprotected header is not a map"}, want{err: "unprotected header is not a map"}},
		{"detached payload", "84 43a10126 a0 f6 4101", want{err: "no payload"}, want{err: "no payload"}},
		{"text signature", "84 43a10126 a0 4100 6101", want{err: "signature"}, want{err: "signature"}},
		{"empty signature", "84 43a10126 a0 4100 40", want{alg: -7}, want{alg: -7}},
		{"empty protected header", "84 40 a2 0126 0441aa 4100 4101", want{-7, "aa", ""}, want{err: "protected header: cbor: unexpected end"}},
		{"protected header not a map", "84 4180 a0 4100 4101", want{err: "protected header: not a map"}, want{err: "protected header: not a map"}},
		{"protected header trailing byte", "84 440126 0000 a0 4100 4101", want{err: "protected header"}, want{err: "protected header"}},
		{"crit", "84 46a2012602810f a0 4100 4101", want{alg: -7}, want{err: "critical"}},
		{"alg and kid from the protected header only", "84 47a20126044201 02 a2 0125 0441aa 4100 4101", want{-7, "0102", ""}, want{-7, "0102", ""}},
		{"alg and kid from the unprotected header", "84 40 a2 0138 24 0441aa 4100 4101", want{-37, "aa", ""}, want{err: "end of data"}},
		{"kid from the unprotected header, alg protected", "84 43a10126 a1 0441aa 4100 4101", want{-7, "aa", ""}, want{alg: -7}},
		{"alg as text", "84 44a1016145 a0 4100 4101", want{err: "protected header: alg E is not an integer"}, want{err: "protected header: alg E is not an integer"}},
		{"unprotected alg as text", "84 41a0 a1 016145 4100 4101", want{err: "unprotected header: alg E is not an integer"}, want{}},
		{"kid as text", "84 46a20126046161 a0 4100 4101", want{err: "protected header: kid"}, want{err: "protected header: kid"}},
		{"unprotected kid as text", "84 43a10126 a1 046161 4100 4101", want{err: "unprotected header: kid"}, want{alg: -7}},
		{"text label unprotected", "84 43a10126 a1 6161 00 4100 4101", want{alg: -7}, want{err: "label"}},
		{"trailing byte", "84 43a10126 a0 4100 4101 00", want{err: "extra data"}, want{err: "extra data"}},
		{"empty", "", want{err: "end of data"}, want{err: "end of data"}},
	} {
		for _, use := range []struct {
			name string
			o    cose.Options
			want want
		}{{"pass", passOptions, tc.pass}, {"bundle", bundleOptions, tc.bundle}} {
			t.Run(tc.name+"/"+use.name, func(t *testing.T) {
				m, err := cose.Decode(mustHex(t, tc.hex), use.o)
				if use.want.err != "" {
					if err == nil || !strings.Contains(err.Error(), use.want.err) {
						t.Fatalf("error %v, want one about %q", err, use.want.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if m.Alg != use.want.alg || hex.EncodeToString(m.KID) != use.want.kid {
					t.Errorf("alg %d kid %x, want %d %s", m.Alg, m.KID, use.want.alg, use.want.kid)
				}
				if !bytes.Equal(m.Payload, []byte{0}) {
					t.Errorf("payload %x", m.Payload)
				}
			})
		}
	}
}

// TestDecodeAliases: the byte strings of a Sign1 are parts of the input, and
// the protected header is kept as received, not re-encoded.
func TestDecodeAliases(t *testing.T) {
	b := mustHex(t, "d2 84 4b a2 1801 26 1a00000004 41aa a0 4100 4101")
	m, err := cose.Decode(b, passOptions)
	if err != nil {
		t.Fatal(err)
	}
	if m.Alg != -7 || !bytes.Equal(m.KID, []byte{0xaa}) {
		t.Fatalf("alg %d kid %x", m.Alg, m.KID)
	}
	if hex.EncodeToString(m.Protected) != "a21801261a0000000441aa" || &m.Protected[0] != &b[3] || &m.Signature[0] != &b[len(b)-1] {
		t.Errorf("protected %x does not alias the input as received", m.Protected)
	}
}

// seeds returns the COSE messages of the test vectors (passes) and some
// bundle-shaped messages; it fails when the vectors are not found.
func seeds(f *testing.F) [][]byte {
	files, err := filepath.Glob("../../testdata/vectors/*.txt")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed vectors in testdata/vectors (%v)", err)
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		_, text, _ := strings.Cut(string(data), "\n\n")
		z, err := base45.Decode(strings.TrimPrefix(strings.TrimSpace(text), "HC1:"))
		if err != nil {
			continue
		}
		zr, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			continue
		}
		if raw, err := io.ReadAll(zr); err == nil {
			out = append(out, raw)
		}
	}
	if len(out) < len(files)/2 {
		f.Fatalf("only %d seeds from %d vectors", len(out), len(files))
	}
	for _, h := range []string{
		"d2 84 4d a2 0126 0448 0102030405060708 a0 45 a1 01 01 02 03 5840" + strings.Repeat("11", 64),
		"84 47a20126044201 02 a2 0125 0441aa 4100 4101",
		"84 40 a2 0138 24 0441aa 4100 4101",
		"84 46a2012602810f a0 4100 4101",
	} {
		out = append(out, mustHex(f, h))
	}
	return out
}

// FuzzDecode reads every input as a pass and as a bundle: no panic, errors
// that say which part is wrong, byte strings that are parts of the input,
// a Sig_structure that reads back, and a bundle reading that agrees with
// the pass reading of the same message.
func FuzzDecode(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pass, perr := cose.Decode(b, passOptions)
		bundle, berr := cose.Decode(b, bundleOptions)
		for _, err := range []error{perr, berr} {
			if err != nil && !strings.HasPrefix(err.Error(), "COSE_Sign1: ") && !strings.HasPrefix(err.Error(), "protected header: ") && !strings.HasPrefix(err.Error(), "unprotected header: ") {
				t.Fatalf("error %q names no part", err)
			}
		}
		for _, m := range []struct {
			m   cose.Sign1
			err error
		}{{pass, perr}, {bundle, berr}} {
			if m.err == nil {
				checkSign1(t, b, m.m)
			}
		}
		if berr != nil {
			return
		}
		// What a bundle may hold, a pass may: the same envelope, and the
		// same alg and kid where the protected header has them.
		if perr != nil {
			if !strings.HasPrefix(perr.Error(), "unprotected header: ") {
				t.Fatalf("%x: a bundle, not a pass: %v", b, perr)
			}
			return
		}
		if !bytes.Equal(pass.Protected, bundle.Protected) || !bytes.Equal(pass.Payload, bundle.Payload) || !bytes.Equal(pass.Signature, bundle.Signature) {
			t.Fatalf("%x: the pass and the bundle readings differ", b)
		}
		if (bundle.Alg != 0 && bundle.Alg != pass.Alg) || (bundle.KID != nil && !bytes.Equal(bundle.KID, pass.KID)) {
			t.Fatalf("%x: alg %d kid %x as a bundle, %d %x as a pass", b, bundle.Alg, bundle.KID, pass.Alg, pass.KID)
		}
	})
}

// checkSign1 checks a decoded message against its input b.
func checkSign1(t *testing.T, b []byte, m cose.Sign1) {
	t.Helper()
	for _, s := range [][]byte{m.Protected, m.Payload, m.Signature, m.KID} {
		if len(s) > 0 && !bytes.Contains(b, s) {
			t.Fatalf("%x: %x is not a part of the input", b, s)
		}
	}
	v, err := cbor.Decode(m.ToBeSigned(), cbor.Limits{MaxDepth: 1, MaxItems: 4})
	want := []any{"Signature1", m.Protected, []byte{}, m.Payload}
	if err != nil || len(v.([]any)) != 4 || !reflect.DeepEqual(norm(v.([]any)), norm(want)) {
		t.Fatalf("%x: Sig_structure reads as %#v (%v)", b, v, err)
	}
}

// norm makes nil and empty byte strings equal.
func norm(a []any) []any {
	out := make([]any, len(a))
	for i, v := range a {
		if s, ok := v.([]byte); ok && len(s) == 0 {
			v = []byte{}
		}
		out[i] = v
	}
	return out
}
