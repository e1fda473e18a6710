package browsertest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testPage = `<!doctype html><meta charset="utf-8"><title>t</title>
<script>
window.same = fetch("data.txt").then(r => r.text());
window.far = fetch("http://example.invalid/x").then(r => r.status, e => "failed");
console.error("boom", 42);
</script>`

func TestPage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(testPage), 0o644)
	os.WriteFile(filepath.Join(dir, "data.txt"), []byte("hello"), 0o644)
	srv := Serve(t, dir, map[string][]string{"X-Test": {"yes"}})

	b := Start(t, Options{})
	p := b.NewPage()
	p.Navigate(srv.URL + "/index.html")

	if got := Eval[string](p, `window.same`); got != "hello" {
		t.Errorf("same-origin fetch = %q, want hello", got)
	}
	// The proxy refuses non-loopback hosts (403), so nothing leaves.
	if got := Eval[any](p, `window.far`); got != float64(403) && got != "failed" {
		t.Errorf("cross-origin fetch = %v, want refused", got)
	}
	header := Eval[string](p, `fetch("data.txt").then(r => r.headers.get("X-Test"))`)
	if header != "yes" {
		t.Errorf("Serve header X-Test = %q", header)
	}

	// Both recorders saw the far request, and Violation flags it.
	for _, src := range []struct {
		name string
		reqs []Request
	}{{"page", p.Requests()}, {"proxy", b.Requests()}} {
		var far, same bool
		for _, r := range src.reqs {
			why := Violation(r, srv.URL)
			switch {
			case strings.Contains(r.URL, "example.invalid"):
				far = true
				if !strings.Contains(why, "leaves the origin") {
					t.Errorf("%s: Violation(%s) = %q, want leaves the origin", src.name, r.URL, why)
				}
			case strings.HasSuffix(r.URL, "/data.txt"):
				same = true
				if why != "" {
					t.Errorf("%s: Violation(%s) = %q, want none", src.name, r.URL, why)
				}
			}
		}
		if !far || !same {
			t.Errorf("%s recorder: far=%v same=%v in %v", src.name, far, same, src.reqs)
		}
	}

	errs := p.ConsoleErrors()
	if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "boom 42") {
		t.Errorf("console errors = %q, want console.error boom 42", errs)
	}

	// Offline: fetches fail and navigator.onLine is false; back online they work.
	p.SetOffline(true)
	if got := Eval[string](p, `fetch("data.txt?2").then(r => "ok", e => "failed")`); got != "failed" {
		t.Errorf("offline fetch = %q, want failed", got)
	}
	if Eval[bool](p, `navigator.onLine`) {
		t.Error("navigator.onLine is true while offline")
	}
	p.SetOffline(false)
	if got := Eval[string](p, `fetch("data.txt?3").then(r => r.text())`); got != "hello" {
		t.Errorf("online again: fetch = %q", got)
	}

	p.WaitFor(`document.title === "t"`, 5e9)
	shot := filepath.Join(t.TempDir(), "shots", "page.png")
	p.Screenshot(shot)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("screenshot: %v, %d bytes", err, len(png))
	}
}

func TestViolation(t *testing.T) {
	const origin = "http://127.0.0.1:8080"
	pass := "HC1:6BFOXN*TS0BI$ZD8UHVVN4%91P5NL1:6BF4Q1$F1LNU7FEE1:6BF" // a made-up base45 text
	tests := []struct {
		name string
		r    Request
		want string // substring of the violation, "" for none
	}{
		{"same origin", Request{URL: origin + "/assets/app-4F2A9C.js"}, ""},
		{"data URL", Request{URL: "data:image/png;base64,AAAA"}, ""},
		{"other port", Request{URL: "http://127.0.0.1:8081/x"}, "leaves the origin"},
		{"other host", Request{URL: "https://example.com/"}, "leaves the origin"},
		{"prefix in query", Request{URL: origin + "/log?q=hc1%3Aabc"}, `"HC1:"`},
		{"prefix in body", Request{URL: origin + "/log", Body: []byte("x=HC1:AB")}, `"HC1:"`},
		{"piece of the pass", Request{URL: origin + "/log?d=" + pass[10:40]}, "piece of a pass"},
		{"long base45 run", Request{URL: origin + "/log", Body: []byte(strings.Repeat("6BF-Q1$F1L", 6))}, "base45 run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Violation(tt.r, origin, pass)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("Violation = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestViolationFile(t *testing.T) {
	if got := Violation(Request{URL: "file:///media/usb/kiosk.html"}, "file://"); got != "" {
		t.Errorf("a file under file:// = %q", got)
	}
	if got := Violation(Request{URL: "http://127.0.0.1:1/x"}, "file://"); got == "" {
		t.Error("an HTTP request from a file:// page is not flagged")
	}
}
