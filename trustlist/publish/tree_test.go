package publish

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// bundleAt builds a bundle of one signer with the given sequence.
func bundleAt(t testing.TB, seq uint64, validFor time.Duration) []byte {
	t.Helper()
	p := loadPKI(t)
	b, _, err := Build(context.Background(), Options{Sources: []Source{memSource{p.de1}}, Key: p.key, Sequence: seq, Now: testNow, ValidFor: validFor})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public", "trust")
	b := bundleAt(t, 10, 0)
	if err := WriteTree(dir, b, 3); err != nil {
		t.Fatal(err)
	}
	name := BundleName(b)
	got, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || string(got) != string(b) {
		t.Fatalf("bundle file: %v", err)
	}
	want := []string{HeadersName, name, PointerName, NginxName}
	slices.Sort(want)
	if names := listDir(t, dir); !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	for _, n := range want {
		info, err := os.Stat(filepath.Join(dir, n))
		if err != nil || info.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v", n, info.Mode(), err)
		}
	}

	raw, _ := os.ReadFile(filepath.Join(dir, PointerName))
	var ptr map[string]any
	if err := json.Unmarshal(raw, &ptr); err != nil {
		t.Fatal(err)
	}
	wantPtr := map[string]any{
		"sequence":  10.0,
		"bundle":    name,
		"sha256":    strings.TrimSuffix(strings.TrimPrefix(name, "trustlist-"), ".cose"),
		"size":      float64(len(b)),
		"issuedAt":  "2026-03-01T12:00:00Z",
		"expiresAt": "2026-03-03T12:00:00Z",
	}
	if len(ptr) != len(wantPtr) {
		t.Errorf("pointer %v", ptr)
	}
	for k, v := range wantPtr {
		if ptr[k] != v {
			t.Errorf("pointer %s = %v, want %v", k, ptr[k], v)
		}
	}
	p, err := ReadPointer(dir)
	if err != nil || p.Sequence != 10 || p.Bundle != name {
		t.Errorf("ReadPointer = %+v, %v", p, err)
	}

	headers, _ := os.ReadFile(filepath.Join(dir, HeadersName))
	for _, want := range []string{"/trustlist.json\n  Content-Type: application/json", "Cache-Control: public, max-age=60", "/trustlist-*\n  Content-Type: application/cose", "immutable", "Access-Control-Allow-Origin: *"} {
		if !strings.Contains(string(headers), want) {
			t.Errorf("_headers lacks %q:\n%s", want, headers)
		}
	}
	nginx, _ := os.ReadFile(filepath.Join(dir, NginxName))
	for _, want := range []string{"location = /trustlist.json {", `location ~ ^/trustlist-[0-9a-f]{64}\.(cose|index|part)$ {`, "immutable"} {
		if !strings.Contains(string(nginx), want) {
			t.Errorf("nginx snippet lacks %q:\n%s", want, nginx)
		}
	}

	// The same bundle again is a no-op; the next sequence follows.
	if err := WriteTree(dir, b, 3); err != nil {
		t.Errorf("rewriting the same bundle: %v", err)
	}
	if n, err := NextSequence(dir, testNow); err != nil || n != 11 {
		t.Errorf("NextSequence = %d, %v; want 11", n, err)
	}
}

func TestWriteTreeRefuses(t *testing.T) {
	dir := t.TempDir()
	if err := WriteTree(dir, bundleAt(t, 10, 0), 3); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		bundle []byte
		opts   []TreeOption
		want   string
	}{
		{"rollback", bundleAt(t, 9, 0), nil, "a rollback"},
		{"same sequence, other content", bundleAt(t, 10, time.Hour), nil, "with other content"},
		{"not a bundle", []byte("hello"), nil, "not a bundle"},
		{"bad base path", bundleAt(t, 11, 0), []TreeOption{BasePath("trust")}, "base path"},
		{"base path with a quote", bundleAt(t, 11, 0), []TreeOption{BasePath(`/a"b/`)}, "base path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteTree(dir, tc.bundle, 3, tc.opts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if p, _ := ReadPointer(dir); p.Sequence != 10 {
		t.Errorf("the pointer moved to %d", p.Sequence)
	}
}

func TestWriteTreeKeeps(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for seq := uint64(1); seq <= 5; seq++ {
		b := bundleAt(t, seq, 0)
		names = append(names, BundleName(b))
		if err := WriteTree(dir, b, 2); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range names {
		_, err := os.Stat(filepath.Join(dir, n))
		kept := i >= 2 // 5 is current, 4 and 3 kept
		if kept != (err == nil) {
			t.Errorf("sequence %d: kept %v, stat %v", i+1, kept, err)
		}
	}
	// A leftover temporary file from an interrupted run is cleaned up.
	writeFile(t, filepath.Join(dir, tmpPrefix+"123"), []byte("partial"))
	if err := WriteTree(dir, bundleAt(t, 6, 0), 0); err != nil {
		t.Fatal(err)
	}
	var bundles []string
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, tmpPrefix) {
			t.Errorf("temporary file %s left", n)
		}
		if strings.HasSuffix(n, ".cose") {
			bundles = append(bundles, n)
		}
	}
	if len(bundles) != 1 {
		t.Errorf("keep 0 left %v", bundles)
	}
}

func TestWriteTreeBasePath(t *testing.T) {
	dir := t.TempDir()
	if err := WriteTree(dir, bundleAt(t, 1, 0), 1, BasePath("/static/trust/")); err != nil {
		t.Fatal(err)
	}
	headers, _ := os.ReadFile(filepath.Join(dir, HeadersName))
	nginx, _ := os.ReadFile(filepath.Join(dir, NginxName))
	if !strings.Contains(string(headers), "/static/trust/trustlist.json\n") || !strings.Contains(string(headers), "/static/trust/trustlist-*\n") {
		t.Errorf("_headers:\n%s", headers)
	}
	if !strings.Contains(string(nginx), "location = /static/trust/trustlist.json {") {
		t.Errorf("nginx:\n%s", nginx)
	}
}

