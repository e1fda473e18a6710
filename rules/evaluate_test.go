package rules_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/passcheck/passcheck/rules"
)

// External.Tree writes every field rules see, region, exp and iat only
// when set.
func TestExternalTree(t *testing.T) {
	clock := time.Date(2021, 7, 1, 12, 0, 0, 0, time.UTC)
	vs := rules.ValueSets{"covid-19-lab-result": {"260415000"}}
	full := rules.External{ValidationClock: clock, ValueSets: vs, CountryCode: "DE", Region: "BY",
		Exp: clock.Add(time.Hour), Iat: clock.Add(-time.Hour), IssuerCountryCode: "AT", Kid: "a2lk"}
	want := map[string]any{
		"validationClock": "2021-07-01T12:00:00.000Z", "valueSets": map[string]any{"covid-19-lab-result": []any{"260415000"}},
		"countryCode": "DE", "region": "BY", "exp": "2021-07-01T13:00:00Z", "iat": "2021-07-01T11:00:00Z",
		"issuerCountryCode": "AT", "kid": "a2lk",
	}
	if got := full.Tree(); !reflect.DeepEqual(got, want) {
		t.Errorf("full: %v\nwant %v", got, want)
	}
	want = map[string]any{"validationClock": "2021-07-01T12:00:00.000Z", "valueSets": map[string]any{}, "countryCode": "", "issuerCountryCode": "", "kid": ""}
	if got := (rules.External{ValidationClock: clock}).Tree(); !reflect.DeepEqual(got, want) {
		t.Errorf("empty: %v\nwant %v", got, want)
	}
}
