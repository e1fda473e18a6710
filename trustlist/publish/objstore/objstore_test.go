package objstore

import (
	"strings"
	"testing"
)

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct {
		in, bucket, prefix, err string
	}{
		{"s3://trust", "trust", "", ""},
		{"s3://trust/", "trust", "", ""},
		{"s3://trust/lists", "trust", "lists/", ""},
		{"s3://my.trust-bucket/a/b/", "my.trust-bucket", "a/b/", ""},
		{"https://trust/x", "", "", "not an s3://"},
		{"s3://", "", "", "bucket name"},
		{"s3://ab", "", "", "bucket name"},
		{"s3://Trust", "", "", "bucket name"},
		{"s3://a..b", "", "", "bucket name"},
		{"s3://trust//x", "", "", "segment"},
		{"s3://trust/a/../b", "", "", "segment"},
		{"s3://trust/a\nb", "", "", "segment"},
		{"s3://trust/" + strings.Repeat("a", MaxPrefixLen+1), "", "", "more than"},
	} {
		l, err := ParseLocation(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || l.Bucket != tc.bucket || l.Prefix != tc.prefix {
			t.Errorf("%q = %+v, %v", tc.in, l, err)
		}
	}
	l, _ := ParseLocation("s3://trust/lists")
	if l.String() != "s3://trust/lists/" || l.Key("trustlist.json") != "lists/trustlist.json" {
		t.Errorf("String %q, Key %q", l.String(), l.Key("trustlist.json"))
	}
}

func TestIsLocalEndpoint(t *testing.T) {
	for ep, want := range map[string]bool{
		"http://127.0.0.1:9000":                 true,
		"http://[::1]:9000":                     true,
		"http://localhost:7070":                 true,
		"http://minio.localhost":                true,
		"https://s3.eu-central-1.amazonaws.com": false,
		"https://storage.example.org":           false,
		"::":                                    false,
	} {
		if got := isLocalEndpoint(ep); got != want {
			t.Errorf("isLocalEndpoint(%q) = %v", ep, got)
		}
	}
}

// FuzzParseLocation: no panic, and an accepted location's key of a tree
// file stays under its prefix and parses back to the same location.
func FuzzParseLocation(f *testing.F) {
	seeds := []string{"s3://trust", "s3://trust/lists/v1/", "s3://a..b/x", "s3://trust//", "s3://trust/../x", "http://x"}
	for _, s := range seeds {
		f.Add(s)
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLocation(s)
		if err != nil {
			return
		}
		if l.Prefix != "" && !strings.HasSuffix(l.Prefix, "/") {
			t.Fatalf("prefix %q", l.Prefix)
		}
		again, err := ParseLocation(l.String())
		if err != nil || again != l {
			t.Fatalf("round trip of %q: %+v, %v", l.String(), again, err)
		}
	})
}