func TestNextSequence(t *testing.T) {
	dir := t.TempDir()
	if n, err := NextSequence(dir, testNow); err != nil || n != uint64(testNow.Unix()) {
		t.Errorf("NextSequence(empty) = %d, %v", n, err)
	}
	writeFile(t, filepath.Join(dir, PointerName), []byte(`{"sequence": 5, "bundle": "../../etc/passwd"}`))
	if _, err := NextSequence(dir, testNow); err == nil {
		t.Error("a pointer naming another file was accepted")
	}
	if _, err := ReadPointer(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadPointer(empty) = %v", err)
	}
}

func TestNewTree(t *testing.T) {
	b := bundleAt(t, 7, 0)
	tree, err := NewTree(b, PointerMaxAge(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range tree.Files {
		got = append(got, f.Name+" "+f.ContentType+" "+f.CacheControl)
	}
	want := []string{
		BundleName(b) + ` application/cose; cose-type="cose-sign1" public, max-age=31536000, immutable`,
		HeadersName + " text/plain; charset=utf-8 no-cache",
		NginxName + " text/plain; charset=utf-8 no-cache",
		PointerName + " application/json; charset=utf-8 public, max-age=300, must-revalidate, no-transform",
	}
	if !slices.Equal(got, want) {
		t.Errorf("files\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tree.Files[0].Kind != KindPart || tree.Files[3].Kind != KindPointer || tree.Files[1].Kind != KindHostRules {
		t.Errorf("kinds %v", tree.Files)
	}
	p, err := ParsePointer(tree.File(PointerName).Data)
	if err != nil || *p != tree.Pointer || !slices.Equal(p.Parts(), []string{BundleName(b)}) {
		t.Errorf("pointer %+v, %v; tree says %+v", p, err, tree.Pointer)
	}
	// The host rules carry the same pointer max-age as the object headers.
	if !strings.Contains(string(tree.File(HeadersName).Data), "Cache-Control: public, max-age=300, must-revalidate, no-transform\n") {
		t.Errorf("_headers:\n%s", tree.File(HeadersName).Data)
	}
	for _, d := range []time.Duration{-time.Second, 1500 * time.Millisecond, 2 * time.Hour} {
		if _, err := NewTree(b, PointerMaxAge(d)); err == nil || !strings.Contains(err.Error(), "max-age") {
			t.Errorf("PointerMaxAge(%s): %v", d, err)
		}
	}
	if tree.File("nope") != nil {
		t.Error("File(nope) found something")
	}
}

func TestStale(t *testing.T) {
	cur := &Pointer{Sequence: 10, Bundle: "cur"}
	parts := []PartInfo{{"cur", 10, nil}, {"a", 9, nil}, {"b", 8, nil}, {"b2", 8, nil}, {"c", 7, nil}, {"d", 3, nil}, {"new", 11, nil}, {"orphan", 10, nil}}
	for _, tc := range []struct {
		keep int
		want []string
	}{
		{0, []string{"a", "b", "b2", "c", "d"}},
		{1, []string{"b", "b2", "c", "d"}},
		{2, []string{"c", "d"}}, // two parts of list 8 both stay
		{-1, []string{"a", "b", "b2", "c", "d"}},
		{9, nil},
	} {
		if got := Stale(parts, cur, tc.keep); !slices.Equal(got, tc.want) {
			t.Errorf("keep %d: %v, want %v", tc.keep, got, tc.want)
		}
	}
	// A part that an old list and the current one share stays.
	if got := Stale([]PartInfo{{"cur", 2, nil}}, cur, 0); got != nil {
		t.Errorf("shared part: %v", got)
	}
}

func TestParsePointerLimits(t *testing.T) {
	for name, data := range map[string]string{
		"huge":     `{"sequence":1,"bundle":"` + strings.Repeat("a", MaxPointerSize) + `"}`,
		"trailing": `{"sequence":1,"bundle":"trustlist-` + strings.Repeat("0", 64) + `.cose"} {}`,
		"path":     `{"sequence":1,"bundle":"x/trustlist-` + strings.Repeat("0", 64) + `.cose"}`,
	} {
		if _, err := ParsePointer([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWriteTreeKeepsSiteHeaders publishes a list into a folder whose
// _headers a site build wrote (its Content-Security-Policy): the site's
// rules stay, the list's follow them once, however often it is published.
func TestWriteTreeKeepsSiteHeaders(t *testing.T) {
	dir := t.TempDir()
	site := "# passcheck site build\n/*\n  Content-Security-Policy: default-src 'self'\n"
	writeFile(t, filepath.Join(dir, HeadersName), []byte(site))
	for seq := uint64(1); seq <= 2; seq++ {
		if err := WriteTree(dir, bundleAt(t, seq, 0), 1); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(filepath.Join(dir, HeadersName))
	if want := site + Headers("/"); string(got) != want {
		t.Errorf("_headers:\n%s\nwant:\n%s", got, want)
	}
	// A _headers holding only the list's rules is replaced whole.
	other := t.TempDir()
	writeFile(t, filepath.Join(other, HeadersName), []byte(Headers("/old/")))
	if err := WriteTree(other, bundleAt(t, 1, 0), 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(other, HeadersName)); string(got) != Headers("/") {
		t.Errorf("_headers after the list's own:\n%s", got)
	}
}
