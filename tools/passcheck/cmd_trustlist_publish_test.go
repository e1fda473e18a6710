package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/passcheck/passcheck/internal/testkit/s3server"
	"github.com/passcheck/passcheck/trustlist/publish"
	"github.com/passcheck/passcheck/trustlist/publish/objstore"
)

// bucketPointer reads the pointer versitygw keeps for s3://bucket/prefix.
func bucketPointer(t *testing.T, srv *s3server.Server, bucket, prefix string) *publish.Pointer {
	t.Helper()
	p, err := publish.ReadPointer(filepath.Join(srv.Dir, bucket, prefix))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTrustlistObjectStore runs build --out s3://, publish and sync against
// a real S3-compatible server (versitygw on loopback), configured through
// the standard AWS environment as an operator's job is.
func TestTrustlistObjectStore(t *testing.T) {
	w := newTrustlistWorld(t)
	srv := s3server.Start(t)
	srv.SetEnv(t)
	client, err := objstore.NewClient(context.Background(), objstore.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("trust")}); err != nil {
		t.Fatal(err)
	}

	// build --out s3://: published, with a CORS warning (the bucket has
	// no rules) that names what to set.
	code, out, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", "s3://trust/passcheck", "--pointer-max-age", "2m")
	if code != 0 {
		t.Fatalf("build: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "published s3://trust/passcheck/trustlist.json: sequence") || !strings.Contains(stderr, "put-bucket-cors --bucket trust") {
		t.Errorf("build output:\n%s\nstderr:\n%s", out, stderr)
	}
	p1 := bucketPointer(t, srv, "trust", "passcheck")
	h, err := client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("trust"), Key: aws.String("passcheck/trustlist.json")})
	if err != nil || aws.ToString(h.CacheControl) != "public, max-age=120, must-revalidate, no-transform" {
		t.Errorf("pointer Cache-Control %q, %v", aws.ToString(h.CacheControl), err)
	}

	// Again: the sequence follows the bucket's.
	if code, out, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", "s3://trust/passcheck"); code != 0 {
		t.Fatalf("second build: exit %d\n%s\n%s", code, out, stderr)
	}
	if p2 := bucketPointer(t, srv, "trust", "passcheck"); p2.Sequence != p1.Sequence+1 {
		t.Errorf("second build: sequence %d after %d", p2.Sequence, p1.Sequence)
	}

	// publish DIR: a folder built with an older sequence is a rollback;
	// a newer one goes up; a dry run changes nothing.
	old := filepath.Join(w.dir, "old")
	if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", old, "--sequence", "5"); code != 0 {
		t.Fatalf("local build: %s", stderr)
	}
	code, _, stderr = runCmd(t, "", "trustlist", "publish", "--trust-key", w.pub, old, "s3://trust/passcheck")
	if code != 1 || !strings.Contains(stderr, "rollback") || !strings.Contains(stderr, "still serves sequence") {
		t.Errorf("publishing an older list: exit %d\n%s", code, stderr)
	}
	newer := filepath.Join(w.dir, "newer")
	next := strconv.FormatUint(p1.Sequence+10, 10)
	if code, _, stderr := runCmd(t, "", "trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", newer, "--sequence", next); code != 0 {
		t.Fatalf("local build: %s", stderr)
	}
	code, out, stderr = runCmd(t, "", "trustlist", "publish", "--trust-key", w.pub, "--dry-run", newer, "s3://trust/passcheck")
	if code != 0 || !strings.Contains(out, "would upload s3://trust/passcheck/trustlist.json") || !strings.Contains(out, "dry run, nothing changed") {
		t.Errorf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if p := bucketPointer(t, srv, "trust", "passcheck"); p.Sequence != p1.Sequence+1 {
		t.Errorf("the dry run moved the pointer to %d", p.Sequence)
	}
	if code, out, stderr := runCmd(t, "", "trustlist", "publish", "--trust-key", w.pub, newer, "s3://trust/passcheck"); code != 0 {
		t.Fatalf("publish: exit %d\n%s\n%s", code, out, stderr)
	}
	if p := bucketPointer(t, srv, "trust", "passcheck"); strconv.FormatUint(p.Sequence, 10) != next {
		t.Errorf("publish: sequence %d, want %s", p.Sequence, next)
	}
	// The published folder verifies as before; the key that signed it must
	// be the pinned one.
	other := filepath.Join(w.dir, "other.pub")
	if code, _, _ := runCmd(t, "", "trustlist", "keygen", "--key", filepath.Join(w.dir, "other.key"), "--pub", other); code != 0 {
		t.Fatal("keygen")
	}
	if code, _, stderr := runCmd(t, "", "trustlist", "publish", "--trust-key", other, newer, "s3://trust/passcheck"); code != 1 || !strings.Contains(stderr, "does not verify") {
		t.Errorf("publishing with the wrong pinned key: exit %d\n%s", code, stderr)
	}

	// sync: a config file as the build flags; then a source down.
	cfg := filepath.Join(w.dir, "sync.json")
	writeJSON(t, cfg, map[string]any{"key": w.key, "out": "s3://trust/passcheck", "dsc": []string{w.dsc}, "valid-for": "48h", "keep": 1})
	if code, out, stderr := runCmd(t, "", "trustlist", "sync", "--config", cfg); code != 0 || !strings.Contains(out, "published s3://trust/passcheck/") {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, stderr)
	}
	live := bucketPointer(t, srv, "trust", "passcheck")
	writeJSON(t, cfg, map[string]any{"key": w.key, "out": "s3://trust/passcheck", "gateway": []string{"https://127.0.0.1:1/trustList"}, "timeout": "2s", "warn-before": "72h"})
	code, _, stderr = runCmd(t, "", "trustlist", "sync", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, "the live list stays: sequence "+strconv.FormatUint(live.Sequence, 10)) || !strings.Contains(stderr, "verifiers turn amber") {
		t.Errorf("sync with a source down: exit %d\n%s", code, stderr)
	}
	if p := bucketPointer(t, srv, "trust", "passcheck"); !p.Equal(live) {
		t.Errorf("a failed sync moved the pointer: %+v", p)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTrustlistPublishArgs: bad arguments and configs are refused before
// anything is read or sent.
func TestTrustlistPublishArgs(t *testing.T) {
	w := newTrustlistWorld(t)
	cfg := filepath.Join(w.dir, "sync.json")
	for _, tc := range []struct {
		name   string
		config string // written to cfg when not empty
		args   []string
		want   string
	}{
		{"dry run on a folder", "", []string{"trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", w.dir, "--dry-run"}, "--dry-run works with --out s3://"},
		{"bad max-age", "", []string{"trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", w.dir, "--pointer-max-age", "3h"}, "max-age"},
		{"bad bucket", "", []string{"trustlist", "build", "--key", w.key, "--dsc", w.dsc, "--out", "s3://X"}, "bucket name"},
		{"publish to a folder", "", []string{"trustlist", "publish", "--trust-key", w.pub, w.dir, w.dir}, "not an s3://"},
		{"publish without key", "", []string{"trustlist", "publish", w.dir, "s3://trust/x"}, "usage:"},
		{"sync unknown field", `{"key":"k","out":"o","dsc":["d"],"gatway":["x"]}`, []string{"trustlist", "sync", "--config", cfg}, `unknown field "gatway"`},
		{"sync bad duration", `{"key":"k","out":"o","valid-for":48}`, []string{"trustlist", "sync", "--config", cfg}, "a duration is a string"},
		{"sync no out", `{"key":"k"}`, []string{"trustlist", "sync", "--config", cfg}, `"out" are required`},
		{"sync trailing", `{"key":"k","out":"o"} {}`, []string{"trustlist", "sync", "--config", cfg}, "after the JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.config != "" {
				os.WriteFile(cfg, []byte(tc.config), 0o644)
			}
			code, _, stderr := runCmd(t, "", tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, want 2 and %q:\n%s", code, tc.want, stderr)
			}
		})
	}
}

