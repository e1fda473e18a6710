package main

import (
	"fmt"

	"github.com/passcheck/passcheck/rules"
)

func init() {
	register(&command{
		Name:      "rules test",
		UsageLine: "rules test PATH...",
		Short:     "run business-rule tests and CertLogic test suites",
		Long: `
Rules test runs the tests of business rules and CertLogic test suites, for
rule authors. A PATH is:

	a CertLogic test-suite file   {"name", "cases": [...]}: each assertion's
	                              result must deep-equal its "expected"; a
	                              validation case ("issues" instead of
	                              "assertions") passes when the validator
	                              reports an issue exactly when "issues" is
	                              not empty
	a rule folder                 rule.json and tests/*.json, each test
	                              {"name", "payload", "external", "expected"}
	                              evaluated on {"payload", "external"}
	a folder holding either       walked recursively; other JSON files are
	                              ignored

"directive": "skip" on a suite, case, assertion or test skips it; "only"
runs only what is so marked. A rule that is not valid (the gateway's schema,
the CertLogic validator) is a failure.

It prints one line per failure (file, case, expected, got) and, as the last
line, "N passed, M failed, K skipped". The exit code is 1 when anything
failed.

Example:

	passcheck rules test testdata/certlogic/testSuite testdata/business-rules/EU
`,
		Run: runRulesTest,
	})
}

func runRulesTest(e *env, args []string) int {
	fset := newFlagSet(e, commands["rules test"])
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return 2
	}
	rep, err := rules.RunTests(fset.Args())
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	for _, f := range rep.Failures {
		fmt.Fprintln(e.stdout, f.String())
	}
	fmt.Fprintln(e.stdout, rep.Summary())
	if rep.Failed > 0 {
		return 1
	}
	return 0
}
