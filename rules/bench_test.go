package rules

import (
	"testing"
	"time"
)

// BenchmarkEvaluateEU: choosing and evaluating the EU rule set on one
// vaccination pass, natively (make bench).
func BenchmarkEvaluateEU(b *testing.B) {
	all := euRules(b)
	vs, err := LoadValueSets(vsFile)
	if err != nil {
		b.Fatal(err)
	}
	clock, _ := time.Parse(time.RFC3339, "2021-07-01T00:00:00Z")
	x := External{ValidationClock: clock, ValueSets: vs, CountryCode: "EU", IssuerCountryCode: "AT"}
	pass := vaccination(b, 2, 2)
	b.ReportAllocs()
	for b.Loop() {
		chosen, err := Select(all, Selection{IssuerCountry: "AT", Kinds: Kinds(pass), Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range Evaluate(chosen, pass, x) {
			if o.Status != Passed {
				b.Fatal(o.Rule.Identifier, o.Status, o.Why)
			}
		}
	}
}