// TestTrustlistSyncFolder: sync into a folder; paths in the config are
// relative to it; a source down keeps the live list and says so.
func TestTrustlistSyncFolder(t *testing.T) {
	w := newTrustlistWorld(t)
	cfg := filepath.Join(w.dir, "sync.json")
	writeJSON(t, cfg, map[string]any{"key": filepath.Base(w.key), "out": "public/trust", "dsc": []string{"dsc"}, "keep": 2})
	if code, out, stderr := runCmd(t, "", "trustlist", "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, stderr)
	}
	live, err := publish.ReadPointer(filepath.Join(w.dir, "public/trust"))
	if err != nil {
		t.Fatal(err)
	}
	writeJSON(t, cfg, map[string]any{"key": filepath.Base(w.key), "out": "public/trust", "dsc": []string{"missing"}})
	code, _, stderr := runCmd(t, "", "trustlist", "sync", "--config", cfg)
	if code != 1 || !strings.Contains(stderr, "the live list stays") || strings.Contains(stderr, "amber") {
		t.Errorf("sync with a source down: exit %d\n%s", code, stderr)
	}
	if exp, _ := time.Parse(time.RFC3339, live.ExpiresAt); time.Until(exp) < 47*time.Hour {
		t.Errorf("live list expires %s", live.ExpiresAt)
	}
}
