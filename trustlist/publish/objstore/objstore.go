// Package objstore publishes the trust list to S3-compatible object storage
// (Amazon S3, or any store that speaks its API), usually behind a CDN. It
// uploads the same tree that [publish.WriteTree] writes to a folder, file for
// file, with the names, content types and Cache-Control of [publish.NewTree].
// Start with [NewClient] and a [Publisher]:
//
//	client, err := objstore.NewClient(ctx, objstore.ClientOptions{})
//	loc, err := objstore.ParseLocation("s3://trust-bucket/trust/")
//	p := &objstore.Publisher{Client: client, Location: loc, TrustKeys: keys, Keep: 3}
//	res, err := p.Publish(ctx, bundle)
//
// # Order
//
// [Publisher.Publish] uploads the content-addressed parts first
// (Cache-Control: public, max-age=31536000, immutable), reads each back and
// checks its SHA-256, and only then writes trustlist.json (a short max-age,
// no-transform), conditionally on the pointer it read at the start being
// still in place. It then reads the pointer back through the endpoint and
// verifies the list as a verifier would: pointer, then the bundle's size and
// hash, then its signature against the pinned keys. A failure before the
// pointer leaves the previous pointer serving; a failed read-back puts the
// previous pointer back. Only then does it remove what keep-N no longer
// needs ([publish.Stale]).
//
// # Sequence
//
// The next list's sequence comes from the pointer in the bucket
// ([Publisher.NextSequence]), and Publish refuses a bundle below it, so two
// machines that publish in turn cannot roll verifiers back; two that publish
// at the same moment meet the conditional write, and one fails with
// [ErrConflict].
//
// The package is the write side, used by tools only; the AWS SDK stays out of
// the packages the WebAssembly verifier imports.
package objstore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/publish"
)

// Errors that [Publisher.Publish] wraps, for errors.Is.
var (
	// ErrConflict: the pointer in the bucket changed while this publish
	// ran (another publisher); nothing was switched.
	ErrConflict = errors.New("objstore: the pointer changed meanwhile (another publisher?)")
	// ErrPartMissing: a part was not in the bucket, or not as uploaded,
	// when read back before the pointer; the previous pointer stays.
	ErrPartMissing = errors.New("objstore: a part is missing or damaged in the bucket")
	// ErrReadBack: the list read back through the endpoint after the
	// switch did not verify; the previous pointer was put back.
	ErrReadBack = errors.New("objstore: the published list does not verify when read back")
)

// DefaultRegion is the region used when the AWS configuration names none
// (most S3-compatible stores accept it).
const DefaultRegion = "us-east-1"

// SequenceMetadata is the user metadata (x-amz-meta-passcheck-sequence) on
// each part: the sequence of the list it was uploaded for, which keep-N
// pruning reads instead of downloading old bundles.
const SequenceMetadata = "passcheck-sequence"

// maxListed caps the objects that pruning looks at in one run.
const maxListed = 10000

// Location is where a tree is published: a bucket and a key prefix.
type Location struct {
	Bucket string
	Prefix string // "" or ending in "/"
}

// bucketRE is S3's rule for bucket names (3 to 63 of a-z 0-9 . -).
var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// MaxPrefixLen caps a location's prefix, in bytes (S3 keys have 1024).
const MaxPrefixLen = 512

