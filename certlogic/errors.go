package certlogic

// Code is a stable identifier of why an expression was refused or could not
// be evaluated. Codes are never renamed; tests and callers switch on them.
type Code string

const (
	// CodeInvalid: the expression does not follow the specification (an
	// unknown operation, a wrong number of operands, a literal of a type
	// CertLogic has no literal for, ...). [Validate] reports these.
	CodeInvalid Code = "CERTLOGIC_INVALID"
	// CodeType: a valid expression met a value it cannot operate on, such
	// as a comparison of a string, or a date that is not in an allowed
	// format. The specification calls this an error of the evaluation.
	CodeType Code = "CERTLOGIC_TYPE"
	// CodeLimit: the expression or its evaluation went past a [Limits]
	// bound.
	CodeLimit Code = "CERTLOGIC_LIMIT"
)

// Error is the one error type of this package.
type Error struct {
	Code Code
	// Path locates the sub-expression in the expression, as operation
	// names and operand indices: "and/1/if/0". Empty for the whole one.
	Path string
	Msg  string
}

// Error returns "certlogic: CODE: message", with the path when there is one.
func (e *Error) Error() string {
	s := "certlogic: " + string(e.Code) + ": " + e.Msg
	if p := e.Path; p != "" {
		if len(p) > 120 {
			p = "..." + p[len(p)-120:]
		}
		s += " (at " + p + ")"
	}
	return s
}
