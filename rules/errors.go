package rules

// Code is a stable identifier of a problem with rules. Codes are never
// renamed.
type Code string

const (
	// RuleInvalid: a rule does not follow the gateway's schema or
	// constraints, or its Logic is not valid CertLogic. It is left out.
	RuleInvalid Code = "RULE_INVALID"
	// SourceInvalid: a rule or value-set source cannot be read.
	SourceInvalid Code = "RULE_SOURCE_INVALID"
	// RuleFailed: a rule's result was false: the pass is not accepted
	// (dcc.RuleFailed in a Result).
	RuleFailed Code = "RULE_FAILED"
	// RuleOpen: a rule could not be evaluated (engine, engine version,
	// schema version, an evaluation error, or a result that is not a
	// boolean).
	RuleOpen Code = "RULE_OPEN"
	// RulesMissing: the chosen rule country has no acceptance rule in
	// force at the clock.
	RulesMissing Code = "RULES_MISSING"
)

// Error is the one error type of this package.
type Error struct {
	Code Code
	Rule string // the rule's Identifier, when known
	Msg  string
	Err  error // the cause, may be nil
}

// Error returns "rules: CODE: rule: message" (the rule when known).
func (e *Error) Error() string {
	s := "rules: " + string(e.Code)
	if e.Rule != "" {
		s += ": " + e.Rule
	}
	return s + ": " + e.Msg
}

// Unwrap returns the cause, or nil.
func (e *Error) Unwrap() error { return e.Err }