// ParseLocation parses s3://BUCKET or s3://BUCKET/PREFIX (a "/" is added to a
// prefix that lacks one: the tree is a folder).
func ParseLocation(s string) (Location, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return Location{}, fmt.Errorf("objstore: %q is not an s3://BUCKET/PREFIX location", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !bucketRE.MatchString(bucket) || strings.Contains(bucket, "..") {
		return Location{}, fmt.Errorf("objstore: %q is not a bucket name (3 to 63 of a-z, 0-9, '.' and '-')", bucket)
	}
	if len(prefix) > MaxPrefixLen {
		return Location{}, fmt.Errorf("objstore: prefix of %d bytes, more than %d", len(prefix), MaxPrefixLen)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	for _, seg := range strings.Split(strings.TrimSuffix(prefix, "/"), "/") {
		if prefix == "" {
			break
		}
		if seg == "" || seg == "." || seg == ".." || strings.ContainsFunc(seg, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
			return Location{}, fmt.Errorf("objstore: prefix %q has an empty, dot or control segment", prefix)
		}
	}
	return Location{Bucket: bucket, Prefix: prefix}, nil
}

// String returns the location as s3://BUCKET/PREFIX.
func (l Location) String() string { return "s3://" + l.Bucket + "/" + l.Prefix }

// Key returns the object key of the tree's file called name.
func (l Location) Key(name string) string { return l.Prefix + name }

// ClientOptions adjust [NewClient].
type ClientOptions struct {
	// PathStyle addresses the bucket in the path (ENDPOINT/BUCKET/KEY)
	// rather than the host name (BUCKET.ENDPOINT/KEY). It is on anyway for
	// an endpoint that is an IP address or localhost.
	PathStyle bool
}

// NewClient returns an S3 client configured from the standard AWS
// environment and files: AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3, or a
// profile's endpoint_url) for a store other than Amazon S3; AWS_REGION
// (default [DefaultRegion]); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
// AWS_PROFILE and ~/.aws/config and ~/.aws/credentials, or any other source
// the AWS SDK reads.
func NewClient(ctx context.Context, o ClientOptions) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("objstore: AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	pathStyle := o.PathStyle
	if cfg.BaseEndpoint != nil && isLocalEndpoint(*cfg.BaseEndpoint) {
		pathStyle = true
	}
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.UsePathStyle = pathStyle
		// Publish reads every object back and checks its SHA-256 itself;
		// the SDK's note that a store sent no checksum is noise.
		so.DisableLogOutputChecksumValidationSkipped = true
		if ep := s3Endpoint(); ep != "" {
			so.UsePathStyle = so.UsePathStyle || isLocalEndpoint(ep)
		}
	}), nil
}

// s3Endpoint is the S3-only endpoint variable, which the SDK applies to the
// S3 client after the shared BaseEndpoint.
func s3Endpoint() string {
	return strings.TrimSpace(os.Getenv("AWS_ENDPOINT_URL_S3"))
}

// isLocalEndpoint reports whether endpoint's host is an IP address or
// localhost, where virtual-host addressing (BUCKET.HOST) cannot work.
func isLocalEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return net.ParseIP(h) != nil || h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// Publisher publishes trust lists to one location.
type Publisher struct {
	// Client talks to the store (see [NewClient]).
	Client *s3.Client
	// Location is the bucket and prefix of the tree.
	Location Location
	// TrustKeys are the publisher's public keys that the verifiers pin:
	// the list read back must verify against them.
	TrustKeys []crypto.PublicKey
	// Keep is how many earlier lists stay reachable after a switch, for
	// verifiers that read the previous pointer just before it (as
	// [publish.WriteTree]'s keep).
	Keep int
	// TreeOptions set the pointer's max-age ([publish.PointerMaxAge]) and
	// the revocation data published with the list
	// ([publish.WithRevocations]; without it verifiers show no pass green).
	TreeOptions []publish.TreeOption
	// DryRun reads the bucket and says what would be uploaded and deleted,
	// and changes nothing.
	DryRun bool
	// Log, when set, gets one line per step.
	Log io.Writer
	// Now is the clock for the read-back check; nil means time.Now.
	Now func() time.Time

	// Test hooks: afterUpload runs once the parts are uploaded, before
	// they are read back; beforePointer before the pointer is written;
	// afterPointer before the pointer is read back.
	afterUpload, beforePointer, afterPointer func()
}

// Result says what [Publisher.Publish] did, or would do with DryRun.
type Result struct {
	// Pointer is the published pointer; Previous the one it replaced (nil
	// when the bucket had none).
	Pointer  publish.Pointer
	Previous *publish.Pointer
	// Uploaded are the keys written (parts, then the pointer); Present the
	// parts that were in the bucket already; Deleted the keys removed by
	// keep-N.
	Uploaded, Present, Deleted []string
	// Warnings are problems that did not stop the publish (a failed prune).
	Warnings []string
	// DryRun is set when nothing was changed.
	DryRun bool
}

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Publisher) logf(format string, args ...any) {
	if p.Log != nil {
		fmt.Fprintf(p.Log, format+"\n", args...)
	}
}

