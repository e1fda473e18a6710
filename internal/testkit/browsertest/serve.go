package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Serve serves the files of dir over HTTP on a loopback address until t ends,
// adding headers to every response (e.g. a Content-Security-Policy). Go's
// file server gives .wasm files the type application/wasm. The page's origin
// is the returned server's URL.
func Serve(t testing.TB, dir string, headers http.Header) *httptest.Server {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range headers {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}
