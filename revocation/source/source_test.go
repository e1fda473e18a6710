package source

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/revocation"
)

func sum16(s string) [16]byte {
	full := sha256.Sum256([]byte(s))
	var out [16]byte
	copy(out[:], full[:16])
	return out
}

func TestParsePlainList(t *testing.T) {
	sig := sum16("some signature")
	list := "# my revocations\n\nUCI URN:UVCI:01:VN:ABC#1\nCOUNTRYCODEUCI vn URN:UVCI:01:VN:ABC#2\n" +
		"SIGNATURE " + base64.StdEncoding.EncodeToString(sig[:]) + "\nSIGNATURE " + hex.EncodeToString(sig[:]) + "\n"
	got, err := ParsePlainList([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	want := []revocation.Entry{
		{Type: revocation.UCI, Sum: sum16("URN:UVCI:01:VN:ABC#1")},
		{Type: revocation.CountryCodeUCI, Sum: sum16("VNURN:UVCI:01:VN:ABC#2")},
		{Type: revocation.Signature, Sum: sig},
		{Type: revocation.Signature, Sum: sig},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Type != want[i].Type || got[i].Sum != want[i].Sum || got[i].KID != nil {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"UCI", "UCI a b", "COUNTRYCODEUCI VNN x", "SIGNATURE abc", "SIGNATURE " + strings.Repeat("a", 30), "REVOKE x", strings.Repeat("x", MaxLineLen+1)} {
		if _, err := ParsePlainList([]byte(bad)); err == nil {
			t.Errorf("%.30q accepted", bad)
		}
	}
}

func batchJSON(country, expires, kid, hashType string, deleted bool, hashes ...[16]byte) string {
	var entries []string
	for _, h := range hashes {
		entries = append(entries, `{"hash":"`+base64.StdEncoding.EncodeToString(h[:])+`"}`)
	}
	d := "false"
	if deleted {
		d = "true"
	}
	return `{"country":"` + country + `","expires":"` + expires + `","kid":"` + kid + `","hashType":"` + hashType + `","deleted":` + d + `,"entries":[` + strings.Join(entries, ",") + `]}`
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	kid := base64.StdEncoding.EncodeToString([]byte("kid-0001"))
	a, b, c := sum16("a"), sum16("b"), sum16("c")
	files := map[string]string{
		"de-1.json":       batchJSON("DE", "2027-01-01T00:00:00Z", kid, "UCI", false, a, b),
		"de-expired.json": batchJSON("DE", "2026-12-01T00:00:00Z", kid, "UCI", false, c),
		"all.json": "[" + batchJSON("AT", "2027-01-01T00:00:00Z", "UNKNOWN_KID", "SIGNATURE", false, c) + "," +
			batchJSON("AT", "2027-01-01T00:00:00Z", kid, "UCI", true) + "," +
			batchJSON("AT", "2027-01-01T00:00:00Z", kid, "UCI", false, a) + "]", // a again: a duplicate
		"sub/mine.txt":     "UCI URN:UVCI:01:VN:X\n",
		".hidden/bad.json": "not json",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, r, err := Load([]string{dir}, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Files != 4 || r.Batches != 3 || r.Expired != 1 || r.Deleted != 1 || r.PlainLines != 1 || r.Duplicates != 1 || r.Entries != 4 || len(entries) != 4 {
		t.Errorf("report %+v, %d entries", r, len(entries))
	}
	if r.ByType["UCI"] != 3 || r.ByType["SIGNATURE"] != 1 {
		t.Errorf("by type %v", r.ByType)
	}
	if !strings.Contains(r.String(), "1 expired and 1 deleted left out") {
		t.Errorf("report line %q", r.String())
	}
	set, err := revocation.NewSet(entries)
	if err != nil || set.Len() != 4 {
		t.Fatalf("set: %v, %d", err, set.Len())
	}
}

func TestParseBatchesRefuses(t *testing.T) {
	kid := base64.StdEncoding.EncodeToString([]byte("kid"))
	h := sum16("x")
	many := make([][16]byte, MaxBatchEntries+1)
	for _, bad := range []string{
		"", "{", "[1]",
		batchJSON("DEU", "2027-01-01T00:00:00Z", kid, "UCI", false, h),
		batchJSON("DE", "soon", kid, "UCI", false, h),
		batchJSON("DE", "2027-01-01T00:00:00Z", "!!", "UCI", false, h),
		batchJSON("DE", "2027-01-01T00:00:00Z", kid, "MD5", false, h),
		batchJSON("DE", "2027-01-01T00:00:00Z", kid, "UCI", false),
		batchJSON("DE", "2027-01-01T00:00:00Z", kid, "UCI", false, many...),
		strings.Replace(batchJSON("DE", "2027-01-01T00:00:00Z", kid, "UCI", false, h), `"hash":"`, `"hash":"AAAA`, 1),
	} {
		if _, err := ParseBatches([]byte(bad)); err == nil {
			t.Errorf("%.80q accepted", bad)
		}
	}
}

func FuzzParseBatches(f *testing.F) {
	kid := base64.StdEncoding.EncodeToString([]byte("kid"))
	f.Add([]byte(batchJSON("DE", "2027-01-01T00:00:00Z", kid, "UCI", false, sum16("a"))))
	f.Add([]byte("[" + batchJSON("AT", "2027-01-01T00:00:00Z", "UNKNOWN_KID", "SIGNATURE", true) + "]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		batches, err := ParseBatches(b)
		if err != nil {
			return
		}
		for _, bt := range batches {
			if _, ok := revocation.ParseHashType(bt.HashType); !ok {
				t.Fatalf("accepted hash type %q", bt.HashType)
			}
			if !bt.Deleted && (len(bt.Entries) == 0 || len(bt.Entries) > MaxBatchEntries) {
				t.Fatalf("accepted %d entries", len(bt.Entries))
			}
		}
	})
}

func FuzzParsePlainList(f *testing.F) {
	f.Add([]byte("UCI URN:UVCI:01:VN:ABC#1\nCOUNTRYCODEUCI VN x\n# c\n"))
	f.Add([]byte("SIGNATURE 00112233445566778899aabbccddeeff\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := ParsePlainList(b)
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.KID != nil || e.Type < revocation.UCI || e.Type > revocation.Signature {
				t.Fatalf("entry %+v", e)
			}
		}
	})
}