// live is the pointer in the bucket: parsed, its bytes, its ETag.
type live struct {
	ptr  *publish.Pointer
	raw  []byte
	etag string
}

// readLive reads the bucket's trustlist.json; ptr is nil when there is none.
func (p *Publisher) readLive(ctx context.Context) (*live, error) {
	key := p.Location.Key(publish.PointerName)
	raw, etag, err := p.get(ctx, key, publish.MaxPointerSize)
	if isNotFound(err) {
		return &live{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("objstore: reading %s: %w", p.url(key), err)
	}
	ptr, err := publish.ParsePointer(raw)
	if err != nil {
		return nil, fmt.Errorf("objstore: %s: %w", p.url(key), err)
	}
	return &live{ptr: ptr, raw: raw, etag: etag}, nil
}

// Live returns the pointer the bucket serves now, or nil when it has none.
func (p *Publisher) Live(ctx context.Context) (*publish.Pointer, error) {
	l, err := p.readLive(ctx)
	if err != nil {
		return nil, err
	}
	return l.ptr, nil
}

// NextSequence returns the sequence for the next list: the live pointer's
// plus one, or now as Unix seconds for an empty location
// ([publish.SequenceAfter]).
func (p *Publisher) NextSequence(ctx context.Context, now time.Time) (uint64, error) {
	ptr, err := p.Live(ctx)
	if err != nil {
		return 0, err
	}
	return publish.SequenceAfter(ptr, now), nil
}

// Publish uploads bundle's tree (see the package doc for the order and the
// checks). On an error the Result, when not nil, says how far it got
// (Previous: the list still live). The bundle must verify against TrustKeys before anything is
// uploaded. The host-rule files of a folder tree (_headers, nginx) are not
// uploaded: each object carries its headers itself.
func (p *Publisher) Publish(ctx context.Context, bundle []byte) (*Result, error) {
	if p.Client == nil || p.Location.Bucket == "" {
		return nil, errors.New("objstore: Publisher needs a Client and a Location")
	}
	if len(p.TrustKeys) == 0 {
		return nil, errors.New("objstore: Publisher needs the TrustKeys to check the list it publishes")
	}
	tree, err := publish.NewTree(bundle, p.TreeOptions...)
	if err != nil {
		return nil, err
	}
	cur, err := p.readLive(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Pointer: tree.Pointer, Previous: cur.ptr, DryRun: p.DryRun}
	if err := publish.CheckSuccession(p.Location.String(), cur.ptr, &tree.Pointer); err != nil {
		return res, err
	}
	var lastSeen uint64
	if cur.ptr != nil {
		lastSeen = cur.ptr.Sequence
	}
	// Check the list as a verifier will before anything is uploaded: a
	// list that would be refused is never published.
	if _, err := trustlist.Load(bundle, p.TrustKeys, p.now(), lastSeen); err != nil {
		return res, fmt.Errorf("objstore: the bundle does not verify: %w", err)
	}

	// 1. The parts, each unless already there with its size.
	var parts []publish.File
	for _, f := range tree.Files {
		if f.Kind == publish.KindPart {
			parts = append(parts, f)
		}
	}
	for _, f := range parts {
		key := p.Location.Key(f.Name)
		if p.hasSize(ctx, key, len(f.Data)) {
			res.Present = append(res.Present, key)
			p.logf("present  %s", p.url(key))
			continue
		}
		res.Uploaded = append(res.Uploaded, key)
		if p.DryRun {
			p.logf("would upload %s (%d bytes; %s; %s)", p.url(key), len(f.Data), f.ContentType, f.CacheControl)
			continue
		}
		if err := p.put(ctx, key, f, tree.Pointer.Sequence, nil); err != nil {
			return res, fmt.Errorf("objstore: uploading %s: %w (the previous pointer stays)", p.url(key), err)
		}
		p.logf("uploaded %s (%d bytes; %s; %s)", p.url(key), len(f.Data), f.ContentType, f.CacheControl)
	}
	// 2. Each part read back, before anything points to it.
	if p.afterUpload != nil {
		p.afterUpload()
	}
	if !p.DryRun {
		for _, f := range parts {
			if err := p.checkPart(ctx, f.Name, len(f.Data), sha256.Sum256(f.Data)); err != nil {
				return res, fmt.Errorf("%w: %v (the previous pointer stays)", ErrPartMissing, err)
			}
		}
	}
	if p.beforePointer != nil {
		p.beforePointer()
	}
	// 3. The pointer, only where the one read at the start still is.
	ptrFile := tree.File(publish.PointerName)
	ptrKey := p.Location.Key(publish.PointerName)
	res.Uploaded = append(res.Uploaded, ptrKey)
	if p.DryRun {
		p.logf("would upload %s (sequence %d; %s; %s)", p.url(ptrKey), tree.Pointer.Sequence, ptrFile.ContentType, ptrFile.CacheControl)
		stale, err := p.stale(ctx, &tree.Pointer, []publish.PartInfo{{Name: tree.Pointer.Bundle, Sequence: tree.Pointer.Sequence}})
		if err != nil {
			res.Warnings = append(res.Warnings, err.Error())
		}
		for _, key := range stale {
			p.logf("would delete %s", p.url(key))
		}
		res.Deleted = stale
		return res, nil
	}
	err = p.put(ctx, ptrKey, *ptrFile, 0, cur)
	if httpStatus(err) == 501 {
		// A store without conditional writes: check the pointer again
		// just before an unconditional write (a shorter race window).
		err = p.putIfUnchanged(ctx, ptrKey, *ptrFile, cur)
	}
	if err != nil {
		if httpStatus(err) == 412 || errors.Is(err, ErrConflict) {
			return res, fmt.Errorf("%w: writing %s: %v", ErrConflict, p.url(ptrKey), err)
		}
		return res, fmt.Errorf("objstore: writing %s: %w (the previous pointer stays)", p.url(ptrKey), err)
	}
	p.logf("uploaded %s (sequence %d; %s; %s)", p.url(ptrKey), tree.Pointer.Sequence, ptrFile.ContentType, ptrFile.CacheControl)

	// 4. Read back through the endpoint, as a verifier would.
	if p.afterPointer != nil {
		p.afterPointer()
	}
	if err := p.verifyLive(ctx, &tree.Pointer, lastSeen); err != nil {
		err = fmt.Errorf("%w: %v", ErrReadBack, err)
		if rerr := p.restore(ctx, cur); rerr != nil {
			return res, fmt.Errorf("%w; putting the previous pointer back failed too: %v", err, rerr)
		}
		return res, fmt.Errorf("%w; the previous pointer was put back", err)
	}
	p.logf("verified %s: sequence %d, expires %s", p.url(ptrKey), tree.Pointer.Sequence, tree.Pointer.ExpiresAt)

	// 5. Keep-N, now that the new pointer is live.
	stale, err := p.stale(ctx, &tree.Pointer, nil)
	if err != nil {
		res.Warnings = append(res.Warnings, err.Error())
	}
	for _, key := range stale {
		if _, err := p.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(p.Location.Bucket), Key: aws.String(key)}); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("deleting %s: %v", p.url(key), err))
			continue
		}
		res.Deleted = append(res.Deleted, key)
		p.logf("deleted  %s", p.url(key))
	}
	return res, nil
}

