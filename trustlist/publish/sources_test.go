package publish

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// germanList returns a list in the German format, signed by key (ASN.1
// signature, or r‖s when raw).
func germanListBytes(t testing.TB, key *ecdsa.PrivateKey, body []byte, raw bool) []byte {
	t.Helper()
	digest := sha256.Sum256(body)
	var sig []byte
	if raw {
		r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	} else {
		var err error
		if sig, err = ecdsa.SignASN1(rand.Reader, key, digest[:]); err != nil {
			t.Fatal(err)
		}
	}
	return append([]byte(base64.StdEncoding.EncodeToString(sig)+"\n"), body...)
}

func TestGermanList(t *testing.T) {
	p := loadPKI(t)
	deKey, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	otherKey, _ := GenerateKey()
	body := jsonOf(t, map[string]any{"certificates": []gatewayItem{item(p.de1.DER, "DE", "DSC"), item(p.fr1.DER, "FR", "DSC")}})
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good"), germanListBytes(t, deKey, body, false))
	rawSig := writeFile(t, filepath.Join(dir, "raw"), germanListBytes(t, deKey, body, true))
	tamperedBytes := germanListBytes(t, deKey, body, false)
	i := strings.LastIndex(string(tamperedBytes), `"FR"`)
	copy(tamperedBytes[i:], `"IT"`)
	tampered := writeFile(t, filepath.Join(dir, "tampered"), tamperedBytes)
	noLine := writeFile(t, filepath.Join(dir, "noline"), []byte(`{"certificates":[]}`))
	noCerts := writeFile(t, filepath.Join(dir, "nocerts"), germanListBytes(t, deKey, []byte(`{"certs": []}`), false))
	notBase64 := writeFile(t, filepath.Join(dir, "notbase64"), append([]byte("%%%\n"), body...))

	for _, tc := range []struct {
		name    string
		src     Source
		signers int
		err     string // "" for success
		note    string
	}{
		{"good", GermanList(good, &deKey.PublicKey, nil), 2, "", ""},
		{"raw r‖s signature", GermanList(rawSig, &deKey.PublicKey, nil), 2, "", ""},
		{"no key: read unchecked", GermanList(tampered, nil, nil), 2, "", "NOT checked"},
		{"bad signature", GermanList(tampered, &deKey.PublicKey, nil), 0, "signature does not verify", ""},
		{"wrong key", GermanList(good, &otherKey.PublicKey, nil), 0, "signature does not verify", ""},
		{"RSA key", GermanList(good, p.rsa.Cert.PublicKey, nil), 0, "an ECDSA key is needed", ""},
		{"no signature line", GermanList(noLine, &deKey.PublicKey, nil), 0, "no signature line", ""},
		{"first line not base64", GermanList(notBase64, &deKey.PublicKey, nil), 0, "not a base64 signature", ""},
		{"no certificates", GermanList(noCerts, &deKey.PublicKey, nil), 0, `no "certificates"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, r, err := Build(context.Background(), Options{Sources: []Source{tc.src}, Key: p.key, Now: testNow})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Signers != tc.signers || load(t, b, p.key).Len() != tc.signers {
				t.Errorf("%d signers, want %d", r.Signers, tc.signers)
			}
			if notes := strings.Join(r.Notes, "\n"); tc.note != "" && !strings.Contains(notes, tc.note) {
				t.Errorf("notes %q lack %q", notes, tc.note)
			}
		})
	}
}

func TestFetchHTTPS(t *testing.T) {
	p := loadPKI(t)
	gw := jsonOf(t, []gatewayItem{item(p.de1.DER, "DE", "DSC"), item(p.de2.DER, "DE", "DSC")})

	release := make(chan struct{})
	var sent atomic.Int64
	streamDone := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/trustList", func(w http.ResponseWriter, r *http.Request) { w.Write(gw) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("["))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	// /gigabyte streams 1 GiB of JSON-ish bytes, without a length, and
	// stops as soon as the client hangs up.
	mux.HandleFunc("/gigabyte", func(w http.ResponseWriter, r *http.Request) {
		defer func() { streamDone <- struct{}{} }()
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for sent.Load() < 1<<30 {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/announced", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(1<<30))
		w.WriteHeader(http.StatusOK)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-client case logs a handshake error
	srv.StartTLS()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	f := &Fetcher{Client: srv.Client(), Timeout: 500 * time.Millisecond, MaxSize: 1 << 20}
	build := func(loc string) (*Report, error) {
		_, r, err := Build(context.Background(), Options{Sources: []Source{Gateway(loc, f)}, Key: p.key, Now: testNow})
		return r, err
	}

	r, err := build(srv.URL + "/trustList")
	if err != nil {
		t.Fatal(err)
	}
	if r.Signers != 2 {
		t.Errorf("%d signers from HTTPS, want 2", r.Signers)
	}

	for _, tc := range []struct {
		path, want string
	}{
		{"/missing", "404"},
		{"/hang", "timed out after 500ms"},
		{"/slow-body", "timed out after 500ms"},
		{"/gigabyte", "more than the limit of 1048576 bytes"},
		{"/announced", "1073741824 bytes announced"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			start := time.Now()
			_, err := build(srv.URL + tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
	select {
	case <-streamDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the 1 GiB handler still runs after the client gave up")
	}
	if n := sent.Load(); n >= 1<<30 {
		t.Errorf("the client read all %d bytes", n)
	}

	plain := "http" + strings.TrimPrefix(srv.URL, "https") + "/trustList"
	if _, err := build(plain); err == nil || !strings.Contains(err.Error(), "only https:// URLs") {
		t.Errorf("plain HTTP: %v", err)
	}
	// A client that does not trust the server's certificate fails.
	_, _, err = Build(context.Background(), Options{Sources: []Source{Gateway(srv.URL+"/trustList", &Fetcher{Timeout: time.Second})}, Key: p.key, Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted TLS certificate: %v", err)
	}
}

func TestFetchFileCap(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "big.json"), make([]byte, 2048))
	if _, err := (&Fetcher{MaxSize: 1024}).Fetch(context.Background(), path); err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("err = %v", err)
	}
	b, err := (&Fetcher{MaxSize: 2048}).Fetch(context.Background(), path)
	if err != nil || len(b) != 2048 {
		t.Errorf("Fetch = %d bytes, %v", len(b), err)
	}
}
