package objstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// TestPublishEndToEnd publishes to a real S3-compatible server (versitygw on
// loopback) and reads the lists through its endpoint with the verifier
// module under Node: a first list, a newer one, then the faults (the server
// killed between the parts and the pointer; a part missing before the
// switch; the live list's part deleted), after each of which the verifier
// still holds the last good list; then keep-N and a dry run.
func TestPublishEndToEnd(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	now := time.Now()
	passA, err := s.dscA.Issue(issuer.PassOptions{})
	if err != nil {
		t.Fatal(err)
	}
	passB, err := s.dscB.Issue(issuer.PassOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// An empty bucket: the sequence starts at now.
	p := s.publisher(1)
	if seq, err := p.NextSequence(ctx, now); err != nil || seq != uint64(now.Unix()) {
		t.Fatalf("NextSequence(empty) = %d, %v", seq, err)
	}
	if ok, err := p.CheckCORS(ctx); ok || err != nil {
		t.Errorf("CheckCORS before any rule = %v, %v; want false, nil", ok, err)
	}
	s.setCORS(t)
	if ok, err := p.CheckCORS(ctx); !ok || err != nil {
		t.Errorf("CheckCORS = %v, %v; want true", ok, err)
	}

	// 1. The first list: parts first (the revocation index, then the
	// bundle), then the pointer; each with its headers.
	var log bytes.Buffer
	p.Log = &log
	b1 := s.bundle(t, 100, now, false)
	res, err := p.Publish(ctx, b1)
	if err != nil {
		t.Fatal(err)
	}
	name1 := publish.BundleName(b1)
	indexName := publish.IndexName(s.rev.Index)
	wantUp := []string{s.loc.Key(indexName), s.loc.Key(name1), s.loc.Key(publish.PointerName)}
	if !slices.Equal(res.Uploaded, wantUp) || res.Previous != nil {
		t.Errorf("uploaded %v (previous %v), want %v", res.Uploaded, res.Previous, wantUp)
	}
	if i, j := strings.Index(log.String(), "uploaded s3://"+testBucket+"/lists/v1/trustlist-"), strings.Index(log.String(), "uploaded s3://"+testBucket+"/lists/v1/trustlist.json"); i < 0 || j < i {
		t.Errorf("log does not show the part before the pointer:\n%s", log.String())
	}
	tree, err := publish.NewTree(b1, p.TreeOptions...)
	if err != nil {
		t.Fatal(err)
	}
	if tree.File(indexName) == nil {
		t.Fatalf("the tree has no %s", indexName)
	}
	for _, f := range tree.Files {
		if f.Kind == publish.KindHostRules {
			if _, err := os.Stat(s.path(f.Name)); err == nil {
				t.Errorf("%s uploaded: object storage needs no host rules", f.Name)
			}
			continue
		}
		ct, cc, meta := s.head(t, f.Name)
		if ct != f.ContentType || cc != f.CacheControl {
			t.Errorf("%s: Content-Type %q, Cache-Control %q; want %q, %q", f.Name, ct, cc, f.ContentType, f.CacheControl)
		}
		if f.Kind == publish.KindPart && meta[SequenceMetadata] != "100" {
			t.Errorf("%s: metadata %v", f.Name, meta)
		}
		if got, err := os.ReadFile(s.path(f.Name)); err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s on disk differs: %v", f.Name, err)
		}
	}
	if cc := tree.File(publish.PointerName).CacheControl; !strings.Contains(cc, "max-age=60,") || !strings.Contains(cc, "no-transform") {
		t.Errorf("pointer Cache-Control %q", cc)
	}
	if cc := tree.File(name1).CacheControl; cc != "public, max-age=31536000, immutable" {
		t.Errorf("part Cache-Control %q", cc)
	}

	// The verifier reads it through the endpoint: A is green, B unknown.
	v := startVerifier(t)
	url := s.srv.Endpoint + "/" + testBucket + "/" + s.loc.Key(publish.PointerName)
	if st := v.load(url, s.pubPEM); !st.LastLoad.OK || st.Status.Sequence != 100 {
		t.Fatalf("first load: %+v", st)
	}
	if !v.valid(passA) || v.valid(passB) {
		t.Fatal("list 100: want A green and B not")
	}

	// 2. A newer list: its sequence follows the bucket's pointer.
	if seq, err := p.NextSequence(ctx, now); err != nil || seq != 101 {
		t.Fatalf("NextSequence = %d, %v; want 101", seq, err)
	}
	b2 := s.bundle(t, 101, now.Add(time.Second), true)
	if res, err := p.Publish(ctx, b2); err != nil || res.Previous == nil || res.Previous.Sequence != 100 {
		t.Fatalf("publishing 101: %+v, %v", res, err)
	}
	if st := v.refresh(); !st.LastLoad.OK || st.Status.Sequence != 101 {
		t.Fatalf("refresh to 101: %+v", st)
	}
	if !v.valid(passB) {
		t.Fatal("list 101: B not green")
	}
	// Republishing the live list changes nothing; an older one is refused.
	if _, err := p.Publish(ctx, b2); err != nil {
		t.Errorf("republishing 101: %v", err)
	}
	if _, err := p.Publish(ctx, b1); err == nil || !strings.Contains(err.Error(), "rollback") {
		t.Errorf("publishing 100 over 101: %v", err)
	}
	if _, err := p.Publish(ctx, s.bundle(t, 101, now.Add(2*time.Second), false)); err == nil || !strings.Contains(err.Error(), "other content") {
		t.Errorf("another 101: %v", err)
	}

	// 3. The server dies between the parts and the pointer.
	b3 := s.bundle(t, 102, now.Add(3*time.Second), false)
	p.beforePointer = s.srv.Stop
	if _, err := p.Publish(ctx, b3); err == nil {
		t.Fatal("publish with the server killed before the pointer succeeded")
	}
	p.beforePointer = nil
	s.srv.Restart()
	if ptr := s.livePointer(t); ptr.Sequence != 101 {
		t.Fatalf("after the crash the bucket points to %d", ptr.Sequence)
	}
	if st := v.refresh(); !st.LastLoad.OK || st.Status.Sequence != 101 || !v.valid(passB) {
		t.Fatalf("after the crash the verifier has %+v", st)
	}

	// 4. A part goes missing after its upload, before the pointer: the
	// publisher reads it back, finds it gone and does not switch.
	b4 := s.bundle(t, 102, now.Add(4*time.Second), false)
	p.afterUpload = func() { os.Remove(s.path(publish.BundleName(b4))) }
	if _, err := p.Publish(ctx, b4); !errors.Is(err, ErrPartMissing) {
		t.Fatalf("publish with a part missing: %v, want ErrPartMissing", err)
	}
	p.afterUpload = nil
	if ptr := s.livePointer(t); ptr.Sequence != 101 {
		t.Fatalf("after a missing part the bucket points to %d", ptr.Sequence)
	}
	if st := v.refresh(); !st.LastLoad.OK || st.Status.Sequence != 101 {
		t.Fatalf("after a missing part the verifier has %+v", st)
	}

	// 5. The live list's own part is deleted behind the publisher's back:
	// a refresh fails, and the verifier keeps the list it has.
	name2 := publish.BundleName(b2)
	saved, err := os.ReadFile(s.path(name2))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(s.path(name2))
	st := v.refresh()
	if st.LastLoad.OK || st.lastCode() != "TRUSTLIST_UNAVAILABLE" || !st.Status.OK || st.Status.Sequence != 101 {
		t.Fatalf("refresh with the live part gone: %+v", st)
	}
	if !v.valid(passB) {
		t.Fatal("the verifier dropped list 101 when its part went missing")
	}
	os.WriteFile(s.path(name2), saved, 0o644)

	// 6. A conflicting publisher: the pointer changes between the read and
	// the write; the conditional write refuses the switch.
	b5 := s.bundle(t, 103, now.Add(5*time.Second), true)
	other := s.publisher(1)
	p.beforePointer = func() {
		if _, err := other.Publish(ctx, s.bundle(t, 102, now.Add(6*time.Second), true)); err != nil {
			t.Errorf("the other publisher: %v", err)
		}
	}
	if _, err := p.Publish(ctx, b5); !errors.Is(err, ErrConflict) {
		t.Fatalf("racing publishers: %v, want ErrConflict", err)
	}
	p.beforePointer = nil
	if ptr := s.livePointer(t); ptr.Sequence != 102 {
		t.Fatalf("after the race the bucket points to %d, want the other publisher's 102", ptr.Sequence)
	}

	// 7. Keep-N (keep 1): after 103 only its part and 102's stay; the
	// orphans of the failed publishes (sequence 102) count as 102's.
	if _, err := p.Publish(ctx, b5); err != nil {
		t.Fatal(err)
	}
	if st := v.refresh(); !st.LastLoad.OK || st.Status.Sequence != 103 {
		t.Fatalf("refresh to 103: %+v", st)
	}
	for _, n := range []string{name1, name2} {
		if _, err := os.Stat(s.path(n)); err == nil {
			t.Errorf("%s kept with keep 1", n)
		}
	}
	if _, err := os.Stat(s.path(publish.BundleName(b5))); err != nil {
		t.Errorf("the live part: %v", err)
	}

	// 8. A dry run changes nothing and says what it would do (keep 0:
	// delete every bundle but the new one; the revocation index, which the
	// new pointer names too, is present and stays).
	before := s.parts(t)
	log.Reset()
	p.DryRun, p.Keep = true, 0
	b6 := s.bundle(t, 104, now.Add(7*time.Second), false)
	res, err = p.Publish(ctx, b6)
	if err != nil {
		t.Fatal(err)
	}
	var wantDel []string
	for _, n := range before {
		if n != indexName {
			wantDel = append(wantDel, s.loc.Key(n))
		}
	}
	slices.Sort(res.Deleted)
	if !res.DryRun || len(res.Uploaded) != 2 || !slices.Equal(res.Deleted, wantDel) || !slices.Equal(res.Present, []string{s.loc.Key(indexName)}) {
		t.Errorf("dry run: %+v (parts %v)", res, before)
	}
	if after := s.parts(t); !slices.Equal(after, before) || s.livePointer(t).Sequence != 103 {
		t.Errorf("the dry run changed the bucket: %v -> %v", before, after)
	}
	if !strings.Contains(log.String(), "would upload s3://") || !strings.Contains(log.String(), "would delete s3://") {
		t.Errorf("dry-run log:\n%s", log.String())
	}
}

