package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Defaults of a [Fetcher].
const (
	DefaultTimeout = 60 * time.Second
	DefaultMaxSize = 64 << 20
)

// Fetcher reads a source's bytes from a file or an HTTPS URL, with a time
// limit and a size cap. The zero value uses [DefaultTimeout] and
// [DefaultMaxSize].
type Fetcher struct {
	// Client sends the requests; nil means a client with Timeout. Tests pass
	// an httptest server's client.
	Client *http.Client
	// Timeout bounds a whole request, the body included.
	Timeout time.Duration
	// MaxSize caps the bytes read from a file or a response.
	MaxSize int64
}

// Fetch returns the bytes at location: an https:// URL, or a file path.
// Plain http:// is refused: nothing else protects the gateway list in transit.
func (f *Fetcher) Fetch(ctx context.Context, location string) ([]byte, error) {
	var cfg Fetcher
	if f != nil {
		cfg = *f
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	switch {
	case strings.HasPrefix(location, "https://"):
		return cfg.get(ctx, location)
	case strings.Contains(location, "://"):
		return nil, fmt.Errorf("%s: only https:// URLs and files are read", location)
	}
	file, err := os.Open(location)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return readCapped(file, cfg.MaxSize, location)
}

func (f *Fetcher) get(ctx context.Context, url string) ([]byte, error) {
	client := f.Client
	if client == nil {
		client = &http.Client{}
	}
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "passcheck-trustlist-build")
	resp, err := client.Do(req)
	if err != nil {
		return nil, timeoutHint(ctx, fmt.Errorf("GET %s: %w", url, err), f.Timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if resp.ContentLength > f.MaxSize {
		return nil, fmt.Errorf("GET %s: %d bytes announced, more than the limit of %d", url, resp.ContentLength, f.MaxSize)
	}
	b, err := readCapped(resp.Body, f.MaxSize, "GET "+url)
	if err == nil && ctx.Err() != nil {
		// The deadline passed while the body was read: depending on when
		// the connection closed, the read may have ended without an error.
		err = fmt.Errorf("GET %s: %w", url, ctx.Err())
	}
	return b, timeoutHint(ctx, err, f.Timeout)
}

// readCapped reads r to its end, or fails as soon as it passes max bytes.
func readCapped(r io.Reader, max int64, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: more than the limit of %d bytes", name, max)
	}
	return b, nil
}

func timeoutHint(ctx context.Context, err error, d time.Duration) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w (timed out after %s)", err, d)
	}
	return err
}
