package certlogic_test

import (
	"fmt"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/jsonread"
)

// A rule of the EU set: a rapid antigen test is accepted for 48 hours.
func ExampleCompile() {
	logic, _ := jsonread.Read([]byte(`{"if":[{"===":[{"var":"payload.t.0.tt"},"LP217198-3"]},
		{"before":[{"plusTime":[{"var":"external.validationClock"},0,"day"]},{"plusTime":[{"var":"payload.t.0.sc"},48,"hour"]}]},
		true]}`), jsonread.Limits{})
	rule, err := certlogic.Compile(logic, certlogic.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, clock := range []string{"2021-06-02T23:59:59Z", "2021-06-03T00:00:00Z"} {
		data, _ := jsonread.Read([]byte(`{"payload":{"t":[{"tt":"LP217198-3","sc":"2021-06-01T00:00:00Z"}]},
			"external":{"validationClock":"`+clock+`"}}`), jsonread.Limits{})
		fmt.Println(rule.Eval(data))
	}
	// Output:
	// true <nil>
	// false <nil>
}

// Validate lists what the specification refuses.
func ExampleValidate() {
	expr, _ := jsonread.Read([]byte(`{"and":[{"var":"x"}]}`), jsonread.Limits{})
	for _, is := range certlogic.Validate(expr) {
		fmt.Println(is.Path+":", is.Message)
	}
	// Output:
	// and: "and" must have at least 2 operands, not 1
}