// put writes f at key with its headers. A part carries its list's sequence
// as metadata. The pointer (prev not nil) is written only if the bucket's
// pointer is still prev: If-Match its ETag, or If-None-Match * when there
// was none.
func (p *Publisher) put(ctx context.Context, key string, f publish.File, seq uint64, prev *live) error {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(p.Location.Bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(f.Data),
		ContentLength: aws.Int64(int64(len(f.Data))),
		ContentType:   aws.String(f.ContentType),
		CacheControl:  aws.String(f.CacheControl),
	}
	if seq != 0 {
		in.Metadata = map[string]string{SequenceMetadata: strconv.FormatUint(seq, 10)}
	}
	if prev != nil {
		if prev.ptr == nil {
			in.IfNoneMatch = aws.String("*")
		} else {
			in.IfMatch = aws.String(prev.etag)
		}
	}
	_, err := p.Client.PutObject(ctx, in)
	return err
}

// putIfUnchanged writes the pointer without a condition, after checking
// that the bucket's pointer is still prev.
func (p *Publisher) putIfUnchanged(ctx context.Context, key string, f publish.File, prev *live) error {
	now, err := p.readLive(ctx)
	if err != nil {
		return err
	}
	if !bytes.Equal(now.raw, prev.raw) {
		return ErrConflict
	}
	return p.put(ctx, key, f, 0, nil)
}

