//go:build benchsite

package main

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkSite measures the scanner page in headless Chromium on localhost,
// each iteration on a new origin so that nothing is cached. make bench-site
// runs it (build tag benchsite keeps the plain "go test -bench ." of make
// bench from running it a second time).
//
//   - ms-ready-cold: navigation start to the page being ready to verify
//     (module instantiated, trust list loaded), first visit;
//   - ms-ready-sw: the same on a reload served by the service worker;
//   - ms-camera-verdict: the fake camera (a video of a demo QR code in view
//     from its first frame) started, to the verdict on screen;
//   - first-load-bytes: bytes the server sent for the first visit, the
//     service worker's precache and trust-list fetches included, with the
//     encodings the browser asked for (logged);
//   - first-load-bytes-br: the same responses counted as their brotli
//     copies, what a browser that takes brotli receives.
func BenchmarkSite(b *testing.B) {
	env := newSiteEnv(b, true)
	br := env.phone(b, 10*time.Minute)
	var cold, sw, cam, sent, brBytes []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		counter := &countingHandler{h: mustHandler(b, env.dir), dir: env.dir}
		srv := httptest.NewServer(counter)
		p := openSite(b, br, srv.URL+"/")
		cold = append(cold, readyMs(p))
		p.waitFor(`navigator.serviceWorker.controller !== null`, 30*time.Second)
		p.waitFor(`caches.open("passcheck-trust").then((c) => c.keys()).then((k) => k.length >= 2)`, 30*time.Second)
		// Let the worker's precache finish.
		p.waitFor(`navigator.serviceWorker.ready.then((r) => r.active && r.active.state === "activated")`, 30*time.Second)
		n, nbr := counter.totals()
		if i == 0 {
			b.Logf("first load: responses per Content-Encoding %v", counter.enc)
		}
		sent = append(sent, float64(n))
		brBytes = append(brBytes, float64(nbr))

		p.reload()
		sw = append(sw, readyMs(p))

		eval[bool](p, `(() => { document.getElementById("camera").click(); return true; })()`)
		p.waitFor(`document.documentElement.dataset.verdicts === "1"`, 30*time.Second)
		start, _ := strconv.Atoi(eval[string](p, `document.documentElement.dataset.cameraMs`))
		end, _ := strconv.Atoi(eval[string](p, `document.documentElement.dataset.verdictMs`))
		cam = append(cam, float64(end-start))
		if got := eval[string](p, `document.getElementById("verdict").dataset.state`); got != "valid" {
			b.Fatalf("camera verdict %q, want valid", got)
		}
		srv.Close()
	}
	b.StopTimer()
	b.ReportMetric(median(cold), "ms-ready-cold")
	b.ReportMetric(median(sw), "ms-ready-sw")
	b.ReportMetric(median(cam), "ms-camera-verdict")
	b.ReportMetric(median(sent), "first-load-bytes")
	b.ReportMetric(median(brBytes), "first-load-bytes-br")
}

func readyMs(p *sitePage) float64 {
	ms, err := strconv.ParseFloat(eval[string](p, `document.documentElement.dataset.readyMs`), 64)
	if err != nil {
		p.t.Fatal(err)
	}
	return ms
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
