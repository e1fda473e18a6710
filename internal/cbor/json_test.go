package cbor

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"
)

// checkAppendJSON: for a payload b that DecodeJSONAt accepts at -260/1,
// AppendJSON of the raw value it returns writes JSON that parses to what
// encoding/json makes of the tree.
func checkAppendJSON(t *testing.T, b []byte, mustAccept bool) {
	t.Helper()
	claims := append([]byte{0xa1, 0x39, 0x01, 0x03, 0xa1, 0x01}, b...)
	v, raw, err := DecodeJSONAt(claims, lim, -260, 1)
	if err != nil {
		if mustAccept {
			t.Errorf("%x: DecodeJSONAt: %v", b, err)
		}
		return
	}
	tree := v.(map[any]any)[int64(-260)].(map[any]any)[int64(1)]
	out, err := AppendJSON([]byte("x"), raw, lim)
	if err != nil {
		t.Fatalf("%x: DecodeJSONAt accepts it, AppendJSON: %v", b, err)
	}
	if string(out[:1]) != "x" {
		t.Fatalf("%x: dst not kept: %q", b, out)
	}
	var got, want any
	if err := json.Unmarshal(out[1:], &got); err != nil {
		t.Fatalf("%x: AppendJSON wrote %s: %v", b, out[1:], err)
	}
	std, err := json.Marshal(tree)
	if err != nil {
		t.Fatalf("%x: tree %#v: %v", b, tree, err)
	}
	json.Unmarshal(std, &want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%x:\n AppendJSON %s\nencoding/json %s", b, out[1:], std)
	}
}

func TestAppendJSON(t *testing.T) {
	for _, h := range []string{
		"a0", "80", "f6", "f7", "f4", "f5", "00", "20", "1bffffffffffffffff", "3bffffffffffffffff", "3b7fffffffffffffff",
		"f97e00", "f97c00", "f9fc00", "f93e00", "fa47c35000", "fb3ff8000000000000",
		"6161", "62c3a9", "63e280a8", "6a22205c0a0d091f3c3e26", "4401020304", "40",
		"a26161016162820203", "bf61610161629f0203ffff", "c1a16161c24101", "7f6161626262ff", "5f41014102ff",
		"a1636e616da2626766634a4f4862666e63444f45", "9f9f9fffffff",
	} {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		checkAppendJSON(t, b, true)
	}
	// Errors: what DecodeJSONAt refuses for other reasons than duplicate
	// keys and UTF-8 is refused here too, and dst comes back as it was.
	for _, h := range []string{"a10102", "a1800102", "ff", "1c", "9f01", "62c3", "a1616101616202" /* 2 keys announced */, "f0"} {
		b, _ := hex.DecodeString(h)
		if out, err := AppendJSON([]byte("dst"), b, lim); err == nil || string(out) != "dst" {
			t.Errorf("%s: %q, %v", h, out, err)
		}
	}
}

// FuzzAppendJSON holds AppendJSON to DecodeJSONAt's tree through
// encoding/json, and never lets it panic.
func FuzzAppendJSON(f *testing.F) {
	for _, h := range []string{"a26161016162820203", "bf61610161629f0203ffff", "c1a16161c24101", "a1636e616da2626766634a4f4862666e63444f45", "f97e00"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		AppendJSON(nil, b, lim)
		checkAppendJSON(t, b, false)
	})
}