// restore puts the previous pointer back after a failed read-back (or
// removes the pointer when there was none).
func (p *Publisher) restore(ctx context.Context, prev *live) error {
	key := p.Location.Key(publish.PointerName)
	if prev.ptr == nil {
		_, err := p.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(p.Location.Bucket), Key: aws.String(key)})
		return err
	}
	ct, cc, err := publish.PointerHeaders(p.TreeOptions...)
	if err != nil {
		return err
	}
	return p.put(ctx, key, publish.File{Name: publish.PointerName, Kind: publish.KindPointer, Data: prev.raw, ContentType: ct, CacheControl: cc}, 0, nil)
}

// verifyLive reads the pointer and its bundle back through the endpoint and
// checks them as a verifier does: the pointer is want, the bundle has its
// size and hash, and its signature verifies against the pinned keys.
func (p *Publisher) verifyLive(ctx context.Context, want *publish.Pointer, lastSeen uint64) error {
	l, err := p.readLive(ctx)
	if err != nil {
		return err
	}
	if !l.ptr.Equal(want) {
		return fmt.Errorf("%s is not the pointer just written", p.url(p.Location.Key(publish.PointerName)))
	}
	key := p.Location.Key(want.Bundle)
	b, _, err := p.get(ctx, key, trustlist.MaxBundleSize)
	if err != nil {
		return fmt.Errorf("reading %s: %v", p.url(key), err)
	}
	sum := sha256.Sum256(b)
	if len(b) != want.Size || hex.EncodeToString(sum[:]) != want.SHA256 {
		return fmt.Errorf("%s does not match the pointer's size and SHA-256", p.url(key))
	}
	if _, err := trustlist.Load(b, p.TrustKeys, p.now(), lastSeen); err != nil {
		return fmt.Errorf("%s: %v", p.url(key), err)
	}
	return nil
}

// checkPart reads the part back and compares its bytes' hash.
func (p *Publisher) checkPart(ctx context.Context, name string, size int, sum [32]byte) error {
	key := p.Location.Key(name)
	b, _, err := p.get(ctx, key, int64(size))
	if err != nil {
		return fmt.Errorf("%s: %v", p.url(key), err)
	}
	if len(b) != size || sha256.Sum256(b) != sum {
		return fmt.Errorf("%s does not hold the bytes uploaded", p.url(key))
	}
	return nil
}

// hasSize reports whether key exists with size bytes. A part is named by its
// content, so that is the same part.
func (p *Publisher) hasSize(ctx context.Context, key string, size int) bool {
	h, err := p.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(p.Location.Bucket), Key: aws.String(key)})
	return err == nil && aws.ToInt64(h.ContentLength) == int64(size)
}

// stale lists the location's parts and returns the keys that keep-N removes
// once current is live; extra are parts to count as present (a dry run's
// new part).
func (p *Publisher) stale(ctx context.Context, current *publish.Pointer, extra []publish.PartInfo) ([]string, error) {
	parts := slices.Clone(extra)
	in := &s3.ListObjectsV2Input{
		Bucket:    aws.String(p.Location.Bucket),
		Prefix:    aws.String(p.Location.Key("trustlist-")),
		Delimiter: aws.String("/"),
	}
	listed := 0
	pages := s3.NewListObjectsV2Paginator(p.Client, in)
	for pages.HasMorePages() && listed < maxListed {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing %s for keep-N: %v", p.Location, err)
		}
		for _, o := range page.Contents {
			listed++
			name := strings.TrimPrefix(aws.ToString(o.Key), p.Location.Prefix)
			if !publish.IsPartName(name) || slices.ContainsFunc(parts, func(pi publish.PartInfo) bool { return pi.Name == name }) {
				continue
			}
			if publish.IsIndexName(name) {
				// A revocation index: the parts it names stay while it does.
				if b, _, err := p.get(ctx, p.Location.Key(name), trustlist.MaxIndexSize); err == nil {
					if pi, err := publish.ReadIndexInfo(name, b); err == nil {
						parts = append(parts, pi)
					}
				}
				continue
			}
			if seq, ok := p.partSequence(ctx, name); ok {
				parts = append(parts, publish.PartInfo{Name: name, Sequence: seq})
			}
		}
	}
	var keys []string
	for _, n := range publish.Stale(parts, current, p.Keep) {
		keys = append(keys, p.Location.Key(n))
	}
	return keys, nil
}

