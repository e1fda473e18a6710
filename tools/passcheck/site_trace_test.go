//go:build benchsite

package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// TestSiteTrace prints what the page's thread does during a start of the
// scanner page, cold and then from the service worker: the tasks of
// Chromium's renderer main thread (its trace, through the DevTools
// protocol) that took at least 3 ms, nested, in ms since navigation, beside
// the start's marks. It reports and asserts nothing; run it by hand:
//
//	go test -tags benchsite -run '^TestSiteTrace$' -v ./tools/passcheck
//
// (make bench-site runs only the benchmark).
func TestSiteTrace(t *testing.T) {
	env := newSiteEnv(t, true)
	br := env.phone(t, 5*time.Minute)
	srv := httptest.NewServer(mustHandler(t, env.dir))
	defer srv.Close()
	p := &sitePage{Page: br.NewPage(), t: t}
	tr := startTrace(t, p)
	p.navigate(srv.URL + "/")
	p.waitFor(`document.documentElement.dataset.ready === "true"`, 30*time.Second)
	fmt.Printf("\ncold start, the page's thread:\n%s", tr.stop(t, p))

	p.waitOffline(true)
	time.Sleep(2 * time.Second) // the worker's precache and Chromium's code cache
	tr = startTrace(t, p)
	p.reload()
	p.waitFor(`document.documentElement.dataset.ready === "true"`, 30*time.Second)
	fmt.Printf("\nfrom the service worker, the page's thread:\n%s", tr.stop(t, p))
}

// pageTrace collects one trace of a page.
type pageTrace struct {
	mu     sync.Mutex
	events []map[string]any
	done   chan struct{}
}

var traceCategories = []string{"devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "blink", "blink.user_timing", "loading", "v8", "v8.wasm"}

func startTrace(t *testing.T, p *sitePage) *pageTrace {
	t.Helper()
	tr := &pageTrace{done: make(chan struct{})}
	chromedp.Listen(p.Ctx, func(ev any) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			for _, v := range e.Value {
				var m map[string]any
				if json.Unmarshal(v, &m) == nil {
					tr.events = append(tr.events, m)
				}
			}
		case *tracing.EventTracingComplete:
			select {
			case <-tr.done:
			default:
				close(tr.done)
			}
		}
	})
	if _, err := chromedp.Call(p.Ctx, tracing.Start, tracing.StartParams{TransferMode: tracing.StartTransferModeReportEvents, TraceConfig: &tracing.TraceConfig{IncludedCategories: traceCategories}}); err != nil {
		t.Fatal(err)
	}
	return tr
}

// stop ends the trace and formats the main thread's tasks of at least
// 3 ms, placed on the page's clock by its "passcheck:start" mark.
func (tr *pageTrace) stop(t *testing.T, p *sitePage) string {
	t.Helper()
	ph := startPhases(p)
	if _, err := chromedp.Call(p.Ctx, tracing.End, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-tr.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the trace did not complete")
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	main := map[float64]bool{}
	var origin float64
	for _, e := range tr.events {
		args, _ := e["args"].(map[string]any)
		if e["name"] == "thread_name" && args != nil && args["name"] == "CrRendererMain" {
			main[num(e["tid"])] = true
		}
		if e["name"] == "passcheck:start" {
			origin = num(e["ts"]) - ph["start"]*1000
		}
	}
	type task struct {
		name       string
		start, dur float64
	}
	var tasks []task
	for _, e := range tr.events {
		if e["ph"] != "X" || !main[num(e["tid"])] || num(e["dur"]) < 3000 {
			continue
		}
		name, _ := e["name"].(string)
		if name == "ThreadControllerImpl::RunTask" || name == "Receive mojo message" {
			continue // the same task again, one level down
		}
		if args, ok := e["args"].(map[string]any); ok {
			if d, ok := args["data"].(map[string]any); ok {
				if u, ok := d["url"].(string); ok && u != "" {
					name += " " + u[strings.LastIndex(u, "/")+1:]
				}
			}
		}
		tasks = append(tasks, task{name, (num(e["ts"]) - origin) / 1000, num(e["dur"]) / 1000})
	}
	slices.SortStableFunc(tasks, func(a, b task) int {
		if a.start != b.start {
			return int((a.start - b.start) * 1000)
		}
		return int((b.dur - a.dur) * 1000)
	})
	var sb strings.Builder
	var open []float64 // end times of the enclosing tasks
	for _, x := range tasks {
		for len(open) > 0 && x.start >= open[len(open)-1]-0.05 {
			open = open[:len(open)-1]
		}
		fmt.Fprintf(&sb, "  %7.1f +%6.1f %s%s\n", x.start, x.dur, strings.Repeat("  ", len(open)), x.name)
		open = append(open, x.start+x.dur)
	}
	fmt.Fprintf(&sb, "  marks:%s\n", phaseLine([]map[string]float64{ph}))
	return sb.String()
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
