package wire_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	fx "github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/trustlist/internal/encode"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

var lim = cbor.Limits{MaxDepth: 16, MaxItems: 100_000}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entryHex is a valid entry: kid, country "AT", spki h'3000'.
const entryHex = "a3 01 480102030405060708 02 624154 07 423000"

func TestDecodePayload(t *testing.T) {
	good := "a5 0101 0202 0303 0404 05 81" + entryHex
	for _, tc := range []struct {
		name, hex string
		err       string // "" for success; else a part of the error
	}{
		{"good", good, ""},
		{"non-shortest integers", "a5 1801 01 190002 02 1a00000003 03 1b0000000000000004 04 05 81" + entryHex, ""}, // keys 1..4 non-shortest
		{"sequence 2^64-1", "a5 0101 02 1bffffffffffffffff 0303 0404 0580", ""},
		{"negative times", "a5 0101 0202 0320 0401 0580", ""},
		{"reserved key with byte-string map keys", "a6 0101 0202 0303 0404 0580 06 a1 4101 f6", ""},
		{"unknown entry keys of any type", "a5 0101 0202 0303 0404 05 81 a5 01 480102030405060708 02 624154 07 423000 63616263 f5 20 a0", ""},
		{"byte-string entry key", "a5 0101 0202 0303 0404 05 81 a1 4100 00", "neither"},
		{"key 0 ignored", "a6 0001 0101 0202 0303 0404 0580", ""},
		{"trailing byte", good + "00", "extra data"},
		{"not a map", "83010203", "not a map"},
		{"indefinite map", "bf 0101 ff", "indefinite"},
		{"indefinite string in reserved content", "a6 0101 0202 0303 0404 0580 06 5f 4101 ff", "indefinite"},
		{"tag in reserved content", "a6 0101 0202 0303 0404 0580 06 c1 01", "tag"},
		{"tag on a field", "a5 0101 0202 03 c1 03 0404 0580", "tag"},
		{"duplicate top-level key", "a6 0101 0202 0303 0404 0580 0101", "duplicate"},
		{"duplicate top-level key, non-shortest", "a6 0101 0202 0303 0404 0580 1801 01", "duplicate"},
		{"duplicate reserved key", "a7 0101 0202 0303 0404 0580 0600 0600", "duplicate"},
		{"duplicate entry key", "a5 0101 0202 0303 0404 05 81 a2 02 6141 02 6141", "duplicate"},
		{"duplicate unknown entry key", "a5 0101 0202 0303 0404 05 81 a2 08 00 18 08 00", "duplicate"},
		{"text key at the top", "a6 0101 0202 0303 0404 0580 6161 00", "not an unsigned integer"},
		{"no version", "a4 0202 0303 0404 0580", "no format version"},
		{"negative version", "a5 0120 0202 0303 0404 0580", "not an unsigned integer"},
		{"version 2", "a1 0102", "format version 2"},
		{"no signers", "a4 0101 0202 0303 0404", "key 5 is missing"},
		{"signers not an array", "a5 0101 0202 0303 0404 05a0", "not an array"},
		{"entry not a map", "a5 0101 0202 0303 0404 05 81 80", "not a map"},
		{"kid as text", "a5 0101 0202 0303 0404 05 81 a1 01 6161", "not a byte string"},
		{"country as bytes", "a5 0101 0202 0303 0404 05 81 a1 02 4141", "not a text string"},
		{"country not UTF-8", "a5 0101 0202 0303 0404 05 81 a1 02 61ff", "UTF-8"},
		{"usage 256", "a5 0101 0202 0303 0404 05 81 a1 05 190100", "usage"},
		{"null field", "a5 0101 0202 0303 0404 05 81 a1 03 f6", "not an integer"},
		{"time beyond int64", "a5 0101 0202 03 1b8000000000000000 0404 0580", "out of range"},
		{"float time", "a5 0101 0202 03 fb3ff0000000000000 0404 0580", "not an integer"},
		{"bad simple value", "a6 0101 0202 0303 0404 0580 06 f800", "simple"},
		{"truncated", good[:len(good)-2], "longer than the data"},
		{"truncated head", "a5 0101 0202 0303 0404 05 81 a1 01 5a0001", "end of data"},
		{"string past the end", "a5 0101 0202 0303 0404 05 81 a1 01 5a00010000", "longer"},
		{"array bigger than allowed", "a5 0101 0202 0303 0404 05 9a00100000", "too many"},
		{"too deep", "a6 0101 0202 0303 0404 0580 06" + strings.Repeat("81", 16) + "00", "deeply"},
		{"reserved info", "a5 0101 0202 0303 0404 05 9c", "reserved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _, err := wire.DecodePayload(mustHex(t, tc.hex), lim)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.Version != 1 {
					t.Fatalf("version %d", p.Version)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one about %q", err, tc.err)
			}
		})
	}
	p, reserved, err := wire.DecodePayload(mustHex(t, "a6 0101 02 1bffffffffffffffff 0320 0404 05 81"+entryHex+" 18 63 a1 4101 f6"), lim)
	if err != nil {
		t.Fatal(err)
	}
	want := &wire.Payload{Version: 1, Sequence: math.MaxUint64, IssuedAt: -1, ExpiresAt: 4, Signers: []wire.Entry{{
		KID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Country: "AT", SPKI: []byte{0x30, 0x00},
	}}}
	if !reflect.DeepEqual(p, want) || hex.EncodeToString(reserved[99]) != "a14101f6" || len(reserved) != 1 {
		t.Errorf("got %+v, reserved %x\nwant %+v", p, reserved, want)
	}
}