// partSequence returns the sequence of the list a part belongs to: from its
// metadata, else from the bundle itself. A part it cannot read is left
// alone (ok false).
func (p *Publisher) partSequence(ctx context.Context, name string) (uint64, bool) {
	key := p.Location.Key(name)
	h, err := p.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(p.Location.Bucket), Key: aws.String(key)})
	if err != nil {
		return 0, false
	}
	if s, ok := h.Metadata[SequenceMetadata]; ok {
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return n, true
		}
	}
	b, _, err := p.get(ctx, key, trustlist.MaxBundleSize)
	if err != nil {
		return 0, false
	}
	l, err := trustlist.ParseUnverified(b)
	if err != nil {
		return 0, false
	}
	return l.Sequence, true
}

// Get reads the object of the tree's file called name (a revocation
// index or part the live pointer names, for the next build's delta), at
// most max bytes.
func (p *Publisher) Get(ctx context.Context, name string, max int) ([]byte, error) {
	b, _, err := p.get(ctx, p.Location.Key(name), int64(max))
	return b, err
}

// get reads key, at most max bytes, and its ETag.
func (p *Publisher) get(ctx context.Context, key string, max int64) ([]byte, string, error) {
	out, err := p.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(p.Location.Bucket), Key: aws.String(key)})
	if err != nil {
		return nil, "", err
	}
	defer out.Body.Close()
	if out.ContentLength != nil && *out.ContentLength > max {
		return nil, "", fmt.Errorf("%d bytes, more than %d", *out.ContentLength, max)
	}
	b, err := io.ReadAll(io.LimitReader(out.Body, max+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(b)) > max {
		return nil, "", fmt.Errorf("more than %d bytes", max)
	}
	return b, aws.ToString(out.ETag), nil
}

func (p *Publisher) url(key string) string { return "s3://" + p.Location.Bucket + "/" + key }

// CORSRules is the bucket CORS configuration that lets the verifier widget,
// on any origin, read the trust list (for aws s3api put-bucket-cors
// --cors-configuration).
const CORSRules = `{"CORSRules":[{"AllowedOrigins":["*"],"AllowedMethods":["GET","HEAD"],"AllowedHeaders":["*"],"MaxAgeSeconds":86400}]}`

// CheckCORS reports whether the bucket's CORS rules let any origin GET its
// objects, as the verifier widget on other sites needs (unless the CDN in
// front adds Access-Control-Allow-Origin itself). A bucket without CORS
// rules gives false and no error.
func (p *Publisher) CheckCORS(ctx context.Context) (bool, error) {
	out, err := p.Client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(p.Location.Bucket)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "NoSuchCORSConfiguration" {
			return false, nil
		}
		return false, err
	}
	for _, r := range out.CORSRules {
		if slices.Contains(r.AllowedOrigins, "*") && slices.ContainsFunc(r.AllowedMethods, func(m string) bool { return strings.EqualFold(m, "GET") }) {
			return true, nil
		}
	}
	return false, nil
}

// isNotFound reports whether err says the object does not exist.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound") {
		return true
	}
	return httpStatus(err) == 404 && !isBucketMissing(err)
}

func isBucketMissing(err error) bool {
	var nb *types.NoSuchBucket
	var ae smithy.APIError
	return errors.As(err, &nb) || (errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket")
}

// httpStatus returns the HTTP status of a failed request, or 0.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
