package main

import (
	"strings"
	"testing"
)

func TestInlineSafe(t *testing.T) {
	for _, c := range []struct {
		name, in, tag, want string
	}{
		{"plain", `let a = 1 < 2;`, "script", `let a = 1 < 2;`},
		{"script end", `s = "</script>";`, "script", `s = "<\/script>";`},
		{"any case", `s = "</ScRiPt >" + "</SCRIPT";`, "script", `s = "<\/ScRiPt >" + "<\/SCRIPT";`},
		{"comment open", `s = "<!--";`, "script", `s = "<\!--";`},
		{"style end", `a::after{content:"</style>"}`, "style", `a::after{content:"<\/style>"}`},
		{"style keeps <!--", `a{content:"<!--"}`, "style", `a{content:"<!--"}`},
		{"twice", `"</script></script>"`, "script", `"<\/script><\/script>"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := inlineSafe(c.in, c.tag)
			if got != c.want {
				t.Errorf("inlineSafe(%q) = %q, want %q", c.in, got, c.want)
			}
			if strings.Contains(strings.ToLower(got), "</"+c.tag) {
				t.Errorf("%q still closes the element", got)
			}
		})
	}
}

func TestFromWidgetDir(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"trustlist.json":                     "../trustlist.json",
		"./trustlist.json":                   "../trustlist.json",
		"assets/passcheck-0123456789ab.wasm": "../assets/passcheck-0123456789ab.wasm",
		"/trust/trustlist.json":              "/trust/trustlist.json",
		"https://tl.example/trustlist.json":  "https://tl.example/trustlist.json",
	} {
		if got := fromWidgetDir(in); got != want {
			t.Errorf("fromWidgetDir(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckNoInline(t *testing.T) {
	ok := `<!doctype html><link rel="stylesheet" href="embed.css"><script type="module" src="embed.js"></script>`
	if err := checkNoInline("ok.html", ok); err != nil {
		t.Errorf("clean page refused: %v", err)
	}
	for _, bad := range []string{`<script>alert(1)</script>`, `<style>a{}</style>`, `<p style="color:red">`, `<a href="javascript:x()">`, `<body onload="x()">`} {
		if err := checkNoInline("bad.html", ok+bad); err == nil {
			t.Errorf("inline %q accepted", bad)
		}
	}
}

func TestSingleFileCSP(t *testing.T) {
	csp := singleFileCSP(cspHash("js"), cspHash("css"))
	for _, want := range []string{"default-src 'none'", "script-src 'sha256-", "'wasm-unsafe-eval'", "style-src 'sha256-", "connect-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"'self'", "'unsafe-inline'", "'unsafe-eval'", "http"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q has %q", csp, bad)
		}
	}
	// The hash of "js" (echo -n js | sha256sum | xxd -r -p | base64).
	if h := cspHash("js"); h != "'sha256-Fs7fgK3gHGK90a6THQSSMwwLYr8pTAjAlc4vqyGpKY0='" {
		t.Errorf("cspHash = %s", h)
	}
}

func TestSingleFilePageMarkers(t *testing.T) {
	page := singlePage{CSP: "default-src 'none'", Script: "console.log(1)", Style: "a{}", WasmGzip: []byte{1, 2, 3}, Bundle: []byte{4, 5}}
	if _, err := singleFilePage("<html><body></body></html>", page); err == nil {
		t.Error("a page without the markers was accepted")
	}
}
