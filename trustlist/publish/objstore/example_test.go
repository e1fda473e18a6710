package objstore_test

import (
	"context"
	"crypto"
	"fmt"
	"os"

	"github.com/passcheck/passcheck/trustlist/publish"
	"github.com/passcheck/passcheck/trustlist/publish/objstore"
)

func ExampleParseLocation() {
	loc, err := objstore.ParseLocation("s3://trust-bucket/passcheck")
	if err != nil {
		panic(err)
	}
	fmt.Println(loc.Bucket, loc.Key("trustlist.json"))
	// Output: trust-bucket passcheck/trustlist.json
}

// ExamplePublisher publishes a signed bundle to the bucket that the
// standard AWS environment (AWS_ENDPOINT_URL, AWS_REGION, credentials)
// points at. It needs a store, so it has no output to check.
func ExamplePublisher() {
	var (
		bundle []byte               // from publish.Build
		rev    *publish.Revocations // from publish.BuildRevocations: every list carries a revocation index
		keys   []crypto.PublicKey   // the publisher's public key, as the verifiers pin it
	)
	ctx := context.Background()
	client, err := objstore.NewClient(ctx, objstore.ClientOptions{})
	if err != nil {
		panic(err)
	}
	loc, err := objstore.ParseLocation("s3://trust-bucket/passcheck/")
	if err != nil {
		panic(err)
	}
	p := &objstore.Publisher{Client: client, Location: loc, TrustKeys: keys, Keep: 3, Log: os.Stdout,
		TreeOptions: []publish.TreeOption{publish.WithRevocations(rev)}}
	res, err := p.Publish(ctx, bundle)
	if err != nil {
		fmt.Println("not published; the previous list stays:", err)
		return
	}
	fmt.Println("live: sequence", res.Pointer.Sequence)
}