func TestDecodeProtected(t *testing.T) {
	for _, tc := range []struct {
		name, hex string
		alg       int64
		kid       string
		err       string
	}{
		{"alg and kid", "a2 0126 04 41aa", -7, "aa", ""},
		{"other labels ignored", "a3 0126 03 6161 6161 f5", -7, "", ""},
		{"no alg", "a0", 0, "", ""},
		{"crit", "a2 0126 02 81 18 63", 0, "", "critical"},
		{"alg as text", "a1 01 6145", 0, "", "not an integer"},
		{"kid as text", "a2 0126 04 6161", 0, "", "kid"},
		{"not a map", "80", 0, "", "not a map"},
		{"indefinite map", "bf 0126 ff", 0, "", "indefinite"},
		{"tag", "a1 01 c1 26", 0, "", "tag"},
		{"duplicate label", "a2 0126 0126", 0, "", "duplicate"},
		{"empty", "", 0, "", "end of data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The header in an envelope: {h'<header>', {}, h'00', h''}.
			prot := mustHex(t, tc.hex)
			msg := cbor.AppendHead([]byte{0x84}, 2, uint64(len(prot)))
			msg = append(append(msg, prot...), 0xa0, 0x41, 0x00, 0x40)
			p, err := wire.DecodeSign1(msg, lim)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one about %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Alg != tc.alg || hex.EncodeToString(p.KID) != tc.kid {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestDecodeSign1Refuses(t *testing.T) {
	for name, h := range map[string]string{
		"indefinite array":           "9f 43a10126 a0 41 00 40 ff",
		"array of 3":                 "83 43a10126 a0 4100",
		"tag 18 twice":               "d2 d2 84 43a10126 a0 4100 40",
		"tag 18 in two bytes":        "d8 12 84 43a10126 a0 4100 40",
		"tag in the unprotected map": "84 43a10126 a1 01 c1 00 4100 40",
		"text label unprotected":     "84 43a10126 a1 6161 00 4100 40",
		"null payload":               "84 43a10126 a0 f6 40",
		"text signature":             "84 43a10126 a0 4100 60",
		"trailing byte":              "84 43a10126 a0 4100 40 00",
	} {
		if _, err := wire.DecodeSign1(mustHex(t, h), lim); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// oldDecMode is the decoder that read bundles before the reader moved off
// github.com/fxamacker/cbor/v2; FuzzDecodePayload holds DecodePayload to it.
var oldDecMode, _ = fx.DecOptions{
	DupMapKey:        fx.DupMapKeyEnforcedAPF,
	MaxNestedLevels:  16,
	MaxArrayElements: 100_000,
	MaxMapPairs:      100_000,
	IndefLength:      fx.IndefLengthForbidden,
	TagsMd:           fx.TagsForbidden,
	UTF8:             fx.UTF8RejectInvalid,
}.DecMode()

// oldDecodePayload is the payload reader as it was, with fxamacker.
func oldDecodePayload(b []byte) (*wire.Payload, map[uint64][]byte, error) {
	var top map[uint64]fx.RawMessage
	if err := oldDecMode.Unmarshal(b, &top); err != nil {
		return nil, nil, err
	}
	var version uint64
	if err := oldDecMode.Unmarshal(top[wire.KeyVersion], &version); err != nil {
		return nil, nil, err
	}
	if version != wire.Version {
		return nil, nil, &wire.VersionError{Version: version}
	}
	p := wire.Payload{Version: version}
	for _, f := range []struct {
		key uint64
		dst any
	}{{wire.KeySequence, &p.Sequence}, {wire.KeyIssuedAt, &p.IssuedAt}, {wire.KeyExpiresAt, &p.ExpiresAt}, {wire.KeySigners, &p.Signers}} {
		raw := top[f.key]
		if raw == nil {
			return nil, nil, errors.New("missing")
		}
		if err := oldDecMode.Unmarshal(raw, f.dst); err != nil {
			return nil, nil, err
		}
	}
	var reserved map[uint64][]byte
	for k, v := range top {
		if k > wire.KeySigners {
			if reserved == nil {
				reserved = map[uint64][]byte{}
			}
			reserved[k] = v
		}
	}
	return &p, reserved, nil
}

// oldQuirk reports whether b holds what the old reader accepted and
// DecodePayload refuses on purpose: a null, undefined or other simple value
// (read as zero, or as an integer, where a field or key was read), or a
// text string that is not valid UTF-8 (not checked in content the old
// reader kept raw). It scans definite-length items without tags, the only
// ones the old reader accepted.
func oldQuirk(b []byte) bool {
	quirk := false
	var item func(off int) int // the offset after the item, or -1
	item = func(off int) int {
		if off >= len(b) {
			return -1
		}
		major, info := b[off]>>5, b[off]&0x1f
		off++
		var arg uint64
		switch {
		case info < 24:
			arg = uint64(info)
		case info <= 27:
			n := 1 << (info - 24)
			if len(b)-off < n {
				return -1
			}
			for _, c := range b[off : off+n] {
				arg = arg<<8 | uint64(c)
			}
			off += n
		default:
			return -1
		}
		switch major {
		case 2, 3:
			if arg > uint64(len(b)-off) {
				return -1
			}
			if major == 3 && !utf8.Valid(b[off:off+int(arg)]) {
				quirk = true
			}
			return off + int(arg)
		case 4, 5:
			if arg > 1<<20 {
				return -1
			}
			n := int(arg) * int(major-3)
			for range n {
				if off = item(off); off < 0 {
					return -1
				}
			}
		case 6:
			return -1
		case 7:
			if info < 25 {
				quirk = true
			}
		}
		return off
	}
	item(0)
	return quirk
}

// FuzzDecodePayload holds DecodePayload to the old fxamacker reader: the same
// payloads load, with the same content, except what [oldQuirk] describes.
func FuzzDecodePayload(f *testing.F) {
	good, err := encode.Marshal(wire.Payload{Version: 1, Sequence: 9, IssuedAt: 100, ExpiresAt: 200, Signers: []wire.Entry{
		{KID: []byte("12345678"), Country: "AT", NotBefore: 1, NotAfter: 2, Usage: 3, Subject: "DSC", SPKI: []byte{0x30, 0}},
		{KID: []byte("12345679"), Country: "DE", SPKI: []byte{0x30, 0}},
	}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, h := range []string{
		"a6 0101 02 1bffffffffffffffff 0320 0404 05 81" + entryHex + " 18 63 a1 4101 f6",
		"a5 1801 01 190002 02 1a00000003 03 1b0000000000000004 04 05 81" + entryHex,
		"a5 0101 0202 0303 0404 05 81 a5 01 480102030405060708 02 624154 07 423000 63616263 f5 20 a0",
		"a1 0102",
		"a5 0101 0202 0303 0404 05 81 a2 08 00 18 08 00",
	} {
		f.Add(mustHex(f, h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gotReserved, err := wire.DecodePayload(b, lim)
		want, wantReserved, oldErr := oldDecodePayload(b)
		var v1, v2 *wire.VersionError
		if isV1, isV2 := errors.As(err, &v1), errors.As(oldErr, &v2); isV1 || isV2 {
			if (v1 == nil || v2 == nil || *v1 != *v2) && !oldQuirk(b) {
				t.Fatalf("version errors differ: new %v, old %v", err, oldErr)
			}
			return
		}
		switch {
		case err != nil && oldErr != nil:
			return
		case err != nil:
			if oldQuirk(b) {
				return
			}
			t.Fatalf("refused what the old reader read (%v): %x", err, b)
		case oldErr != nil:
			t.Fatalf("read what the old reader refused (%v): %x", oldErr, b)
		}
		// nil and empty byte strings are the same to the reader's users.
		norm := func(p *wire.Payload) {
			for i := range p.Signers {
				e := &p.Signers[i]
				if len(e.KID) == 0 {
					e.KID = nil
				}
				if len(e.SPKI) == 0 {
					e.SPKI = nil
				}
			}
			if len(p.Signers) == 0 {
				p.Signers = nil
			}
		}
		norm(got)
		norm(want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("new %+v\nold %+v", got, want)
		}
		if len(gotReserved) != len(wantReserved) {
			t.Fatalf("reserved: new %x, old %x", gotReserved, wantReserved)
		}
		for k, v := range wantReserved {
			if !bytes.Equal(gotReserved[k], v) {
				t.Fatalf("reserved %d: new %x, old %x", k, gotReserved[k], v)
			}
		}
	})
}

// A bundle's payload is never read as a revocation index, nor the other
// way round, and both refuse a key given twice, whatever the key.
func TestIndexAndPayloadApart(t *testing.T) {
	bundle := mustHex(t, "a5 0101 0202 0303 0404 0580")
	if _, _, _, err := wire.DecodeIndex(bundle, lim, func([]byte, uint64, uint64) {}); err == nil || !strings.Contains(err.Error(), "not a revocation index") {
		t.Errorf("a bundle read as an index: %v", err)
	}
	index := mustHex(t, "a5 0101 0202 0303 0404 1080")
	if _, _, err := wire.DecodePayload(index, lim); err == nil || !strings.Contains(err.Error(), "key 5 is missing") {
		t.Errorf("an index read as a bundle: %v", err)
	}
	if _, _, _, err := wire.DecodeIndex(index, lim, func([]byte, uint64, uint64) {}); err != nil {
		t.Errorf("the index: %v", err)
	}
	for _, dup := range []string{"a7 0101 0202 0303 0404 1080 1180 1180", "a7 0101 0202 0303 0404 0580 0a40 0a40"} {
		if _, _, _, err := wire.DecodeIndex(mustHex(t, dup), lim, func([]byte, uint64, uint64) {}); err == nil {
			t.Errorf("wire.DecodeIndex(%s) accepted a key given twice", dup)
		}
		if _, _, err := wire.DecodePayload(mustHex(t, dup), lim); err == nil {
			t.Errorf("wire.DecodePayload(%s) accepted a key given twice", dup)
		}
	}
}

// TestIndexLimitMessages: DecodeIndex's refusals write their limits as
// fixed text (no fmt in the WebAssembly module); they must say the limits
// the constants hold, and refuse just past them.
func TestIndexLimitMessages(t *testing.T) {
	index := func(parts ...[]any) []byte {
		b, err := fx.Marshal(map[uint64]any{1: 1, 2: 2, 3: 3, 4: 4, 16: parts})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sha := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 32) }
	partMsg := fmt.Sprintf("1 to %d MiB, at most %d Mi entries", wire.MaxPartSize>>20, wire.MaxPartEntries>>20)
	for _, c := range []struct {
		name string
		b    []byte
		want string // "" for accepted
	}{
		{"at the limits", index([]any{sha(1), wire.MaxPartSize, wire.MaxPartEntries}), ""},
		{"a byte over", index([]any{sha(1), wire.MaxPartSize + 1, 1}), partMsg},
		{"an entry over", index([]any{sha(1), 1, wire.MaxPartEntries + 1}), partMsg},
		{"empty", index([]any{sha(1), 0, 0}), partMsg},
		{"named twice", index([]any{sha(1), 1, 1}, []any{sha(1), 1, 1}), "named twice"},
	} {
		_, _, _, err := wire.DecodeIndex(c.b, lim, func([]byte, uint64, uint64) {})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	var parts [][]any
	for i := 0; i <= wire.MaxIndexParts; i++ {
		parts = append(parts, []any{sha(i), 1, 1})
	}
	if _, _, _, err := wire.DecodeIndex(index(parts[:wire.MaxIndexParts]...), lim, func([]byte, uint64, uint64) {}); err != nil {
		t.Errorf("%d parts: %v", wire.MaxIndexParts, err)
	}
	_, _, _, err := wire.DecodeIndex(index(parts...), lim, func([]byte, uint64, uint64) {})
	if want := fmt.Sprintf("more than %d parts", wire.MaxIndexParts); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%d parts: %v, want %q", len(parts), err, want)
	}
}
