package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/passcheck/passcheck/site"
)

func init() {
	register(&command{
		Name:      "serve",
		UsageLine: "serve [--dir dist] [--addr :8080]",
		Short:     "serve a built site with the headers production should use",
		Long: `
Serve serves a folder built by "passcheck site build" (and the trust list
published into it) with the HTTP headers a production host should send:

  Content-Security-Policy   no inline script, no third-party origin; the
                            trust list's origin when it is elsewhere
  Cache-Control             a year, immutable, for content-hashed assets and
                            trust-list bundles; one minute for trustlist.json;
                            revalidate for the page, the manifest and sw.js
  Content-Type              application/wasm for the module
  Content-Encoding          the pre-compressed .br or .gz copy when the
                            browser accepts it
  Permissions-Policy camera=(self), Referrer-Policy no-referrer,
  X-Content-Type-Options nosniff, Cross-Origin-Opener-Policy same-origin

It serves files only (no directory listings) and answers GET and HEAD.

Example:

	passcheck serve --dir dist --addr localhost:8080
`,
		Run: runServe,
	})
}

func runServe(e *env, args []string) int {
	c := commands["serve"]
	flags := newFlagSet(e, c)
	dir := flags.String("dir", "dist", "the folder to serve")
	addr := flags.String("addr", ":8080", "the address to listen on")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() > 0 {
		errorf(e, "serve takes no arguments, got %q", flags.Args())
		return 2
	}
	h, err := site.Handler(*dir)
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, fs.ErrNotExist) {
			hintf(e, "build the site first: passcheck site build --trust-key PUB.pem --out %s", *dir)
		}
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		errorf(e, "%v", err)
		hintf(e, "choose another address with --addr, e.g. --addr localhost:8081")
		return 2
	}
	fmt.Fprintf(e.stdout, "passcheck: serving %s at %s\n", *dir, listenURL(ln.Addr()))
	return serveUntilSignal(e, ln, h)
}

// serveUntilSignal serves h on ln until SIGINT or SIGTERM.
func serveUntilSignal(e *env, ln net.Listener, h http.Handler) int {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		errorf(e, "%v", err)
		return 2
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	return 0
}

// listenURL is the URL to print for a listener: localhost for a wildcard
// address.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
