package certlogic

import (
	"strconv"
	"strings"
)

// Evaluate compiles expr under [DefaultLimits] and evaluates it on data. Use
// [Compile] once and [Expr.Eval] many times to evaluate a rule on many
// passes.
func Evaluate(expr, data any) (any, error) {
	e, err := Compile(expr, DefaultLimits)
	if err != nil {
		return nil, err
	}
	return e.Eval(data)
}

// Eval evaluates e on data, a JSON-shaped tree: map[string]any, []any,
// string, float64 or int64 (numbers are read as JavaScript reads them),
// bool and nil, such as a decoded DCC payload. The result is such a value
// (numbers as float64), or a [DateTime]; a valid expression can still fail
// on data of the wrong type, with an [*Error] of code [CodeType], or go past
// [Limits.MaxSteps] or [Limits.MaxReduce], with code [CodeLimit]. Eval does
// not change data.
func (e *Expr) Eval(data any) (any, error) {
	ev := evaluator{lim: e.lim}
	return ev.eval(e.root, data)
}

type evaluator struct {
	lim   Limits
	steps int
}

// typeErr is a CodeType error at n. Not inlined: it is called in many
// places, and one copy keeps the WebAssembly module small.
//
//go:noinline
func typeErr(n *node, msg string) error { return &Error{Code: CodeType, Path: n.at, Msg: msg} }

// Truthy reports whether v is truthy in CertLogic: true, a non-empty
// string, a non-zero integer, a non-empty array or object.
func Truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	if f, ok := intValue(v); ok {
		return f != 0
	}
	return false
}

// Falsy reports whether v is falsy in CertLogic: false, null, "", 0, [] or
// {}. A value that is neither truthy nor falsy (a fraction, a date-time) is
// an error where an operation needs one of the two.
func Falsy(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	if f, ok := intValue(v); ok {
		return f == 0
	}
	return false
}

func (ev *evaluator) eval(n *node, data any) (any, error) {
	ev.steps++
	if ev.steps > ev.lim.MaxSteps {
		return nil, &Error{Code: CodeLimit, Path: n.at, Msg: "evaluation took more than " + strconv.Itoa(ev.lim.MaxSteps) + " steps"}
	}
	switch n.op {
	case opLit:
		return n.lit, nil
	case opArray:
		out := make([]any, len(n.args))
		for i, a := range n.args {
			v, err := ev.eval(a, data)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case opVar:
		return access(data, n.path), nil
	case opIf:
		g, err := ev.eval(n.args[0], data)
		if err != nil {
			return nil, err
		}
		switch {
		case Truthy(g):
			return ev.eval(n.args[1], data)
		case Falsy(g):
			return ev.eval(n.args[2], data)
		}
		return nil, typeErr(n, "the guard of an if is neither truthy nor falsy")
	case opAnd:
		var v any
		for _, a := range n.args {
			var err error
			if v, err = ev.eval(a, data); err != nil {
				return nil, err
			}
			if Falsy(v) {
				return v, nil
			}
			if !Truthy(v) {
				return nil, typeErr(a, `an operand of "and" is neither truthy nor falsy`)
			}
		}
		return v, nil
	case opNot:
		v, err := ev.eval(n.args[0], data)
		if err != nil {
			return nil, err
		}
		switch {
		case Falsy(v):
			return true, nil
		case Truthy(v):
			return false, nil
		}
		return nil, typeErr(n, `the operand of "!" is neither truthy nor falsy`)
	case opReduce:
		return ev.reduce(n, data)
	case opPlusTime:
		v, err := ev.eval(n.args[0], data)
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(n, `the date operand of "plusTime" is not a string`)
		}
		d, ok := parseDateTime(s)
		if !ok {
			return nil, typeErr(n, `the date operand of "plusTime" is not a date-time in an allowed format: `+quoteShort(s))
		}
		d, ok = plusTime(d, n.amount, n.unit)
		if !ok {
			return nil, typeErr(n, `"plusTime" goes outside the range of date-times`)
		}
		return d, nil
	case opDOB:
		v, err := ev.eval(n.args[0], data)
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(n, `the operand of "dccDateOfBirth" is not a string`)
		}
		d, ok := parseDOB(s)
		if !ok {
			return nil, typeErr(n, `the operand of "dccDateOfBirth" is not a date of birth of the form YYYY, YYYY-MM or YYYY-MM-DD: `+quoteShort(s))
		}
		return d, nil
	case opExtract:
		v, err := ev.eval(n.args[0], data)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, typeErr(n, `the operand of "extractFromUVCI" is neither a string nor null`)
		}
		return extractFromUVCI(s, n.amount), nil
	}
	// The infix operations evaluate all their operands first.
	var buf [3]any
	vals := buf[:len(n.args)]
	for i, a := range n.args {
		v, err := ev.eval(a, data)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	switch n.op {
	case opEq:
		return strictEqual(vals[0], vals[1]), nil
	case opNe:
		return !strictEqual(vals[0], vals[1]), nil
	case opIn:
		list, ok := vals[1].([]any)
		if !ok {
			return nil, typeErr(n, `the right-hand side of "in" is not an array`)
		}
		for _, item := range list {
			if strictEqual(vals[0], item) {
				return true, nil
			}
		}
		return false, nil
	case opPlus:
		l, ok1 := intValue(vals[0])
		r, ok2 := intValue(vals[1])
		if !ok1 || !ok2 {
			return nil, typeErr(n, `the operands of "+" must both be integers`)
		}
		return l + r, nil
	case opLt, opGt, opLe, opGe:
		var f [3]float64
		for i, v := range vals {
			x, ok := intValue(v)
			if !ok {
				return nil, typeErr(n, "all operands of "+strconv.Quote(n.name)+" must be integers")
			}
			f[i] = x
		}
		ok := compare(n.op, f[0], f[1])
		if len(vals) == 3 {
			ok = ok && compare(n.op, f[1], f[2])
		}
		return ok, nil
	case opBefore, opAfter, opNotAfter, opNotBefore:
		var f [3]float64
		for i, v := range vals {
			d, ok := v.(DateTime)
			if !ok {
				return nil, typeErr(n, "all operands of "+strconv.Quote(n.name)+" must be date-times")
			}
			f[i] = float64(d.UnixMilli)
		}
		op := opGe // not-before
		switch n.op {
		case opBefore:
			op = opLt
		case opAfter:
			op = opGt
		case opNotAfter:
			op = opLe
		}
		ok := compare(op, f[0], f[1])
		if len(vals) == 3 {
			ok = ok && compare(op, f[1], f[2])
		}
		return ok, nil
	}
	return nil, typeErr(n, "unhandled operation "+strconv.Quote(n.name))
}

