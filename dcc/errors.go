package dcc

import "fmt"

// Error is a failed check with a stable [Code]. Callers use errors.As and
// switch on Code; the text is for people.
type Error struct {
	Code Code
	Err  error // the cause; may be nil
}

// Error returns the code, its plain message ([Code.Message]) and the cause.
func (e *Error) Error() string {
	msg := e.Code.Message()
	switch {
	case msg == "" && e.Err != nil:
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	case e.Err != nil:
		return fmt.Sprintf("%s: %s (%v)", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}
