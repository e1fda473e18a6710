package browsertest

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"
)

// maxRecordedBody is how much of a request body the recorders keep.
const maxRecordedBody = 1 << 20

// proxy is an HTTP forward proxy that records every request and forwards only
// those for loopback hosts.
type proxy struct {
	addr string
	srv  *http.Server
	rp   *httputil.ReverseProxy
	tr   *http.Transport

	mu   sync.Mutex
	reqs []Request
}

func startProxy() (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	px := &proxy{addr: ln.Addr().String()}
	// DisableCompression: bodies and Content-Encoding pass through as served.
	px.tr = &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 16}
	px.rp = &httputil.ReverseProxy{
		Rewrite:       func(pr *httputil.ProxyRequest) { pr.Out.URL = pr.In.URL },
		Transport:     px.tr,
		FlushInterval: -1,
		ErrorLog:      nil,
	}
	px.srv = &http.Server{Handler: px, ReadHeaderTimeout: 10 * time.Second}
	go px.srv.Serve(ln)
	return px, nil
}

func (px *proxy) close() {
	px.srv.Close()
	px.tr.CloseIdleConnections()
}

func (px *proxy) requests() []Request {
	px.mu.Lock()
	defer px.mu.Unlock()
	return append([]Request(nil), px.reqs...)
}

func (px *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Source: "proxy"}
	if r.Method == http.MethodConnect {
		// A tunnel (https, wss): never to be opened by a test.
		rec.URL = "https://" + r.Host + "/"
		px.add(rec)
		http.Error(w, errRefused.Error(), http.StatusForbidden)
		return
	}
	rec.URL = r.URL.String()
	if r.Body != nil {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxRecordedBody))
		rec.Body = body
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	}
	px.add(rec)
	if !r.URL.IsAbs() || !isLoopback(r.URL.Hostname()) {
		http.Error(w, errRefused.Error(), http.StatusForbidden)
		return
	}
	px.rp.ServeHTTP(w, r)
}

func (px *proxy) add(r Request) {
	px.mu.Lock()
	px.reqs = append(px.reqs, r)
	px.mu.Unlock()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