// TestPublishRefusesUnverifiable: a list that does not verify against the
// pinned keys, or has expired, is never uploaded; one whose part is gone
// when read back after the switch is switched back.
func TestPublishRefusesUnverifiable(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := s.publisher(3)
	if _, err := p.Publish(ctx, s.bundle(t, 5, time.Now(), false)); err != nil {
		t.Fatal(err)
	}
	// A list signed by another key is refused before any upload.
	other := *s
	k, _ := publish.GenerateKey()
	other.key = k
	bad := other.bundle(t, 6, time.Now(), false)
	if _, err := p.Publish(ctx, bad); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("a list by another key: %v", err)
	}
	if _, err := os.Stat(s.path(publish.BundleName(bad))); err == nil {
		t.Error("the unverifiable bundle was uploaded")
	}
	// An expired list is refused too.
	if _, err := p.Publish(ctx, s.bundle(t, 7, time.Now().Add(-72*time.Hour), false)); err == nil {
		t.Error("an expired list was published")
	}
	if s.livePointer(t).Sequence != 5 {
		t.Error("the pointer moved")
	}
	b8 := s.bundle(t, 8, time.Now(), true)
	p.afterPointer = func() { os.Remove(s.path(publish.BundleName(b8))) }
	if _, err := p.Publish(ctx, b8); !errors.Is(err, ErrReadBack) || !strings.Contains(err.Error(), "put back") {
		t.Fatalf("a part gone at read-back: %v", err)
	}
	if ptr := s.livePointer(t); ptr.Sequence != 5 {
		t.Errorf("after a failed read-back the bucket points to %d", ptr.Sequence)
	}
	ct, cc, _ := s.head(t, publish.PointerName)
	if ct != "application/json; charset=utf-8" || !strings.Contains(cc, "no-transform") {
		t.Errorf("restored pointer headers %q, %q", ct, cc)
	}
}
