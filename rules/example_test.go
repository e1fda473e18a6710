package rules_test

import (
	"fmt"
	"time"

	"github.com/passcheck/passcheck/internal/jsonread"
	"github.com/passcheck/passcheck/rules"
)

// Choosing the EU rules that apply to a rapid test taken 49 hours ago, and
// evaluating them.
func Example() {
	loaded, err := rules.LoadRules("../testdata/business-rules/EU")
	if err != nil {
		fmt.Println(err)
		return
	}
	vs, err := rules.LoadValueSets("../testdata/business-rules/valuesets/valueSets.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	pass, _ := jsonread.Read([]byte(`{"ver":"1.3.0","dob":"1990-01-01","t":[{"tg":"840539006","tt":"LP217198-3",
		"ma":"1232","sc":"2021-06-28T23:00:00Z","tr":"260415000","tc":"Test centre","co":"AT","is":"AT","ci":"URN:UVCI:01:AT:1#X"}]}`), jsonread.Limits{})
	clock := time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC)
	chosen, err := rules.Select(loaded.Rules, rules.Selection{IssuerCountry: "AT", Kinds: rules.Kinds(pass), Clock: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range rules.Evaluate(chosen, pass, rules.External{ValidationClock: clock, ValueSets: vs, CountryCode: "EU", IssuerCountryCode: "AT"}) {
		if o.Status != rules.Passed {
			fmt.Println(o.Rule.Identifier, o.Status, o.Rule.DescriptionIn("en"))
		}
	}
	// Output:
	// TR-EU-0005 failed DateTime of Sample Collection must be less than 48 hours before the Verification Datetime for a test of type RAT (rapid antigen test).
}