func compare(op opcode, a, b float64) bool {
	switch op {
	case opLt:
		return a < b
	case opGt:
		return a > b
	case opLe:
		return a <= b
	}
	return a >= b
}

func (ev *evaluator) reduce(n *node, data any) (any, error) {
	v, err := ev.eval(n.args[0], data)
	if err != nil {
		return nil, err
	}
	if v == nil {
		// As the reference implementations do: reducing null gives the
		// initial value.
		return ev.eval(n.args[2], data)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, typeErr(n, `the operand of "reduce" is neither an array nor null`)
	}
	if len(list) > ev.lim.MaxReduce {
		return nil, &Error{Code: CodeLimit, Path: n.at, Msg: `"reduce" over ` + strconv.Itoa(len(list)) + " items, more than " + strconv.Itoa(ev.lim.MaxReduce)}
	}
	acc, err := ev.eval(n.args[2], data)
	if err != nil {
		return nil, err
	}
	for _, cur := range list {
		if acc, err = ev.eval(n.args[1], map[string]any{"accumulator": acc, "current": cur}); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// access walks path in data: an object by key, an array by a decimal
// integer fragment; anything else, and anything missing, is null.
func access(data any, path []frag) any {
	v := data
	for _, f := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[f.key]
		case []any:
			if f.index < 0 || f.index >= len(x) {
				return nil
			}
			v = x[f.index]
		default:
			return nil
		}
	}
	if i, ok := v.(int); ok {
		return float64(i)
	}
	if i, ok := v.(int64); ok {
		return float64(i)
	}
	return v
}

// strictEqual is JavaScript's === on the values CertLogic compares
// reliably (specification: "strings and integers"): null, booleans,
// numbers, strings and date-times compare by value; an array or object is
// equal to nothing.
func strictEqual(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case DateTime:
		y, ok := b.(DateTime)
		return ok && x == y
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// extractFromUVCI splits s, less an optional "URN:UVCI:" prefix, on '/',
// '#' and ':' and returns fragment index, or nil when there is none.
func extractFromUVCI(s string, index int64) any {
	s = strings.TrimPrefix(s, "URN:UVCI:")
	if index < 0 {
		return nil
	}
	for i := int64(0); ; i++ {
		end := strings.IndexAny(s, "/#:")
		if i == index {
			if end < 0 {
				return s
			}
			return s[:end]
		}
		if end < 0 {
			return nil
		}
		s = s[end+1:]
	}
}

func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}
