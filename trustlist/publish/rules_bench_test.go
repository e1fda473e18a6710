//go:build benchtrustlist

package publish

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/rules"
	"github.com/passcheck/passcheck/rules/eu"
)

// BenchmarkBundleRules measures what 200 rules and the EU value sets add
// to a bundle, compressed with brotli as a static host serves it (budget
// 60 KB): the EU set copied to member states (each copy its own country,
// identifiers and version), which is what national rule sets look like.
func BenchmarkBundleRules(b *testing.B) {
	p := loadPKI(b)
	src := Files(writeFile(b, filepath.Join(b.TempDir(), "de1.pem"), p.de1.CertPEM()))
	base, err := eu.Rules()
	if err != nil {
		b.Fatal(err)
	}
	vs, err := eu.ValueSets()
	if err != nil {
		b.Fatal(err)
	}
	loaded := &rules.Loaded{}
	for i := 0; len(loaded.Rules) < 200; i++ {
		country := benchCountries[i%len(benchCountries)]
		for _, r := range base.Rules {
			if len(loaded.Rules) == 200 {
				break
			}
			tree := r.Tree()
			tree["Country"] = country
			tree["Identifier"] = r.Identifier[:3] + country + r.Identifier[5:]
			tree["Version"] = "1." + strconv.Itoa(i) + ".0"
			nr, err := rules.ParseRule(tree, certlogicLimits())
			if err != nil {
				b.Fatal(err)
			}
			loaded.Rules = append(loaded.Rules, nr)
		}
	}
	build := func(rs *RuleSet) []byte {
		bundle, _, err := Build(context.Background(), Options{Sources: []Source{src}, Key: p.key, Sequence: 1, Now: testNow, Rules: rs})
		if err != nil {
			b.Fatal(err)
		}
		return bundle
	}
	without := build(nil)
	var with []byte
	for b.Loop() {
		with = build(&RuleSet{Loaded: loaded, ValueSets: vs})
	}
	b.ReportMetric(float64(len(with)-len(without)), "rules-raw-bytes")
	b.ReportMetric(float64(brotliLen(with)-brotliLen(without)), "rules-brotli-bytes")
}

func brotliLen(data []byte) int {
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	w.Write(data)
	w.Close()
	return buf.Len()
}

func certlogicLimits() certlogic.Limits { return certlogic.DefaultLimits }
